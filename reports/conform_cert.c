/* SPDX-License-Identifier: MIT */
/*
 * The report's view of a run's stored certificate (the table
 * conformance_certificate, docs/RUNDB.md and docs/CERTIFICATE.md): the
 * certificate's members as rows of field and value (objects flattened to
 * dotted names, `tests` as their number, `vectors` one row per file), then
 * the signature and the signer's public key as stored, and how to verify
 * them.  The report parses the JSON only to show it: it checks no
 * signature and no canonical form, and says so; `essc cert verify` does.
 * A database written before certificates were stored has no such table,
 * and its runs simply have no certificate block.
 */
#include "reports/conform.h"

#include "reports/html.h"
#include "reports/reader.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* The members in the order a reader wants them; others follow in theirs. */
static const char *const FIELD_ORDER[] = {
  "schema", "suite", "verdict", "iut.name", "iut.version", "iut.role", "iut.command",
  "started_at", "ended_at", "essc_version", "summary.passed", "summary.failed",
  "summary.skipped", "summary.not_implemented", "summary.waived", "summary.not_run", "tests", "waivers_used",
  "profile", "signer.key_id", "vectors",
};

typedef struct {
  char *key, *value;
  guint rank;
} Field;

static void
field_free (gpointer p)
{
  Field *f = p;
  g_free (f->key);
  g_free (f->value);
  g_free (f);
}

static void
add (GPtrArray *fields, char *key, char *value)
{
  Field *f = g_new0 (Field, 1);
  f->key = key;
  f->value = value;
  f->rank = G_N_ELEMENTS (FIELD_ORDER);
  for (guint i = 0; i < G_N_ELEMENTS (FIELD_ORDER); i++)
    {
      gsize n = strlen (FIELD_ORDER[i]);
      if (strncmp (key, FIELD_ORDER[i], n) == 0 && (key[n] == '\0' || key[n] == '.'))
        {
          f->rank = i;
          break;
        }
    }
  g_ptr_array_add (fields, f);
}

static int
field_cmp (gconstpointer a, gconstpointer b)
{
  const Field *x = *(Field *const *) a, *y = *(Field *const *) b;
  return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static char *
scalar (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return json_to_string (node, FALSE);
}

/* Flattens member `name` (under prefix) of the certificate into fields. */
static void
flatten (GPtrArray *fields, const char *prefix, const char *name, JsonNode *node)
{
  g_autofree char *key = prefix ? g_strconcat (prefix, ".", name, NULL) : g_strdup (name);
  if (JSON_NODE_HOLDS_OBJECT (node) && strcmp (key, "profile") != 0)
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr (GList) members = json_object_get_members (o);
      for (GList *m = members; m != NULL; m = m->next)
        flatten (fields, key, m->data, json_object_get_member (o, m->data));
      return;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      add (fields, g_steal_pointer (&key), scalar (node));
      return;
    }
  JsonArray *a = json_node_get_array (node);
  guint n = json_array_get_length (a);
  if (strcmp (key, "tests") == 0)
    {
      add (fields, g_steal_pointer (&key), g_strdup_printf ("%u test%s", n, n == 1 ? "" : "s"));
      return;
    }
  if (strcmp (key, "vectors") == 0)
    {
      for (guint i = 0; i < n; i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          JsonObject *v = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
          const char *file = v ? json_object_get_string_member_with_default (v, "file", NULL)
                               : NULL;
          if (file != NULL && json_object_has_member (v, "blake2b"))
            {
              g_autofree char *hash = scalar (json_object_get_member (v, "blake2b"));
              add (fields, g_strconcat ("vectors.", file, NULL),
                   g_strconcat ("BLAKE2b-256 ", hash, NULL));
            }
          else
            add (fields, g_strdup_printf ("vectors.%u", i), scalar (e));
        }
      return;
    }
  g_autoptr (GString) joined = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *s = scalar (json_array_get_element (a, i));
      g_string_append_printf (joined, "%s%s", i ? ", " : "", s);
    }
  add (fields, g_steal_pointer (&key), g_strdup (n ? joined->str : "none"));
}

