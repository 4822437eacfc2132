#!/usr/bin/env python3
"""dmaviz: makes both sides of the driver host's boundary from ndis-calls.table.

gen-host.py TABLE HOST_C TRUSTED_C
  HOST_C     the driver host's NDIS functions (each marshals its call, sends it to the trusted
             process and waits) and its dispatch of callbacks to the driver
  TRUSTED_C  the trusted process's dispatch of NDIS calls (each argument checked, then the
             real NDIS function) and its callbacks (entry points that call into the host)
"""
import sys

POINTERISH = ('PVOID', 'NDIS_HANDLE')


def parse(path):
    rows = []
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        head, _, rest = line.partition(' ')
        ret, _, rest = rest.partition(' ')
        name, _, args = rest.strip().partition(' ')
        params = []
        for a in [x.strip() for x in args.split('|') if x.strip()]:
            kind, _, typ = a.partition(' ')
            k, _, ref = kind.partition(':')
            ref, _, scale = ref.partition('*')
            params.append({'kind': k, 'ref': int(ref) if ref else None,
                           'scale': int(scale) if scale else 1, 'type': typ.strip()})
        if head not in ('call', 'cb', 'fncb'):
            sys.exit(f'{path}:{n}: a row starts with call, cb or fncb')
        rows.append({'dir': head, 'ret': ret, 'name': name, 'params': params})
    return rows


def is_ptr(t):
    return t.endswith('*') or t in POINTERISH or t.startswith('P') or t.startswith('W_')


def nbytes(p, var):
    """The byte count of a mem or memin argument: its length argument times the element size."""
    n = f'(size_t){var}{p["ref"]}'
    return f'{n} * {p["scale"]}' if p['scale'] != 1 else n


def decl(p, i):
    return f"{p['type']} a{i}"


def proto(r):
    ps = ', '.join(decl(p, i) for i, p in enumerate(r['params'])) or 'void'
    return ps


def marshal(r, side):
    out = []
    for i, p in enumerate(r['params']):
        k, t = p['kind'], p['type']
        if k == 'val':
            v = f'(uint64_t)(uintptr_t)a{i}' if is_ptr(t) else f'(uint64_t)(int64_t)a{i}'
            out.append(f'dv_hc_val(&c, {i}, {v});')
        elif k in ('handle', 'buf', 'pkt'):
            out.append(f'dv_hc_ptr(&c, {i}, a{i});')
        elif k == 'phys':
            out.append(f'dv_hc_val(&c, {i}, (uint64_t)a{i}.QuadPart);')
        elif k in ('ref', 'in'):
            out.append(f'dv_hc_copy(&c, {i}, a{i}, sizeof *a{i});')
        elif k in ('mem', 'memin'):
            out.append(f'dv_hc_mem(&c, {i}, a{i}, {nbytes(p, "a")});')
        elif k in ('arr', 'pkts'):
            out.append(f'dv_hc_copy(&c, {i}, a{i}, (size_t)a{p["ref"]} * sizeof *a{i});')
        elif k == 'nstr':
            out.append(f'dv_hc_nstr(&c, {i}, a{i});')
        elif k == 'chars':
            out.append(f'dv_host_keep_chars(a{i});')
            out.append(f'dv_hc_copy(&c, {i}, a{i}, sizeof *a{i});')
        elif k in ('file', 'str'):
            out.append(f'dv_hc_file(&c, {i}, a{i});')
        elif k == 'fn':
            out.append(f'dv_hc_val(&c, {i}, (uint64_t)(uintptr_t)a{i});')
        elif k == 'line':
            out.append(f'dv_hc_val(&c, {i}, (uint64_t)(int64_t)a{i});')
        else:
            sys.exit(f"{r['name']}: unknown kind {k}")
    return out


def copy_back(r):
    out = []
    for i, p in enumerate(r['params']):
        if p['kind'] == 'ref':
            out.append(f'dv_hc_back(&c, {i}, a{i}, sizeof *a{i});')
        elif p['kind'] == 'mem':
            out.append(f'dv_hc_back(&c, {i}, a{i}, {nbytes(p, "a")});')
    return out


