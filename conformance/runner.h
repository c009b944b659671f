/* SPDX-License-Identifier: MIT */
/*
 * The conformance runner: plays the tests of a plan that apply to a role
 * against an implementation under test (a command speaking
 * docs/ADAPTER.md), one test after another, and gives each a verdict with
 * diagnostics.  A test's steps are its group's setup (starting with reset)
 * and its own steps; the first step whose response differs from the
 * expectation fails the test.  An IUT that times out, crashes or breaks the
 * protocol fails the running test with that diagnostic and is replaced by a
 * fresh process for the next test; exit status 89 or the code
 * `unimplemented` make the test "not implemented".  After too many such
 * dead tests in a row the rest are "not run" (never played, and no
 * conformance).  Waivers turn named failures into expected ones; a waiver
 * that matches no test or no failure is reported as a failure.  A run may
 * be limited to named tests (`essc conform --only`).  Round-trip times are
 * kept per operation.
 */
#pragma once

#include <glib.h>

#include "conformance/client.h"
#include "conformance/plan.h"
#include "conformance/profile.h"
#include "conformance/waivers.h"

G_BEGIN_DECLS

#define CONF_RUNNER_ERROR (conf_runner_error_quark ())
GQuark conf_runner_error_quark (void);

typedef enum {
  CONF_VERDICT_PASS = 0,
  CONF_VERDICT_FAIL,
  CONF_VERDICT_SKIP,            /* outside the profile */
  CONF_VERDICT_NOT_IMPLEMENTED, /* exit 89 or `unimplemented` (counts as a failure) */
  CONF_VERDICT_WAIVED,          /* failed, and a waiver expected it */
  CONF_VERDICT_NOT_RUN,         /* never played: the IUT died too often (counts as a failure) */
  CONF_N_VERDICTS
} ConfVerdict;

/* "pass", "fail", "skip", "not_implemented", "waived", "not_run". */
const char *conf_verdict_name (ConfVerdict verdict);

/* One test's outcome.  All fields public; owned by the ConfRun. */
typedef struct {
  const ConfTest *test;     /* NULL for a waiver that matched no test */
  char *name;               /* the test's name (or the waiver's) */
  ConfVerdict verdict;
  char *reason;             /* skip reason, waiver reason, or a failure summary */
  int step;                 /* failing step, from 1 over setup + steps; 0 if none */
  char *op;                 /* its op, or NULL */
  char *expected;           /* what the step expected, or NULL */
  char *got;                /* what came, or NULL */
  char *stderr_tail;        /* the IUT's last stderr lines after a crash, or NULL */
  gint64 duration_us;
} ConfTestResult;

/* Latency of one operation over the run.  All fields public. */
typedef struct {
  char *op;
  guint64 count;
  gint64 p50_us, p99_us, max_us;
} ConfOpLatency;

typedef struct {
  const char *command;          /* the IUT: a command, or an http(s):// URL */
  const char *role;
  int timeout_ms;               /* per response */
  const ConfProfile *profile;   /* NULL: conf_profile_default (role) */
  ConfWaivers *waivers;         /* may be NULL; marked matched/used */
  /* After this many tests in a row ended by a timeout, crash, network or protocol
   * failure, the remaining tests are not played (CONF_VERDICT_NOT_RUN), so
   * a dead IUT cannot keep a pipeline busy for hours.  0: the default, 10. */
  guint max_dead_in_a_row;
  /* > 0: the whole run ends within this many seconds of its start: no
   * response is awaited past that time, a test it cuts short and every later
   * one are CONF_VERDICT_NOT_RUN.  0: no deadline. */
  gint64 deadline_s;
  /* NULL: every test of the role.  Otherwise a NULL-terminated list of
   * test names (checked with conf_run_check_only): only those tests are
   * played and reported, in plan order, each once; waivers naming another
   * test of the role are left alone. */
  const char *const *only;
  /* Called after each result (for streaming output); may be NULL. */
  void (*on_result) (const ConfTestResult *result, guint index, guint total,
                     gpointer user_data);
  gpointer user_data;
  /* TLS files for an https:// IUT, and the transcript; may be NULL. */
  const ConfClientOptions *client;
  /* Called with a test's name before it is played (its hello, when the IUT
   * is restarted, included) and with NULL before the final bye; may be NULL. */
  void (*on_test) (const char *name, gpointer user_data);
} ConfRunOptions;

typedef struct {
  GPtrArray *results;           /* ConfTestResult*, in plan order, then unused waivers */
  GPtrArray *latency;           /* ConfOpLatency*, by op name */
  char *iut_name, *iut_version; /* from hello */
  gint64 started_at, ended_at;  /* Unix seconds, real time */
  guint counts[CONF_N_VERDICTS];
  char **only;                  /* a copy of ConfRunOptions.only, or NULL: every test */
} ConfRun;

/* The number of tests a run of role will report (for the TAP plan line),
 * unused waivers excluded. */
guint conf_run_planned (const ConfPlan *plan, const char *role);

/* The number of results conf_run (plan, options) reports: the TAP plan
 * line.  The tests of the role (only those of options->only when set) and
 * the waivers that name no test of the role. */
guint conf_run_total (const ConfPlan *plan, const ConfRunOptions *options);

/*
 * Checks a list of test names for ConfRunOptions.only: each must be a test
 * of role in plan.  Otherwise FALSE with a CONF_RUNNER_ERROR naming the
 * first unknown name and the closest names of the role, or saying which
 * role the test belongs to.
 */
gboolean conf_run_check_only (const ConfPlan *plan, const char *role, const char *const *only,
                              GError **error);

/*
 * Runs the plan.  Returns NULL with an error only when the run cannot start
 * at all: the IUT cannot be started or fails the handshake (wrong protocol
 * or role) at the first attempt.
 * Returns: (transfer full)
 */
ConfRun *conf_run (const ConfPlan *plan, const ConfRunOptions *options, GError **error);
void conf_run_free (ConfRun *run);

/* TRUE when no test failed, was not implemented or was not run (waived
 * ones pass). */
gboolean conf_run_conformant (const ConfRun *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfRun, conf_run_free)

G_END_DECLS
