/* dmaviz: the lesson language's statements (docs/lesson-format.md): one parse function per row
 * of the keyword table (keywords.c). Each reads the tokens after its keyword and adds a typed
 * struct dv_stmt, or reports a file:line:col error; where a statement may stand is checked
 * before it is called (parser.c, dv_statement).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "drivers.h"
#include "dvndis.h"
#include "lang_int.h"
#include "trace.h"
#include "verifier.h"

const char *dv_lcall_name(enum dv_lcall c)
{
	static const char *const names[DV_LCALL_COUNT] = {
		"NdisMRegisterDmaChannel", "NdisMSetupDmaTransfer",     "NdisMCompleteDmaTransfer",
		"NdisMReadDmaCounter",     "NdisMDeregisterDmaChannel", "NdisRawWritePortUchar",
		"NdisRawReadPortUchar",
	};
	return (unsigned)c < DV_LCALL_COUNT ? names[c] : "?";
}

static const char *const arg_names[DV_ARG_COUNT] = {
	"channel", "width",  "demand", "autoinit", "max",   "port",  "buffer",
	"offset",  "length", "write",  "handle",   "value", "param",
};

/* Which arguments each call takes, and which it needs. */
static const uint32_t call_takes[DV_LCALL_COUNT] = {
	[DV_LCALL_REGISTER] = 1u << DV_ARG_CHANNEL | 1u << DV_ARG_WIDTH | 1u << DV_ARG_DEMAND |
	                      1u << DV_ARG_AUTOINIT | 1u << DV_ARG_MAX | 1u << DV_ARG_PORT |
	                      1u << DV_ARG_PARAM,
	[DV_LCALL_SETUP] = 1u << DV_ARG_BUFFER | 1u << DV_ARG_OFFSET | 1u << DV_ARG_LENGTH |
	                   1u << DV_ARG_WRITE | 1u << DV_ARG_HANDLE,
	[DV_LCALL_COMPLETE] = 1u << DV_ARG_BUFFER | 1u << DV_ARG_OFFSET | 1u << DV_ARG_LENGTH |
	                      1u << DV_ARG_WRITE | 1u << DV_ARG_HANDLE,
	[DV_LCALL_READ_COUNTER] = 1u << DV_ARG_HANDLE,
	[DV_LCALL_DEREGISTER] = 1u << DV_ARG_HANDLE,
	[DV_LCALL_RAW_WRITE] = 1u << DV_ARG_PORT | 1u << DV_ARG_VALUE,
	[DV_LCALL_RAW_READ] = 1u << DV_ARG_PORT,
};
static const uint32_t call_needs[DV_LCALL_COUNT] = {
	[DV_LCALL_SETUP] = 1u << DV_ARG_BUFFER | 1u << DV_ARG_WRITE,
	[DV_LCALL_COMPLETE] = 1u << DV_ARG_BUFFER | 1u << DV_ARG_WRITE,
	[DV_LCALL_RAW_WRITE] = 1u << DV_ARG_PORT | 1u << DV_ARG_VALUE,
	[DV_LCALL_RAW_READ] = 1u << DV_ARG_PORT,
};

/* ---- the file's header --------------------------------------------------------------------------- */

bool dv_parse_lesson(struct dv_parser *p, struct dv_tok *kw)
{
	char b[96];
	struct dv_tok *k = dv_next(p);
	bool ok = k->kind == DV_TK_WORD || k->kind == DV_TK_NUM;
	for (size_t i = 0; ok && i < k->len; i++)
		ok = isalnum((unsigned char)k->s[i]) || k->s[i] == '-' || k->s[i] == '_';
	if (!ok || k->len > 64) {
		dv_perr(p, k->col, "letters, digits, - and _", "bad lesson id %s",
		        dv_tok_text(k, b, sizeof b));
		return true;
	}
	if (dv_want_end(p))
		p->L->id = dv_arena_strndup(p->arena, k->s, k->len);
	return true;
}

bool dv_parse_title(struct dv_parser *p, struct dv_tok *kw)
{
	bool title = dv_tok_is(kw, "title");
	const char *s;
	if (!dv_want_string(p, title ? "the title" : "the summary", &s) || !dv_want_end(p))
		return true;
	if (title)
		p->L->title = s;
	else
		p->L->summary = s;
	return true;
}

bool dv_parse_level(struct dv_parser *p, struct dv_tok *kw)
{
	uint32_t v;
	if (dv_want_num(p, "the level", 1, 3, &v) && dv_want_end(p))
		p->L->level = v;
	return true;
}

/* One KEY=VALUE after the machine line's `config`: a keyword of the driver's configuration and
 * its integer (REG_DWORD) value. */
static bool parse_config_param(struct dv_parser *p)
{
	struct dv_lesson *L = p->L;
	struct dv_tok *key;
	struct dv_tok *val = dv_want_kv(p, &key);
	uint32_t v;
	if (!val || !dv_kv_num(p, val, "a configuration value", 0, 0xFFFFFFFFu, &v))
		return false;
	if (key->len > DV_LESSON_KEYWORD_MAX) {
		dv_perr(p, key->col, NULL, "a configuration keyword has at most %u characters",
		        DV_LESSON_KEYWORD_MAX);
		return false;
	}
	for (uint32_t i = 0; i < L->nconfig; i++) {
		if (strlen(L->config[i].keyword) == key->len &&
		    !strncmp(L->config[i].keyword, key->s, key->len)) {
			dv_perr(p, key->col, NULL, "'%.*s' is already set on this line",
			        (int)key->len, key->s);
			return false;
		}
	}
	if (L->nconfig == DV_LESSON_CONFIG_MAX) {
		dv_perr(p, key->col, NULL, "at most %u configuration keywords",
		        DV_LESSON_CONFIG_MAX);
		return false;
	}
	const char *k = dv_arena_strndup(p->arena, key->s, key->len);
	if (!k)
		return false;
	L->config[L->nconfig].keyword = k;
	L->config[L->nconfig++].value = v;
	return true;
}

