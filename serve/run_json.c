/* SPDX-License-Identifier: MIT */
/*
 * A run and its tests as the API's JSON (see run_json.h), built with
 * json-glib so that every string is escaped as JSON requires.  A stored
 * diagnostic or transcript that does not parse (it cannot, as the store
 * writes only parsed JSON, unless the file was edited) is shown as null.
 */
#include "serve/run_json.h"

#include <json-glib/json-glib.h>

static void
add_int_or_null (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  if (v > 0)
    json_builder_add_int_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
add_string (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  if (v != NULL)
    json_builder_add_string_value (b, v);
  else
    json_builder_add_null_value (b);
}

static char *
to_text (JsonBuilder *b)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
add_run (JsonBuilder *b, const ServeRun *r)
{
  json_builder_begin_object (b);
  add_int (b, "id", r->id);
  add_string (b, "vendor", r->vendor);
  add_string (b, "channel", r->channel_id);
  add_string (b, "state", r->state);
  add_int (b, "created_at", r->created_at);
  add_int_or_null (b, "started_at", r->started_at);
  add_int_or_null (b, "finished_at", r->finished_at);
  add_int (b, "done", r->done);
  add_int (b, "total", r->total);
  add_int (b, "passed", r->passed);
  add_int (b, "failed", r->failed);
  add_int (b, "skipped", r->skipped);
  add_int_or_null (b, "report_id", r->report_id);
  add_string (b, "message", r->message);
  json_builder_set_member_name (b, "finished");
  json_builder_add_boolean_value (b, serve_store_run_is_finished (r));
  json_builder_end_object (b);
}

char *
serve_run_to_json (const ServeRun *r)
{
  g_return_val_if_fail (r != NULL, NULL);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  add_run (b, r);
  return to_text (b);
}

/* The stored JSON text as a node of type want, else null. */
static JsonNode *
parsed (const char *text, JsonNodeType want)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  if (text != NULL && json_parser_load_from_data (p, text, -1, NULL))
    {
      JsonNode *root = json_parser_get_root (p);
      if (root != NULL && JSON_NODE_TYPE (root) == want)
        return json_node_copy (root);
    }
  return json_node_init_null (json_node_alloc ());
}

char *
serve_run_tests_to_json (GPtrArray *tests)
{
  g_return_val_if_fail (tests != NULL, NULL);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < tests->len; i++)
    {
      const ServeRunTest *t = tests->pdata[i];
      json_builder_begin_object (b);
      add_int (b, "idx", t->idx);
      add_string (b, "test", t->test);
      add_string (b, "verdict", t->verdict);
      add_string (b, "requirement", t->requirement);
      json_builder_set_member_name (b, "diagnostic");
      json_builder_add_value (b, parsed (t->diagnostic, JSON_NODE_OBJECT));
      json_builder_set_member_name (b, "transcript");
      json_builder_add_value (b, parsed (t->transcript, JSON_NODE_ARRAY));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return to_text (b);
}
