/* SPDX-License-Identifier: MIT */
/*
 * The differential fuzzer's driver (see fuzz.h): the two sides (the IUT
 * through conformance/client.h, restarted after a failed call as the runner
 * does; the reference in-process through conf_impl_handle, or a second
 * command), the play of one sequence with the judgement of each step, and
 * the loop over sequences with its progress lines, its distinct findings
 * (one per signature: the diverging operation and how it diverged), their
 * shrinking and their files.
 *
 * Judging is the runner's own: the reference's answer to a step becomes a
 * vector step's expectation (accepted with the result members the vectors
 * compare for that operation, or refused with its code and the codes the
 * vectors allow in its place, plus the operation's named checks where the
 * reference passes them), and the IUT's answer is judged against it by
 * conf_expect_judge.  A finding file therefore replays exactly what the
 * fuzzer saw.
 */
#include "conformance/fuzz_private.h"

#include "base/file.h"
#include "conformance/expect.h"
#include "conformance/impl.h"
#include "conformance/json.h"
#include "conformance/manifest.h"

#include "base/error.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

G_DEFINE_QUARK (conf-fuzz-error-quark, conf_fuzz_error)

#define DEFAULT_MAX_FINDINGS 10
#define DEFAULT_SHRINK_BUDGET 400
#define MAX_DEAD_IN_A_ROW 10

struct _FuzzExec {
  const ConfFuzzOptions *opt;
  const FuzzCorpus *corpus;
  ConfFuzzReport *report;
  ConfClient *iut;
  ConfImpl *impl;            /* the in-process reference, or NULL */
  ConfClient *ref;           /* the reference command, or NULL */
  gint64 ref_id;
  guint dead_in_a_row;
  gint64 started_us, last_progress_us;
};

void
conf_fuzz_report_free (ConfFuzzReport *report)
{
  if (report == NULL)
    return;
  for (guint i = 0; report->findings != NULL && i < report->findings->len; i++)
    {
      ConfFuzzFinding *f = report->findings->pdata[i];
      g_free (f->signature);
      g_free (f->op);
      g_free (f->expected);
      g_free (f->got);
      g_free (f->detail);
      g_free (f->vector_test);
      g_free (f->test_name);
      g_free (f->file);
      g_free (f->check_note);
      g_free (f);
    }
  g_clear_pointer (&report->findings, g_ptr_array_unref);
  g_free (report->iut_name);
  g_free (report->iut_version);
  g_free (report->stop_reason);
  g_free (report);
}

void
conf_fuzz_outcome_clear (FuzzOutcome *o)
{
  g_clear_pointer (&o->signature, g_free);
  g_clear_pointer (&o->expected, g_free);
  g_clear_pointer (&o->got, g_free);
  g_clear_pointer (&o->detail, g_free);
  g_clear_pointer (&o->expects, g_ptr_array_unref);
  memset (o, 0, sizeof *o);
}

/* ---- the reference ---------------------------------------------------------- */

static char *
request_line (gint64 id, const char *op, JsonObject *params)
{
  g_autoptr (JsonObject) req = json_object_new ();
  json_object_set_int_member (req, "essc", 1);
  json_object_set_int_member (req, "id", id);
  json_object_set_string_member (req, "op", op);
  json_object_set_object_member (req, "params", json_object_ref (params));
  g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), req);
  /* {"$integer": "DIGITS"} as the number written, as the client sends it to
   * the IUT (docs/VECTORS.md): the in-process reference must see the same
   * request, not an object in its place. */
  return conf_json_to_line_literal (root);
}

/* The in-process reference's answer, read as the client reads one. */
static gboolean
parse_answer (const char *line, ConfCallResult *out, GError **error)
{
  g_autoptr (JsonObject) obj = conf_json_parse_object (line, strlen (line), error);
  JsonObject *result, *err;
  const char *code;
  gboolean ok;
  if (obj == NULL || !conf_json_get_bool (obj, "ok", &ok, error))
    return FALSE;
  if (ok)
    {
      if (!conf_json_get_object (obj, "result", &result, error))
        return FALSE;
      out->ok = TRUE;
      out->result = json_object_ref (result);
      return TRUE;
    }
  if (!conf_json_get_object (obj, "error", &err, error)
      || !conf_json_get_string (err, "code", &code, error))
    return FALSE;
  if (!model_std_code_from_name (code, &out->code) || out->code == MODEL_STD_OK)
    return base_fail (error, CONF_FUZZ_ERROR, CONF_FUZZ_ERROR_START, "unknown code %s", code);
  const char *message = "";
  if (json_object_has_member (err, "message"))
    conf_json_get_string (err, "message", &message, NULL);
  out->message = g_strdup (message);
  return TRUE;
}

