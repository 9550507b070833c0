/* The status vocabulary and errno classification; see state.h. */
#include <string.h>
#include <sys/types.h>

#include "macro.h"
#include "state.h"

static const char *const status_names[_STATUS_MAX] = {
	[STATUS_OK] = "ok",		[STATUS_HUNG] = "hung",
	[STATUS_STALE] = "stale",	[STATUS_DISCONNECTED] = "disconnected",
	[STATUS_DOWN] = "down",		[STATUS_DENIED] = "denied",
	[STATUS_BLOCKED] = "blocked",	[STATUS_ERROR] = "error",
};

const char *status_to_string(enum mount_status s)
{
	if (s < 0 || s >= _STATUS_MAX)
		return NULL;
	return status_names[s];
}

enum mount_status status_from_string(const char *s)
{
	for (int i = 0; s && i < _STATUS_MAX; i++)
		if (streq(s, status_names[i]))
			return (enum mount_status)i;
	return _STATUS_INVALID;
}

enum mount_status status_from_errno(int err)
{
	switch (err) {
	case 0:
		return STATUS_OK;
	case ESTALE:
		return STATUS_STALE;
	case ENOTCONN:
	case ECONNABORTED:
		return STATUS_DISCONNECTED;
	case EHOSTDOWN:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ENETDOWN:
	case ECONNREFUSED:
	case ECONNRESET:
	case ETIMEDOUT:
		return STATUS_DOWN;
	case EACCES:
	case EPERM:
	case EKEYEXPIRED:
	case EKEYREVOKED:
	case ENOKEY:
		return STATUS_DENIED;
	default:
		return STATUS_ERROR;
	}
}

bool status_is_healthy(enum mount_status s)
{
	return s == STATUS_OK || s == STATUS_DENIED;
}
