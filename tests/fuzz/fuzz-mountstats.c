/* mountstats_parse() on any text: it keeps only NFS blocks, with their
 * strings set, counts only the operations it knows, finds every entry it
 * kept, and what it read survives being written again in the kernel's
 * layout (fields escaped as seq_escape() does) and parsed once more. The
 * warnings' explanation is built from each entry without overrunning. */
#include "fuzz.h"
#include "macro.h"
#include "mountstats.h"
#include "nfs-health.h"

static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++)
		if (strchr(" \t\n\\", *s))
			fprintf(f, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, f);
}

static void write_entry(FILE *f, const struct mountstats_entry *e)
{
	fputs("device ", f);
	put_escaped(f, e->device);
	fputs(" mounted on ", f);
	put_escaped(f, e->mountpoint);
	fputs(" with fstype ", f);
	put_escaped(f, e->fstype);
	fputs(" statvers=1.1\n", f);
	if (e->vers_major)
		fprintf(f, "\topts:\trw,vers=%u.%u\n", e->vers_major, e->vers_minor);
	if (e->have_age)
		fprintf(f, "\tage:\t%llu\n", (unsigned long long)e->age_s);
	if (!e->have_ops)
		return;
	fputs("\tper-op statistics\n", f);
	for (int op = 0; op < _MOUNTSTATS_OP_MAX; op++)
		if (e->seen & (1U << op))
			fprintf(f, "\t%12s: %llu 0 0 0 0 0 0 0 %llu\n", mountstats_op_name(op),
				(unsigned long long)e->op[op].ops, (unsigned long long)e->op[op].errors);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mountstats s = {}, again = {};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fmemopen((void *)data, size, "r"), *out;

	if (!f)
		return 0;
	if (mountstats_parse(f, &s) < 0)
		abort();
	fclose(f);

	out = open_memstream(&buf, &len);
	if (!out)
		abort();
	for (size_t i = 0; i < s.n; i++) {
		const struct mountstats_entry *e = &s.v[i];
		struct nfs_health h = { .checked = true, .warnings = 3, .identity = NFS_IDENTITY_HOSTNAME_ONLY };
		char text[64];

		fuzz_check(e->device && e->mountpoint && e->fstype, "entry %zu has a NULL string", i);
		fuzz_check(streq(e->fstype, "nfs") || streq(e->fstype, "nfs4"), "kept type '%s'", e->fstype);
		fuzz_check(e->seen < (1U << _MOUNTSTATS_OP_MAX), "seen 0x%x", e->seen);
		fuzz_check(!e->seen || e->have_ops, "ops outside a per-op section");
		for (int op = 0; op < _MOUNTSTATS_OP_MAX; op++)
			fuzz_check((e->seen & (1U << op)) || (e->op[op].ops == 0 && e->op[op].errors == 0),
				   "counter of an op not seen");
		fuzz_check(mountstats_find(&s, e->mountpoint, e->device, e->fstype, 0) != NULL, "entry %zu not found", i);
		write_entry(out, e);

		h.minor = e->vers_minor;
		h.churn = (struct churn_verdict){ .known = true, .churn = true, .establish = e->op[0].ops,
						  .destroy = e->op[2].ops, .period_ns = e->age_s };
		(void)snprintf(h.hostname, sizeof(h.hostname), "%.64s", e->device);
		nfs_health_describe(&h, text, sizeof(text));
		fuzz_check(strlen(text) < sizeof(text), "describe overran");
	}
	fclose(out);

	f = fmemopen(buf, len ? len : 1, "r");
	if (!f)
		abort();
	if (mountstats_parse(f, &again) < 0)
		abort();
	fclose(f);
	fuzz_check(again.n <= s.n, "written %zu entries, read back %zu", s.n, again.n);
	for (size_t i = 0; i < again.n; i++) {
		const struct mountstats_entry *e = &again.v[i];
		const struct mountstats_entry *o = mountstats_find(&s, e->mountpoint, e->device, e->fstype, 0);

		fuzz_check(o != NULL, "a re-read entry was not in the original");
	}
	mountstats_done(&s);
	mountstats_done(&again);
	free(buf);
	return 0;
}