static ConfClient *
open_client (FuzzExec *x, const char *command, GError **error)
{
  return conf_client_open (command, x->opt->role, x->opt->timeout_ms, x->opt->client, error);
}

static gboolean
ref_call (FuzzExec *x, const char *op, JsonObject *params, ConfCallResult *out, GError **error)
{
  memset (out, 0, sizeof *out);
  if (x->impl != NULL)
    {
      g_autofree char *line = request_line (++x->ref_id, op, params);
      g_autofree char *answer = conf_impl_handle (x->impl, line, strlen (line));
      return parse_answer (answer, out, error);
    }
  if (!conf_client_alive (x->ref))
    {
      ConfClient *fresh = conf_client_open (x->opt->reference, x->opt->role, x->opt->timeout_ms,
                                            NULL, error);
      if (fresh == NULL)
        return FALSE;
      conf_client_free (x->ref);
      x->ref = fresh;
    }
  return conf_client_call (x->ref, op, params, out, error);
}

/* ---- expectations --------------------------------------------------------------- */

/* The reference's answer r to step s as a vector step's expectation;
 * *checks gets the named checks of the op the reference passes (judged
 * with state, which they update as the runner's would). */
static ConfStep *
expectation (FuzzExec *x, const FuzzStep *s, const ConfCallResult *r, ConfExpectState *state,
             GPtrArray *checks)
{
  ConfStep *e = g_new0 (ConfStep, 1);
  e->op = g_strdup (s->op);
  e->params = json_object_ref (s->params);
  e->expect_ok = r->ok;
  if (!r->ok)
    {
      e->expect_code = r->code;
      e->any_codes = conf_fuzz_corpus_codes (x->corpus, s->op, r->code);
      return e;
    }
  for (const char *const *m = conf_fuzz_corpus_members (x->corpus, s->op); *m != NULL; m++)
    {
      JsonNode *v = r->result ? json_object_get_member (r->result, *m) : NULL;
      if (v == NULL)
        continue;
      if (e->expect_result == NULL)
        e->expect_result = json_object_new ();
      json_object_set_member (e->expect_result, *m, conf_fuzz_json_copy (v));
    }
  /* credential_issued judges the IUT's credential against the reference's,
   * which it reads from the expectation (docs/VECTORS.md): it must be there.
   * Should the check not hold for the reference, the credential is then
   * compared byte for byte instead. */
  const char *const *op_checks = conf_fuzz_corpus_checks (x->corpus, s->op);
  JsonNode *cred = r->result ? json_object_get_member (r->result, "credential") : NULL;
  if (cred != NULL && g_strv_contains (op_checks, "credential_issued"))
    {
      if (e->expect_result == NULL)
        e->expect_result = json_object_new ();
      json_object_set_member (e->expect_result, "credential", conf_fuzz_json_copy (cred));
    }
  /* audit_chain judges the chain; what ESSC-STD 1.1 states of each entry
   * (AUDIT-11..13: its seq, time, actor and action, as the vectors give
   * them) is compared as well; payloads and hashes are the IUT's own. */
  JsonNode *entries = r->result ? json_object_get_member (r->result, "entries") : NULL;
  if (entries != NULL && JSON_NODE_HOLDS_ARRAY (entries)
      && g_strv_contains (op_checks, "audit_chain"))
    {
      static const char *const stated[] = { "seq", "time", "actor", "action" };
      JsonArray *all = json_node_get_array (entries), *kept = json_array_new ();
      for (guint i = 0; i < json_array_get_length (all); i++)
        {
          JsonNode *en = json_array_get_element (all, i);
          JsonObject *o = json_object_new ();
          for (gsize k = 0; JSON_NODE_HOLDS_OBJECT (en) && k < G_N_ELEMENTS (stated); k++)
            {
              JsonNode *v = json_object_get_member (json_node_get_object (en), stated[k]);
              if (v != NULL)
                json_object_set_member (o, stated[k], conf_fuzz_json_copy (v));
            }
          json_array_add_object_element (kept, o);
        }
      if (e->expect_result == NULL)
        e->expect_result = json_object_new ();
      json_object_set_array_member (e->expect_result, "entries", kept);
    }
  for (const char *const *c = op_checks; *c != NULL; c++)
    {
      g_auto (ConfJudgement) j = { 0 };
      e->check = (char *) *c;
      conf_expect_judge (e, r, state, &j);
      e->check = NULL;
      if (j.pass)
        g_ptr_array_add (checks, (gpointer) *c);
    }
  return e;
}