bool dv_parse_machine(struct dv_parser *p, struct dv_tok *kw)
{
	(void)kw;
	struct dv_config *m = &p->L->machine;
	bool width_given = false;
	uint32_t width = 0, v;
	struct dv_tok *wtok = NULL;
	static const char *const keys[] = { "channel",  "width", "irq",  "nic",   "memory",
		                            "coherent", "wire",  "seed", "budget" };
	bool config = false; /* after the word `config`: the driver's parameters */
	while (!dv_at_end(p)) {
		struct dv_tok *key;
		if (!config && dv_tok_is(dv_peek(p), "config")) {
			dv_next(p);
			config = true;
			continue;
		}
		if (config) {
			if (!parse_config_param(p))
				return true;
			continue;
		}
		struct dv_tok *val = dv_want_kv(p, &key);
		if (!val)
			return true;
		if (dv_tok_is(key, "channel")) {
			if (!dv_kv_num(p, val, "channel", 0, 7, &v))
				return true;
			if (v == 4) {
				dv_perr(p, val->col, "channels 0-3 move bytes, 5-7 move words",
				        "channel 4 is the cascade between the two 8237A chips; a card cannot use it");
				return true;
			}
			m->nic_channel = (uint8_t)v;
		} else if (dv_tok_is(key, "width")) {
			if (!dv_kv_num(p, val, "width", 8, 16, &width))
				return true;
			if (width != 8 && width != 16) {
				dv_perr(p, val->col, NULL, "width must be 8 or 16");
				return true;
			}
			width_given = true;
			wtok = val;
		} else if (dv_tok_is(key, "irq")) {
			if (!dv_kv_num(p, val, "irq", 2, 15, &v))
				return true;
			m->nic_irq = (uint8_t)v;
		} else if (dv_tok_is(key, "nic")) {
			if (!dv_kv_num(p, val, "nic", 0x100, 0x3F0, &v))
				return true;
			if (v % 16) {
				dv_perr(p, val->col, NULL,
				        "the NIC's base must be a multiple of 0x10");
				return true;
			}
			m->nic_base = (uint16_t)v;
		} else if (dv_tok_is(key, "memory")) {
			if (!dv_kv_num(p, val, "memory", 1u << 20, DV_MEM_MAX, &v))
				return true;
			if (v % 0x10000) {
				dv_perr(p, val->col, NULL, "memory must be a multiple of 64K");
				return true;
			}
			m->mem_size = v;
		} else if (dv_tok_is(key, "coherent")) {
			if (!dv_want_bool(p, val, "coherent", &v))
				return true;
			m->coherent = v != 0;
		} else if (dv_tok_is(key, "wire")) {
			if (!dv_kv_num(p, val, "wire", 1, 255, &v))
				return true;
			m->wire_rate = (uint8_t)v;
		} else if (dv_tok_is(key, "seed")) {
			if (!dv_kv_num(p, val, "seed", 0, 0xFFFFFFFFu, &v))
				return true;
			m->seed = v;
		} else if (dv_tok_is(key, "budget")) {
			/* A long run (thousands of frames) needs more than the default's cycles. */
			if (!dv_kv_num(p, val, "budget", 1000, DV_SCRIPT_MAX_BUDGET, &v))
				return true;
			p->L->budget = v;
		} else {
			dv_unknown_word(p, key, "machine setting", keys,
			                sizeof keys / sizeof keys[0]);
			return true;
		}
	}
	if (width_given && (width == 16) != (m->nic_channel >= 4))
		dv_perr(p, wtok->col, "channels 0-3 are 8-bit, 5-7 are 16-bit",
		        "width=%u does not match channel %u", (unsigned)width,
		        (unsigned)m->nic_channel);
	return true;
}

/* The row of the built-in driver table (drivers.h) whose name is the word w, or NULL. */
static const struct dv_builtin_driver *builtin_named(const struct dv_tok *w)
{
	size_t n;
	const struct dv_builtin_driver *t = dv_builtin_drivers(&n);
	for (size_t i = 0; i < n; i++)
		if (dv_tok_is(w, t[i].name))
			return &t[i];
	return NULL;
}

/* "reference, irsim, none or file": the words `driver` takes, for a message. */
static void driver_words(char *buf, size_t size)
{
	size_t n, at = 0;
	const struct dv_builtin_driver *t = dv_builtin_drivers(&n);
	buf[0] = '\0';
	for (size_t i = 0; i < n && at < size; i++)
		at += (size_t)snprintf(buf + at, size - at, "%s, ", t[i].name);
	if (at < size)
		snprintf(buf + at, size - at, "none or file");
}

bool dv_parse_driver_setting(struct dv_parser *p, struct dv_tok *kw)
{
	char b[96], words[160];
	/* `driver init|send|halt` are actions: the row before this one. */
	struct dv_tok *w = dv_next(p);
	const struct dv_builtin_driver *row = builtin_named(w);
	if (row) {
		p->L->driver = DV_DRIVER_BUILTIN;
		p->L->driver_name = row->name;
	} else if (dv_tok_is(w, "none"))
		p->L->driver = DV_DRIVER_NONE;
	else if (dv_tok_is(w, "file"))
		p->L->driver = DV_DRIVER_FILE;
	else {
		driver_words(words, sizeof words);
		dv_perr(p, w->col, NULL, "expected %s after 'driver', got %s", words,
		        dv_tok_text(w, b, sizeof b));
		return true;
	}
	p->L->driver_line = p->line;
	if (p->L->driver == DV_DRIVER_BUILTIN && !dv_at_end(p)) {
		struct dv_tok *key;
		struct dv_tok *val = dv_want_kv(p, &key);
		if (!val)
			return true;
		if (!dv_tok_is(key, "copy")) {
			static const char *const keys[] = { "copy" };
			dv_unknown_word(p, key, "driver setting", keys, 1);
			return true;
		}
		if (!dv_kv_num(p, val, "copy", 0, 0xFFFFFFFFu, &p->L->copy_threshold))
			return true;
		p->L->has_copy_threshold = true;
	}
	dv_want_end(p);
	return true;
}

bool dv_parse_allow(struct dv_parser *p, struct dv_tok *kw)
{
	(void)kw;
	if (dv_at_end(p)) {
		dv_perr(p, dv_peek(p)->col, "e.g. allow dma-busy", "expected a verifier rule name");
		return true;
	}
	while (!dv_at_end(p)) {
		struct dv_tok *k = dv_next(p);
		char w[64];
		enum dv_rule r = DV_RULE_COUNT;
		if (k->kind == DV_TK_WORD && k->len < sizeof w) {
			memcpy(w, k->s, k->len);
			w[k->len] = 0;
			r = dv_rule_find(w);
		}
		if (r == DV_RULE_COUNT) {
			const char *cands[DV_RULE_COUNT];
			for (unsigned i = 0; i < DV_RULE_COUNT; i++)
				cands[i] = dv_rule_name((enum dv_rule)i);
			dv_unknown_word(p, k, "verifier rule", cands, DV_RULE_COUNT);
			return true;
		}
		p->L->allowed[r] = true;
	}
	return true;
}

bool dv_parse_compare_to(struct dv_parser *p, struct dv_tok *kw)
{
	struct dv_tok *k = dv_next(p);
	if (k->kind == DV_TK_STR)
		p->L->compare_to = k->str;
	else if (k->kind == DV_TK_WORD || k->kind == DV_TK_NUM || k->kind == DV_TK_OP)
		p->L->compare_to = dv_arena_strndup(p->arena, k->s, k->len);
	else {
		dv_perr(p, k->col, NULL, "expected a file name after 'compare-to'");
		return true;
	}
	/* The compare file's lines appear in failure messages: a lesson names its own
	 * file, in its folder, never any file the reader can read (/etc/passwd). */
	if (p->L->compare_to[0] == '/' || dv_path_has_dotdot(p->L->compare_to)) {
		dv_perr(p, k->col, "name a file in the lesson's folder, relative to it",
		        "the compare file '%.200s' is outside the lesson's folder (%s)",
		        p->L->compare_to,
		        p->L->compare_to[0] == '/' ? "an absolute path" : "'..' leaves it");
		return true;
	}
	p->L->compare_line = p->line;
	dv_want_end(p);
	return true;
}

