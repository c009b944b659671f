/* SPDX-License-Identifier: MIT */
/*
 * The fuzzer's corpus and generator (see fuzz_private.h).  Everything comes
 * from the vectors of the role and from the operation lists of the IUT and
 * the reference, so that a change of either flows through:
 *   - the tests a sequence starts from (those the profile admits whose
 *     operations both sides offer), grouped by their shared setup;
 *   - for each operation, the steps that call it (the parameters a new
 *     step of that operation borrows);
 *   - for each member name, every value the vectors give it (the values a
 *     mutation swaps in);
 *   - what to compare: the result members the vectors state per operation,
 *     their named checks, their alternative codes (any_code).
 * Sequence N of a seed is drawn from its own stream (conf_fuzz_rng_init),
 * from a base test and one mutation or more; a sequence equal to its base
 * test is mutated again, so every sequence differs from the suite's tests.
 */
#include "conformance/fuzz_private.h"

#include "base/file.h"
#include "conformance/json.h"

#include <string.h>

#define MAX_STEPS 48        /* longest sequence generated */
#define MAX_POOL 256        /* distinct values kept per member name */
#define MAX_MUTATIONS 8

/* Named checks (docs/VECTORS.md) in the order they are tried, and the
 * result member each one judges in place of an equality. */
static const struct {
  const char *check;
  const char *covers;
} check_table[] = {
  { "audit_chain", "entries" },
  { "audit_head", "hash" },
  { "audit_no_secret", "entries" },
  { "idempotency_key", "idempotency_key" },
  { "hello_ops", "ops" },
  { "hello_ops_payment", "ops" },
  { "credential_issued", "credential" },
};

typedef struct {
  const ConfTest *test;
  gboolean setup;
  guint index;
} StepRef;

struct _FuzzCorpus {
  GPtrArray *tests;       /* const ConfTest*: bases */
  GHashTable *group_of;   /* setup array -> GPtrArray of const ConfTest* (bases of the group) */
  GPtrArray *ops;         /* char*: operations a new step may call */
  GHashTable *op_steps;   /* op -> GArray of StepRef (every step of the role's tests) */
  GHashTable *pools;      /* member -> GPtrArray of JsonNode* */
  GHashTable *members;    /* op -> GStrv */
  GHashTable *checks;     /* op -> GPtrArray of static char* (NULL-terminated) */
  GHashTable *codes;      /* op -> GPtrArray of GArray (ModelStdCode) */
  GHashTable *headers;    /* file -> JsonObject */
};

void
conf_fuzz_corpus_free (FuzzCorpus *c)
{
  if (c == NULL)
    return;
  g_ptr_array_unref (c->tests);
  g_hash_table_unref (c->group_of);
  g_ptr_array_unref (c->ops);
  g_hash_table_unref (c->op_steps);
  g_hash_table_unref (c->pools);
  g_hash_table_unref (c->members);
  g_hash_table_unref (c->checks);
  g_hash_table_unref (c->codes);
  g_hash_table_unref (c->headers);
  g_free (c);
}

/* Adds every value below node to the pools, under the nearest member name. */
static void
pool_add (FuzzCorpus *c, GHashTable *seen, JsonNode *node, const char *key, int depth)
{
  if (depth > 8)
    return;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter it;
      const char *name;
      JsonNode *value;
      json_object_iter_init_ordered (&it, json_node_get_object (node));
      while (json_object_iter_next_ordered (&it, &name, &value))
        pool_add (c, seen, value, name, depth + 1);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++)
        pool_add (c, seen, json_array_get_element (a, i), key, depth + 1);
    }
  if (key == NULL)
    return;
  g_autofree char *text = conf_json_to_line (node);
  char *id = g_strconcat (key, "\x1f", text, NULL);
  if (!g_hash_table_add (seen, id))
    return;
  GPtrArray *pool = g_hash_table_lookup (c->pools, key);
  if (pool == NULL)
    {
      pool = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
      g_hash_table_insert (c->pools, g_strdup (key), pool);
    }
  if (pool->len < MAX_POOL)
    g_ptr_array_add (pool, conf_fuzz_json_copy (node));
}

static gboolean
offered (const char *const *ops, const char *op)
{
  return ops == NULL || g_strv_contains (ops, op);
}

/* TRUE when both sides offer every operation of t, no step of t is sent as
 * text (a step's line: the fuzzer calls operations with params), and t
 * calls an operation besides reset (which the fuzzer never aims at). */