def unmarshal(r, chars_fn):
    out = []
    fns = []
    for i, p in enumerate(r['params']):
        k, t = p['kind'], p['type']
        if k == 'val':
            v = f'({t})(uintptr_t)dv_hd_val(&d, {i})' if is_ptr(t) else f'({t})(int64_t)dv_hd_val(&d, {i})'
        elif k == 'handle':
            v = f'({t})dv_hd_handle(&d, {i})'
        elif k == 'phys':
            out.append(f'{t} a{i};')
            out.append(f'a{i}.QuadPart = (int64_t)dv_hd_val(&d, {i});')
            continue
        elif k in ('ref', 'in'):
            v = f'({t})dv_hd_ptr(&d, {i}, sizeof(*({t})0))'
        elif k in ('mem', 'memin'):
            v = f'({t})dv_hd_mem(&d, {i}, dv_hd_val(&d, {p["ref"]}) * {p["scale"]})'
        elif k == 'arr':
            v = f'({t})dv_hd_arr(&d, {i}, dv_hd_val(&d, {p["ref"]}), sizeof(*({t})0))'
        elif k == 'buf':
            v = f'dv_hd_buf(&d, {i})'
        elif k == 'pkt':
            v = f'dv_hd_pkt(&d, {i})'
        elif k == 'pkts':
            v = f'dv_hd_pkts(&d, {i}, dv_hd_val(&d, {p["ref"]}))'
        elif k == 'nstr':
            v = f'dv_hd_nstr(&d, {i})'
        elif k == 'chars':
            v = f'{chars_fn}(&d, {i})'
        elif k in ('file', 'str'):
            v = f'dv_hd_file(&d, {i})'
        elif k == 'line':
            v = f'(int)(int64_t)dv_hd_val(&d, {i})'
        elif k == 'fn':
            # the driver's function and its context argument become a trampoline of ours and
            # the pair, so NDIS calls the function back across the boundary (trusted.c)
            v = 'NULL'
            fns.append(f'a{i} = ({t})dv_trusted_fn_{t}(&d, (void *)(uintptr_t)dv_hd_val(&d, {i}), &a{p["ref"]});')
        out.append(f'{t} a{i} = {v};')
    return out + fns


def fn_receiver(r):
    """The host's side of a callback through a function pointer the driver gave NDIS (a
    timer function, a synchronize function): its first argument is the function."""
    rest = ', '.join(f'a{i}' for i in range(1, len(r['params'])))
    lines = [f"static bool cb_{r['name']}(struct dv_hside *s, const struct dv_hmsg *in, struct dv_hmsg *out)",
             '{', '\tstruct dv_hdisp d;', f'\tdv_hd_begin(&d, s, in, "{r["name"]}");']
    lines += ['\t' + x for x in unmarshal(r, 'dv_host_no_chars')]
    lines += ['\tif (!d.ok)', '\t\treturn false;', '\tif (!a0) {',
              f'\t\tsnprintf(s->why, sizeof s->why, "the driver gave NULL as its {r["name"]}");',
              '\t\treturn false;', '\t}']
    if r['ret'] == 'VOID':
        lines += [f'\ta0({rest});', '\t(void)out;']
    else:
        lines.append(f'\tout->ret = (uint64_t)(int64_t)a0({rest});')
    lines += ['\tdv_hd_end(&d);', '\treturn true;', '}']
    return lines


def caller_fn(r, static, kind, fid):
    ret = r['ret']
    lines = [f"{'static ' if static else ''}{ret} {static or ''}{r['name']}({proto(r)})", '{',
             '\tstruct dv_hcall c;', f'\tdv_hc_begin(&c, dv_hside_current, {kind}, {fid});']
    lines += ['\t' + x for x in marshal(r, kind)]
    lines.append('\tbool ok = dv_hc_run(&c);')
    lines += ['\t' + x for x in copy_back(r)]
    lines.append('\tuint64_t r = dv_hc_end(&c);')
    if ret == 'VOID':
        lines.append('\t(void)r, (void)ok;')
    elif ret in ('NDIS_STATUS', 'NTSTATUS'):
        lines.append(f'\treturn ok ? ({ret})(int64_t)r : NDIS_STATUS_FAILURE;')
    else:
        lines.append('\t(void)ok;')
        lines.append(f'\treturn ({ret})(int64_t)r;')
    lines.append('}')
    return lines


def receiver_fn(r, prefix, target, chars_fn):
    args = ', '.join(f'a{i}' for i in range(len(r['params'])))
    lines = [f"static bool {prefix}{r['name']}(struct dv_hside *s, const struct dv_hmsg *in, struct dv_hmsg *out)",
             '{', '\tstruct dv_hdisp d;', f'\tdv_hd_begin(&d, s, in, "{r["name"]}");']
    lines += ['\t' + x for x in unmarshal(r, chars_fn)]
    lines.append('\tif (!d.ok)')
    lines.append('\t\treturn false;')
    call = f'{target}({args})'
    if r['ret'] == 'VOID':
        lines.append(f'\t{call};')
        lines.append('\t(void)out;')
    else:
        lines.append(f'\tout->ret = (uint64_t)(int64_t){call};')
    lines.append('\tdv_hd_end(&d);')
    lines.append('\treturn true;')
    lines.append('}')
    return lines


