/* SPDX-License-Identifier: MIT */
/*
 * The ERR-3 family the generators share: from one request of an operation
 * whose members all have their JSON types, one test for each member (and
 * each member of an object member) left out where it is required, set to
 * null, and set to a value of another JSON type than docs/ADAPTER.md section
 * 2's table gives it.  Each is refused with malformed whatever else the
 * request holds (ERR-3: before any other check of the operation), so the
 * tests need no state beyond their group's reset.
 */
#include "conformance/vec_private.h"

#include <string.h>

/* Returns: (transfer full) a deep copy of node (json_node_copy shares
 * objects and arrays). */
static JsonNode *
deep_copy (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  JsonNode *copy = json_from_string (text, NULL);
  g_assert (copy != NULL);
  return copy;
}

/* Returns: (transfer full) a value of another JSON type than value's; *kind
 * names that type for the test's name. */
static JsonNode *
other_type (JsonNode *value, const char **kind)
{
  if (JSON_NODE_HOLDS_OBJECT (value) || JSON_NODE_HOLDS_ARRAY (value))
    {
      *kind = "string";
      return conf_js (JSON_NODE_HOLDS_OBJECT (value) ? "{}" : "[]");
    }
  GType t = json_node_get_value_type (value);
  if (t == G_TYPE_INT64)
    {
      /* the digits as a string: "1590969600" is no time (ERR-3) */
      *kind = "string";
      g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
      return conf_js (digits);
    }
  if (t == G_TYPE_BOOLEAN)
    {
      *kind = "string";
      return conf_js (json_node_get_boolean (value) ? "true" : "false");
    }
  /* a string (text or hex): a string of digits as that number, any other
   * as an array of itself */
  const char *s = json_node_get_string (value);
  gsize n = strlen (s);
  if (n > 0 && n <= 18 && strspn (s, "0123456789") == n)
    {
      *kind = "number";
      return conf_ji (g_ascii_strtoll (s, NULL, 10));
    }
  *kind = "array";
  return conf_ja (conf_js (s), NULL);
}

static gboolean
is_optional (const char *optional, const char *path)
{
  g_auto (GStrv) names = g_strsplit (optional != NULL ? optional : "", " ", -1);
  return g_strv_contains ((const char *const *) names, path);
}

/* One test: params with the member at path (obj's member name) changed to
 * value (transfer full; NULL: left out). */
static void
one (ConfVec *v, const char *op, JsonNode *params, const char *outer, const char *name,
     JsonNode *value, const char *how)
{
  g_autofree char *path = outer != NULL ? g_strdup_printf ("%s.%s", outer, name)
                                        : g_strdup (name);
  g_autofree char *test = g_strdup_printf ("encoding-%s-%s-%s", op, path, how);
  g_strdelimit (test, "._", '-');
  g_autofree char *comment = g_strdup_printf (
      "%s with %s %s: refused before any other check", op, path,
      value == NULL ? "left out (a required member)"
      : JSON_NODE_HOLDS_NULL (value) ? "null (no value of any type)"
                                     : "of another JSON type than ADAPTER section 2 gives it");
  conf_vec_test (v, test, "ERR-3", comment, "Encoding", "invalid");
  JsonNode *p = deep_copy (params);
  JsonObject *o = json_node_get_object (p);
  if (outer != NULL)
    o = json_object_get_object_member (o, outer);
  if (value == NULL)
    json_object_remove_member (o, name);
  else
    json_object_set_member (o, name, value);
  conf_vec_step (v, op, p, conf_vec_err (MODEL_STD_MALFORMED), NULL);
}

/* The tests of the members of obj (of params; outer names it when it is a
 * member object). */
static void
members (ConfVec *v, const char *op, JsonNode *params, JsonObject *obj, const char *outer,
         const char *optional)
{
  g_autoptr (GList) names = json_object_get_members (obj); /* in insertion order */
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *value = json_object_get_member (obj, name);
      g_autofree char *path = outer != NULL ? g_strdup_printf ("%s.%s", outer, name)
                                            : g_strdup (name);
      const char *kind;
      if (!is_optional (optional, path))
        one (v, op, params, outer, name, NULL, "absent");
      one (v, op, params, outer, name, json_node_init_null (json_node_alloc ()), "null");
      JsonNode *other = other_type (value, &kind);
      one (v, op, params, outer, name, other, kind);
      if (outer == NULL && JSON_NODE_HOLDS_OBJECT (value))
        members (v, op, params, json_node_get_object (value), name, optional);
    }
}

void
conf_vec_encoding_tests (ConfVec *v, const char *op, JsonNode *params, const char *optional)
{
  g_return_if_fail (v != NULL && op != NULL && JSON_NODE_HOLDS_OBJECT (params));
  members (v, op, params, json_node_get_object (params), NULL, optional);
  json_node_unref (params);
}
