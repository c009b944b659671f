/* SPDX-License-Identifier: MIT */
/*
 * Running programs from the tests: the essc binary named by $ESSC_BIN (set
 * by make check) with arguments and stdin, a shell command line, or any
 * argv through a configured launcher, each giving the exit status and the
 * captured stdout and stderr.  Also the paths of the source tree
 * ($ESSC_SRCDIR).  A failure to start the program fails the test.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A finished run.  All fields are public; essc_test_run_clear frees them. */
typedef struct {
  int status;        /* exit status; -1 when killed by a signal */
  char *out, *err;   /* stdout and stderr, NUL-terminated */
} EsscTestRun;

/* The value of an environment variable make check sets; a test error
 * (naming make check) when it is unset. */
const char *essc_test_env (const char *var);
/* $ESSC_BIN and $ESSC_SRCDIR, as essc_test_env. */
const char *essc_test_bin (void);
const char *essc_test_srcdir (void);
/* Returns: (transfer full) $ESSC_SRCDIR/first/... (NULL-terminated
 * elements; "." when ESSC_SRCDIR is unset). */
char *essc_test_src_path (const char *first, ...) G_GNUC_NULL_TERMINATED;

/* Copies the shipped access shares (scenarios/data/access-2018-2020.csv)
 * to DIR/data/, where a scenario written in DIR finds them by default. */
void essc_test_put_access (const char *dir);

/* Runs argv (argv[0] searched in PATH) through launcher (NULL: a plain
 * one; its flags are replaced by pipes for stdin, stdout and stderr),
 * feeding stdin_text (may be NULL) of stdin_len bytes. */
EsscTestRun essc_test_run_argv (GSubprocessLauncher *launcher, const char *const *argv,
                                const char *stdin_text, gsize stdin_len);
/* Runs $ESSC_BIN with args (NULL-terminated) and stdin_text (may be NULL). */
EsscTestRun essc_test_run_essc_v (const char *stdin_text, gsize stdin_len,
                                  const char *const *args);
#define essc_test_run_essc(...) \
  essc_test_run_essc_v (NULL, 0, (const char *const[]) { __VA_ARGS__, NULL })
/* Runs a command line with /bin/sh -c. */
EsscTestRun essc_test_run_sh (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
/* Returns: (transfer full) $ESSC_BIN quoted for a shell command line. */
char *essc_test_sh_bin (void);

/* Frees the outputs of r (not r itself). */
void essc_test_run_clear (EsscTestRun *r);

G_END_DECLS