/* ---- steps and narration ------------------------------------------------------------------------- */

bool dv_parse_step(struct dv_parser *p, struct dv_tok *kw)
{
	const char *title;
	if (!dv_want_string(p, "the step's title", &title))
		return true;
	const char *id = NULL;
	if (!dv_at_end(p)) {
		struct dv_tok *key;
		struct dv_tok *val = dv_want_kv(p, &key);
		if (!val)
			return true;
		if (!dv_tok_is(key, "id") || val->kind == DV_TK_STR) {
			dv_perr(p, key->col, NULL, "a step takes only id=NAME after its title");
			return true;
		}
		id = dv_arena_strndup(p->arena, val->s, val->len);
		if (!dv_want_end(p))
			return true;
	}
	p->seen_step = true;
	struct dv_step *s = dv_open_step(p, title, p->line);
	if (s)
		s->id = id;
	return true;
}

/* say TEXT: the rest of the line (p->rest) joins the step's current paragraph; an empty say
 * ends it. */
bool dv_parse_say(struct dv_parser *p, struct dv_tok *kw)
{
	(void)kw;
	dv_close_ask(p);
	if (p->cur_step < 0 && !dv_open_step(p, "", p->line))
		return true;
	const char *s = p->rest;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n == 0) {
		dv_close_para(p);
		return true;
	}
	size_t need = p->para_len + n + 2;
	char *np = realloc(p->para, need);
	if (!np)
		return true;
	if (!p->para)
		p->para_first = p->line;
	p->para_end = p->line;
	if (p->para_len)
		np[p->para_len++] = ' ';
	memcpy(np + p->para_len, s, n);
	p->para_len += n;
	np[p->para_len] = 0;
	p->para = np;
	return true;
}

bool dv_parse_solution(struct dv_parser *p, struct dv_tok *kw)
{
	if (p->command_mode || p->cur_step < 0 || !p->seen_step) {
		dv_perr(p, kw->col, NULL, "'solution' belongs inside a step");
		return true;
	}
	if (dv_want_end(p))
		p->in_solution = true;
	return true;
}

/* do ACTION: only an ACTION row may follow. */
bool dv_parse_do(struct dv_parser *p, struct dv_tok *kw)
{
	char b[96];
	struct dv_tok *a = dv_next(p);
	(void)kw;
	for (const struct dv_keyword *k =
	             a->kind == DV_TK_WORD ? dv_keyword_find(a->s, a->len, NULL) : NULL;
	     k; k = dv_keyword_find(a->s, a->len, k)) {
		if (k->where != DV_KW_ACTION)
			continue;
		p->kw = k;
		if (k->parse(p, a))
			return true;
	}
	dv_perr(p, a->col, NULL, "expected an action after 'do', got %s",
	        dv_tok_text(a, b, sizeof b));
	return true;
}

/* ---- actions ------------------------------------------------------------------------------------- */

bool dv_parse_out(struct dv_parser *p, struct dv_tok *kw)
{
	uint32_t v1, v2;
	struct dv_stmt *s;
	if (!dv_want_num(p, "a port", 0, 0xFFFF, &v1) || !dv_want_num(p, "a byte", 0, 255, &v2) ||
	    !dv_want_end(p))
		return true;
	if ((s = dv_add_stmt(p, DV_ST_OUT, kw->col))) {
		s->io.port = (uint16_t)v1;
		s->io.value = (uint8_t)v2;
	}
	return true;
}

bool dv_parse_in(struct dv_parser *p, struct dv_tok *kw)
{
	uint32_t v1;
	struct dv_stmt *s;
	if (!dv_want_num(p, "a port", 0, 0xFFFF, &v1) || !dv_want_end(p))
		return true;
	if ((s = dv_add_stmt(p, DV_ST_IN, kw->col)))
		s->io.port = (uint16_t)v1;
	return true;
}

bool dv_parse_poke(struct dv_parser *p, struct dv_tok *kw)
{
	uint32_t v1, v2;
	struct dv_stmt *s;
	struct dv_tok *at = dv_peek(p);
	uint8_t bytes[256];
	uint32_t n = 0;
	if (!dv_want_num(p, "an address", 0, 0xFFFFFFFFu, &v1))
		return true;
	if (dv_at_end(p)) {
		dv_perr(p, dv_peek(p)->col, NULL, "expected at least one byte after the address");
		return true;
	}
	while (!dv_at_end(p)) {
		if (n >= sizeof bytes) {
			dv_perr(p, dv_peek(p)->col, NULL, "at most 256 bytes per line");
			return true;
		}
		if (!dv_want_num(p, "a byte", 0, 255, &v2))
			return true;
		bytes[n++] = (uint8_t)v2;
	}
	dv_check_addr(p, at, v1, n);
	if (p->errors)
		return true;
	if ((s = dv_add_stmt(p, dv_tok_is(kw, "poke") ? DV_ST_POKE : DV_ST_WRITE, kw->col))) {
		s->mem.addr = v1;
		s->mem.data = dv_arena_alloc(p->arena, n);
		if (s->mem.data)
			memcpy(s->mem.data, bytes, n);
		s->mem.n = s->mem.data ? n : 0;
	}
	return true;
}

bool dv_parse_fill(struct dv_parser *p, struct dv_tok *kw)
{
	char b[96];
	uint32_t v1, v2;
	struct dv_stmt *s;
	struct dv_tok *at = dv_peek(p);
	uint32_t pat = DV_FILL_BYTE, arg = 0;
	if (!dv_want_num(p, "an address", 0, 0xFFFFFFFFu, &v1) ||
	    !dv_want_num(p, "a length", 1, 1u << 20, &v2))
		return true;
	struct dv_tok *k = dv_next(p);
	if (k->kind == DV_TK_NUM) {
		if (!k->num_ok || k->num > 255) {
			dv_perr(p, k->col, NULL, "the fill byte must be 0-255, got %s",
			        dv_tok_text(k, b, sizeof b));
			return true;
		}
		arg = k->num;
	} else if (dv_tok_is(k, "ramp")) {
		pat = DV_FILL_RAMP;
	} else if (dv_tok_is(k, "random")) {
		pat = DV_FILL_RANDOM;
	} else if (dv_tok_is(k, "packet") && dv_peek(p)->kind == DV_TK_EQ) {
		dv_next(p);
		struct dv_tok *v = dv_next(p);
		if (!dv_kv_num(p, v, "packet", 0, 0xFFFFFFFFu, &arg))
			return true;
		pat = DV_FILL_PACKET;
	} else {
		dv_perr(p, k->col, "a byte, ramp, random or packet=N",
		        "expected a fill pattern, got %s", dv_tok_text(k, b, sizeof b));
		return true;
	}
	if (!dv_want_end(p))
		return true;
	dv_check_addr(p, at, v1, v2);
	if (p->errors)
		return true;
	if ((s = dv_add_stmt(p, DV_ST_FILL, kw->col))) {
		s->fill.addr = v1;
		s->fill.len = v2;
		s->fill.pattern = (enum dv_fill_pattern)pat;
		s->fill.arg = arg;
	}
	return true;
}

