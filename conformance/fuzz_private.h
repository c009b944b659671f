/* SPDX-License-Identifier: MIT */
/*
 * What the parts of the differential fuzzer share (private to
 * conformance/fuzz*.c): the random stream, JSON copies and sequences of
 * steps (fuzz_seq.c), the mutations of a request's params (fuzz_mutate.c),
 * the corpus read from the vectors (fuzz_gen.c: which tests, operations, values and
 * comparisons the vectors give, and the generator of sequence N of a seed),
 * the execution of one sequence against the IUT and the reference with its
 * judgement (fuzz.c), shrinking (fuzz_shrink.c) and the finding files
 * (fuzz_write.c).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "conformance/client.h"
#include "conformance/fuzz.h"
#include "conformance/plan.h"

G_BEGIN_DECLS

/* ---- the random stream -------------------------------------------------- */

/* xoshiro256** keyed by (seed, sequence index) through splitmix64: sequence
 * N of a seed draws the same numbers whatever ran before it. */
typedef struct {
  guint64 s[4];
} FuzzRng;

void conf_fuzz_rng_init (FuzzRng *rng, guint64 seed, guint64 index);
guint64 conf_fuzz_rng_next (FuzzRng *rng);
/* Uniform in [0, n); n > 0. */
guint32 conf_fuzz_rng_below (FuzzRng *rng, guint32 n);
/* TRUE with probability percent / 100. */
gboolean conf_fuzz_rng_chance (FuzzRng *rng, guint percent);

/* ---- sequences ---------------------------------------------------------- */

/* One request.  All fields public. */
typedef struct {
  char *op;
  JsonObject *params;          /* owned, mutable (never shared with the plan) */
  const ConfStep *origin;      /* the vector step it was copied from, or NULL */
  const ConfTest *from;        /* that step's test, or NULL */
  gboolean from_setup;         /* origin is a setup step of its group */
  guint origin_index;          /* origin's index in the setup or the steps */
} FuzzStep;

/* A sequence: steps[0] is always a reset.  All fields public. */
typedef struct {
  GPtrArray *steps;            /* FuzzStep* */
  const ConfTest *base;        /* the test it started from */
  guint64 index;               /* its number in the run */
  GPtrArray *log;              /* char*: the mutations applied, in words */
} FuzzSeq;

FuzzSeq *conf_fuzz_seq_copy (const FuzzSeq *seq);
/* A copy of the first n steps of seq. */
FuzzSeq *conf_fuzz_seq_prefix (const FuzzSeq *seq, guint n);
void conf_fuzz_seq_free (FuzzSeq *seq);
FuzzStep *conf_fuzz_step_copy (const FuzzStep *step);
void conf_fuzz_step_free (FuzzStep *step);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FuzzSeq, conf_fuzz_seq_free)

/* A deep, mutable copy of node (json-glib's own copy shares containers). */
JsonNode *conf_fuzz_json_copy (JsonNode *node);
JsonObject *conf_fuzz_object_copy (JsonObject *obj);
/* TRUE when a and b are equal JSON (member order ignored). */
gboolean conf_fuzz_json_equal (JsonNode *a, JsonNode *b);

/* ---- the corpus (fuzz_gen.c) --------------------------------------------- */

typedef struct _FuzzCorpus FuzzCorpus;

/*
 * Reads what the plan (loaded from dir, whose files' keys and clock are
 * kept for the finding files; dir may be NULL) gives for role under
 * profile: the tests to start from (those the profile admits whose
 * operations the IUT and the reference both offer; with valid_only, only
 * those the vectors mark "valid"), the operations to add (both lists, but
 * hello, reset and bye) with the params of the steps that call them, every
 * value each member name takes (with valid_only, both from the setups, the
 * valid tests and the steps other tests expect accepted only), and what to
 * compare (from every test).  Returns: (transfer full) or NULL with
 * CONF_FUZZ_ERROR_INPUT when no test is left.
 */
FuzzCorpus *conf_fuzz_corpus_new (const ConfPlan *plan, const char *dir, const char *role,
                                  const ConfProfile *profile, gboolean valid_only,
                                  const char *const *iut_ops, const char *const *ref_ops,
                                  GError **error);
void conf_fuzz_corpus_free (FuzzCorpus *corpus);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FuzzCorpus, conf_fuzz_corpus_free)

guint conf_fuzz_corpus_n_tests (const FuzzCorpus *corpus);
guint conf_fuzz_corpus_n_ops (const FuzzCorpus *corpus);

/* Sequence index of seed.  Returns: (transfer full). */
FuzzSeq *conf_fuzz_generate (const FuzzCorpus *corpus, guint64 seed, guint64 index);

/* The result members compared by value for op (NULL-terminated, owned by
 * the corpus): those the vectors state for op, less those a named check of
 * op covers. */
