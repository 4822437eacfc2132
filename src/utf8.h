/* dmaviz: checking UTF-8, for reports that must stay well-formed (JSON Lines, JUnit XML) when a
 * name or a message holds bytes that are not UTF-8 (a Latin-1 file name from a Windows zip). */
#ifndef DV_UTF8_H
#define DV_UTF8_H

#include <stddef.h>

/* The length (1-4) of the well-formed UTF-8 sequence at s (Unicode's Table 3-7: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 when the byte at s starts none (s points
 * at a NUL: 0). */
size_t dv_utf8_seq(const char *s);

/* How reports show a byte that is not UTF-8: the four characters \xNN (lower-case hex) in
 * buf, which must hold 5 bytes. */
void dv_utf8_byte_escape(unsigned char c, char buf[5]);

#endif