bool dv_parse_read(struct dv_parser *p, struct dv_tok *kw)
{
	uint32_t v1, v2;
	struct dv_stmt *s;
	struct dv_tok *at = dv_peek(p);
	if (!dv_want_num(p, "an address", 0, 0xFFFFFFFFu, &v1) ||
	    !dv_want_num(p, "a length", 1, 256, &v2) || !dv_want_end(p))
		return true;
	dv_check_addr(p, at, v1, v2);
	if (!p->errors && (s = dv_add_stmt(p, DV_ST_READ, kw->col))) {
		s->read.addr = v1;
		s->read.len = v2;
	}
	return true;
}

bool dv_parse_tick(struct dv_parser *p, struct dv_tok *kw)
{
	uint32_t v1;
	struct dv_stmt *s;
	v1 = 1;
	if (!dv_at_end(p) && !dv_want_num(p, "a number of cycles", 1, DV_SCRIPT_MAX_TICK, &v1))
		return true;
	if (dv_want_end(p) && (s = dv_add_stmt(p, DV_ST_TICK, kw->col)))
		s->cycles = v1;
	return true;
}

bool dv_parse_run(struct dv_parser *p, struct dv_tok *kw)
{
	char b[96];
	uint32_t v1;
	struct dv_stmt *s;
	struct dv_tok *k = dv_peek(p);
	if (dv_tok_is(k, "until") || dv_tok_is(k, "quiet")) {
		bool until = dv_tok_is(k, "until");
		struct dv_cond c = { 0 };
		dv_next(p);
		if (until && !dv_parse_cond(p, &c, true, true))
			return true;
		v1 = DV_SCRIPT_DEFAULT_RUN_MAX;
		if (dv_tok_is(dv_peek(p), "max")) {
			dv_next(p);
			if (!dv_want_num(p, "the most cycles to run", 1, DV_SCRIPT_MAX_TICK, &v1))
				return true;
		}
		if (!dv_want_end(p))
			return true;
		if ((s = dv_add_stmt(p, until ? DV_ST_RUN_UNTIL : DV_ST_RUN_QUIET, kw->col))) {
			s->run.cond = c;
			s->run.max = v1;
		}
	} else if (k->kind == DV_TK_NUM) {
		if (!dv_want_num(p, "a number of cycles", 1, DV_SCRIPT_MAX_TICK, &v1))
			return true;
		if (dv_tok_is(dv_peek(p), "cycles"))
			dv_next(p);
		if (dv_want_end(p) && (s = dv_add_stmt(p, DV_ST_TICK, kw->col)))
			s->cycles = v1;
	} else {
		dv_perr(p, k->col, "run N cycles, run until CONDITION, or run quiet",
		        "expected a number, 'until' or 'quiet' after 'run', got %s",
		        dv_tok_text(k, b, sizeof b));
	}
	return true;
}

bool dv_parse_dreq(struct dv_parser *p, struct dv_tok *kw)
{
	uint32_t v1, v2;
	struct dv_stmt *s;
	struct dv_tok *ct = dv_peek(p);
	if (!dv_want_num(p, "a channel", 0, 7, &v1))
		return true;
	if (v1 == 4) {
		dv_perr(p, ct->col, NULL,
		        "channel 4 is the cascade: its DREQ is DMA1's hold request");
		return true;
	}
	if (v1 == p->L->machine.nic_channel) {
		dv_perr(p, ct->col, "use a channel without a device, or let the NIC drive it",
		        "channel %u belongs to the NIC, which drives its DREQ line itself",
		        (unsigned)v1);
		return true;
	}
	struct dv_tok *o = dv_next(p);
	if (!dv_want_bool(p, o, "dreq", &v2) || !dv_want_end(p))
		return true;
	if ((s = dv_add_stmt(p, DV_ST_DREQ, kw->col))) {
		s->dreq.channel = (uint8_t)v1;
		s->dreq.on = v2 != 0;
	}
	return true;
}

bool dv_parse_irql(struct dv_parser *p, struct dv_tok *kw)
{
	char b[96];
	struct dv_stmt *s;
	struct dv_tok *o = dv_next(p);
	uint32_t lvl;
	if (dv_tok_is(o, "passive"))
		lvl = 0;
	else if (dv_tok_is(o, "dispatch"))
		lvl = 2;
	else if (dv_tok_is(o, "dirql"))
		lvl = 3;
	else {
		dv_perr(p, o->col, NULL, "expected passive, dispatch or dirql, got %s",
		        dv_tok_text(o, b, sizeof b));
		return true;
	}
	if (dv_want_end(p) && (s = dv_add_stmt(p, DV_ST_IRQL, kw->col)))
		s->irql = (uint8_t)lvl;
	return true;
}