static char *
codes_text (const ConfStep *e)
{
  if (e->any_codes == NULL)
    return g_strdup (model_std_code_name (e->expect_code));
  g_autoptr (GString) s = g_string_new (NULL);
  for (guint i = 0; i < e->any_codes->len; i++)
    g_string_append_printf (s, "%s%s", i ? "|" : "",
                            model_std_code_name (g_array_index (e->any_codes, ModelStdCode, i)));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
expected_text (const ConfStep *e)
{
  if (!e->expect_ok)
    {
      g_autofree char *codes = codes_text (e);
      return g_strdup_printf ("refused: %s", codes);
    }
  if (e->expect_result == NULL)
    return g_strdup ("accepted");
  g_autofree char *r = conf_json_shown (e->expect_result);
  return g_strdup_printf ("accepted with %s", r);
}

/* The signature of a judged divergence: what differs, without values. */
static char *
signature_of (const ConfStep *e, const ConfCallResult *got, const char *detail)
{
  g_autofree char *codes = codes_text (e);
  if (e->expect_ok && !got->ok)
    return g_strdup_printf ("%s: expected accepted, got refused:%s", e->op,
                            model_std_code_name (got->code));
  if (!e->expect_ok && got->ok)
    return g_strdup_printf ("%s: expected refused:%s, got accepted", e->op, codes);
  if (!e->expect_ok)
    return g_strdup_printf ("%s: expected refused:%s, got refused:%s", e->op, codes,
                            model_std_code_name (got->code));
  if (detail != NULL && g_str_has_prefix (detail, "result."))
    {
      g_autofree char *member = g_strdup (detail + strlen ("result."));
      member[strcspn (member, ".[ ")] = '\0';
      return g_strdup_printf ("%s: result member %s differs", e->op, member);
    }
  return g_strdup_printf ("%s: check %s fails", e->op, e->check ? e->check : "?");
}

/* ---- one sequence --------------------------------------------------------------- */

static gboolean
ensure_iut (FuzzExec *x, GError **error)
{
  if (x->iut != NULL && conf_client_alive (x->iut))
    return TRUE;
  g_clear_pointer (&x->iut, conf_client_free);
  g_autoptr (GError) inner = NULL;
  x->iut = open_client (x, x->opt->command, &inner);
  if (x->iut == NULL)
    return base_fail (error, CONF_FUZZ_ERROR, CONF_FUZZ_ERROR_START,
                      "the implementation could not be restarted: %s", inner->message);
  x->report->restarts++;
  return TRUE;
}

static void
diverge (FuzzOutcome *out, guint step, char *signature, char *expected, char *got, char *detail)
{
  out->diverged = TRUE;
  out->step = step;
  out->signature = signature;
  out->expected = expected;
  out->got = got;
  out->detail = detail;
}

gboolean
conf_fuzz_exec (FuzzExec *x, const FuzzSeq *seq, FuzzOutcome *out, GError **error)
{
  g_auto (ConfExpectState) ref_state = { 0 };
  g_auto (ConfExpectState) iut_state = { 0 };

  memset (out, 0, sizeof *out);
  out->expects = g_ptr_array_new_with_free_func (conf_step_free);
  if (!ensure_iut (x, error))
    return FALSE;
  for (guint i = 0; i < seq->steps->len; i++)
    {
      const FuzzStep *s = seq->steps->pdata[i];
      ConfStep probe = { .op = s->op, .params = s->params };
      g_auto (ConfCallResult) rr = { 0 };
      g_auto (ConfCallResult) ir = { 0 };
      g_autoptr (GError) inner = NULL;
      g_autoptr (GPtrArray) checks = g_ptr_array_new ();

      conf_expect_note_request (&ref_state, &probe);
      conf_expect_note_request (&iut_state, &probe);
      if (!ref_call (x, s->op, s->params, &rr, &inner))
        {
          out->void_run = TRUE;
          x->report->reference_failures++;
          return TRUE;
        }
      ConfStep *e = expectation (x, s, &rr, &ref_state, checks);
      g_ptr_array_add (out->expects, e);
      out->executed = i + 1;
      x->report->steps++;
      if (!conf_client_call (x->iut, s->op, s->params, &ir, &inner))
        {
          ConfCallFailure f = (ConfCallFailure) inner->code;
          out->call_failed = TRUE;
          diverge (out, i, g_strdup_printf ("%s: %s", s->op, conf_call_failure_name (f)),
                   expected_text (e), g_strdup (conf_call_failure_name (f)),
                   g_strdup (inner->message));
          return TRUE;
        }
      if (!ir.ok && ir.code == MODEL_STD_UNIMPLEMENTED
          && !(!e->expect_ok && e->expect_code == MODEL_STD_UNIMPLEMENTED))
        {
          diverge (out, i, g_strdup_printf ("%s: not implemented", s->op), expected_text (e),
                   g_strdup_printf ("refused: unimplemented (%s)", ir.message), NULL);
          return TRUE;
        }
      guint n = MAX (checks->len, 1);
      for (guint k = 0; k < n; k++)
        {
          g_auto (ConfJudgement) j = { 0 };
          g_free (e->check);
          e->check = checks->len ? g_strdup (checks->pdata[k]) : NULL;
          conf_expect_judge (e, &ir, &iut_state, &j);
          if (!j.pass)
            {
              char *signature = signature_of (e, &ir, j.detail);
              diverge (out, i, signature, g_steal_pointer (&j.expected),
                       g_steal_pointer (&j.got), g_steal_pointer (&j.detail));
              return TRUE;
            }
        }
      if (checks->len > 0)
        {
          g_free (e->check);
          e->check = g_strdup (checks->pdata[0]);
        }
      /* A refused reset leaves the reference's state as it was: nothing
       * after it could be compared. */
      if (i == 0 && !rr.ok)
        return TRUE;
    }
  return TRUE;
}

/* ---- the loop ---------------------------------------------------------------------- */

static double
elapsed (const FuzzExec *x)
{
  return (double) (g_get_monotonic_time () - x->started_us) / G_USEC_PER_SEC;
}

static void
progress_line (FuzzExec *x, const char *what)
{
  FILE *p = x->opt->progress;
  if (p == NULL)
    return;
  fprintf (p, "essc fuzz: %s%s%" G_GUINT64_FORMAT " sequences, %" G_GUINT64_FORMAT
           " steps, %u finding%s, %.1f s\n", what ? what : "", what ? ": " : "",
           x->report->sequences, x->report->steps, x->report->findings->len,
           x->report->findings->len == 1 ? "" : "s", elapsed (x));
  fflush (p);
  x->last_progress_us = g_get_monotonic_time ();
}

void
conf_fuzz_tick (FuzzExec *x)
{
  double every = x->opt->progress_every > 0 ? x->opt->progress_every : 2.0;
  if (x->opt->progress != NULL
      && g_get_monotonic_time () - x->last_progress_us >= (gint64) (every * G_USEC_PER_SEC))
    progress_line (x, NULL);
}

static char *
reference_command (const ConfFuzzOptions *opt)
{
  if (opt->reference != NULL)
    return g_strdup (opt->reference);
  g_autofree char *quoted = g_shell_quote (opt->essc_path ? opt->essc_path : "essc");
  return g_strdup_printf ("%s impl --role %s", quoted, opt->role);
}

/* Writes the finding's file and has the runner play it on both sides. */
static gboolean
write_finding (FuzzExec *x, ConfFuzzFinding *f, const FuzzSeq *seq, const FuzzOutcome *o,
               GError **error)
{
  const ConfFuzzOptions *opt = x->opt;
  g_autofree char *text = conf_fuzz_file_text (x->corpus, opt->role, seq, o, f->test_name,
                                               opt->seed);
  g_autofree char *base = g_strdup_printf ("fuzz-%s-%" G_GUINT64_FORMAT "-%u.json", opt->role,
                                           opt->seed, x->report->findings->len);
  g_autoptr (GError) inner = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("essc-fuzz-XXXXXX", &inner);
  if (tmp == NULL)
    return base_fail (error, CONF_FUZZ_ERROR, CONF_FUZZ_ERROR_OUTPUT, "a temporary folder: %s",
                      inner->message);
  g_autofree char *tmp_file = g_build_filename (tmp, base, NULL);
  gboolean written = g_file_set_contents (tmp_file, text, -1, &inner)
                     && conf_manifest_write_dir (tmp, &inner);
  if (written)
    {
      g_autofree char *ref = reference_command (opt);
      conf_fuzz_check_file (tmp, f->test_name, opt->role, opt->profile, opt->command, ref,
                            opt->timeout_ms, opt->client, &f->fails_iut, &f->passes_reference,
                            &f->check_note);
    }
  g_autofree char *tmp_manifest = g_build_filename (tmp, CONF_MANIFEST_FILE, NULL);
  g_unlink (tmp_manifest);
  g_unlink (tmp_file);
  g_rmdir (tmp);
  if (!written)
    return base_fail (error, CONF_FUZZ_ERROR, CONF_FUZZ_ERROR_OUTPUT, "%s", inner->message);
  if (g_mkdir_with_parents (opt->out_dir, 0755) != 0)
    return base_fail (error, CONF_FUZZ_ERROR, CONF_FUZZ_ERROR_OUTPUT, "%s: %s", opt->out_dir,
                      g_strerror (errno));
  f->file = g_build_filename (opt->out_dir, base, NULL);
  if (!base_file_write_atomic (f->file, text, strlen (text), 0644, FALSE, &inner)
      || !conf_manifest_write_dir (opt->out_dir, &inner))
    return base_fail (error, CONF_FUZZ_ERROR, CONF_FUZZ_ERROR_OUTPUT, "%s", inner->message);
  return TRUE;
}

static void
print_finding (FILE *out, const ConfFuzzFinding *f, guint n, guint64 seed)
{
  if (out == NULL)
    return;
  fprintf (out, "finding %u: %s\n", n, f->signature);
  fprintf (out, "  sequence %" G_GUINT64_FORMAT " of seed %" G_GUINT64_FORMAT " (after %.2f s), "
           "%u steps, shrunk to %u in %u tries\n", f->sequence, seed, f->seconds,
           f->steps_found, f->steps_shrunk, f->shrink_tries);
  fprintf (out, "  step %u (%s): expected %s; got %s\n", f->steps_shrunk, f->op, f->expected,
           f->got);
  if (f->detail != NULL)
    fprintf (out, "  %s\n", f->detail);
  if (f->vector_test != NULL)
    fprintf (out, "  its steps are those of vector test %s, some left out, none changed\n",
             f->vector_test);
  else
    fprintf (out, "  a sequence no vector test holds\n");
  if (f->file != NULL)
    fprintf (out, "  %s: %s, %s\n", f->file,
             f->fails_iut ? "fails the implementation" : "does NOT fail the implementation",
             f->passes_reference ? "passes the reference" : "does NOT pass the reference");
  if (f->check_note != NULL)
    fprintf (out, "  %s\n", f->check_note);
  fflush (out);
}

/* A new finding from seq, whose outcome o diverged with a new signature. */
static gboolean
found (FuzzExec *x, const FuzzSeq *seq, const FuzzOutcome *o, GError **error)
{
  const ConfFuzzOptions *opt = x->opt;
  double found_at = elapsed (x);
  g_autoptr (FuzzSeq) first = conf_fuzz_seq_prefix (seq, o->step + 1);
  g_autoptr (FuzzSeq) shrunk = NULL;
  g_auto (FuzzOutcome) last = { 0 };
  guint tries = 0;
  guint budget = opt->shrink_budget ? opt->shrink_budget : DEFAULT_SHRINK_BUDGET;
  if (g_str_has_suffix (o->signature, ": timeout"))
    budget = MIN (budget, 40); /* each try waits for the deadline */
  if (!conf_fuzz_shrink (x, first, o->signature, budget, &shrunk, &last, &tries, error))
    return FALSE;
  const FuzzOutcome *use = last.diverged ? &last : o;
  const FuzzSeq *seq_used = last.diverged ? shrunk : first;

  ConfFuzzFinding *f = g_new0 (ConfFuzzFinding, 1);
  g_ptr_array_add (x->report->findings, f);
  f->signature = g_strdup (o->signature);
  f->sequence = seq->index;
  f->seconds = found_at;
  f->steps_found = o->step + 1;
  f->steps_shrunk = use->step + 1;
  f->shrink_tries = tries;
  f->op = g_strdup (((FuzzStep *) seq_used->steps->pdata[use->step])->op);
  f->expected = g_strdup (use->expected);
  f->got = g_strdup (use->got);
  f->detail = g_strdup (use->detail);
  f->vector_test = g_strdup (conf_fuzz_corpus_vector_test (x->corpus, seq_used));
  f->test_name = g_strdup_printf ("fuzz/%s/seed-%" G_GUINT64_FORMAT "/%u", opt->role, opt->seed,
                                  x->report->findings->len);
  if (!last.diverged)
    f->check_note = g_strdup ("the divergence did not come back when the sequence was played "
                              "again: the implementation is not deterministic");
  if (opt->out_dir != NULL && !write_finding (x, f, seq_used, use, error))
    return FALSE;
  print_finding (opt->findings, f, x->report->findings->len, opt->seed);
  progress_line (x, "finding");
  return TRUE;
}

static char **
reference_ops (FuzzExec *x, GError **error)
{
  if (x->ref != NULL)
    return g_strdupv ((char **) conf_client_ops (x->ref));
  g_autoptr (JsonObject) params = json_object_new ();
  json_object_set_string_member (params, "protocol", CONF_CLIENT_PROTOCOL);
  json_object_set_string_member (params, "role", x->opt->role);
  json_object_set_string_member (params, "suite", CONF_CLIENT_SUITE);
  g_auto (ConfCallResult) r = { 0 };
  JsonArray *ops;
  if (!ref_call (x, "hello", params, &r, error) || !r.ok
      || !conf_json_get_array (r.result, "ops", &ops, error))
    return NULL;
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (ops); i++)
    g_strv_builder_add (b, json_array_get_string_element (ops, i));
  return g_strv_builder_end (b);
}

