/* SPDX-License-Identifier: MIT */
/*
 * Tests of differential fuzzing (`essc fuzz`, conformance/fuzz.h,
 * docs/FUZZ.md): the generator is deterministic for a seed and never sends
 * a vector test unchanged; whole runs are deterministic (same seed, same
 * findings, same files); chosen deliberate faults of the reference are
 * found within a bounded number of sequences, and each finding's file fails
 * the faulty implementation and passes the reference when `essc conform
 * --vectors` plays it; the reference against itself, and an implementation
 * that differs only where the standard lets it (messages, unknown members),
 * give nothing; the reference as a second process judges alike; a
 * hanging, crashing or garbling implementation is a finding, not a hung
 * run; usage errors exit 2.
 */
#include "conformance/fuzz_private.h"
#include "conformance/impl.h"
#include "conformance/manifest.h"
#include "conformance/plan.h"
#include "conformance/profile.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct {
  char *dir;
  char *essc;
} Fx;

static void
fx_set_up (Fx *f, gconstpointer data)
{
  f->dir = essc_test_make_tmpdir ("essc-fuzz-XXXXXX");
  f->essc = essc_test_sh_bin ();
}

/* Removes dir and the flat folders in it. */
static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        essc_test_remove_dir (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static void
fx_tear_down (Fx *f, gconstpointer data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->essc);
}

/* The names of the *.json files of dir, sorted. */
static int
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static GPtrArray *
json_files (const char *dir)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, by_name);   /* the sort passes pointers to the elements */
  return names;
}

static ConfPlan *
suite_plan (void)
{
  g_autofree char *dir = essc_test_src_path ("conformance", "vectors", NULL);
  g_autoptr (GError) error = NULL;
  ConfPlan *plan = conf_plan_load (dir, &error);
  g_assert_no_error (error);
  return plan;
}

