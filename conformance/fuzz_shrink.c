/* SPDX-License-Identifier: MIT */
/*
 * Shrinking a finding (see fuzz_private.h): the sequence is first played
 * again as it is (a divergence that does not come back is reported as
 * such, unshrunk); then steps are dropped by delta debugging (chunks of
 * halving size, the reset always kept); then each step's parameters are
 * brought back towards those of the vector step they came from (all of
 * them, else one member at a time); then long strings are cut.  A candidate
 * is kept only when it diverges with the same signature (the same
 * operation, diverging the same way), so shrinking never slides from one
 * defect to another.  Every candidate is played from the start; the number
 * played is bounded, so shrinking is deterministic and its cost known.
 */
#include "conformance/fuzz_private.h"

#include <string.h>

typedef struct {
  FuzzExec *exec;
  const char *signature;
  guint budget, tries;
  FuzzSeq *best;        /* the smallest diverging sequence so far (owned) */
  FuzzOutcome *out;     /* its outcome */
  GError *fatal;
} Shrink;

/* Plays cand; when it diverges the same way it becomes the best (taken,
 * cut after its diverging step) and TRUE is returned; otherwise cand is
 * freed. */
static gboolean
try_candidate (Shrink *k, FuzzSeq *cand)
{
  if (k->fatal != NULL || k->tries >= k->budget)
    {
      conf_fuzz_seq_free (cand);
      return FALSE;
    }
  k->tries++;
  FuzzOutcome o = { 0 };
  if (!conf_fuzz_exec (k->exec, cand, &o, &k->fatal))
    {
      conf_fuzz_outcome_clear (&o);
      conf_fuzz_seq_free (cand);
      return FALSE;
    }
  conf_fuzz_tick (k->exec);
  if (!o.diverged || strcmp (o.signature, k->signature) != 0)
    {
      conf_fuzz_outcome_clear (&o);
      conf_fuzz_seq_free (cand);
      return FALSE;
    }
  g_ptr_array_set_size (cand->steps, o.step + 1);
  conf_fuzz_seq_free (k->best);
  k->best = cand;
  conf_fuzz_outcome_clear (k->out);
  *k->out = o;
  return TRUE;
}

/* best without steps [from, from + n). */
static FuzzSeq *
without (const FuzzSeq *seq, guint from, guint n)
{
  FuzzSeq *c = conf_fuzz_seq_copy (seq);
  g_ptr_array_remove_range (c->steps, from, MIN (n, c->steps->len - from));
  return c;
}

/* Delta debugging over the steps after the reset. */
static void
drop_steps (Shrink *k)
{
  guint parts = 2;
  while (k->fatal == NULL && k->tries < k->budget)
    {
      guint m = k->best->steps->len - 1; /* removable steps */
      if (m == 0)
        return;
      parts = MIN (parts, m);
      guint chunk = (m + parts - 1) / parts;
      gboolean reduced = FALSE;
      for (guint from = 1; from < k->best->steps->len && !reduced; from += chunk)
        reduced = try_candidate (k, without (k->best, from, chunk));
      if (reduced)
        parts = MAX (parts - 1, 2);
      else if (parts >= m)
        return;
      else
        parts = MIN (parts * 2, m);
    }
}

/* A copy of best whose step i has params (transfer full). */
static FuzzSeq *
with_params (const FuzzSeq *seq, guint i, JsonObject *params)
{
  FuzzSeq *c = conf_fuzz_seq_copy (seq);
  FuzzStep *s = c->steps->pdata[i];
  json_object_unref (s->params);
  s->params = params;
  return c;
}

static gboolean
same_params (JsonObject *a, JsonObject *b)
{
  g_autoptr (JsonNode) x = json_node_init_object (json_node_alloc (), a);
  g_autoptr (JsonNode) y = json_node_init_object (json_node_alloc (), b);
  return conf_fuzz_json_equal (x, y);
}

/* Brings step i's params back towards its origin's. */
static void
restore_values (Shrink *k, guint i)
{
  const FuzzStep *s = k->best->steps->pdata[i];
  if (s->origin == NULL || same_params (s->params, s->origin->params))
    return;
  JsonObject *origin = s->origin->params;
  if (try_candidate (k, with_params (k->best, i, conf_fuzz_object_copy (origin))))
    return;

  /* One member at a time: the origin's members, then those it lacks. */
  g_autoptr (GList) names = json_object_get_members (origin);
  for (GList *l = names; l != NULL; l = l->next)
    {
      s = k->best->steps->pdata[i];
      JsonNode *want = json_object_get_member (origin, l->data);
      JsonNode *have = json_object_get_member (s->params, l->data);
      if (have != NULL && conf_fuzz_json_equal (want, have))
        continue;
      JsonObject *p = conf_fuzz_object_copy (s->params);
      json_object_set_member (p, l->data, conf_fuzz_json_copy (want));
      try_candidate (k, with_params (k->best, i, p));
    }
  s = k->best->steps->pdata[i];
  g_autoptr (GList) extra = json_object_get_members (s->params);
  for (GList *l = extra; l != NULL; l = l->next)
    {
      if (json_object_has_member (origin, l->data))
        continue;
      s = k->best->steps->pdata[i];
      JsonObject *p = conf_fuzz_object_copy (s->params);
      json_object_remove_member (p, l->data);
      try_candidate (k, with_params (k->best, i, p));
    }
}

/* Cuts the long strings of step i to 64, then 16 characters. */
static void
shorten_strings (Shrink *k, guint i)
{
  static const glong sizes[] = { 64, 16 };
  const FuzzStep *s = k->best->steps->pdata[i];
  g_autoptr (GList) names = json_object_get_members (s->params);
  for (GList *l = names; l != NULL; l = l->next)
    for (gsize z = 0; z < G_N_ELEMENTS (sizes); z++)
      {
        s = k->best->steps->pdata[i];
        JsonNode *n = json_object_get_member (s->params, l->data);
        if (n == NULL || json_node_get_value_type (n) != G_TYPE_STRING)
          break;
        const char *text = json_node_get_string (n);
        if (g_utf8_strlen (text, -1) <= sizes[z])
          continue;
        g_autofree char *cut = g_strndup (text, (gsize) (g_utf8_offset_to_pointer (text, sizes[z])
                                                         - text));
        JsonObject *p = conf_fuzz_object_copy (s->params);
        json_object_set_string_member (p, l->data, cut);
        try_candidate (k, with_params (k->best, i, p));
      }
}

gboolean
conf_fuzz_shrink (FuzzExec *exec, const FuzzSeq *seq, const char *signature, guint budget,
                  FuzzSeq **shrunk, FuzzOutcome *out, guint *tries, GError **error)
{
  Shrink k = { .exec = exec, .signature = signature, .budget = MAX (budget, 1), .out = out };
  memset (out, 0, sizeof *out);
  *shrunk = NULL;
  if (try_candidate (&k, conf_fuzz_seq_copy (seq)))
    {
      drop_steps (&k);
      for (guint i = 0; i < k.best->steps->len && k.fatal == NULL; i++)
        restore_values (&k, i);
      /* Fewer steps may do now that the values are plainer. */
      drop_steps (&k);
      for (guint i = 0; i < k.best->steps->len && k.fatal == NULL; i++)
        shorten_strings (&k, i);
    }
  *tries = k.tries;
  if (k.fatal != NULL)
    {
      conf_fuzz_seq_free (k.best);
      conf_fuzz_outcome_clear (out);
      g_propagate_error (error, k.fatal);
      return FALSE;
    }
  *shrunk = k.best != NULL ? k.best : conf_fuzz_seq_copy (seq);
  return TRUE;
}
