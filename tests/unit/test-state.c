/* The status vocabulary and the errno classification every output uses. */
#include <errno.h>
#include <limits.h>

#include "macro.h"
#include "state.h"
#include "tap.h"
#include "util.h"

int main(void)
{
	static const struct {
		int err;
		enum mount_status status;
	} cases[] = {
		{ 0, STATUS_OK },
		{ ESTALE, STATUS_STALE },
		{ ENOTCONN, STATUS_DISCONNECTED },
		{ ECONNABORTED, STATUS_DISCONNECTED },
		{ EHOSTDOWN, STATUS_DOWN },
		{ EHOSTUNREACH, STATUS_DOWN },
		{ ENETUNREACH, STATUS_DOWN },
		{ ECONNREFUSED, STATUS_DOWN },
		{ ETIMEDOUT, STATUS_DOWN },
		{ EACCES, STATUS_DENIED },
		{ EPERM, STATUS_DENIED },
		{ EKEYEXPIRED, STATUS_DENIED },
		{ EIO, STATUS_ERROR },
		{ ENOENT, STATUS_ERROR },
		{ EAGAIN, STATUS_ERROR },
		{ 524, STATUS_ERROR }, /* kernel-internal ENOTSUPP from CIFS */
	};
	static const char *const names[] = { "ok", "hung", "stale", "disconnected",
					      "down", "denied", "blocked", "error" };

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		is_str(status_to_string(status_from_errno(cases[i].err)), status_to_string(cases[i].status),
		       "errno %d classifies as %s", cases[i].err, status_to_string(cases[i].status));

	is_int(_STATUS_MAX, ARRAY_SIZE(names), "the vocabulary has exactly %zu words", ARRAY_SIZE(names));
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		is_str(status_to_string((enum mount_status)i), names[i], "status %zu is '%s'", i, names[i]);
		is_int(status_from_string(names[i]), i, "'%s' parses back", names[i]);
	}
	is_int(status_from_string("fine"), _STATUS_INVALID, "unknown words are refused");
	ok(status_to_string(_STATUS_MAX) == NULL, "out of range has no name");

	ok(status_is_healthy(STATUS_OK), "ok is healthy");
	ok(status_is_healthy(STATUS_DENIED), "denied does not fail the run");
	for (int s = STATUS_HUNG; s < _STATUS_MAX; s++)
		if (s != STATUS_DENIED)
			ok(!status_is_healthy((enum mount_status)s), "%s is unhealthy", names[s]);
	{
		char buf[32];

		is_str(errno_name(ESTALE, buf, sizeof(buf)), "ESTALE", "errno_name: ESTALE");
		is_str(errno_name(-EIO, buf, sizeof(buf)), "EIO", "errno_name: -EIO");
		is_str(errno_name(524, buf, sizeof(buf)), "E524", "errno_name: kernel-internal ENOTSUPP");
		is_str(errno_name(INT_MIN, buf, sizeof(buf)), "E-2147483648", "errno_name: INT_MIN has no negation");
	}
	return tap_done();
}
