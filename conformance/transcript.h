/* SPDX-License-Identifier: MIT */
/*
 * The transcript of a conformance run (`essc conform --transcript FILE`,
 * docs/ADAPTER.md section 7): every message exchanged with the
 * implementation under test, whatever the transport, as one JSON object per
 * line, written and flushed as the run goes so that whatever was exchanged
 * before a crash of the runner stays in the file:
 *
 *     {"test":"qr/replayed","dir":"send","t_ms":12.345,"line":"{\"essc\":1,...}"}
 *
 * `test` is the running test (null outside a test: the final `bye`), `dir`
 * one of "open" (a process started or an HTTP session opened; `line` is the
 * command or URL), "send", "recv" or "fail" (`line` is the diagnostic, and
 * `failure` the class), `t_ms` milliseconds since the transcript was
 * opened (monotonic clock, microsecond resolution).  `line` keeps the raw
 * bytes: valid UTF-8 as JSON text, each byte that is not part of valid
 * UTF-8 as the lone surrogate \udc80..\udcff (Python's "surrogateescape":
 * `s.encode("utf-8", "surrogateescape")` gives the bytes back).
 *
 * A write error is remembered and reported by conf_transcript_close; the
 * run goes on.  Not thread-safe.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CONF_TRANSCRIPT_OPEN,
  CONF_TRANSCRIPT_SEND,
  CONF_TRANSCRIPT_RECV,
  CONF_TRANSCRIPT_FAIL,
} ConfTranscriptDir;

typedef struct _ConfTranscript ConfTranscript;

/* ---- new ---------------------------------------------------------------- */

/* Creates (or truncates) path.  Returns: (transfer full) or NULL with a
 * G_FILE_ERROR naming the file. */
ConfTranscript *conf_transcript_open (const char *path, GError **error);

/* ---- use ---------------------------------------------------------------- */

/* The test the next lines belong to (copied); NULL: none. */
void conf_transcript_set_test (ConfTranscript *t, const char *test);

/* One line of len bytes (any bytes) in direction dir. */
void conf_transcript_add (ConfTranscript *t, ConfTranscriptDir dir, const char *line,
                          gsize len);

/* A failed call: its class ("timeout", "network", ...) and diagnostic. */
void conf_transcript_add_failure (ConfTranscript *t, const char *failure,
                                  const char *message);

/* Returns: (transfer full) len bytes as a JSON string, quotes included,
 * escaped as the transcript's `line` is. */
char *conf_transcript_json_string (const char *bytes, gsize len);

/* ---- free --------------------------------------------------------------- */

/* Closes the file; FALSE with a G_FILE_ERROR when a write or the close
 * failed.  Frees t (NULL: TRUE). */
gboolean conf_transcript_close (ConfTranscript *t, GError **error);

/* Closes without reporting errors.  Accepts NULL. */
void conf_transcript_free (ConfTranscript *t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfTranscript, conf_transcript_free)

G_END_DECLS