static char *
seq_text (const FuzzSeq *seq)
{
  g_autoptr (GString) s = g_string_new (NULL);
  for (guint i = 0; i < seq->steps->len; i++)
    {
      const FuzzStep *st = seq->steps->pdata[i];
      g_autoptr (JsonNode) n = json_node_init_object (json_node_alloc (), st->params);
      g_autofree char *p = json_to_string (n, FALSE);
      g_string_append_printf (s, "%s %s\n", st->op, p);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Sequence N of a seed is the same every time; another seed gives other
 * sequences; every one starts with reset and none is its vector test
 * unchanged. */
static void
test_generator (void)
{
  g_autoptr (ConfPlan) plan = suite_plan ();
  g_autoptr (ConfProfile) profile = conf_profile_default ("platform");
  g_autoptr (GError) error = NULL;
  g_autoptr (FuzzCorpus) c = conf_fuzz_corpus_new (plan, NULL, "platform", profile, FALSE, NULL,
                                                   NULL, &error);
  g_assert_no_error (error);
  guint same_as_other_seed = 0;
  for (guint64 i = 0; i < 300; i++)
    {
      g_autoptr (FuzzSeq) a = conf_fuzz_generate (c, 42, i);
      g_autoptr (FuzzSeq) b = conf_fuzz_generate (c, 42, i);
      g_autoptr (FuzzSeq) other = conf_fuzz_generate (c, 43, i);
      g_autofree char *ta = seq_text (a), *tb = seq_text (b), *to = seq_text (other);
      g_assert_cmpstr (ta, ==, tb);
      same_as_other_seed += strcmp (ta, to) == 0;
      g_assert_cmpuint (a->steps->len, >=, 1);
      g_assert_cmpstr (((FuzzStep *) a->steps->pdata[0])->op, ==, "reset");
      g_assert_cmpuint (a->log->len, >=, 1);
      /* Not the base test as it is in the vectors. */
      const ConfTest *t = a->base;
      g_autoptr (GString) base = g_string_new (NULL);
      for (guint k = 0; k < t->setup->len + t->steps->len; k++)
        {
          const ConfStep *s = k < t->setup->len ? t->setup->pdata[k]
                                                : t->steps->pdata[k - t->setup->len];
          g_autoptr (JsonNode) n = json_node_init_object (json_node_alloc (), s->params);
          g_autofree char *p = json_to_string (n, FALSE);
          g_string_append_printf (base, "%s %s\n", s->op, p);
        }
      g_assert_cmpstr (ta, !=, base->str);
    }
  g_assert_cmpuint (same_as_other_seed, <, 10);
}

/* The result member a named check judges instead of an equality
 * (docs/FUZZ.md, comparison rule 4). */
static const char *
covered_by (const char *check)
{
  if (strcmp (check, "audit_head") == 0)
    return "hash";
  if (strcmp (check, "idempotency_key") == 0)
    return "idempotency_key";
  if (strcmp (check, "hello_ops") == 0 || strcmp (check, "hello_ops_payment") == 0)
    return "ops";
  if (strcmp (check, "credential_issued") == 0)
    return "credential";
  return "entries";
}

/* What the vectors say to compare is what the fuzzer compares: every
 * member a vector step states (but those a check of the operation judges),
 * every check, every any_code list; nothing else. */
static void
test_comparisons (void)
{
  static const char *const roles[] = { "verifier", "channel", "platform" };
  g_autoptr (ConfPlan) plan = suite_plan ();
  guint members_seen = 0, checks_seen = 0, codes_seen = 0;
  for (gsize r = 0; r < G_N_ELEMENTS (roles); r++)
    {
      g_autoptr (ConfProfile) profile = conf_profile_default (roles[r]);
      g_autoptr (FuzzCorpus) c = conf_fuzz_corpus_new (plan, NULL, roles[r], profile, FALSE,
                                                       NULL, NULL, NULL);
      g_assert_nonnull (c);
      g_autoptr (GPtrArray) tests = conf_plan_for_role (plan, roles[r]);
      g_autoptr (GHashTable) stated = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             NULL);
      for (guint i = 0; i < tests->len; i++)
        {
          const ConfTest *t = tests->pdata[i];
          for (guint k = 0; k < t->setup->len + t->steps->len; k++)
            {
              const ConfStep *s = k < t->setup->len ? t->setup->pdata[k]
                                                    : t->steps->pdata[k - t->setup->len];
              const char *const *members = conf_fuzz_corpus_members (c, s->op);
              const char *const *checks = conf_fuzz_corpus_checks (c, s->op);
              if (s->check != NULL)
                {
                  g_assert_true (g_strv_contains (checks, s->check));
                  checks_seen++;
                }
              g_autoptr (GList) names = s->expect_result
                                            ? json_object_get_members (s->expect_result)
                                            : NULL;
              for (GList *l = names; l != NULL; l = l->next)
                {
                  gboolean covered = FALSE;
                  for (const char *const *ck = checks; *ck != NULL; ck++)
                    covered |= strcmp (covered_by (*ck), l->data) == 0;
                  g_assert_true (covered != g_strv_contains (members, l->data));
                  g_hash_table_add (stated, g_strdup_printf ("%s %s", s->op, (char *) l->data));
                  members_seen++;
                }
              for (guint n = 0; s->any_codes != NULL && n < s->any_codes->len; n++)
                {
                  ModelStdCode code = g_array_index (s->any_codes, ModelStdCode, n);
                  g_autoptr (GArray) allowed = conf_fuzz_corpus_codes (c, s->op, code);
                  g_assert_nonnull (allowed);
                  for (guint m = 0; m < s->any_codes->len; m++)
                    {
                      gboolean in = FALSE;
                      for (guint q = 0; q < allowed->len; q++)
                        in |= g_array_index (allowed, ModelStdCode, q)
                              == g_array_index (s->any_codes, ModelStdCode, m);
                      g_assert_true (in);
                    }
                  codes_seen++;
                }
            }
        }
      /* Nothing compared that no vector states. */
      for (guint i = 0; i < tests->len; i++)
        {
          const ConfTest *t = tests->pdata[i];
          for (guint k = 0; k < t->steps->len; k++)
            {
              const ConfStep *s = t->steps->pdata[k];
              for (const char *const *m = conf_fuzz_corpus_members (c, s->op); *m; m++)
                {
                  g_autofree char *key = g_strdup_printf ("%s %s", s->op, *m);
                  g_assert_true (g_hash_table_contains (stated, key));
                }
            }
        }
      /* A code no any_code list holds has no alternative. */
      g_assert_null (conf_fuzz_corpus_codes (c, "reset", MODEL_STD_MALFORMED));
    }
  g_test_message ("%u members, %u checks, %u any_code lists", members_seen, checks_seen,
                  codes_seen);
  g_assert_cmpuint (members_seen, >, 0);
  g_assert_cmpuint (checks_seen, >, 0);
}

/* Runs essc fuzz; the exit status. */
static EsscTestRun
fuzz (Fx *f, const char *role, const char *impl, const char *extra)
{
  return essc_test_run_sh ("%s fuzz --role %s --impl %s --quiet --out %s/out %s", f->essc, role,
                           impl, f->dir, extra);
}

/* Chosen faults, one or two per role, found within a bounded number of
 * sequences; each file fails the faulty implementation and passes the
 * reference when essc conform plays it. */
static void
test_finds_faults (Fx *f, gconstpointer data)
{
  static const struct {
    const char *role, *fault;
  } cases[] = {
    { "verifier", "qr-no-replay-cache" },
    { "verifier", "id-no-check-char" },
    { "channel", "chan-no-replay" },
    { "channel", "pay-new-key-on-retry" },
    { "platform", "audit-break-chain" },
    { "platform", "pin-logged" },
    /* what 1.1 states of each entry (AUDIT-12), and a credential judged
     * by credential_issued (CRED-12): once invisible to the fuzzer */
    { "platform", "audit-wrong-action" },
    { "platform", "cred-backdate-too-far" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *role = cases[i].role, *fault = cases[i].fault;
      g_autofree char *impl = g_strdup_printf ("\"%s impl --role %s --fault %s\"", f->essc, role,
                                               fault);
      g_autofree char *ref = g_strdup_printf ("\"%s impl --role %s\"", f->essc, role);
      g_autofree char *out = g_build_filename (f->dir, "out", NULL);
      EsscTestRun r = fuzz (f, role, impl, "--seed 5 --runs 3000 --max-findings 1");
      g_test_message ("%s %s: %s", role, fault, r.out);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_nonnull (strstr (r.out, "finding 1: "));
      g_assert_nonnull (strstr (r.out, "fails the implementation, passes the reference"));
      g_assert_null (strstr (r.out, "NOT"));
      g_assert_nonnull (strstr (r.err, "essc fuzz: DIVERGES"));
      essc_test_run_clear (&r);

      g_autoptr (GPtrArray) files = json_files (out);
      g_assert_cmpuint (files->len, >=, 1);
      r = essc_test_run_sh ("%s conform --role %s --impl %s --vectors %s > /dev/null", f->essc,
                            role, impl, out);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_nonnull (strstr (r.err, "NOT conformant"));
      essc_test_run_clear (&r);
      r = essc_test_run_sh ("%s conform --role %s --impl %s --vectors %s > /dev/null", f->essc,
                            role, ref, out);
      g_assert_cmpint (r.status, ==, 0);
      essc_test_run_clear (&r);
      essc_test_remove_dir (out);
    }
}

/* The reference as a second process (--reference) judges alike; one that
 * cannot start is a usage error. */
static void
test_reference_command (Fx *f, gconstpointer data)
{
  g_autofree char *impl = g_strdup_printf ("\"%s impl --role verifier --fault "
                                           "qr-no-replay-cache\"", f->essc);
  g_autofree char *extra = g_strdup_printf ("--seed 5 --runs 500 --max-findings 1 --reference "
                                            "\"%s impl --role verifier\"", f->essc);
  EsscTestRun r = fuzz (f, "verifier", impl, extra);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "finding 1: qr.verify: expected refused:replayed, got "
                                   "accepted"));
  g_assert_nonnull (strstr (r.out, "fails the implementation, passes the reference"));
  essc_test_run_clear (&r);
  r = fuzz (f, "verifier", impl, "--runs 5 --reference /nonexistent/reference");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "the reference"));
  essc_test_run_clear (&r);
}

