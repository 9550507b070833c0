/* Open-addressing hash map; see hashmap.h. Linear probing over a table
 * at most half full; entries are never removed. */
#include <errno.h>
#include <stdlib.h>

#include "hashmap.h"

int hashmap_init(struct hashmap *m, size_t expected)
{
	size_t cap = 16;

	while (cap < expected * 2 + 1)
		cap <<= 1;
	m->keys = calloc(cap, sizeof(*m->keys));
	m->vals = malloc(cap * sizeof(*m->vals));
	if (!m->keys || !m->vals) {
		hashmap_done(m);
		return -ENOMEM;
	}
	for (size_t i = 0; i < cap; i++)
		m->vals[i] = -1;
	m->cap = cap;
	m->n = 0;
	return 0;
}

void hashmap_done(struct hashmap *m)
{
	free(m->keys);
	free(m->vals);
	*m = (struct hashmap){};
}

static size_t slot_of(const struct hashmap *m, uint64_t key)
{
	/* Fibonacci hashing spreads sequential keys (device numbers). */
	return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 17) & (m->cap - 1);
}

int hashmap_add(struct hashmap *m, uint64_t key, ssize_t val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct hashmap bigger;
		int r = hashmap_init(&bigger, m->cap);

		if (r < 0)
			return r;
		/* Re-adding in slot order keeps each key's entries in the
		 * order they were added, as a probe sequence sees them. */
		for (size_t k = 0; k < m->cap; k++)
			if (m->vals[k] >= 0)
				(void)hashmap_add(&bigger, m->keys[k], m->vals[k]);
		hashmap_done(m);
		*m = bigger;
	}
	for (i = slot_of(m, key); m->vals[i] >= 0; i = (i + 1) & (m->cap - 1))
		;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return 0;
}

ssize_t hashmap_next(const struct hashmap *m, uint64_t key, size_t *pos)
{
	size_t i;

	if (!m->cap)
		return -1;
	/* *pos is one past the slot of the last hit, plus one (0: start) */
	i = *pos ? (*pos - 1) & (m->cap - 1) : slot_of(m, key);
	for (; m->vals[i] >= 0; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key) {
			*pos = i + 2;
			return m->vals[i];
		}
	return -1;
}

void hashmap_set_at(struct hashmap *m, size_t pos, ssize_t val)
{
	m->vals[pos - 2] = val;
}

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325) /* FNV-1a */
#define FNV_PRIME UINT64_C(0x100000001b3)

uint64_t hash_string(const char *s)
{
	uint64_t h = FNV_OFFSET;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= FNV_PRIME;
	}
	return h;
}

void hash_prefixes(const char *s, size_t len, uint64_t *ret)
{
	ret[0] = FNV_OFFSET;
	for (size_t k = 0; k < len; k++)
		ret[k + 1] = (ret[k] ^ (unsigned char)s[k]) * FNV_PRIME;
}