static gboolean
playable (const ConfTest *t, const char *const *iut_ops, const char *const *ref_ops)
{
  gboolean aims = FALSE;
  for (guint i = 0; i < t->steps->len; i++)
    aims |= strcmp (((const ConfStep *) t->steps->pdata[i])->op, "reset") != 0;
  if (!aims)
    return FALSE;
  for (int part = 0; part < 2; part++)
    {
      GPtrArray *steps = part == 0 ? t->setup : t->steps;
      for (guint i = 0; i < steps->len; i++)
        {
          const ConfStep *s = steps->pdata[i];
          if (s->line != NULL || !offered (iut_ops, s->op) || !offered (ref_ops, s->op))
            return FALSE;
        }
    }
  return TRUE;
}

/* What the vectors compare for each operation. */
static void
learn_comparisons (FuzzCorpus *c, const ConfStep *s)
{
  GHashTable *names = g_hash_table_lookup (c->members, s->op);
  if (names == NULL)
    {
      names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (c->members, g_strdup (s->op), names);
    }
  if (s->expect_result != NULL)
    {
      g_autoptr (GList) list = json_object_get_members (s->expect_result);
      for (GList *l = list; l != NULL; l = l->next)
        g_hash_table_add (names, g_strdup (l->data));
    }
  GPtrArray *checks = g_hash_table_lookup (c->checks, s->op);
  if (checks == NULL)
    {
      checks = g_ptr_array_new ();
      g_hash_table_insert (c->checks, g_strdup (s->op), checks);
    }
  if (s->check != NULL && !g_ptr_array_find_with_equal_func (checks, s->check, g_str_equal, NULL))
    g_ptr_array_add (checks, (gpointer) s->check);
  if (s->any_codes != NULL)
    {
      GPtrArray *sets = g_hash_table_lookup (c->codes, s->op);
      if (sets == NULL)
        {
          sets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
          g_hash_table_insert (c->codes, g_strdup (s->op), sets);
        }
      g_ptr_array_add (sets, g_array_ref (s->any_codes));
    }
}

/* Turns the sets gathered by learn_comparisons into their final form. */
static void
settle_comparisons (FuzzCorpus *c)
{
  GHashTableIter it;
  gpointer op, value;
  g_autoptr (GHashTable) finals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_strfreev);
  g_hash_table_iter_init (&it, c->members);
  while (g_hash_table_iter_next (&it, &op, &value))
    {
      GPtrArray *checks = g_hash_table_lookup (c->checks, op);
      g_autoptr (GList) names = g_list_sort (g_hash_table_get_keys (value), (GCompareFunc) strcmp);
      g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
      for (GList *l = names; l != NULL; l = l->next)
        {
          gboolean covered = FALSE;
          for (gsize k = 0; k < G_N_ELEMENTS (check_table); k++)
            covered |= strcmp (check_table[k].covers, l->data) == 0 && checks != NULL
                       && g_ptr_array_find_with_equal_func (checks, check_table[k].check,
                                                            g_str_equal, NULL);
          if (!covered)
            g_strv_builder_add (b, l->data);
        }
      g_hash_table_insert (finals, g_strdup (op), g_strv_builder_end (b));
    }
  g_hash_table_unref (c->members);
  c->members = g_hash_table_ref (finals);

  /* Checks in the table's order, NULL-terminated. */
  g_hash_table_iter_init (&it, c->checks);
  while (g_hash_table_iter_next (&it, &op, &value))
    {
      GPtrArray *found = value;
      g_autoptr (GPtrArray) ordered = g_ptr_array_new ();
      for (gsize k = 0; k < G_N_ELEMENTS (check_table); k++)
        if (g_ptr_array_find_with_equal_func (found, check_table[k].check, g_str_equal, NULL))
          g_ptr_array_add (ordered, (gpointer) check_table[k].check);
      g_ptr_array_set_size (found, 0);
      for (guint k = 0; k < ordered->len; k++)
        g_ptr_array_add (found, ordered->pdata[k]);
      g_ptr_array_add (found, NULL);
    }
}

