/* df_parse_output() (--output=FIELD,...): an accepted list is exactly
 * its comma separated names, each a known field, none twice; a refused
 * one names a piece of the list that is unknown or repeated. df_finish()
 * then keeps the fields as given. */
#include <errno.h>

#include "df.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	struct df_options o = { .block_size_set = true, .block_size = 1024 };
	const char *bad = NULL;
	size_t len = 0, nfields;
	int r = df_parse_output(&o, s, &bad, &len);

	fuzz_check(o.output, "'%s': --output not recorded", s);
	fuzz_check(r == 0 || r == -EINVAL || r == -EEXIST, "'%s': r=%d", s, r);
	fuzz_check(o.nfields <= _DF_FIELD_MAX, "'%s': %zu fields", s, o.nfields);
	for (size_t i = 0; i < o.nfields; i++) {
		fuzz_check(o.fields[i] >= 0 && o.fields[i] < _DF_FIELD_MAX, "'%s': field %d", s, o.fields[i]);
		for (size_t j = 0; j < i; j++)
			fuzz_check(o.fields[i] != o.fields[j], "'%s': field %d twice", s, o.fields[i]);
	}
	if (r < 0) {
		enum df_field f;

		fuzz_check(bad >= s && bad + len <= s + strlen(s), "'%s': bad name outside the list", s);
		fuzz_check(bad[len] == ',' || bad[len] == '\0', "'%s': bad name not a whole item", s);
		f = df_field_from_string(bad, len);
		if (r == -EINVAL)
			fuzz_check(f < 0, "'%.*s' is a field, yet refused", (int)len, bad);
		else {
			bool twice = false;

			for (size_t i = 0; i < o.nfields; i++)
				twice |= o.fields[i] == f;
			fuzz_check(f >= 0 && twice, "'%.*s' refused as a repeat", (int)len, bad);
		}
		goto out;
	}

	/* Accepted: item k is fields[k]. */
	{
		const char *p = s;
		size_t k = 0;

		for (;; k++) {
			size_t l = strcspn(p, ",");

			fuzz_check(k < o.nfields && df_field_from_string(p, l) == o.fields[k], "'%s': item %zu", s, k);
			if (!p[l])
				break;
			p += l + 1;
		}
		fuzz_check(k + 1 == o.nfields, "'%s': %zu items, %zu fields", s, k + 1, o.nfields);
	}
	nfields = o.nfields;
	fuzz_check(df_finish(&o) == 0 && o.mode == DF_MODE_OUTPUT && o.nfields == nfields, "'%s': df_finish", s);
out:
	free(s);
	return 0;
}