/* Plays sequences until a bound is reached.  FALSE with error only when a
 * finding cannot be written. */
static gboolean
fuzz_loop (FuzzExec *x, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint max = x->opt->max_findings ? x->opt->max_findings : DEFAULT_MAX_FINDINGS;
  gint64 deadline = x->opt->seconds > 0
                       ? x->started_us + (gint64) (x->opt->seconds * G_USEC_PER_SEC)
                       : 0;
  for (guint64 index = 0;; index++)
    {
      if ((x->opt->runs > 0 && index >= x->opt->runs)
          || (deadline > 0 && g_get_monotonic_time () >= deadline))
        break;
      g_autoptr (FuzzSeq) seq = conf_fuzz_generate (x->corpus, x->opt->seed, index);
      g_auto (FuzzOutcome) o = { 0 };
      g_autoptr (GError) fatal = NULL;
      if (!conf_fuzz_exec (x, seq, &o, &fatal))
        {
          x->report->stopped_early = TRUE;
          x->report->stop_reason = g_strdup (fatal->message);
          break;
        }
      x->report->sequences++;
      x->dead_in_a_row = o.call_failed ? x->dead_in_a_row + 1 : 0;
      if (o.diverged && g_hash_table_add (seen, g_strdup (o.signature))
          && !found (x, seq, &o, &fatal))
        {
          if (fatal->domain == CONF_FUZZ_ERROR && fatal->code == CONF_FUZZ_ERROR_OUTPUT)
            {
              g_propagate_error (error, g_steal_pointer (&fatal));
              return FALSE;
            }
          x->report->stopped_early = TRUE;
          x->report->stop_reason = g_strdup (fatal->message);
          break;
        }
      if (x->dead_in_a_row >= MAX_DEAD_IN_A_ROW)
        {
          x->report->stopped_early = TRUE;
          x->report->stop_reason = g_strdup_printf ("the implementation failed %u sequences in "
                                                    "a row (timeout, crash, network or protocol "
                                                    "error)", MAX_DEAD_IN_A_ROW);
          break;
        }
      if (x->report->findings->len >= max)
        {
          x->report->stopped_early = TRUE;
          x->report->stop_reason = g_strdup_printf ("%u findings (--max-findings)", max);
          break;
        }
      conf_fuzz_tick (x);
    }
  return TRUE;
}

