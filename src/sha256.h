/* SHA-256 (FIPS 180-4), small and self-contained: fsprobe hashes a few
 * short strings per run (NFSv4 client owner strings, so that they can be
 * compared across hosts without being published), which does not justify
 * a crypto library as a dependency. Not constant time; nothing secret
 * passes through it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	uint8_t buf[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_final(struct sha256 *s, uint8_t ret[SHA256_DIGEST_SIZE]);

/* The digest of data as lower-case hex, its first nhex digits (at most
 * 64), into ret (nhex + 1 bytes). Returns ret. */
char *sha256_hex(const void *data, size_t n, size_t nhex, char *ret);
