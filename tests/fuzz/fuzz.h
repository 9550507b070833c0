/* What every libFuzzer target of tests/fuzz/ shares: turning the fuzzer's
 * bytes into the C strings the parsers take, and checks that abort with a
 * message (assert() would vanish under NDEBUG, and a failed invariant must
 * be a crash libFuzzer saves). Built by tests/fuzz/run.sh only. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_check(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, \
				__LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

/* The bytes as a NUL-terminated string, cut at the first NUL: what a
 * command line or an environment variable can carry. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Reads the input front to back: numbers for the target's own choices
 * (sizes, flags, how to split a stream), zero once it runs out. */
struct fuzz_input {
	const uint8_t *p;
	size_t left;
};

static inline uint64_t fuzz_take(struct fuzz_input *in, size_t bytes)
{
	uint64_t v = 0;

	for (size_t i = 0; i < bytes && in->left > 0; i++, in->p++, in->left--)
		v |= (uint64_t)*in->p << (8 * i);
	return v;
}
