/* dmaviz web build: SHA-256 behind the EVP names record.c uses (openssl/evp.h here), from
 * musl's public-domain implementation that Emscripten ships (crypt_sha256.c, included whole:
 * its hash functions are static). Only SHA-256 exists; EVP_sha256 is its one "digest". */
#include <stdlib.h>

#include "openssl/evp.h"

#include "crypt_sha256.c"

struct dv_web_md {
	int unused;
};

struct dv_web_md_ctx {
	struct sha256 s;
};

static const struct dv_web_md sha256_md;

const EVP_MD *EVP_sha256(void)
{
	return &sha256_md;
}

EVP_MD_CTX *EVP_MD_CTX_new(void)
{
	return calloc(1, sizeof(EVP_MD_CTX));
}

void EVP_MD_CTX_free(EVP_MD_CTX *c)
{
	free(c);
}

int EVP_DigestInit_ex(EVP_MD_CTX *c, const EVP_MD *md, ENGINE *e)
{
	(void)e;
	if (md != &sha256_md)
		return 0;
	sha256_init(&c->s);
	return 1;
}

int EVP_DigestUpdate(EVP_MD_CTX *c, const void *p, size_t n)
{
	sha256_update(&c->s, p, n);
	return 1;
}

int EVP_DigestFinal_ex(EVP_MD_CTX *c, unsigned char *out, unsigned int *len)
{
	sha256_sum(&c->s, out);
	if (len)
		*len = 32;
	return 1;
}

int EVP_Digest(const void *p, size_t n, unsigned char *out, unsigned int *len, const EVP_MD *md,
               ENGINE *e)
{
	EVP_MD_CTX c;
	return EVP_DigestInit_ex(&c, md, e) && EVP_DigestUpdate(&c, p, n) &&
	       EVP_DigestFinal_ex(&c, out, len);
}
