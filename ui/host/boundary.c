/* dmaviz: the driver host's boundary, both sides (boundary.h). */
#include "boundary.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "va_window.h"

struct dv_hside *dv_hside_current;

bool dv_host_is_sim_va(const void *p)
{
	return dv_va_window_holds(p);
}

bool dv_hside_holds(const struct dv_hside *s, const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)s->base;
	return a >= b && a - b <= s->size && n <= s->size - (a - b);
}

bool dv_hside_send(struct dv_hside *s, const struct dv_hmsg *m)
{
	ssize_t n;
	do
		n = send(s->fd, m, sizeof *m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof *m;
}

bool dv_hside_exchange(struct dv_hside *s, struct dv_hmsg *m, struct dv_hmsg *reply)
{
	m->sp = (uint64_t)(uintptr_t)s->sp;
	if (!dv_hside_send(s, m))
		return false;
	for (;;) {
		if (!s->recv(s, reply))
			return false;
		if (reply->kind == DV_HM_RETURN)
			return true;
		struct dv_hmsg out;
		memset(&out, 0, sizeof out);
		out.kind = DV_HM_RETURN;
		if (!s->dispatch(s, reply, &out))
			return false;
		out.sp = (uint64_t)(uintptr_t)s->sp;
		if (!dv_hside_send(s, &out))
			return false;
	}
}

/* ---- the caller ---- */

void dv_hc_begin(struct dv_hcall *c, struct dv_hside *s, enum dv_hmsg_kind kind, uint32_t fn)
{
	memset(c, 0, sizeof *c);
	c->s = s;
	c->m.kind = kind;
	c->m.fn = fn;
	c->sp0 = s ? s->sp : NULL;
}

void dv_hc_val(struct dv_hcall *c, unsigned i, uint64_t v)
{
	c->m.a[i] = v;
}

void dv_hc_ptr(struct dv_hcall *c, unsigned i, const void *p)
{
	c->m.a[i] = (uint64_t)(uintptr_t)p;
}

static void *scratch(struct dv_hside *s, size_t n)
{
	size_t room = (size_t)(s->base + s->size - s->sp);
	size_t need = (n + 15) & ~(size_t)15;
	if (need < n || need > room)
		return NULL;
	void *p = s->sp;
	s->sp += need;
	return p;
}

/* Too big for scratch: the pointer crosses as it is, and the receiver refuses it. */
void dv_hc_copy(struct dv_hcall *c, unsigned i, const void *p, size_t n)
{
	dv_hc_ptr(c, i, p);
	if (!p || !c->s)
		return;
	void *q = scratch(c->s, n ? n : 1);
	if (!q)
		return;
	memcpy(q, p, n);
	c->copy[i] = q;
	dv_hc_ptr(c, i, q);
}

void dv_hc_mem(struct dv_hcall *c, unsigned i, const void *p, size_t n)
{
	if (dv_host_is_sim_va(p) || (c->s && dv_hside_holds(c->s, p, n)))
		dv_hc_ptr(c, i, p);
	else
		dv_hc_copy(c, i, p, n);
}

void dv_hc_file(struct dv_hcall *c, unsigned i, const char *file)
{
	size_t n = file ? strnlen(file, DV_HOST_FILE_MAX) : 0;
	char *q = file && c->s ? scratch(c->s, n + 1) : NULL;
	if (q) {
		memcpy(q, file, n);
		q[n] = 0;
	}
	dv_hc_ptr(c, i, q);
}

void dv_hc_nstr(struct dv_hcall *c, unsigned i, const NDIS_STRING *str)
{
	dv_hc_copy(c, i, str, sizeof *str);
	NDIS_STRING *q = c->copy[i];
	if (!q)
		return;
	size_t n = q->Length <= DV_HOST_NSTR_MAX ? q->Length : 0;
	void *chars = q->Buffer ? scratch(c->s, n ? n : 1) : NULL;
	if (chars)
		memcpy(chars, q->Buffer, n);
	q->Buffer = chars;
	q->Length = (USHORT)n;
	q->MaximumLength = (USHORT)n;
}

bool dv_hc_run(struct dv_hcall *c)
{
	c->ok = c->s && dv_hside_exchange(c->s, &c->m, &c->reply);
	return c->ok;
}

void dv_hc_back(struct dv_hcall *c, unsigned i, void *dst, size_t n)
{
	if (c->ok && dst && c->copy[i])
		memcpy(dst, c->copy[i], n);
}

uint64_t dv_hc_end(struct dv_hcall *c)
{
	if (c->s)
		c->s->sp = c->sp0;
	return c->ok ? c->reply.ret : 0;
}

/* ---- the receiver ---- */

static void refuse(struct dv_hdisp *d, unsigned i, const char *what)
{
	if (d->ok)
		snprintf(d->s->why, sizeof d->s->why, "%s: argument %u %s", d->call, i + 1, what);
	d->ok = false;
}

void dv_hd_begin(struct dv_hdisp *d, struct dv_hside *s, const struct dv_hmsg *in, const char *call)
{
	d->s = s;
	d->in = in;
	d->call = call;
	d->ok = true;
	/* The other side's scratch ends at in->sp; ours goes on above it. */
	uint8_t *sp = (uint8_t *)(uintptr_t)in->sp;
	if (sp >= s->scratch && sp <= s->base + s->size)
		s->sp = sp;
	else
		refuse(d, 0, "comes with a scratch stack outside the arena");
}

void dv_hd_end(struct dv_hdisp *d)
{
	(void)d;
}

uint64_t dv_hd_val(struct dv_hdisp *d, unsigned i)
{
	return d->in->a[i];
}

void *dv_hd_handle(struct dv_hdisp *d, unsigned i)
{
	return (void *)(uintptr_t)d->in->a[i];
}

void *dv_hd_ptr(struct dv_hdisp *d, unsigned i, size_t n)
{
	void *p = dv_hd_handle(d, i);
	if (p && !dv_hside_holds(d->s, p, n))
		refuse(d, i, "points outside the memory the driver shares with dmaviz");
	return d->ok ? p : NULL;
}

void *dv_hd_mem(struct dv_hdisp *d, unsigned i, uint64_t n)
{
	void *p = dv_hd_handle(d, i);
	if (dv_host_is_sim_va(p))
		return p;
	if (n > SIZE_MAX)
		n = SIZE_MAX;
	return dv_hd_ptr(d, i, (size_t)n);
}

const char *dv_hd_file(struct dv_hdisp *d, unsigned i)
{
	const char *p = dv_hd_handle(d, i);
	if (!p)
		return NULL;
	size_t room = dv_hside_holds(d->s, p, 1) ?
	                      (size_t)(d->s->base + d->s->size - (const uint8_t *)p) :
	                      0;
	if (!room || !memchr(p, 0, room < DV_HOST_FILE_MAX + 1 ? room : DV_HOST_FILE_MAX + 1))
		refuse(d, i, "is a file name that does not end inside the arena");
	return d->ok ? p : NULL;
}

PNDIS_STRING dv_hd_nstr(struct dv_hdisp *d, unsigned i)
{
	PNDIS_STRING s = dv_hd_ptr(d, i, sizeof *s);
	if (s && s->Buffer && !dv_hside_holds(d->s, s->Buffer, s->Length))
		refuse(d, i, "is a string whose characters lie outside the arena");
	if (s && s->MaximumLength > s->Length)
		s->MaximumLength = s->Length;
	return d->ok ? s : NULL;
}

/* An MDL the trusted side may follow: in the arena, its pages within the machine's and its
 * mapped address a simulated VA or arena memory. Next is checked by whoever follows it. */
static bool buf_sane(const struct dv_hside *s, PNDIS_BUFFER b)
{
	if (!dv_hside_holds(s, b, sizeof *b) || ((uintptr_t)b & 7))
		return false;
	if (b->PfnCount > DV_MDL_MAX_PAGES || b->ByteOffset >= DV_VA_PAGE_BYTES)
		return false;
	if (b->ByteCount > b->PfnCount * DV_VA_PAGE_BYTES - (b->PfnCount ? b->ByteOffset : 0))
		return false;
	for (ULONG k = 0; k < b->PfnCount; k++)
		if (b->Pfn[k] >= (1u << 20)) /* a 32-bit physical address space */
			return false;
	const void *va = b->MappedSystemVa;
	return !va || dv_host_is_sim_va(va) || dv_hside_holds(s, va, b->ByteCount);
}

PNDIS_BUFFER dv_hd_buf(struct dv_hdisp *d, unsigned i)
{
	PNDIS_BUFFER b = dv_hd_handle(d, i);
	if (b && !buf_sane(d->s, b))
		refuse(d, i, "is not an NDIS_BUFFER NDIS made (or its fields were overwritten)");
	return d->ok ? b : NULL;
}

PNDIS_PACKET dv_hd_pkt(struct dv_hdisp *d, unsigned i)
{
	PNDIS_PACKET p = dv_hd_handle(d, i);
	if (!p)
		return NULL;
	bool sane = dv_hside_holds(d->s, p, sizeof *p) && !((uintptr_t)p & 7);
	unsigned n = 0;
	for (PNDIS_BUFFER b = sane ? p->Private.Head : NULL; b && sane; b = b->Next)
		sane = ++n <= DV_HOST_CHAIN_MAX && buf_sane(d->s, b);
	if (sane && p->Private.Tail)
		sane = buf_sane(d->s, p->Private.Tail);
	if (!sane)
		refuse(d, i, "is not an NDIS_PACKET NDIS made, or its chain of buffers is broken");
	return d->ok ? p : NULL;
}

PPNDIS_PACKET dv_hd_pkts(struct dv_hdisp *d, unsigned i, uint64_t count)
{
	if (count > DV_HOST_PACKETS_MAX) {
		refuse(d, i, "holds more packets than one indication takes");
		return NULL;
	}
	PPNDIS_PACKET a = dv_hd_ptr(d, i, (size_t)count * sizeof *a);
	for (uint64_t k = 0; a && k < count && d->ok; k++) {
		PNDIS_PACKET p = a[k];
		if (p && !dv_hside_holds(d->s, p, sizeof *p))
			refuse(d, i, "holds a packet outside the arena");
	}
	struct dv_hmsg one = *d->in;
	for (uint64_t k = 0; a && k < count && d->ok; k++) {
		one.a[i] = (uint64_t)(uintptr_t)a[k];
		struct dv_hdisp e = *d;
		e.in = &one;
		dv_hd_pkt(&e, i);
		d->ok = e.ok;
	}
	return d->ok ? a : NULL;
}

void *dv_hd_arr(struct dv_hdisp *d, unsigned i, uint64_t count, size_t each)
{
	if (count > 64) {
		refuse(d, i, "is an array longer than 64");
		return NULL;
	}
	return dv_hd_ptr(d, i, (size_t)count * each);
}