static void
read_headers (FuzzCorpus *c, const char *dir, const ConfPlan *plan)
{
  for (guint i = 0; dir != NULL && i < plan->files->len; i++)
    {
      const char *name = ((ConfVectorFile *) plan->files->pdata[i])->name;
      g_autofree char *path = g_build_filename (dir, name, NULL), *text = NULL;
      gsize len;
      if ((text = base_file_read_regular (path, CONF_PLAN_MAX_FILE_BYTES, &len, NULL, NULL))
          == NULL)
        continue;
      g_autoptr (JsonObject) root = conf_json_parse_object (text, len, NULL);
      if (root == NULL)
        continue;
      JsonObject *h = json_object_new ();
      static const char *const kept[] = { "suite", "clock", "keys" };
      for (gsize k = 0; k < G_N_ELEMENTS (kept); k++)
        if (json_object_has_member (root, kept[k]))
          json_object_set_member (h, kept[k],
                                  conf_fuzz_json_copy (json_object_get_member (root, kept[k])));
      g_hash_table_insert (c->headers, g_strdup (name), h);
    }
}

FuzzCorpus *
conf_fuzz_corpus_new (const ConfPlan *plan, const char *dir, const char *role,
                      const ConfProfile *profile, gboolean valid_only,
                      const char *const *iut_ops, const char *const *ref_ops, GError **error)
{
  g_autoptr (FuzzCorpus) c = g_new0 (FuzzCorpus, 1);
  c->tests = g_ptr_array_new ();
  c->group_of = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  c->ops = g_ptr_array_new_with_free_func (g_free);
  c->op_steps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_array_unref);
  c->pools = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_ptr_array_unref);
  c->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_hash_table_unref);
  c->checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) g_ptr_array_unref);
  c->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_ptr_array_unref);
  c->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) json_object_unref);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) all = conf_plan_for_role (plan, role);

  for (guint i = 0; i < all->len; i++)
    {
      const ConfTest *t = all->pdata[i];
      g_autofree char *why = NULL;
      gboolean seedable = !valid_only || strcmp (t->result, "valid") == 0;
      /* Every test of the role teaches comparisons; values and operations
       * come from the setups and the tests that may be bases (with
       * valid_only, those the vectors mark valid, and the steps of the
       * others that the vectors expect accepted); only the admitted and
       * playable ones are bases. */
      for (int part = 0; part < 2; part++)
        {
          GPtrArray *steps = part == 0 ? t->setup : t->steps;
          /* A group's setup is shared: learn it from its first test only. */
          if (part == 0 && i > 0 && ((ConfTest *) all->pdata[i - 1])->setup == t->setup)
            continue;
          for (guint k = 0; k < steps->len; k++)
            {
              const ConfStep *s = steps->pdata[k];
              /* a step sent as text teaches nothing about calls */
              if (s->line != NULL)
                continue;
              learn_comparisons (c, s);
              /* With valid_only, a step of another test lends its values and
               * its call only when the vectors expect it accepted. */
              if (part == 1 && !seedable && !s->expect_ok)
                continue;
              g_autoptr (JsonNode) p = json_node_init_object (json_node_alloc (), s->params);
              pool_add (c, seen, p, NULL, 0);
              if (strcmp (s->op, "reset") == 0)
                continue;
              GArray *refs = g_hash_table_lookup (c->op_steps, s->op);
              if (refs == NULL)
                {
                  refs = g_array_new (FALSE, FALSE, sizeof (StepRef));
                  g_hash_table_insert (c->op_steps, g_strdup (s->op), refs);
                }
              StepRef r = { t, part == 0, k };
              g_array_append_val (refs, r);
            }
        }
      if (!seedable || !conf_profile_admits (profile, t->profile, &why)
          || !playable (t, iut_ops, ref_ops))
        continue;
      g_ptr_array_add (c->tests, (gpointer) t);
      GPtrArray *group = g_hash_table_lookup (c->group_of, t->setup);
      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (c->group_of, t->setup, group);
        }
      g_ptr_array_add (group, (gpointer) t);
    }
  if (c->tests->len == 0)
    {
      g_set_error (error, CONF_FUZZ_ERROR, CONF_FUZZ_ERROR_INPUT,
                   "no test of role %s to start from (%u in the vectors; the profile or the "
                   "operations the implementation offers leave none)", role, all->len);
      return NULL;
    }
  settle_comparisons (c);

  /* The operations a new step may call: both sides offer them and the
   * vectors show how to call them. */
  g_autoptr (GList) ops = g_list_sort (g_hash_table_get_keys (c->op_steps), (GCompareFunc) strcmp);
  for (GList *l = ops; l != NULL; l = l->next)
    if (offered (iut_ops, l->data) && offered (ref_ops, l->data))
      g_ptr_array_add (c->ops, g_strdup (l->data));
  read_headers (c, dir, plan);
  return g_steal_pointer (&c);
}

