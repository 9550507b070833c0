/* The gate rule (gate.h): the nearest asked ancestor, never the mount
 * itself, skipping what is not asked (an automount point), for parents
 * listed before or after their children, parent cycles, and chains deep
 * enough that a per-ancestor scan or a recursion would show. */
#include <stdio.h>
#include <stdlib.h>

#include "gate.h"
#include "macro.h"
#include "tap.h"

struct fake {
	const ssize_t *parent;
	const bool *gates;
};

static ssize_t fake_parent(const void *userdata, size_t i)
{
	return ((const struct fake *)userdata)->parent[i];
}

static bool fake_gates(const void *userdata, size_t i)
{
	return ((const struct fake *)userdata)->gates[i];
}

static int compute(const ssize_t *parent, const bool *gates, size_t n, ssize_t *ret)
{
	struct fake f = { parent, gates };

	return gate_compute(&(struct gate_tree){ .n = n, .parent = fake_parent, .is_gate = fake_gates, .userdata = &f },
			    ret);
}

/* The rule as first written: walk up, first gate wins, never itself. */
static ssize_t naive(const ssize_t *parent, const bool *gates, size_t n, size_t i)
{
	ssize_t p = parent[i];

	for (size_t depth = 0; p >= 0 && (size_t)p != i && depth < n; depth++, p = parent[p])
		if (gates[p])
			return p;
	return -1;
}

int main(void)
{
	{
		/* / <- /nfs (gate) <- /nfs/a <- /nfs/a/fuse (gate) <- /nfs/a/fuse/x */
		static const ssize_t parent[] = { -1, 0, 1, 2, 3 };
		static const bool gates[] = { false, true, false, true, false };
		ssize_t g[5];

		is_int(compute(parent, gates, 5, g), 0, "a chain");
		ok(g[0] == -1 && g[1] == -1, "the root and the mount on it: no gate");
		is_int((int)g[2], 1, "below the NFS mount: the NFS mount");
		is_int((int)g[3], 1, "the FUSE mount below it: the NFS mount too");
		is_int((int)g[4], 3, "below the FUSE mount: the nearest gate, the FUSE mount");
	}
	{
		/* The same chain listed backwards (moved mounts come after
		 * what was mounted on them). */
		static const ssize_t parent[] = { 1, 2, 3, 4, -1 };
		static const bool gates[] = { false, true, false, true, false };
		ssize_t g[5];

		is_int(compute(parent, gates, 5, g), 0, "a chain, children first");
		ok(g[0] == 1 && g[1] == 3 && g[2] == 3 && g[3] == -1 && g[4] == -1, "the same gates, found upwards");
	}
	{
		/* / <- /nfs (gate) <- /nfs/auto (autofs: no gate) <- /nfs/auto/x */
		static const ssize_t parent[] = { -1, 0, 1, 2, 1 };
		static const bool gates[] = { false, true, false, true, false };
		ssize_t g[5];

		is_int(compute(parent, gates, 5, g), 0, "an automount point");
		is_int((int)g[3], 1, "below an automount point: what lies above it");
		is_int((int)g[2], 1, "the automount point itself is below the NFS mount");
	}
	{
		/* Parent cycles: 0 -> 1 -> 2 -> 0, 1 a gate; 3 below 0; 4 its
		 * own parent. */
		static const ssize_t parent[] = { 1, 2, 0, 0, 4 };
		static const bool gates[] = { false, true, false, false, true };
		ssize_t g[5];

		is_int(compute(parent, gates, 5, g), 0, "a parent cycle ends");
		ok(g[0] == 1 && g[2] == 1, "in the cycle: the gate ahead");
		is_int((int)g[1], -1, "the gate itself: never its own gate");
		is_int((int)g[3], 1, "below the cycle: the gate above");
		is_int((int)g[4], -1, "its own parent: no gate");
	}
	{
		/* Random forests, parents anywhere in the list: as the naive
		 * walk says. */
		enum { N = 2000 };
		static ssize_t parent[N], g[N];
		static bool gates[N];
		size_t bad = 0;

		srand(17);
		for (int round = 0; round < 20; round++) {
			for (size_t i = 0; i < N; i++) {
				parent[i] = rand() % 10 == 0 ? -1 : rand() % N;
				gates[i] = rand() % (round % 4 + 2) == 0;
			}
			if (compute(parent, gates, N, g) < 0)
				bad++;
			for (size_t i = 0; i < N; i++)
				if (g[i] != naive(parent, gates, N, i))
					bad++;
		}
		is_int((int)bad, 0, "20 random tables of %d mounts (with cycles): as the naive walk", N);
	}
	{
		/* A chain 200,000 deep, every third a gate: one pass, no
		 * recursion (the naive walk would take 2e10 steps). */
		enum { N = 200000 };
		ssize_t *parent = calloc(N, sizeof(*parent)), *g = calloc(N, sizeof(*g));
		bool *gates = calloc(N, sizeof(*gates));
		size_t bad = 0;

		if (!parent || !g || !gates)
			return 1;
		for (size_t i = 0; i < N; i++) {
			parent[i] = (ssize_t)i - 1;
			gates[i] = i % 3 == 0;
		}
		is_int(compute(parent, gates, N, g), 0, "a deep chain");
		for (size_t i = 1; i < N; i++)
			if (g[i] != (ssize_t)((i - 1) / 3 * 3))
				bad++;
		is_int((int)bad, 0, "each below the gate above it");
		free(parent);
		free(g);
		free(gates);
	}
	{
		ssize_t g[1];

		is_int(compute(NULL, NULL, 0, g), 0, "an empty table");
	}
	return tap_done();
}