/* The same seed and --runs give the same findings and the same files.  The
 * run stops at its first finding (--max-findings 1) within a generous
 * --runs, so that new vectors, which change the corpus the sequences are
 * drawn from, move the finding but do not lose it. */
static void
test_deterministic (Fx *f, gconstpointer data)
{
  g_autofree char *impl = g_strdup_printf ("\"%s impl --role platform --fault "
                                           "pay-no-level-check\"", f->essc);
  char *texts[2] = { NULL, NULL }, *names[2] = { NULL, NULL };
  for (int k = 0; k < 2; k++)
    {
      g_autofree char *extra = g_strdup_printf ("--seed 11 --runs 4000 --max-findings 1 "
                                                "--out %s/run%d", f->dir, k);
      EsscTestRun r = essc_test_run_sh ("%s fuzz --role platform --impl %s --quiet %s", f->essc,
                                        impl, extra);
      g_assert_cmpint (r.status, ==, 1);
      essc_test_run_clear (&r);
      g_autofree char *dir = g_strdup_printf ("%s/run%d", f->dir, k);
      g_autoptr (GPtrArray) files = json_files (dir);
      g_assert_cmpuint (files->len, >=, 1);
      g_autoptr (GString) all = g_string_new (NULL), list = g_string_new (NULL);
      for (guint i = 0; i < files->len; i++)
        {
          g_autofree char *path = g_build_filename (dir, files->pdata[i], NULL), *text = NULL;
          g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
          g_string_append (all, text);
          g_string_append_printf (list, "%s\n", (char *) files->pdata[i]);
        }
      texts[k] = g_strdup (all->str);
      names[k] = g_strdup (list->str);
    }
  g_assert_cmpstr (names[0], ==, names[1]);
  g_assert_cmpstr (texts[0], ==, texts[1]);
  for (int k = 0; k < 2; k++)
    {
      g_free (texts[k]);
      g_free (names[k]);
    }
}