bool dv_parse_buffer(struct dv_parser *p, struct dv_tok *kw)
{
	struct dv_lesson *L = p->L;
	char b[96];
	if (p->command_mode) {
		dv_perr(p, kw->col, NULL, "buffers are declared in the lesson file");
		return true;
	}
	struct dv_tok *name = dv_next(p);
	if (name->kind != DV_TK_WORD || memchr(name->s, '.', name->len) ||
	    memchr(name->s, '[', name->len)) {
		dv_perr(p, name->col, "e.g. buffer tx at 0x100000 len 1514",
		        "expected a buffer name, got %s", dv_tok_text(name, b, sizeof b));
		return true;
	}
	for (unsigned i = 0; i < L->nbuffers; i++) {
		if (strlen(L->buffers[i].name) == name->len &&
		    !strncmp(L->buffers[i].name, name->s, name->len)) {
			dv_perr(p, name->col, NULL, "buffer '%.*s' is already defined (line %u)",
			        (int)name->len, name->s, (unsigned)L->buffers[i].line);
			return true;
		}
	}
	struct dv_buffer_decl d = { 0 };
	d.line = p->line;
	struct dv_tok *how = dv_next(p);
	struct dv_tok *addr_tok = how;
	if (dv_tok_is(how, "at")) {
		addr_tok = dv_peek(p);
		if (!dv_want_num(p, "an address", 0, 0xFFFFFFFFu, &d.phys))
			return true;
		if (d.phys == 0) {
			dv_perr(p, addr_tok->col,
			        "page 0 holds the real-mode interrupt table; choose another address",
			        "a buffer cannot start at physical address 0");
			return true;
		}
	} else if (!dv_tok_is(how, "alloc")) {
		dv_perr(p, how->col, "write 'at ADDR' or 'alloc'",
		        "expected 'at' or 'alloc', got %s", dv_tok_text(how, b, sizeof b));
		return true;
	}
	struct dv_tok *lenw = dv_next(p);
	if (!dv_tok_is(lenw, "len")) {
		dv_perr(p, lenw->col, NULL, "expected 'len N', got %s",
		        dv_tok_text(lenw, b, sizeof b));
		return true;
	}
	if (!dv_want_num(p, "the length", 1, 160u * 1024u, &d.len))
		return true;
	if (dv_tok_is(dv_peek(p), "scattered")) {
		struct dv_tok *sc = dv_next(p);
		if (!d.phys) {
			dv_perr(p, sc->col, "give the address with 'at ADDR'",
			        "a scattered buffer needs 'at ADDR'");
			return true;
		}
		d.scattered = true;
	}
	if (!dv_want_end(p))
		return true;
	uint32_t pages = (d.phys % DV_PAGE_SIZE + d.len + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE;
	if (pages > DV_MDL_MAX_PAGES) {
		dv_perr(p, lenw->col, NULL,
		        "the buffer spans %u pages; an NDIS_BUFFER here has at most %u",
		        (unsigned)pages, DV_MDL_MAX_PAGES);
		return true;
	}
	if (d.phys) {
		uint32_t span =
		        (pages * (d.scattered ? 2u : 1u) - (d.scattered ? 1u : 0u)) * DV_PAGE_SIZE;
		dv_check_addr(p, addr_tok, d.phys - d.phys % DV_PAGE_SIZE, span);
	}
	if (p->errors)
		return true;
	if (L->nbuffers == p->cap_bufs) {
		size_t cap = p->cap_bufs ? 2 * p->cap_bufs : 8;
		struct dv_buffer_decl *n = realloc(L->buffers, cap * sizeof *n);
		if (!n)
			return true;
		L->buffers = n;
		p->cap_bufs = cap;
	}
	d.name = dv_arena_strndup(p->arena, name->s, name->len);
	struct dv_stmt *s = dv_add_stmt(p, DV_ST_BUFFER, kw->col);
	if (!s)
		return true;
	s->buffer = L->nbuffers;
	L->buffers[L->nbuffers++] = d;
	return true;
}

/* The value of call argument a (of call c) in token val; false after an error. */
static bool call_arg(struct dv_parser *p, enum dv_lcall c, int a, struct dv_tok *val, uint32_t *out)
{
	uint32_t v = 0;
	bool ok = true;
	switch (a) {
	case DV_ARG_CHANNEL: ok = dv_kv_num(p, val, "channel", 0, 255, &v); break;
	case DV_ARG_PARAM: ok = dv_kv_num(p, val, "param", 0, 0xFFFFFFFFu, &v); break;
	case DV_ARG_WIDTH:
		ok = dv_kv_num(p, val, "width", 8, 16, &v);
		if (ok && v != 8 && v != 16) {
			dv_perr(p, val->col, NULL, "width must be 8 or 16");
			ok = false;
		}
		break;
	case DV_ARG_DEMAND:
	case DV_ARG_AUTOINIT:
	case DV_ARG_WRITE: ok = dv_want_bool(p, val, arg_names[a], &v); break;
	case DV_ARG_MAX: ok = dv_kv_num(p, val, "max", 0, 0xFFFFFFFFu, &v); break;
	case DV_ARG_PORT:
		ok = dv_kv_num(p, val, "port", 0, c == DV_LCALL_REGISTER ? 0xFFFFFFFFu : 0xFFFF,
		               &v);
		break;
	case DV_ARG_VALUE: ok = dv_kv_num(p, val, "value", 0, 255, &v); break;
	case DV_ARG_OFFSET:
	case DV_ARG_LENGTH: ok = dv_kv_num(p, val, arg_names[a], 0, 0xFFFFFFFFu, &v); break;
	case DV_ARG_HANDLE:
		if (!dv_tok_is(val, "bad")) {
			dv_perr(p, val->col, "the lesson's own handle is used by default",
			        "handle= can only be 'bad' (a handle NDIS never returned)");
			ok = false;
		}
		v = 1;
		break;
	case DV_ARG_BUFFER: {
		ok = false;
		for (unsigned i = 0; i < p->L->nbuffers; i++) {
			const char *bn = p->L->buffers[i].name;
			if (val->kind == DV_TK_WORD && strlen(bn) == val->len &&
			    !strncmp(bn, val->s, val->len)) {
				v = i;
				ok = true;
			}
		}
		if (!ok) {
			struct dv_suggest s;
			char hint[160];
			dv_suggest_init(&s, val->s, val->len);
			for (unsigned i = 0; i < p->L->nbuffers; i++)
				dv_suggest_try(&s, p->L->buffers[i].name);
			const char *h = dv_suggest_hint(&s, hint, sizeof hint);
			dv_perr(p, val->col, h ? h : "declare it first: buffer NAME at ADDR len N",
			        "unknown buffer '%.*s'", (int)val->len, val->s);
		}
		break;
	}
	default: break;
	}
	*out = v;
	return ok;
}

bool dv_parse_call(struct dv_parser *p, struct dv_tok *kw)
{
	char b[96];
	struct dv_tok *name = dv_next(p);
	enum dv_lcall c = DV_LCALL_COUNT;
	const char *cands[DV_LCALL_COUNT];
	for (unsigned i = 0; i < DV_LCALL_COUNT; i++) {
		cands[i] = dv_lcall_name((enum dv_lcall)i);
		if (name->kind == DV_TK_WORD && strlen(cands[i]) == name->len &&
		    !strncmp(cands[i], name->s, name->len))
			c = (enum dv_lcall)i;
	}
	if (c == DV_LCALL_COUNT) {
		if (name->kind != DV_TK_WORD)
			dv_perr(p, name->col, NULL, "expected an NDIS call after 'call', got %s",
			        dv_tok_text(name, b, sizeof b));
		else
			dv_unknown_word(p, name, "call", cands, DV_LCALL_COUNT);
		return true;
	}
	uint32_t args[DV_ARG_COUNT] = { 0 }, given = 0;
	while (!dv_at_end(p)) {
		struct dv_tok *key;
		struct dv_tok *val = dv_want_kv(p, &key);
		if (!val)
			return true;
		int a = -1;
		for (int i = 0; i < DV_ARG_COUNT; i++)
			if (dv_tok_is(key, arg_names[i]))
				a = i;
		if (a < 0 || !(call_takes[c] & (1u << a))) {
			const char *ok[DV_ARG_COUNT];
			size_t nok = 0;
			for (int i = 0; i < DV_ARG_COUNT; i++)
				if (call_takes[c] & (1u << i))
					ok[nok++] = arg_names[i];
			if (nok == 0) {
				dv_perr(p, key->col, NULL, "%s takes no arguments", cands[c]);
				return true;
			}
			struct dv_suggest s;
			char hint[160];
			dv_suggest_init(&s, key->s, key->len);
			for (size_t i = 0; i < nok; i++)
				dv_suggest_try(&s, ok[i]);
			dv_perr(p, key->col, dv_suggest_hint(&s, hint, sizeof hint),
			        "%s has no argument '%.*s'", cands[c], (int)key->len, key->s);
			return true;
		}
		if (given & (1u << a)) {
			dv_perr(p, key->col, NULL, "'%s' given twice", arg_names[a]);
			return true;
		}
		given |= 1u << a;
		uint32_t v = 0;
		if (!call_arg(p, c, a, val, &v))
			return true;
		args[a] = v;
	}
	uint32_t missing = call_needs[c] & ~given;
	if (missing) {
		for (int i = 0; i < DV_ARG_COUNT; i++) {
			if (missing & (1u << i)) {
				const char *hint =
				        i == DV_ARG_WRITE ?
				                "write=yes for a send (memory to device), write=no for a receive" :
				                NULL;
				dv_perr(p, kw->col, hint, "%s needs %s=", cands[c], arg_names[i]);
				return true;
			}
		}
	}
	if ((c == DV_LCALL_SETUP || c == DV_LCALL_COMPLETE) && (given & (1u << DV_ARG_BUFFER))) {
		uint32_t blen = p->L->buffers[args[DV_ARG_BUFFER]].len;
		if (!(given & (1u << DV_ARG_LENGTH)))
			args[DV_ARG_LENGTH] =
			        args[DV_ARG_OFFSET] < blen ? blen - args[DV_ARG_OFFSET] : 0;
	}
	struct dv_stmt *s = dv_add_stmt(p, DV_ST_CALL, kw->col);
	if (!s)
		return true;
	s->call.call = c;
	memcpy(s->call.args, args, sizeof args);
	s->call.given = given;
	return true;
}

/* `driver query OID [bytes=N]`, `driver set OID VALUE`: OID by its ndis.h name or number. */
static void driver_request(struct dv_parser *p, struct dv_tok *kw, struct dv_tok *what)
{
	bool query = dv_tok_is(what, "query");
	uint32_t oid = 0, value = query ? 4 : 0;
	struct dv_tok *k = dv_peek(p);
	if (k->kind == DV_TK_WORD) {
		oid = dv_oid_find(k->s, k->len);
		if (!oid) {
			dv_perr(p, k->col,
			        "e.g. OID_GEN_LINK_SPEED (the OIDs of ndis.h), or a number",
			        "unknown OID '%.*s'", (int)k->len, k->s);
			return;
		}
		dv_next(p);
	} else if (!dv_want_num(p, "the OID", 1, 0xFFFFFFFFu, &oid))
		return;
	if (query && !dv_at_end(p)) {
		struct dv_tok *key;
		struct dv_tok *val = dv_want_kv(p, &key);
		if (!val)
			return;
		if (!dv_tok_is(key, "bytes")) {
			static const char *const keys[] = { "bytes" };
			dv_unknown_word(p, key, "query option", keys, 1);
			return;
		}
		if (!dv_kv_num(p, val, "bytes", 0, DV_REQ_MAX_BYTES, &value))
			return;
	} else if (!query && !dv_want_num(p, "the value to set", 0, 0xFFFFFFFFu, &value))
		return;
	if (!dv_want_end(p))
		return;
	struct dv_stmt *s = dv_add_stmt(p, query ? DV_ST_DRIVER_QUERY : DV_ST_DRIVER_SET, kw->col);
	if (s) {
		s->request.oid = oid;
		s->request.value = value;
	}
}

static void driver_action(struct dv_parser *p, struct dv_tok *kw, struct dv_tok *what)
{
	char b[96];
	if (p->L->driver == DV_DRIVER_NONE) {
		dv_perr(p, what->col, "add 'driver reference' at the top of the file",
		        "'driver %.*s' needs a driver, but this lesson has 'driver none' (it plays the miniport itself)",
		        (int)what->len, what->s);
		return;
	}
	if (dv_tok_is(what, "init") || dv_tok_is(what, "halt")) {
		if (dv_want_end(p))
			dv_add_stmt(p,
			            dv_tok_is(what, "init") ? DV_ST_DRIVER_INIT : DV_ST_DRIVER_HALT,
			            kw->col);
		return;
	}
	if (dv_tok_is(what, "query") || dv_tok_is(what, "set")) {
		driver_request(p, kw, what);
		return;
	}
	/* send N [buffers=K] [at=ADDR] [above16m] [cross64k] [scattered] [count=K]
	 * [turnaround=US] */
	uint32_t len, nbuf = 1, at = 0, flags = 0, count = 1, turnaround = 0;
	if (!dv_want_num(p, "the packet length", 14, 1536, &len))
		return;
	while (!dv_at_end(p)) {
		struct dv_tok *k = dv_peek(p);
		if (dv_tok_is(k, "above16m")) {
			flags |= DV_SEND_ABOVE16M;
			dv_next(p);
		} else if (dv_tok_is(k, "cross64k")) {
			flags |= DV_SEND_CROSS64K;
			dv_next(p);
		} else if (dv_tok_is(k, "scattered")) {
			flags |= DV_SEND_SCATTERED;
			dv_next(p);
		} else if (k->kind == DV_TK_WORD && p->tok[p->pos + 1].kind == DV_TK_EQ) {
			struct dv_tok *key;
			struct dv_tok *val = dv_want_kv(p, &key);
			if (!val)
				return;
			if (dv_tok_is(key, "buffers")) {
				if (!dv_kv_num(p, val, "buffers", 1, 8, &nbuf))
					return;
			} else if (dv_tok_is(key, "at")) {
				if (!dv_kv_num(p, val, "at", 1, 0xFFFFFFFFu, &at))
					return;
				flags |= DV_SEND_AT;
			} else if (dv_tok_is(key, "count")) {
				if (!dv_kv_num(p, val, "count", 1, DV_SCRIPT_MAX_FRAMES, &count))
					return;
			} else if (dv_tok_is(key, "turnaround")) {
				/* IrDA's minimum turnaround times go up to 10 ms */
				if (!dv_kv_num(p, val, "turnaround", 0, 100000, &turnaround))
					return;
				flags |= DV_SEND_TURNAROUND;
			} else {
				static const char *const keys[] = { "buffers", "at", "count",
					                            "turnaround" };
				dv_unknown_word(p, key, "send option", keys, 4);
				return;
			}
		} else {
			static const char *const opts[] = { "buffers=",   "at=",       "above16m",
				                            "cross64k",   "scattered", "count=",
				                            "turnaround=" };
			if (k->kind == DV_TK_WORD)
				dv_unknown_word(p, k, "send option", opts, 7);
			else
				dv_perr(p, k->col, NULL, "unexpected %s",
				        dv_tok_text(k, b, sizeof b));
			return;
		}
	}
	unsigned place = !!(flags & DV_SEND_AT) + !!(flags & DV_SEND_ABOVE16M) +
	                 !!(flags & DV_SEND_CROSS64K);
	if (place > 1) {
		dv_perr(p, what->col, NULL, "choose one of at=, above16m and cross64k");
		return;
	}
	if (place && count > 1) {
		dv_perr(p, what->col,
		        "count= sends packets wherever the protocol's allocator puts them",
		        "count= cannot go with at=, above16m or cross64k: every packet would need "
		        "the same place");
		return;
	}
	if (nbuf > len) {
		dv_perr(p, what->col, NULL, "%u buffers cannot share %u bytes", (unsigned)nbuf,
		        (unsigned)len);
		return;
	}
	uint32_t first = flags & DV_SEND_ABOVE16M ? 0x01001000u : flags & DV_SEND_AT ? at : 0;
	if (first) {
		/* each buffer on its own pages, twice the span when scattered */
		uint32_t span =
		        (len + nbuf * 2u * DV_PAGE_SIZE) * (flags & DV_SEND_SCATTERED ? 2u : 1u);
		dv_check_addr(p, what, first, span);
		if (p->errors)
			return;
	}
	struct dv_stmt *s = dv_add_stmt(p, DV_ST_DRIVER_SEND, kw->col);
	if (!s)
		return;
	s->send.len = len;
	s->send.count = count;
	s->send.nbuf = nbuf;
	s->send.at = at;
	s->send.flags = flags;
	s->send.turnaround = turnaround;
}

bool dv_parse_driver_action(struct dv_parser *p, struct dv_tok *kw)
{
	char b[96];
	struct dv_tok *w = dv_peek(p);
	if (builtin_named(w) || dv_tok_is(w, "none") || dv_tok_is(w, "file"))
		return false; /* the configuration line, not an action */
	dv_next(p);
	if (dv_tok_is(w, "init") || dv_tok_is(w, "send") || dv_tok_is(w, "halt") ||
	    dv_tok_is(w, "query") || dv_tok_is(w, "set"))
		driver_action(p, kw, w);
	else {
		char words[160];
		driver_words(words, sizeof words);
		dv_perr(p, w->col, NULL,
		        "expected init, send, query, set or halt (an action), or %s (who plays the "
		        "miniport) after 'driver', got %s",
		        words, dv_tok_text(w, b, sizeof b));
	}
	return true;
}

bool dv_parse_peer(struct dv_parser *p, struct dv_tok *kw)
{
	char b[96];
	uint32_t v1;
	struct dv_stmt *s;
	struct dv_tok *w = dv_next(p);
	uint32_t count = 1;
	if (!dv_tok_is(w, "send")) {
		dv_perr(p, w->col, NULL, "expected 'send' after 'peer', got %s",
		        dv_tok_text(w, b, sizeof b));
		return true;
	}
	if (!dv_want_num(p, "the frame length", 60, 1514, &v1))
		return true;
	if (!dv_at_end(p)) {
		struct dv_tok *key;
		struct dv_tok *val = dv_want_kv(p, &key);
		if (!val)
			return true;
		if (!dv_tok_is(key, "count")) {
			static const char *const keys[] = { "count" };
			dv_unknown_word(p, key, "peer option", keys, 1);
			return true;
		}
		if (!dv_kv_num(p, val, "count", 1, DV_SCRIPT_MAX_FRAMES, &count) || !dv_want_end(p))
			return true;
	}
	if ((s = dv_add_stmt(p, DV_ST_PEER_SEND, kw->col))) {
		s->peer.len = v1;
		s->peer.count = count;
	}
	return true;
}

/* ---- checks, questions, output ------------------------------------------------------------------- */

bool dv_parse_expect(struct dv_parser *p, struct dv_tok *kw)
{
	bool goal = dv_tok_is(kw, "goal");
	struct dv_cond c;
	if (!dv_parse_cond(p, &c, false, false))
		return true;
	struct dv_stmt *s = dv_add_stmt(p, goal ? DV_ST_GOAL : DV_ST_EXPECT, kw->col);
	if (s) {
		s->cond = c;
		if (goal && !p->command_mode)
			p->L->steps[p->cur_step].has_goal = true;
	}
	return true;
}

static struct dv_ask *new_ask(struct dv_parser *p, const char *question)
{
	struct dv_lesson *L = p->L;
	struct dv_ask *a = dv_arena_alloc(p->arena, sizeof *a);
	if (!a)
		return NULL;
	if (L->nasks == p->cap_asks) {
		size_t cap = p->cap_asks ? 2 * p->cap_asks : 8;
		struct dv_ask **n = realloc(L->asks, cap * sizeof *n);
		if (!n)
			return NULL;
		L->asks = n;
		p->cap_asks = cap;
	}
	char id[32];
	snprintf(id, sizeof id, "q%u", L->nasks + 1);
	a->id = dv_arena_strndup(p->arena, id, strlen(id));
	a->question = question;
	a->line = a->last_line = p->line;
	L->asks[L->nasks++] = a;
	return a;
}

/* Is the token a clause of an ask (answer, hint, ...: a CLAUSE row of the keyword table)? */
static bool is_clause(const struct dv_tok *k)
{
	const struct dv_keyword *kw = k->kind == DV_TK_WORD ? dv_keyword_find(k->s, k->len, NULL) :
	                                                      NULL;
	return kw && kw->where == DV_KW_CLAUSE;
}

/* answer/hint/explain/id clauses, several per line. */
static void ask_clauses(struct dv_parser *p)
{
	struct dv_ask *a = p->cur_ask;
	char b[96];
	a->last_line = p->line;
	while (!dv_at_end(p)) {
		struct dv_tok *k = dv_next(p);
		if (dv_tok_is(k, "answer")) {
			if (dv_at_end(p) || is_clause(dv_peek(p))) {
				dv_perr(p, dv_peek(p)->col, NULL,
				        "expected a value after 'answer'");
				return;
			}
			while (!dv_at_end(p) && !is_clause(dv_peek(p))) {
				struct dv_tok *v = dv_next(p);
				struct dv_answer ans = { 0 };
				if (v->kind == DV_TK_NUM) {
					if (!v->num_ok) {
						dv_perr(p, v->col, NULL, "bad number %s",
						        dv_tok_text(v, b, sizeof b));
						return;
					}
					ans.numeric = true;
					ans.num = v->num;
					ans.text = dv_arena_strndup(p->arena, v->s, v->len);
				} else if (v->kind == DV_TK_WORD) {
					ans.text = dv_arena_strndup(p->arena, v->s, v->len);
				} else if (v->kind == DV_TK_STR) {
					ans.text = v->str;
				} else {
					dv_perr(p, v->col, NULL, "unexpected %s in an answer",
					        dv_tok_text(v, b, sizeof b));
					return;
				}
				struct dv_answer *arr = dv_arena_grow(p->arena, a->answers,
				                                      a->nanswers, sizeof *arr);
				if (!arr || !ans.text)
					return;
				a->answers = arr;
				a->answers[a->nanswers++] = ans;
			}
		} else if (dv_tok_is(k, "hint")) {
			const char *h;
			if (!dv_want_string(p, "the hint", &h))
				return;
			const char **arr =
			        dv_arena_grow(p->arena, (void *)a->hints, a->nhints, sizeof *arr);
			if (!arr)
				return;
			a->hints = arr;
			a->hints[a->nhints++] = h;
		} else if (dv_tok_is(k, "explain")) {
			if (a->explain) {
				dv_perr(p, k->col, NULL, "this ask already has an explanation");
				return;
			}
			if (!dv_want_string(p, "the explanation", &a->explain))
				return;
		} else if (dv_tok_is(k, "id")) {
			struct dv_tok *v;
			if (dv_peek(p)->kind == DV_TK_EQ)
				dv_next(p);
			v = dv_next(p);
			if (v->kind != DV_TK_WORD && v->kind != DV_TK_NUM) {
				dv_perr(p, v->col, NULL, "expected an id, got %s",
				        dv_tok_text(v, b, sizeof b));
				return;
			}
			for (unsigned i = 0; i < p->L->nasks; i++) {
				const struct dv_ask *o = p->L->asks[i];
				if (o != a && strlen(o->id) == v->len &&
				    !strncmp(o->id, v->s, v->len)) {
					dv_perr(p, v->col, NULL,
					        "ask id '%.*s' is already used (line %u)",
					        (int)v->len, v->s, (unsigned)o->line);
					return;
				}
			}
			a->id = dv_arena_strndup(p->arena, v->s, v->len);
		} else if (dv_tok_is(k, "attempts")) {
			if (dv_peek(p)->kind == DV_TK_EQ)
				dv_next(p);
			uint32_t n;
			if (!dv_want_num(p, "the number of attempts", 1, 99, &n))
				return;
			a->attempts = n;
		} else {
			dv_perr(p, k->col,
			        "an ask line holds answer, hint, explain, id and attempts clauses",
			        "unexpected %s", dv_tok_text(k, b, sizeof b));
			return;
		}
	}
}

bool dv_parse_ask(struct dv_parser *p, struct dv_tok *kw)
{
	const char *q;
	if (!dv_want_string(p, "the question", &q))
		return true;
	struct dv_stmt *s = dv_add_stmt(p, DV_ST_ASK, kw->col);
	struct dv_ask *a = s ? new_ask(p, q) : NULL;
	if (!a)
		return true;
	a->step = s->step;
	s->ask = a;
	p->cur_ask = a;
	p->ask_clause_ok = true;
	ask_clauses(p);
	return true;
}

/* answer/hint/explain/id/attempts: more clauses of the ask just before. */
bool dv_parse_clause(struct dv_parser *p, struct dv_tok *kw)
{
	if (!p->cur_ask || !p->ask_clause_ok) {
		dv_perr(p, kw->col, "put it right after an 'ask' line",
		        "'%.*s' must follow an 'ask'", (int)kw->len, kw->s);
		return true;
	}
	p->pos--;
	ask_clauses(p);
	return true;
}

static bool parse_column(struct dv_parser *p, struct dv_tok *k, struct dv_column *col)
{
	const char *pct = memchr(k->s, '%', k->len);
	size_t nl = pct ? (size_t)(pct - k->s) : k->len;
	struct dv_tok nk = *k;
	nk.len = nl;
	if (!dv_resolve_word(p, &nk, &col->ref))
		return false;
	col->fmt = 'D';
	col->left = 1;
	col->width = 6;
	col->right = 1;
	if (!pct)
		return true;
	/* %FL.W.R */
	const char *f = pct + 1, *end = k->s + k->len;
	unsigned v[3] = { 0, 0, 0 }, i = 0;
	if (f >= end || !strchr("BXDS", *f)) {
		dv_perr(p, k->col + (uint32_t)nl + 1,
		        "formats are B (binary), X (hex), D (decimal), S (text)",
		        "bad column format '%.*s'", (int)(end - pct), pct);
		return false;
	}
	col->fmt = *f++;
	for (i = 0; i < 3; i++) {
		unsigned digits = 0;
		while (f < end && *f >= '0' && *f <= '9' && digits < 3) {
			v[i] = v[i] * 10 + (unsigned)(*f++ - '0');
			digits++;
		}
		if (!digits || (i < 2 && (f >= end || *f++ != '.')))
			break;
	}
	if (i < 3 || f != end || v[1] < 1 || v[1] > 64 || v[0] > 16 || v[2] > 16) {
		dv_perr(p, k->col + (uint32_t)nl + 1,
		        "write %FL.W.R, e.g. %X1.4.1 (W 1-64, L and R 0-16)",
		        "bad column format '%.*s'", (int)(end - pct), pct);
		return false;
	}
	col->left = (uint8_t)v[0];
	col->width = (uint8_t)v[1];
	col->right = (uint8_t)v[2];
	return true;
}

bool dv_parse_output_list(struct dv_parser *p, struct dv_tok *kw)
{
	char b[96];
	struct dv_column cols[32];
	unsigned n = 0;
	if (dv_at_end(p)) {
		dv_perr(p, dv_peek(p)->col, "e.g. output-list cycle%D1.6.1 dma.ch1.count%X1.4.1",
		        "expected at least one column");
		return true;
	}
	while (!dv_at_end(p)) {
		struct dv_tok *k = dv_next(p);
		if (n >= 32) {
			dv_perr(p, k->col, NULL, "at most 32 columns");
			return true;
		}
		if (k->kind != DV_TK_WORD) {
			dv_perr(p, k->col, NULL, "expected a column NAME%%FL.W.R, got %s",
			        dv_tok_text(k, b, sizeof b));
			return true;
		}
		memset(&cols[n], 0, sizeof cols[n]);
		if (!parse_column(p, k, &cols[n]))
			return true;
		n++;
	}
	struct dv_stmt *s = dv_add_stmt(p, DV_ST_OUTPUT_LIST, kw->col);
	if (!s)
		return true;
	s->output.cols = dv_arena_alloc(p->arena, n * sizeof *s->output.cols);
	if (!s->output.cols)
		return true;
	memcpy(s->output.cols, cols, n * sizeof *cols);
	s->output.ncols = n;
	p->ncols = n;
	p->L->has_output = true;
	return true;
}

bool dv_parse_output(struct dv_parser *p, struct dv_tok *kw)
{
	if (!p->ncols && !p->command_mode) {
		dv_perr(p, kw->col, "declare the columns first: output-list NAME%FL.W.R ...",
		        "'output' before any 'output-list'");
		return true;
	}
	if (dv_want_end(p))
		dv_add_stmt(p, DV_ST_OUTPUT, kw->col);
	return true;
}

bool dv_parse_break(struct dv_parser *p, struct dv_tok *kw)
{
	char b[96];
	/* break at CONDITION: the next actions stop where it first holds, even inside a
	 * driver's callback (the engine runs them on a fiber it can pause). */
	struct dv_cond c = { 0 };
	struct dv_tok *at = dv_next(p);
	if (!dv_tok_is(at, "at")) {
		dv_perr(p, at->col, "break at call NdisMCompleteDmaTransfer returns",
		        "expected 'at' after 'break', got %s", dv_tok_text(at, b, sizeof b));
		return true;
	}
	if (!dv_parse_cond(p, &c, true, false) || !dv_want_end(p))
		return true;
	struct dv_stmt *s = dv_add_stmt(p, DV_ST_BREAK, kw->col);
	if (s)
		s->cond = c;
	return true;
}
