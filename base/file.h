/* SPDX-License-Identifier: MIT */
/*
 * Reading an input file that may be hostile: only a regular file is read
 * (a FIFO, device or directory is refused at once, never waited on), and
 * never more than a bound given by the caller (refused before it is read).
 * The buffer is wiped before it is freed on every error path, so the same
 * reader serves key files.
 */
#pragma once

#include <glib.h>

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

G_END_DECLS