/* The reference against itself: no divergence, nothing written. */
static void
test_reference_clean (Fx *f, gconstpointer data)
{
  static const char *const roles[] = { "verifier", "channel", "platform" };
  for (gsize i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autofree char *impl = g_strdup_printf ("\"%s impl --role %s\"", f->essc, roles[i]);
      EsscTestRun r = fuzz (f, roles[i], impl, "--seed 9 --runs 600");
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.err, "essc fuzz: no divergence"));
      g_assert_nonnull (strstr (r.out, "600 sequences"));
      essc_test_run_clear (&r);
      g_autofree char *out = g_build_filename (f->dir, "out", NULL);
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    }
}

/* A {"$integer": "DIGITS"} parameter reaches the in-process reference as
 * the number it stands for, as the client sends it to the IUT: a set whose
 * only test gives `now` so must show no divergence of the reference from
 * itself (it once showed one: the object was passed in place of the number,
 * malformed against invalid_id, and five faults were "found" by it alone). */
static void
test_literal_integers (Fx *f, gconstpointer data)
{
  static const char set[] =
    "{\"schema\":\"essc-vectors/1\",\"suite\":\"ESSC-STD/1.1\",\"group\":\"t\","
    "\"numberOfTests\":2,\"testGroups\":[{\"role\":\"platform\",\"profile\":{},"
    "\"setup\":[{\"op\":\"reset\",\"params\":{\"seed\":\"00000000000000000000000000000000"
    "00000000000000000000000000000000\",\"now\":1590969600,\"trust\":[],\"config\":"
    "{\"platform_key_seed\":\"3237703f8c2b669396801387bb1edf8431168fa36492a75c5ed4dec7bd9eff90\""
    "}},"
    "\"expect\":{\"ok\":true}}],\"tests\":["
    "{\"tcId\":1,\"name\":\"t/literal-now\",\"requirements\":[\"ERR-3\"],\"comment\":\"c\","
    "\"flags\":[],\"result\":\"invalid\",\"steps\":[{\"op\":\"id.validate\",\"params\":"
    "{\"ssn\":\"000000198001010013\",\"now\":{\"$integer\":\"1590969600\"}},"
    "\"expect\":{\"ok\":false,\"code\":\"invalid_id\"}}]},"
    "{\"tcId\":2,\"name\":\"t/literal-now-valid\",\"requirements\":[\"ERR-3\"],"
    "\"comment\":\"c\",\"flags\":[],\"result\":\"valid\",\"steps\":[{\"op\":\"id.validate\","
    "\"params\":{\"ssn\":\"11010519491231002X\",\"now\":{\"$integer\":\"1590969600\"}},"
    "\"expect\":{\"ok\":true}}]}]}]}";
  g_autofree char *dir = g_build_filename (f->dir, "literal", NULL);
  g_autofree char *file = g_build_filename (dir, "t.json", NULL);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (file, set, -1, NULL));
  g_assert_true (conf_manifest_write_dir (dir, NULL));
  /* the set itself is right: the reference passes it through the runner */
  EsscTestRun r = essc_test_run_sh ("%s conform --role platform --impl '%s impl --role platform' "
                                    "--vectors %s > /dev/null", f->essc, f->essc, dir);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  g_autofree char *impl = g_strdup_printf ("\"%s impl --role platform\"", f->essc);
  g_autofree char *extra = g_strdup_printf ("--seed 3 --runs 200 --vectors %s", dir);
  r = fuzz (f, "platform", impl, extra);
  if (r.status != 0)
    g_error ("exit %d: %s%s", r.status, r.out, r.err);
  g_assert_nonnull (strstr (r.out, "0 findings"));
  essc_test_run_clear (&r);
}

