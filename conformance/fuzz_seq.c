/* SPDX-License-Identifier: MIT */
/*
 * The fuzzer's small parts (see fuzz_private.h): its random stream
 * (xoshiro256** keyed by seed and sequence number, so that sequence N is
 * drawn alike whatever ran before), deep copies and comparison of JSON
 * (json-glib's own copy shares containers, and the plan's are immutable),
 * and sequences of steps.
 */
#include "conformance/fuzz_private.h"

/* ---- random stream ------------------------------------------------------ */

static guint64
splitmix (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

void
conf_fuzz_rng_init (FuzzRng *rng, guint64 seed, guint64 index)
{
  guint64 x = seed ^ G_GUINT64_CONSTANT (0x6a09e667f3bcc908);
  guint64 key = splitmix (&x) ^ (index * G_GUINT64_CONSTANT (0xd1342543de82ef95));
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix (&key);
}

static guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

guint64
conf_fuzz_rng_next (FuzzRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

guint32
conf_fuzz_rng_below (FuzzRng *rng, guint32 n)
{
  g_return_val_if_fail (n > 0, 0);
  return (guint32) ((conf_fuzz_rng_next (rng) >> 32) * n >> 32);
}

gboolean
conf_fuzz_rng_chance (FuzzRng *rng, guint percent)
{
  return conf_fuzz_rng_below (rng, 100) < percent;
}

/* ---- JSON ------------------------------------------------------------------ */

JsonObject *
conf_fuzz_object_copy (JsonObject *obj)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter it;
  const char *name;
  JsonNode *value;
  json_object_iter_init_ordered (&it, obj);
  while (json_object_iter_next_ordered (&it, &name, &value))
    json_object_set_member (copy, name, conf_fuzz_json_copy (value));
  return copy;
}

JsonNode *
conf_fuzz_json_copy (JsonNode *node)
{
  JsonNode *copy = json_node_alloc ();
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = conf_fuzz_object_copy (json_node_get_object (node));
        json_node_init_object (copy, o);
        json_object_unref (o);
        return copy;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *src = json_node_get_array (node), *a = json_array_new ();
        for (guint i = 0; i < json_array_get_length (src); i++)
          json_array_add_element (a, conf_fuzz_json_copy (json_array_get_element (src, i)));
        json_node_init_array (copy, a);
        json_array_unref (a);
        return copy;
      }
    case JSON_NODE_NULL:
      return json_node_init_null (copy);
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          return json_node_init_int (copy, json_node_get_int (node));
        case G_TYPE_BOOLEAN:
          return json_node_init_boolean (copy, json_node_get_boolean (node));
        case G_TYPE_DOUBLE:
          return json_node_init_double (copy, json_node_get_double (node));
        default:
          return json_node_init_string (copy, json_node_get_string (node));
        }
    }
  return json_node_init_null (copy);
}

gboolean
conf_fuzz_json_equal (JsonNode *a, JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (json_node_get_node_type (a) != json_node_get_node_type (b))
    return FALSE;
  switch (json_node_get_node_type (a))
    {
    case JSON_NODE_NULL:
      return TRUE;
    case JSON_NODE_OBJECT:
      {
        JsonObject *x = json_node_get_object (a), *y = json_node_get_object (b);
        if (json_object_get_size (x) != json_object_get_size (y))
          return FALSE;
        JsonObjectIter it;
        const char *name;
        JsonNode *value;
        json_object_iter_init_ordered (&it, x);
        while (json_object_iter_next_ordered (&it, &name, &value))
          if (!conf_fuzz_json_equal (value, json_object_get_member (y, name)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *x = json_node_get_array (a), *y = json_node_get_array (b);
        if (json_array_get_length (x) != json_array_get_length (y))
          return FALSE;
        for (guint i = 0; i < json_array_get_length (x); i++)
          if (!conf_fuzz_json_equal (json_array_get_element (x, i),
                                     json_array_get_element (y, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      break;
    }
  GType t = json_node_get_value_type (a);
  if (t != json_node_get_value_type (b))
    return FALSE;
  if (t == G_TYPE_INT64)
    return json_node_get_int (a) == json_node_get_int (b);
  if (t == G_TYPE_BOOLEAN)
    return json_node_get_boolean (a) == json_node_get_boolean (b);
  if (t == G_TYPE_DOUBLE)
    return json_node_get_double (a) == json_node_get_double (b);
  return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
}

/* ---- sequences ------------------------------------------------------------ */

FuzzStep *
conf_fuzz_step_copy (const FuzzStep *step)
{
  FuzzStep *s = g_new0 (FuzzStep, 1);
  *s = *step;
  s->op = g_strdup (step->op);
  s->params = conf_fuzz_object_copy (step->params);
  return s;
}

void
conf_fuzz_step_free (FuzzStep *step)
{
  if (step == NULL)
    return;
  g_free (step->op);
  g_clear_pointer (&step->params, json_object_unref);
  g_free (step);
}

FuzzSeq *
conf_fuzz_seq_prefix (const FuzzSeq *seq, guint n)
{
  FuzzSeq *copy = g_new0 (FuzzSeq, 1);
  copy->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) conf_fuzz_step_free);
  for (guint i = 0; i < seq->steps->len && i < n; i++)
    g_ptr_array_add (copy->steps, conf_fuzz_step_copy (seq->steps->pdata[i]));
  copy->base = seq->base;
  copy->index = seq->index;
  copy->log = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; seq->log != NULL && i < seq->log->len; i++)
    g_ptr_array_add (copy->log, g_strdup (seq->log->pdata[i]));
  return copy;
}

FuzzSeq *
conf_fuzz_seq_copy (const FuzzSeq *seq)
{
  return conf_fuzz_seq_prefix (seq, seq->steps->len);
}

void
conf_fuzz_seq_free (FuzzSeq *seq)
{
  if (seq == NULL)
    return;
  g_ptr_array_unref (seq->steps);
  g_clear_pointer (&seq->log, g_ptr_array_unref);
  g_free (seq);
}

