/* hash.c — SHA-256 of a file (OpenSSL EVP). */
#include "hash.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

int pl_file_sha256(const char *path, char hex[65], pl_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return pl_error_set(err, PL_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char buf[65536], out[32];
    unsigned int outlen = 0;
    size_t n;
    int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    while (ok && (n = fread(buf, 1, sizeof buf, fp)) > 0)
        ok = EVP_DigestUpdate(md, buf, n);
    ok = ok && !ferror(fp) && EVP_DigestFinal_ex(md, out, &outlen);
    EVP_MD_CTX_free(md);
    fclose(fp);
    if (!ok)
        return pl_error_set(err, PL_ERR_IO, "cannot hash '%s'", path);
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", out[i]);
    return PL_OK;
}

int pl_sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char out[32];
    unsigned int outlen = 0;
    if (!EVP_Digest(data, len, out, &outlen, EVP_sha256(), NULL) || outlen != 32)
        return -1;
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", out[i]);
    return 0;
}