static void
pre (GString *out, const char *text)
{
  g_string_append (out, "<pre>");
  report_html_escape (out, text);
  g_string_append (out, "</pre>\n");
}

gboolean
report_conform_certificate (ReportCtx *ctx, GString *out, gint64 run_id, GError **error)
{
  if (!report_reader_has_rows (ctx, "conformance_certificate"))
    return TRUE;
  sqlite3_stmt *st = report_reader_prepare (ctx, "SELECT certificate, signature, public_key FROM "
                                        "conformance_certificate WHERE run_id = ?", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, run_id);
  gboolean row = FALSE;
  if (!report_reader_step (ctx, st, &row, error))
    {
      sqlite3_finalize (st);
      return FALSE;
    }
  if (!row)
    {
      sqlite3_finalize (st);
      report_html_p (out, "Run %" G_GINT64_FORMAT " has no stored signed report (it ran without "
                     "--sign and --report).", run_id);
      return TRUE;
    }
  g_autofree char *cert = g_strndup (report_reader_text (st, 0), sqlite3_column_bytes (st, 0));
  g_autofree char *sig = g_strdup (report_reader_text (st, 1));
  g_autofree char *pub = sqlite3_column_type (st, 2) == SQLITE_NULL
                             ? NULL : g_strdup (report_reader_text (st, 2));
  sqlite3_finalize (st);

  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) bad = NULL;
  JsonNode *root = NULL;
  if (json_parser_load_from_data (parser, cert, -1, &bad))
    root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      report_warn (ctx, "run %" G_GINT64_FORMAT ": the stored signed report is not a JSON object "
                   "(%s); shown as stored", run_id, bad ? bad->message : "another JSON value");
      report_html_p (out, "Run %" G_GINT64_FORMAT "'s stored signed report is not a JSON object; "
                     "as stored:", run_id);
      pre (out, cert);
    }
  else
    {
      g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (field_free);
      JsonObject *o = json_node_get_object (root);
      g_autoptr (GList) members = json_object_get_members (o);
      for (GList *m = members; m != NULL; m = m->next)
        flatten (fields, NULL, m->data, json_object_get_member (o, m->data));
      g_ptr_array_sort (fields, field_cmp);
      g_autofree char *id = g_strdup_printf ("certificate-%" G_GINT64_FORMAT, run_id);
      g_autofree char *caption = g_strdup_printf ("Run %" G_GINT64_FORMAT ": its signed conformance "
                                                  "report as stored (not verified here)",
                                                  run_id);
      report_html_table_begin (out, id, caption, "field", "Field", "value", "Value", NULL);
      for (guint i = 0; i < fields->len; i++)
        {
          const Field *f = fields->pdata[i];
          report_html_row_begin (out, f->key);
          report_html_cell (out, "field", f->key);
          report_conform_cell_wrap (out, "value", f->value);
          report_html_row_end (out);
        }
      report_html_table_end (out);
    }
  report_html_p (out, "Its signature (the file FILE.sig) and the public key of the key that "
                 "signed it, as stored:");
  g_autoptr (GString) texts = g_string_new (sig);
  if (pub != NULL)
    g_string_append_printf (texts, "%s%s", g_str_has_suffix (sig, "\n") ? "" : "\n", pub);
  pre (out, texts->str);
  report_html_p (out, "This page shows the signed report and does not verify it. A report is the "
                 "record of one run, whatever its verdict, not a certificate. To check it, "
                 "write the stored texts back to files byte for byte and check them against "
                 "the certifying body's public key file, obtained from the body itself (the "
                 "key stored beside the report shows which key signed; it proves nothing "
                 "on its own):");
  g_autofree char *db = g_shell_quote (ctx->db_path);
  g_autofree char *cmd = g_strdup_printf (
      "sqlite3 %s \"SELECT writefile('run-%" G_GINT64_FORMAT ".report', certificate), "
      "writefile('run-%" G_GINT64_FORMAT ".report.sig', signature) FROM conformance_certificate "
      "WHERE run_id = %" G_GINT64_FORMAT "\"\nessc cert check-report run-%" G_GINT64_FORMAT ".report "
      "--pub KEY.pub", db, run_id, run_id, run_id, run_id);
  pre (out, cmd);
  return TRUE;
}
