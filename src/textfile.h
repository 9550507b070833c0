/* Replacing a file atomically, as node_exporter's textfile collector needs
 * it: a scrape must see the old file or the new one, never half of one,
 * and a failed write must leave the old one in place. Never prints. */
#pragma once

#include <stddef.h>

/* Writes data to a new file in path's directory (O_EXCL|O_NOFOLLOW, mode
 * 0644 whatever the umask, so node_exporter's user can read it), fsyncs
 * it, renames it over path and fsyncs the directory. The temporary name
 * starts with '.' and does not end in ".prom", so the collector never
 * reads it. A symbolic link at path is refused (-ELOOP), not followed
 * nor replaced; so is anything but a regular file (-EISDIR, -EINVAL).
 * Returns 0 or -errno; on failure the temporary file is gone and path is
 * as it was (unless only the final directory fsync failed: then the new
 * file is in place but may not survive a crash). */
int textfile_write(const char *path, const void *data, size_t len);