ConfFuzzReport *
conf_fuzz_run (const ConfPlan *plan, const ConfFuzzOptions *options, GError **error)
{
  g_return_val_if_fail (options->seconds > 0 || options->runs > 0, NULL);
  ConfFuzzOptions opt = *options;
  g_autoptr (ConfProfile) fallback = NULL;
  ConfRole role;
  g_return_val_if_fail (conf_role_from_name (opt.role, &role), NULL);
  if (opt.profile == NULL)
    opt.profile = fallback = conf_profile_default (opt.role);
  if (opt.timeout_ms <= 0)
    opt.timeout_ms = CONF_CLIENT_DEFAULT_TIMEOUT_MS;

  g_autoptr (ConfFuzzReport) report = g_new0 (ConfFuzzReport, 1);
  report->seed = opt.seed;
  report->findings = g_ptr_array_new ();
  FuzzExec x = { .opt = &opt, .report = report };
  x.started_us = x.last_progress_us = g_get_monotonic_time ();
  g_autoptr (GError) inner = NULL;
  g_autoptr (FuzzCorpus) corpus = NULL;
  g_auto (GStrv) ref_ops = NULL;
  gboolean ok = FALSE;

  if (opt.reference == NULL)
    x.impl = conf_impl_new (role, NULL, NULL);
  else if ((x.ref = open_client (&x, opt.reference, &inner)) == NULL)
    {
      g_set_error (error, CONF_FUZZ_ERROR, CONF_FUZZ_ERROR_START, "the reference: %s",
                   inner->message);
      goto out;
    }
  if ((x.iut = open_client (&x, opt.command, &inner)) == NULL)
    {
      g_set_error (error, CONF_FUZZ_ERROR, CONF_FUZZ_ERROR_START, "%s", inner->message);
      goto out;
    }
  report->iut_name = g_strdup (conf_client_name (x.iut));
  report->iut_version = g_strdup (conf_client_version (x.iut));
  if ((ref_ops = reference_ops (&x, &inner)) == NULL)
    {
      g_set_error (error, CONF_FUZZ_ERROR, CONF_FUZZ_ERROR_START, "the reference's hello: %s",
                   inner ? inner->message : "refused");
      goto out;
    }
  corpus = conf_fuzz_corpus_new (plan, opt.vectors_dir, opt.role, opt.profile, opt.valid_only,
                                 conf_client_ops (x.iut), (const char *const *) ref_ops, error);
  if (corpus == NULL)
    goto out;
  x.corpus = corpus;
  if (opt.progress != NULL)
    {
      fprintf (opt.progress, "essc fuzz: seed %" G_GUINT64_FORMAT ", role %s, %u tests to start "
               "from, %u operations\n", opt.seed, opt.role, conf_fuzz_corpus_n_tests (corpus),
               conf_fuzz_corpus_n_ops (corpus));
      fflush (opt.progress);
    }

  if (!fuzz_loop (&x, error))
    goto out;
  ok = TRUE;

out:
  if (x.iut != NULL)
    conf_client_stop (x.iut);
  conf_client_free (x.iut);
  if (x.ref != NULL)
    conf_client_stop (x.ref);
  conf_client_free (x.ref);
  conf_impl_free (x.impl);
  report->seconds = elapsed (&x);
  return ok ? g_steal_pointer (&report) : NULL;
}
