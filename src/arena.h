/* Strings copied into a few large blocks rather than a malloc() each, all
 * freed at once: the renderers' cells, 100,000 of them at 10,000 rows. */
#pragma once

#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "util.h"

struct arena {
	char **blocks;
	size_t nblocks, cap;
	char *cur;
	size_t left;
};

#define ARENA_BLOCK (64U * 1024)

/* A copy of s that lives until arena_done(); NULL when out of memory. */
static inline char *arena_dup(struct arena *a, const char *s)
{
	size_t len = strlen(s) + 1;
	char *p;

	if (len > a->left) {
		size_t sz = MAX(len, ARENA_BLOCK);

		if (ARRAY_RESERVE(a->blocks, a->cap, a->nblocks + 1) < 0)
			return NULL;
		a->cur = malloc(sz);
		if (!a->cur)
			return NULL;
		a->blocks[a->nblocks++] = a->cur;
		a->left = sz;
	}
	p = memcpy(a->cur, s, len);
	a->cur += len;
	a->left -= len;
	return p;
}

static inline void arena_done(struct arena *a)
{
	for (size_t i = 0; i < a->nblocks; i++)
		free(a->blocks[i]);
	free(a->blocks);
	*a = (struct arena){};
}
