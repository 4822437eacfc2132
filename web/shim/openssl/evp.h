/* dmaviz web build: the few libcrypto calls src/lang/record.c makes (SHA-256 only), for
 * WebAssembly, where there is no OpenSSL. The hash itself is musl's (sha256.c includes
 * Emscripten's copy of musl's crypt_sha256.c), so nothing here computes SHA-256 by hand. */
#ifndef DV_WEB_SHIM_EVP_H
#define DV_WEB_SHIM_EVP_H

#include <stddef.h>

typedef struct dv_web_md EVP_MD;
typedef struct dv_web_md_ctx EVP_MD_CTX;
typedef struct dv_web_engine ENGINE;

#define EVP_MAX_MD_SIZE 64

const EVP_MD *EVP_sha256(void);
EVP_MD_CTX *EVP_MD_CTX_new(void);
void EVP_MD_CTX_free(EVP_MD_CTX *c);
int EVP_DigestInit_ex(EVP_MD_CTX *c, const EVP_MD *md, ENGINE *e);
int EVP_DigestUpdate(EVP_MD_CTX *c, const void *p, size_t n);
int EVP_DigestFinal_ex(EVP_MD_CTX *c, unsigned char *out, unsigned int *len);
int EVP_Digest(const void *p, size_t n, unsigned char *out, unsigned int *len, const EVP_MD *md,
               ENGINE *e);

#endif
