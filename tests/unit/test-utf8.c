/* dmaviz: checking UTF-8 (src/utf8.h): what is well-formed, what is not, and how a bad byte
 * is shown. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "export.h"
#include "sim.h"
#include "utf8.h"

static void test_well_formed(void)
{
	CHECK_EQ(dv_utf8_seq("a"), 1);
	CHECK_EQ(dv_utf8_seq(""), 0);
	CHECK_EQ(dv_utf8_seq("\xc3\xa9"), 2);         /* é */
	CHECK_EQ(dv_utf8_seq("\xe2\x82\xac"), 3);     /* € */
	CHECK_EQ(dv_utf8_seq("\xf0\x9f\x98\x80"), 4); /* an emoji */
	CHECK_EQ(dv_utf8_seq("\xf4\x8f\xbf\xbf"), 4); /* U+10FFFF */
	CHECK_EQ(dv_utf8_seq("\xed\x9f\xbf"), 3);     /* U+D7FF, just below the surrogates */
}

static void test_ill_formed(void)
{
	CHECK_EQ(dv_utf8_seq("\xe9t\xe9"), 0);        /* Latin-1 "été" */
	CHECK_EQ(dv_utf8_seq("\x80"), 0);             /* a lone continuation byte */
	CHECK_EQ(dv_utf8_seq("\xc0\xaf"), 0);         /* an overlong '/' */
	CHECK_EQ(dv_utf8_seq("\xc3"), 0);             /* cut short by the end */
	CHECK_EQ(dv_utf8_seq("\xe0\x80\xaf"), 0);     /* overlong, three bytes */
	CHECK_EQ(dv_utf8_seq("\xed\xa0\x80"), 0);     /* a surrogate */
	CHECK_EQ(dv_utf8_seq("\xf4\x90\x80\x80"), 0); /* above U+10FFFF */
	CHECK_EQ(dv_utf8_seq("\xf5\x80\x80\x80"), 0);
	CHECK_EQ(dv_utf8_seq("\xe2\x82"), 0);
	CHECK_EQ(dv_utf8_seq("\xff"), 0);
}

static void test_escape(void)
{
	char b[5];
	dv_utf8_byte_escape(0xe9, b);
	CHECK(strcmp(b, "\\xe9") == 0);
	dv_utf8_byte_escape(0x01, b);
	CHECK(strcmp(b, "\\x01") == 0);
}

/* A driver's file name in Latin-1 keeps the JSON Lines trace UTF-8: the byte is \xNN. */
static void test_jsonl_stays_utf8(void)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	struct dv_sim *sim = dv_sim_create(&cfg);
	uint16_t loc = dv_trace_loc(&sim->trace, "pilote-\xe9t\xe9.c", 7);
	uint32_t saved = dv_sim_cause(sim, DV_SRC_DRIVER, loc);
	dv_sim_out(sim, 0x0A, 0x05);
	dv_sim_cause_restore(sim, saved);
	struct dv_outbuf b = { 0 };
	CHECK(dv_export_jsonl(sim, NULL, dv_outbuf_write, &b));
	CHECK(b.len > 0 && !b.failed);
	char *text = calloc(1, b.len + 1);
	memcpy(text, b.data, b.len);
	CHECK(strstr(text, "pilote-\\\\xe9t\\\\xe9.c") != NULL);
	for (const char *p = text; *p;) {
		size_t n = dv_utf8_seq(p);
		CHECK(n > 0);
		p += n ? n : 1;
	}
	free(text);
	dv_outbuf_free(&b);
	dv_sim_destroy(sim);
}

CHECK_MAIN(CHECK_CASE(test_well_formed), CHECK_CASE(test_ill_formed), CHECK_CASE(test_escape),
           CHECK_CASE(test_jsonl_stays_utf8))