guint
conf_fuzz_corpus_n_tests (const FuzzCorpus *c)
{
  return c->tests->len;
}

guint
conf_fuzz_corpus_n_ops (const FuzzCorpus *c)
{
  return c->ops->len;
}

const char *const *
conf_fuzz_corpus_members (const FuzzCorpus *c, const char *op)
{
  static const char *const none[] = { NULL };
  const char *const *m = g_hash_table_lookup (c->members, op);
  return m ? m : none;
}

const char *const *
conf_fuzz_corpus_checks (const FuzzCorpus *c, const char *op)
{
  static const char *const none[] = { NULL };
  GPtrArray *a = g_hash_table_lookup (c->checks, op);
  return a ? (const char *const *) a->pdata : none;
}

GArray *
conf_fuzz_corpus_codes (const FuzzCorpus *c, const char *op, ModelStdCode code)
{
  GPtrArray *sets = g_hash_table_lookup (c->codes, op);
  GArray *out = NULL;
  for (guint i = 0; sets != NULL && i < sets->len; i++)
    {
      GArray *set = sets->pdata[i];
      gboolean holds = FALSE;
      for (guint k = 0; k < set->len; k++)
        holds |= g_array_index (set, ModelStdCode, k) == code;
      if (!holds)
        continue;
      if (out == NULL)
        {
          out = g_array_new (FALSE, FALSE, sizeof (ModelStdCode));
          g_array_append_val (out, code);
        }
      for (guint k = 0; k < set->len; k++)
        {
          ModelStdCode x = g_array_index (set, ModelStdCode, k);
          gboolean have = FALSE;
          for (guint j = 0; j < out->len; j++)
            have |= g_array_index (out, ModelStdCode, j) == x;
          if (!have)
            g_array_append_val (out, x);
        }
    }
  return out;
}

JsonObject *
conf_fuzz_corpus_file_header (const FuzzCorpus *c, const char *file)
{
  return g_hash_table_lookup (c->headers, file);
}

GPtrArray *
conf_fuzz_corpus_pool (const FuzzCorpus *c, const char *member)
{
  return g_hash_table_lookup (c->pools, member);
}

static gboolean
same_step (const FuzzStep *s, const ConfStep *v)
{
  if (strcmp (s->op, v->op) != 0)
    return FALSE;
  g_autoptr (JsonNode) a = json_node_init_object (json_node_alloc (), s->params);
  g_autoptr (JsonNode) b = json_node_init_object (json_node_alloc (), v->params);
  return conf_fuzz_json_equal (a, b);
}

const char *
conf_fuzz_corpus_vector_test (const FuzzCorpus *c, const FuzzSeq *seq)
{
  for (guint k = 0; k < c->tests->len; k++)
    {
      const ConfTest *t = c->tests->pdata[k];
      guint n = t->setup->len + t->steps->len, at = 0, i = 0;
      for (; i < seq->steps->len; i++, at++)
        {
          while (at < n && !same_step (seq->steps->pdata[i],
                                       at < t->setup->len ? t->setup->pdata[at]
                                                          : t->steps->pdata[at - t->setup->len]))
            at++;
          if (at == n)
            break;
        }
      if (i == seq->steps->len)
        return t->name;
    }
  return NULL;
}

/* ---- generation ----------------------------------------------------------- */

static FuzzStep *
step_from (const ConfTest *t, gboolean setup, guint index)
{
  const ConfStep *s = (setup ? t->setup : t->steps)->pdata[index];
  FuzzStep *f = g_new0 (FuzzStep, 1);
  f->op = g_strdup (s->op);
  f->params = conf_fuzz_object_copy (s->params);
  f->origin = s;
  f->from = t;
  f->from_setup = setup;
  f->origin_index = index;
  return f;
}

