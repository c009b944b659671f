/* SPDX-License-Identifier: MIT */
/*
 * Reading an input file that may be hostile: only a regular file is read
 * (a FIFO, device or directory is refused at once, never waited on), and
 * never more than a bound given by the caller (refused before it is read).
 * The buffer is wiped before it is freed on every error path, so the same
 * reader serves key files.  Writing an output file is atomic and never
 * replaces anything but a regular file: a symlink, FIFO or device named as
 * an output (as root, --json /dev/stdout would otherwise replace
 * /dev/stdout itself) is refused and left alone; "-" names standard output.
 */
#pragma once

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

#define BASE_FILE_ERROR (base_file_error_quark ())
GQuark base_file_error_quark (void);

typedef enum {
  BASE_FILE_ERROR_NOT_FOUND,   /* no such file */
  BASE_FILE_ERROR_NOT_REGULAR, /* a FIFO, device, socket or directory */
  BASE_FILE_ERROR_TOO_LARGE,   /* over the caller's bound */
  BASE_FILE_ERROR_IO,          /* open or read failed otherwise, or it changed while read */
} BaseFileError;

/*
 * Opens the regular file at path for reading (O_CLOEXEC; O_NONBLOCK, which
 * changes nothing for a regular file).  Returns: the descriptor, or -1 with
 * error (path first in the message) for anything that is not a regular file.
 */
int base_file_open_regular (const char *path, GError **error);

/*
 * Reads the whole of the regular file at path, of at most max bytes.
 * Returns: (transfer full) its bytes followed by a NUL (so text can be
 * used as a string; *len excludes the NUL), or NULL with error, whose
 * message starts with path.  mode (may be NULL) gets the file's st_mode.
 */
char *base_file_read_regular (const char *path, gsize max, gsize *len, guint *mode,
                              GError **error);

/*
 * Writes len bytes of data to path: through a temporary file in its folder
 * renamed into place (a new file gets mode; with durable, synced first), so
 * a reader sees the old contents or the new, never a part.  path "-" writes
 * standard output instead (flushed; a failure is an error).  An existing
 * path that is not a regular file (a symlink, even to one, a FIFO, device,
 * socket or folder) is refused with BASE_FILE_ERROR_NOT_REGULAR and left
 * as it was.  Returns FALSE with error (path first in its message).
 */
gboolean base_file_write_atomic (const char *path, const void *data, gsize len, int mode,
                                 gboolean durable, GError **error);

/*
 * An output written piece by piece (a table of a million rows, never held
 * whole) with the guarantee of base_file_write_atomic: the bytes go to a
 * temporary file PATH.tmp-XXXXXX in path's folder, renamed over path by
 * base_file_out_commit; freed without a commit, the temporary is removed
 * and path is left as it was.  path "-" writes standard output directly
 * (nothing to rename; committing flushes it).
 */
typedef struct _BaseFileOut BaseFileOut;

/*
 * Starts the output to path (refused as base_file_write_atomic refuses:
 * BASE_FILE_ERROR_NOT_REGULAR; a missing folder: BASE_FILE_ERROR_NOT_FOUND;
 * BASE_FILE_ERROR_IO otherwise), mode for a new file (less the umask).
 * Returns: (transfer full) the output, or NULL with error (path first).
 */
BaseFileOut *base_file_out_new (const char *path, int mode, GError **error);

/* The stream to write to (owned by out; stdout for "-"). */
FILE *base_file_out_stream (BaseFileOut *out);

/*
 * Flushes the stream (with durable, syncs the file), closes it and renames
 * the temporary into place.  FALSE with BASE_FILE_ERROR_IO (path first, the
 * system's reason: a full disk, a failed write) when any write failed or
 * any of these steps did; the temporary is then removed.  Call once.
 */
gboolean base_file_out_commit (BaseFileOut *out, gboolean durable, GError **error);

/* Closes and frees out (NULL: nothing); removes the temporary unless it
 * was committed. */
void base_file_out_free (BaseFileOut *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BaseFileOut, base_file_out_free)

/* TRUE when path may be written by base_file_write_atomic: "-", a path
 * that does not exist, or a regular file; else FALSE with error.  For
 * outputs written at the end of a long run, checked before it starts. */
gboolean base_file_output_ok (const char *path, GError **error);

/*
 * Takes an exclusive advisory lock (flock) on path, a lock file created if
 * missing (mode 0644; a symlink is not followed), without waiting: two
 * writers of one output serialise by it, the second refused at once.
 * Returns: the descriptor holding the lock (close it to release), or -1 with
 * BASE_FILE_ERROR_IO, "PATH: in use by another process" when it is held.
 */
int base_file_lock (const char *path, GError **error);

G_END_DECLS