static char *
proxy (Fx *f, const char *role, const char *mode, const char *op)
{
  g_autofree char *script = essc_test_src_path ("tests", "adapters", "fuzz-proxy.sh", NULL);
  return g_strdup_printf ("\"sh %s %s %s %s %s\"", script, f->essc, role, mode, op ? op : "");
}

/* Messages in other words and unknown result members are no divergence. */
static void
test_allowed_differences (Fx *f, gconstpointer data)
{
  g_autofree char *impl = proxy (f, "verifier", "cosmetic", NULL);
  EsscTestRun r = fuzz (f, "verifier", impl, "--seed 4 --runs 120");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "0 findings"));
  essc_test_run_clear (&r);
}

/* A hang, a crash, garbage: each a finding, shrunk to the reset and the
 * operation, in bounded time. */
static void
test_hostile (Fx *f, gconstpointer data)
{
  static const struct {
    const char *mode, *signature;
  } cases[] = {
    { "hang", "finding 1: qr.verify: timeout" },
    { "crash", "finding 1: qr.verify: crash" },
    { "garbage", "finding 1: qr.verify: protocol" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *impl = proxy (f, "verifier", cases[i].mode, "qr.verify");
      gint64 t0 = g_get_monotonic_time ();
      /* 2 s a response: the proxy's start (two processes, two FIFOs) must
       * not pass for a hang on a loaded machine */
      EsscTestRun r = fuzz (f, "verifier", impl, "--seed 3 --runs 200 --timeout-ms 2000 "
                            "--max-findings 1 --shrink-budget 10");
      double took = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
      g_test_message ("%s: %.1f s: %s", cases[i].mode, took, r.out);
      if (r.status != 1)
        g_error ("%s: exit %d after %.1f s:\n%s%s", cases[i].mode, r.status, took, r.out, r.err);
      g_assert_nonnull (strstr (r.out, cases[i].signature));
      g_assert_nonnull (strstr (r.out, "shrunk to 2 "));
      g_assert_nonnull (strstr (r.out, "fails the implementation, passes the reference"));
      g_assert_cmpfloat (took, <, 120);
      essc_test_run_clear (&r);
      g_autofree char *out = g_build_filename (f->dir, "out", NULL);
      essc_test_remove_dir (out);
    }
}

/* An implementation that hangs at every request after hello stops the run
 * after ten sequences in a row, with its finding. */
static void
test_dead_in_a_row (Fx *f, gconstpointer data)
{
  g_autofree char *impl = proxy (f, "verifier", "crash", "reset");
  EsscTestRun r = fuzz (f, "verifier", impl, "--seed 3 --runs 100000 --shrink-budget 5");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "finding 1: reset: crash"));
  g_assert_nonnull (strstr (r.err, "failed 10 sequences in a row"));
  essc_test_run_clear (&r);
}