static void
note (FuzzSeq *seq, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
note (FuzzSeq *seq, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_ptr_array_add (seq->log, g_strdup_vprintf (fmt, ap));
  va_end (ap);
}

/* A position in [1, len] (after the reset). */
static guint
position (FuzzRng *rng, const FuzzSeq *seq)
{
  return 1 + conf_fuzz_rng_below (rng, seq->steps->len);
}

/* A step index in [1, len), or 0 when there is none. */
static guint
some_step (FuzzRng *rng, const FuzzSeq *seq)
{
  return seq->steps->len > 1 ? 1 + conf_fuzz_rng_below (rng, seq->steps->len - 1) : 0;
}

/* A step of the sequence that is not one of its group's setup steps, or
 * fallback when all are. */
static guint
test_step (FuzzRng *rng, const FuzzSeq *seq, guint fallback)
{
  guint n = 0;
  for (guint i = 1; i < seq->steps->len; i++)
    n += !((FuzzStep *) seq->steps->pdata[i])->from_setup;
  if (n == 0)
    return fallback;
  guint k = conf_fuzz_rng_below (rng, n);
  for (guint i = 1; i < seq->steps->len; i++)
    if (!((FuzzStep *) seq->steps->pdata[i])->from_setup && k-- == 0)
      return i;
  return fallback;
}

/* A new step calling an operation of the list, its params those of a step
 * of the vectors that calls it, some members perhaps drawn from the pools. */
static FuzzStep *
new_op_step (const FuzzCorpus *c, FuzzRng *rng, GString *how)
{
  const char *op = c->ops->pdata[conf_fuzz_rng_below (rng, c->ops->len)];
  GArray *refs = g_hash_table_lookup (c->op_steps, op);
  const StepRef *r = &g_array_index (refs, StepRef, conf_fuzz_rng_below (rng, refs->len));
  FuzzStep *f = step_from (r->test, r->setup, r->index);
  g_string_append_printf (how, "a new %s step (params of %s)", op, r->test->name);
  if (conf_fuzz_rng_chance (rng, 30))
    {
      g_autoptr (GList) names = json_object_get_members (f->params);
      for (GList *l = names; l != NULL; l = l->next)
        {
          GPtrArray *pool = conf_fuzz_corpus_pool (c, l->data);
          if (pool == NULL || pool->len < 2 || !conf_fuzz_rng_chance (rng, 50))
            continue;
          JsonNode *v = pool->pdata[conf_fuzz_rng_below (rng, pool->len)];
          json_object_set_member (f->params, l->data, conf_fuzz_json_copy (v));
          g_string_append_printf (how, "%s %s from the pool", l == names ? ";" : ",",
                                  (char *) l->data);
        }
    }
  return f;
}

/* One mutation of seq.  FALSE when the one drawn does not apply. */
static gboolean
mutate_once (const FuzzCorpus *c, FuzzRng *rng, FuzzSeq *seq)
{
  GPtrArray *steps = seq->steps;
  guint len = steps->len;
  guint pick = conf_fuzz_rng_below (rng, 100);

  if (pick < 55)
    {
      /* A value: most often of a step of the test itself rather than of its
       * group's setup; the reset's now and then. */
      guint i = len > 1 && !conf_fuzz_rng_chance (rng, 5) ? some_step (rng, seq) : 0;
      if (i > 0 && conf_fuzz_rng_chance (rng, 60))
        i = test_step (rng, seq, i);
      FuzzStep *s = steps->pdata[i];
      g_autofree char *what = NULL;
      if (!conf_fuzz_mutate_params (c, rng, s->params, &what))
        return FALSE;
      note (seq, "step %u (%s) %s", i, s->op, what);
      return TRUE;
    }
  if (pick < 64)
    {
      guint j = some_step (rng, seq);
      if (j == 0)
        return FALSE;
      guint at = j + 1;
      if (!conf_fuzz_rng_chance (rng, 60))
        at += conf_fuzz_rng_below (rng, len - j);
      g_ptr_array_insert (steps, (gint) at, conf_fuzz_step_copy (steps->pdata[j]));
      note (seq, "step %u (%s) sent again as step %u", j, ((FuzzStep *) steps->pdata[j])->op, at);
      return TRUE;
    }
  if (pick < 71)
    {
      if (len < 3)
        return FALSE;
      guint a = some_step (rng, seq), b = some_step (rng, seq);
      if (a == b)
        b = a + 1 < len ? a + 1 : a - 1;
      if (b == 0)
        return FALSE;
      gpointer t = steps->pdata[a];
      steps->pdata[a] = steps->pdata[b];
      steps->pdata[b] = t;
      note (seq, "steps %u and %u swapped", MIN (a, b), MAX (a, b));
      return TRUE;
    }
  if (pick < 75)
    {
      if (len < 3)
        return FALSE;
      guint from = some_step (rng, seq);
      FuzzStep *s = g_ptr_array_steal_index (steps, from);
      guint to = 1 + conf_fuzz_rng_below (rng, steps->len);
      g_ptr_array_insert (steps, (gint) to, s);
      note (seq, "step %u (%s) moved to %u", from, s->op, to);
      return TRUE;
    }
  if (pick < 80)
    {
      if (len < 3)
        return FALSE;
      guint j = some_step (rng, seq);
      note (seq, "step %u (%s) dropped", j, ((FuzzStep *) steps->pdata[j])->op);
      g_ptr_array_remove_index (steps, j);
      return TRUE;
    }
  if (pick < 83)
    {
      if (len < 4)
        return FALSE;
      guint keep = 2 + conf_fuzz_rng_below (rng, len - 2);
      note (seq, "cut after step %u", keep - 1);
      g_ptr_array_set_size (steps, keep);
      return TRUE;
    }
  if (pick < 90)
    {
      /* A step of another test of the same group (same keys, same setup). */
      GPtrArray *group = g_hash_table_lookup (c->group_of, seq->base->setup);
      const ConfTest *t = group->pdata[conf_fuzz_rng_below (rng, group->len)];
      if (t->steps->len == 0)
        return FALSE;
      guint k = conf_fuzz_rng_below (rng, t->steps->len);
      guint at = position (rng, seq);
      g_ptr_array_insert (steps, (gint) at, step_from (t, FALSE, k));
      note (seq, "step %u of %s inserted as step %u", k + 1, t->name, at);
      return TRUE;
    }
  if (pick < 99)
    {
      if (c->ops->len == 0)
        return FALSE;
      g_autoptr (GString) how = g_string_new (NULL);
      FuzzStep *s = new_op_step (c, rng, how);
      guint at = position (rng, seq);
      g_ptr_array_insert (steps, (gint) at, s);
      note (seq, "%s inserted as step %u", how->str, at);
      return TRUE;
    }
  /* An operation no role has. */
  FuzzStep *s = g_new0 (FuzzStep, 1);
  s->op = g_strdup ("x_fuzz.unknown");
  s->params = json_object_new ();
  guint at = position (rng, seq);
  g_ptr_array_insert (steps, (gint) at, s);
  note (seq, "an unknown operation inserted as step %u", at);
  return TRUE;
}

/* TRUE when seq is still its base test, step for step. */
static gboolean
unchanged (const FuzzSeq *seq)
{
  const ConfTest *t = seq->base;
  if (seq->steps->len != t->setup->len + t->steps->len)
    return FALSE;
  for (guint i = 0; i < seq->steps->len; i++)
    {
      const FuzzStep *s = seq->steps->pdata[i];
      const ConfStep *o = i < t->setup->len ? t->setup->pdata[i]
                                            : t->steps->pdata[i - t->setup->len];
      g_autoptr (JsonNode) a = json_node_init_object (json_node_alloc (), s->params);
      g_autoptr (JsonNode) b = json_node_init_object (json_node_alloc (), o->params);
      if (strcmp (s->op, o->op) != 0 || !conf_fuzz_json_equal (a, b))
        return FALSE;
    }
  return TRUE;
}

FuzzSeq *
conf_fuzz_generate (const FuzzCorpus *c, guint64 seed, guint64 index)
{
  FuzzRng rng;
  conf_fuzz_rng_init (&rng, seed, index);
  FuzzSeq *seq = g_new0 (FuzzSeq, 1);
  seq->index = index;
  seq->base = c->tests->pdata[conf_fuzz_rng_below (&rng, c->tests->len)];
  seq->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) conf_fuzz_step_free);
  seq->log = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < seq->base->setup->len; i++)
    g_ptr_array_add (seq->steps, step_from (seq->base, TRUE, i));
  for (guint i = 0; i < seq->base->steps->len; i++)
    g_ptr_array_add (seq->steps, step_from (seq->base, FALSE, i));

  guint n = 1;
  while (n < MAX_MUTATIONS && conf_fuzz_rng_chance (&rng, 45))
    n++;
  for (guint done = 0, tries = 0; (done < n || unchanged (seq)) && tries < 64; tries++)
    done += mutate_once (c, &rng, seq);
  if (seq->steps->len > MAX_STEPS)
    g_ptr_array_set_size (seq->steps, MAX_STEPS);
  return seq;
}