def switch(name, rows, prefix, kind):
    lines = [f'bool {name}(struct dv_hside *s, const struct dv_hmsg *in, struct dv_hmsg *out)', '{',
             f'\tif (in->kind != {kind}) {{',
             '\t\tsnprintf(s->why, sizeof s->why, "a message of kind %u where a call belongs", (unsigned)in->kind);',
             '\t\treturn false;', '\t}', '\tswitch (in->fn) {']
    for i, r in enumerate(rows):
        lines.append(f"\tcase {i}: return {prefix}{r['name']}(s, in, out);")
    lines += ['\tdefault:',
              '\t\tsnprintf(s->why, sizeof s->why, "call number %u is in no row of the table", (unsigned)in->fn);',
              '\t\treturn false;', '\t}', '}']
    return lines


def names(var, count, rows):
    """The names as a driver writes them (an ...At function is its macro's name)."""
    def shown(n):
        return n[:-2] if n.endswith('At') else n
    return ([f'const char *const {var}[] = {{'] + [f'\t"{shown(r["name"])}",' for r in rows] +
            ['};', f'const unsigned {count} = {len(rows)};'])


def file_args(rows):
    """Which argument of each call is its __FILE__ (-1: none); the line follows it."""
    idx = [next((i for i, p in enumerate(r['params']) if p['kind'] == 'file'), -1) for r in rows]
    return ['const int dv_host_call_file_arg[] = {'] + [f'\t{i},' for i in idx] + ['};']


HEAD = '''/* Generated by ui/host/gen-host.py from ui/host/ndis-calls.table: do not edit. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "boundary.h"
'''


def main():
    table, host_c, trusted_c = sys.argv[1:4]
    rows = parse(table)
    calls = [r for r in rows if r['dir'] == 'call']
    cbs = [r for r in rows if r['dir'] in ('cb', 'fncb')]
    h = [HEAD, '#include "hostside.h"', '']
    for i, r in enumerate(calls):
        h += caller_fn(r, None, 'DV_HM_CALL', i) + ['']
    for r in cbs:
        target = 'dv_host_entry' if r['name'] == 'DriverEntry' else f"dv_host_chars.{r['name']}"
        h.append(f"static bool cb_{r['name']}(struct dv_hside *s, const struct dv_hmsg *in, struct dv_hmsg *out);")
    for r in cbs:
        target = 'dv_host_entry' if r['name'] == 'DriverEntry' else f"dv_host_chars.{r['name']}"
        if r['dir'] == 'fncb':
            body = fn_receiver(r)
            h += body + ['']
            continue
        body = receiver_fn(r, 'cb_', target, 'dv_host_no_chars')
        body.insert(4, f'\tif (!{target}) {{')
        body.insert(5, f'\t\tsnprintf(s->why, sizeof s->why, "the driver has no {r["name"]}");')
        body.insert(6, '\t\treturn false;')
        body.insert(7, '\t}')
        h += body + ['']
    h += switch('dv_host_dispatch', cbs, 'cb_', 'DV_HM_CALLBACK') + ['']
    h += names('dv_host_call_names', 'dv_host_ncalls', calls) + names('dv_host_cb_names', 'dv_host_ncbs', cbs)
    open(host_c, 'w', encoding='utf-8').write('\n'.join(h) + '\n')

    t = [HEAD, '#include "trusted.h"', '']
    for r in calls:
        t += receiver_fn(r, 'call_', r['name'], 'dv_trusted_chars') + ['']
    t += switch('dv_trusted_dispatch', calls, 'call_', 'DV_HM_CALL') + ['']
    for i, r in enumerate(cbs):
        fn = caller_fn(r, 'tramp_', 'DV_HM_CALLBACK', i)
        if r['dir'] == 'fncb':
            fn[0] = f"{r['ret']} dv_trusted_cb_{r['name']}({proto(r)})"
        else:
            fn[0] = f"static {r['ret']} tramp_{r['name']}({proto(r)})"
        t += fn + ['']
    t += names('dv_host_call_names', 'dv_host_ncalls', calls) + names('dv_host_cb_names', 'dv_host_ncbs', cbs)
    t += file_args(calls) + ['']
    t += ['const DV_DRIVER_ENTRY dv_trusted_entry = tramp_DriverEntry;', '',
          '/* The handlers the driver gave that have a row become our callbacks; the others stay',
          ' * NULL (NDIS never calls a pointer into the driver\'s process). */',
          'void dv_trusted_chars_fill(PNDIS_MINIPORT_CHARACTERISTICS c, const NDIS_MINIPORT_CHARACTERISTICS *in)', '{',
          '\tmemset(c, 0, sizeof *c);',
          '\tc->MajorNdisVersion = in->MajorNdisVersion;',
          '\tc->MinorNdisVersion = in->MinorNdisVersion;']
    for r in cbs:
        if r['dir'] == 'cb' and r['name'] != 'DriverEntry':
            t.append(f"\tc->{r['name']} = in->{r['name']} ? tramp_{r['name']} : NULL;")
    t.append('}')
    open(trusted_c, 'w', encoding='utf-8').write('\n'.join(t) + '\n')


main()
