/* A small open-addressing hash map from 64-bit keys to indexes, for the
 * lookups that must stay linear at tens of thousands of mounts (targets by
 * their hash, devices by number). Keys may repeat: lookups walk every
 * entry with the key, newest last. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct hashmap {
	uint64_t *keys;
	ssize_t *vals; /* -1: empty */
	size_t cap, n;
};

int hashmap_init(struct hashmap *m, size_t expected);
void hashmap_done(struct hashmap *m);
/* Adds another entry under key (duplicates are kept). */
int hashmap_add(struct hashmap *m, uint64_t key, ssize_t val);
/* Iterates the entries of key: *pos starts at 0; returns -1 when done. */
ssize_t hashmap_next(const struct hashmap *m, uint64_t key, size_t *pos);
/* Replaces the value of the entry returned last by hashmap_next(). */
void hashmap_set_at(struct hashmap *m, size_t pos, ssize_t val);

uint64_t hash_string(const char *s);
/* ret[k] = hash_string() of s[0..k) for every k from 0 to len: all the
 * prefixes of a path in one pass, where hashing each alone is quadratic. */
void hash_prefixes(const char *s, size_t len, uint64_t *ret);