static void
test_usage (Fx *f, gconstpointer data)
{
  g_autofree char *ref = g_strdup_printf ("\"%s impl --role verifier\"", f->essc);
  static const char *const bad[] = {
    "--impl X",
    "--role nobody --impl X",
    "--role verifier",
    "--role verifier --impl ''",
    "--role verifier --impl X --runs 0",
    "--role verifier --impl X --runs many",
    "--role verifier --impl X --seed -1",
    "--role verifier --impl X --seconds 0",
    "--role verifier --impl X --timeout-ms 0",
    "--role verifier --impl X --max-findings 0",
    "--role verifier --impl X --reference ''",
    "--role verifier --impl X extra",
    "--role verifier --impl X --no-such-option",
    "--role verifier --impl X --ca ca.pem",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      EsscTestRun r = essc_test_run_sh ("%s fuzz %s", f->essc, bad[i]);
      g_test_message ("%s: %s", bad[i], r.err);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "essc fuzz"));
      essc_test_run_clear (&r);
    }
  /* An IUT that cannot start, vectors that cannot be read: exit 2. */
  EsscTestRun r = essc_test_run_sh ("%s fuzz --role verifier --impl /nonexistent/iut --runs 5",
                                    f->essc);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "essc fuzz: no run"));
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("%s fuzz --role verifier --impl %s --runs 5 --vectors %s/none", f->essc,
                        ref, f->dir);
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);
  /* An IUT whose operations no test uses: nothing to fuzz. */
  g_autofree char *good = essc_test_src_path ("tests", "adapters", "good.sh", NULL);
  r = essc_test_run_sh ("%s fuzz --role verifier --impl 'sh %s' --runs 5", f->essc, good);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "no test of role verifier"));
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("%s fuzz --help", f->essc);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "--runs"));
  g_assert_nonnull (strstr (r.out, "Exit status"));
  essc_test_run_clear (&r);
}

/* What the fuzzer found in the reference: qr.verify with a `now` near 2^63
 * crashed the verifier and the platform; it now answers (QR-5 of 1.1). */
static void
test_reference_qr_now (void)
{
  static const ConfRole roles[] = { CONF_ROLE_VERIFIER, CONF_ROLE_PLATFORM };
  static const char *const nows[] = { "9223372036854775807", "-9223372036854775808",
                                      "4611686018427387904" };
  for (gsize r = 0; r < G_N_ELEMENTS (roles); r++)
    for (gsize k = 0; k < G_N_ELEMENTS (nows); k++)
      {
        g_autoptr (ConfImpl) impl = conf_impl_new (roles[r], NULL, NULL);
        g_assert_nonnull (impl);
        g_autofree char *reset = g_strdup_printf (
            "{\"essc\":1,\"id\":1,\"op\":\"reset\",\"params\":{\"seed\":\"%064d\","
            "\"now\":1590969600,\"trust\":[],\"config\":{\"platform_key_seed\":\"%064d\","
            "\"switches\":[],\"pin_limits\":\"min\"}}}", 0, 0);
        g_autofree char *a = conf_impl_handle (impl, reset, strlen (reset));
        g_assert_nonnull (strstr (a, "\"ok\":true"));
        g_autofree char *req = g_strdup_printf (
            "{\"essc\":1,\"id\":2,\"op\":\"qr.verify\",\"params\":{\"token\":\"ESSC1:X\","
            "\"purpose\":\"identity\",\"pin_verified\":false,\"now\":%s}}", nows[k]);
        g_autofree char *b = conf_impl_handle (impl, req, strlen (req));
        g_test_message ("%s", b);
        /* QR-5 (1.1): any 64-bit now is taken without overflow; the token
         * text is what is malformed here, and the reference answers. */
        g_assert_nonnull (strstr (b, "\"code\":\"malformed\""));
        g_assert_null (strstr (b, "clock"));
      }
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/fuzz/generator", test_generator);
  g_test_add_func ("/fuzz/comparisons", test_comparisons);
  g_test_add_func ("/fuzz/reference-qr-now-range", test_reference_qr_now);
  g_test_add ("/fuzz/finds-faults", Fx, NULL, fx_set_up, test_finds_faults, fx_tear_down);
  g_test_add ("/fuzz/reference-command", Fx, NULL, fx_set_up, test_reference_command,
              fx_tear_down);
  g_test_add ("/fuzz/deterministic", Fx, NULL, fx_set_up, test_deterministic, fx_tear_down);
  g_test_add ("/fuzz/reference-clean", Fx, NULL, fx_set_up, test_reference_clean, fx_tear_down);
  g_test_add ("/fuzz/literal-integers", Fx, NULL, fx_set_up, test_literal_integers,
              fx_tear_down);
  g_test_add ("/fuzz/allowed-differences", Fx, NULL, fx_set_up, test_allowed_differences,
              fx_tear_down);
  g_test_add ("/fuzz/hostile", Fx, NULL, fx_set_up, test_hostile, fx_tear_down);
  g_test_add ("/fuzz/dead-in-a-row", Fx, NULL, fx_set_up, test_dead_in_a_row, fx_tear_down);
  g_test_add ("/fuzz/usage", Fx, NULL, fx_set_up, test_usage, fx_tear_down);
  return g_test_run ();
}
