/* SPDX-License-Identifier: MIT */
/*
 * Differential fuzzing of an implementation under test (`essc fuzz`,
 * docs/FUZZ.md): random sequences of valid and invalid operations of one
 * role, each sent to the IUT (through conformance/client.h, so a hang, a
 * crash or garbage is handled as in `essc conform` and is itself a finding)
 * and to the reference implementation of the same role (in-process, or a
 * second command), every divergence in outcome or result reported, shrunk
 * to a minimal sequence and written as a replayable vector file
 * (essc-vectors/1) whose expectations are the reference's answers.
 *
 * The sequences are built from the suite's vectors (conformance/plan.h):
 * each starts from a test of the role (its group's setup, reset first, then
 * its steps) and carries at least one mutation: of values (bit flips and
 * truncations of hex, boundary integers, wrong JSON types, absent members,
 * values of other tests) or of the sequence (a step sent twice, reordered,
 * dropped, or taken from another test of the group, or an operation of the
 * adapter's list with parameters drawn from the vectors).  Sequence N of
 * seed S is the same on every run: time only bounds how many are played.
 * What is compared is also read from the vectors (the result members they
 * state per operation, their named checks and their alternative codes), so
 * a change of the vectors changes the fuzzer with it.
 */
#pragma once

#include <glib.h>
#include <stdio.h>

#include "conformance/client.h"
#include "conformance/plan.h"
#include "conformance/profile.h"

G_BEGIN_DECLS

#define CONF_FUZZ_ERROR (conf_fuzz_error_quark ())
GQuark conf_fuzz_error_quark (void);

/* Codes of CONF_FUZZ_ERROR: why a run could not take place. */
typedef enum {
  CONF_FUZZ_ERROR_START = 1, /* the IUT (or the reference command) cannot start or shake hands */
  CONF_FUZZ_ERROR_INPUT,     /* the vectors give nothing to fuzz for the role and profile */
  CONF_FUZZ_ERROR_OUTPUT,    /* a finding cannot be written */
} ConfFuzzError;

/* What to fuzz and how long.  All fields public; zero means the default
 * where one is named. */
typedef struct {
  const char *command;          /* the IUT: a command or an http(s):// URL */
  const char *role;
  const char *reference;        /* NULL: the reference in-process; else its command */
  const char *essc_path;        /* this essc, for `essc impl` in the check of a written
                                 * file when reference is NULL */
  const ConfProfile *profile;   /* NULL: conf_profile_default (role) */
  const char *vectors_dir;      /* where the plan came from (the keys and clock of its
                                 * files go into the finding files); may be NULL */
  gboolean valid_only;          /* start only from the tests the vectors mark valid, and
                                 * draw values and operations only from them, the setups
                                 * and the steps the vectors expect accepted */
  guint64 seed;
  double seconds;               /* 0: no time bound (then runs must be set) */
  guint64 runs;                 /* 0: no count bound (then seconds must be set) */
  guint max_findings;           /* stop after this many distinct findings; 0: 10 */
  guint shrink_budget;          /* sequences tried per finding while shrinking; 0: 400 */
  int timeout_ms;               /* per response; 0: CONF_CLIENT_DEFAULT_TIMEOUT_MS */
  const char *out_dir;          /* where the finding files go (created); NULL: none written */
  FILE *progress;               /* progress lines; NULL: quiet */
  double progress_every;        /* seconds between progress lines; 0: 2 */
  FILE *findings;               /* one block per finding as it is found; may be NULL */
  const ConfClientOptions *client; /* TLS files for an https:// IUT; may be NULL */
} ConfFuzzOptions;

/* One distinct divergence.  All fields public, owned by the report. */
typedef struct {
  char *signature;              /* "qr.verify: expected refused:replayed, got accepted" */
  guint64 sequence;             /* the first sequence that showed it */
  double seconds;               /* time into the run when it showed (before shrinking) */
  guint steps_found;            /* its steps when found (reset included) */
  guint steps_shrunk;           /* its steps once shrunk */
  guint shrink_tries;           /* sequences played while shrinking */
  char *op;                     /* the diverging step's operation */
  char *expected, *got;         /* as in a conform diagnostic */
  char *detail;                 /* why they differ, or NULL */
  char *vector_test;            /* the shrunk sequence is this vector test's own steps (some
                                 * left out, none changed or added), or NULL: a sequence no
                                 * vector test holds */
  char *test_name;              /* the test in the written file */
  char *file;                   /* the file written, or NULL (no out_dir) */
  gboolean fails_iut;           /* the written file, played by the runner, fails the IUT */
  gboolean passes_reference;    /* ... and passes the reference */
  char *check_note;             /* when either is not so: what the runner said */
} ConfFuzzFinding;

typedef struct {
  guint64 seed;
  guint64 sequences;            /* played (shrinking not counted) */
  guint64 steps;                /* requests sent to the IUT, shrinking included */
  guint64 restarts;             /* IUT processes started after the first */
  guint64 reference_failures;   /* sequences void because the reference command failed */
  double seconds;               /* wall time of the run */
  char *iut_name, *iut_version; /* from hello */
  GPtrArray *findings;          /* ConfFuzzFinding*, in the order found */
  gboolean stopped_early;       /* max_findings reached, or the IUT could not be restarted */
  char *stop_reason;            /* why it stopped early, or NULL */
} ConfFuzzReport;

/*
 * Fuzzes.  Returns NULL with a CONF_FUZZ_ERROR only when the run cannot
 * start (the IUT or the reference command cannot start or fails its
 * handshake at the first attempt; nothing to fuzz).  An IUT that cannot be
 * restarted later ends the run early (stopped_early, stop_reason).
 * Returns: (transfer full)
 */
ConfFuzzReport *conf_fuzz_run (const ConfPlan *plan, const ConfFuzzOptions *options,
                               GError **error);
void conf_fuzz_report_free (ConfFuzzReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfFuzzReport, conf_fuzz_report_free)

G_END_DECLS
