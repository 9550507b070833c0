/* The gate rule over a tree of mounts; see gate.h. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "cleanup.h"
#include "gate.h"
#include "macro.h"

enum { NEW, ON_STACK, DONE };

/* Only for the mounts of a parent cycle: walks up to n steps, stopping
 * where it came back to i. */
static ssize_t gate_walk(const struct gate_tree *g, size_t i)
{
	ssize_t p = g->parent(g->userdata, i);

	for (size_t depth = 0; p >= 0 && (size_t)p != i && depth < g->n; depth++) {
		if (g->is_gate(g->userdata, (size_t)p))
			return p;
		p = g->parent(g->userdata, (size_t)p);
	}
	return -1;
}

int gate_compute(const struct gate_tree *g, ssize_t *ret_gate)
{
	_cleanup_free_ uint8_t *state = calloc(MAX(g->n, 1U), sizeof(*state));
	_cleanup_free_ size_t *stack = calloc(MAX(g->n, 1U), sizeof(*stack));

	if (!state || !stack)
		return -ENOMEM;
	for (size_t i = 0; i < g->n; i++) {
		size_t len = 0;
		ssize_t x = (ssize_t)i;

		/* Up to the first mount settled already (or the root)... */
		while (x >= 0 && (size_t)x < g->n && state[x] == NEW) {
			state[x] = ON_STACK;
			stack[len++] = (size_t)x;
			x = g->parent(g->userdata, (size_t)x);
		}
		/* ...where a mount met again closes a cycle: its members are
		 * settled by walking, the rest hang below them. */
		if (x >= 0 && (size_t)x < g->n && state[x] == ON_STACK)
			while (len > 0) {
				size_t s = stack[--len];

				ret_gate[s] = gate_walk(g, s);
				state[s] = DONE;
				if (s == (size_t)x)
					break;
			}
		/* ...then back down, each from its parent's answer. */
		while (len > 0) {
			size_t s = stack[--len];
			ssize_t p = g->parent(g->userdata, s);

			if (p < 0 || (size_t)p >= g->n)
				ret_gate[s] = -1;
			else
				ret_gate[s] = g->is_gate(g->userdata, (size_t)p) ? p : ret_gate[p];
			state[s] = DONE;
		}
	}
	return 0;
}