const char *const *conf_fuzz_corpus_members (const FuzzCorpus *corpus, const char *op);
/* The named checks the vectors apply to op, in the order they are tried
 * (NULL-terminated, owned by the corpus; static strings). */
const char *const *conf_fuzz_corpus_checks (const FuzzCorpus *corpus, const char *op);
/* The codes the vectors accept in place of code for op (their any_code
 * lists that hold code), code included; NULL when none.  Returns:
 * (transfer full) GArray of ModelStdCode. */
GArray *conf_fuzz_corpus_codes (const FuzzCorpus *corpus, const char *op, ModelStdCode code);
/* The file-level members (keys, clock, suite) of the vector file a test
 * comes from, as a JSON object (owned by the corpus), or NULL. */
JsonObject *conf_fuzz_corpus_file_header (const FuzzCorpus *corpus, const char *file);
/* The name of a test (of those sequences start from) whose setup and steps
 * hold seq's steps in order, equal op and params, some perhaps left out;
 * NULL when no test does: seq is new. */
const char *conf_fuzz_corpus_vector_test (const FuzzCorpus *corpus, const FuzzSeq *seq);
/* Every distinct value the vectors of the role give a member of that name
 * (at any depth of the params): JsonNode*, owned by the corpus, or NULL. */
GPtrArray *conf_fuzz_corpus_pool (const FuzzCorpus *corpus, const char *member);

/* ---- mutations (fuzz_mutate.c) ------------------------------------------- */

/* Changes one value of params (or params as a whole); *what (transfer
 * full) says what, e.g. "credential: bit 3 of byte 17 flipped". */
gboolean conf_fuzz_mutate_params (const FuzzCorpus *corpus, FuzzRng *rng, JsonObject *params,
                                  char **what);

/* ---- execution (fuzz.c) -------------------------------------------------- */

/* What one sequence gave.  All fields public; conf_fuzz_outcome_clear. */
typedef struct {
  gboolean diverged;
  gboolean void_run;           /* the reference command failed: nothing to judge */
  gboolean call_failed;        /* the divergence is a failed call (timeout, crash, ...) */
  guint executed;              /* steps played */
  guint step;                  /* the diverging step (diverged only) */
  char *signature;             /* "OP: what" (diverged only) */
  char *expected, *got, *detail;
  GPtrArray *expects;          /* ConfStep*: the reference's answer to each step played,
                                * as the expectation written to a file */
} FuzzOutcome;

void conf_fuzz_outcome_clear (FuzzOutcome *outcome);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FuzzOutcome, conf_fuzz_outcome_clear)

typedef struct _FuzzExec FuzzExec;

/*
 * Plays seq on the IUT and the reference, comparing each step; stops at
 * the first divergence.  FALSE with error only when the IUT is dead and
 * cannot be restarted (the run must stop).
 */
gboolean conf_fuzz_exec (FuzzExec *exec, const FuzzSeq *seq, FuzzOutcome *out, GError **error);
/* Prints a progress line when one is due. */
void conf_fuzz_tick (FuzzExec *exec);

/* ---- shrinking (fuzz_shrink.c) ------------------------------------------- */

/*
 * The smallest sequence found that still diverges with the same signature:
 * steps dropped (delta debugging, the reset kept), then values brought
 * back to those of the vector step they came from, then strings and arrays
 * shortened.  At most budget sequences are played.  *out gets the
 * outcome of the result and *tries the sequences played.  FALSE with error
 * as conf_fuzz_exec.  Returns the shrunk sequence in *shrunk (transfer full).
 */
gboolean conf_fuzz_shrink (FuzzExec *exec, const FuzzSeq *seq, const char *signature,
                           guint budget, FuzzSeq **shrunk, FuzzOutcome *out, guint *tries,
                           GError **error);

/* ---- finding files (fuzz_write.c) ---------------------------------------- */

/*
 * The vector file (essc-vectors/1) of a shrunk finding: one group of role
 * (the base test's profile), setup the reset, one test named test_name
 * with the other steps, each expecting the reference's answer (out).
 * Returns: (transfer full) the text.
 */
char *conf_fuzz_file_text (const FuzzCorpus *corpus, const char *role, const FuzzSeq *seq,
                           const FuzzOutcome *out, const char *test_name, guint64 seed);

/*
 * Plays test test_name of the files in dir with the runner (conf_run)
 * against command (the IUT) and reference: *fails_iut and *passes_reference
 * say what came; *note (transfer full) says what the runner said when not
 * as wanted, or NULL.
 */
void conf_fuzz_check_file (const char *dir, const char *test_name, const char *role,
                           const ConfProfile *profile, const char *command,
                           const char *reference, int timeout_ms,
                           const ConfClientOptions *client, gboolean *fails_iut,
                           gboolean *passes_reference, char **note);

G_END_DECLS
