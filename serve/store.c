/* SPDX-License-Identifier: MIT */
/*
 * The service's run database (see store.h): creating it atomically, opening
 * it with the checks of what it is, the runs and their tests as rows, the
 * fair choice of the next run, and the one transaction that finishes a run
 * (its row and its tests from the results file and the transcript).  The
 * file uses SQLite's rollback journal like essc's other databases; every
 * write is one statement or one BEGIN IMMEDIATE ... COMMIT.
 */
#include "serve/store.h"

#include "base/error.h"
#include "base/sqlite.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

G_DEFINE_QUARK (serve-store-error-quark, serve_store_error)

#define fail(error, code, ...) base_fail ((error), SERVE_STORE_ERROR, (code), __VA_ARGS__)

/* A test's transcript kept in the database: at most this many bytes of JSON
 * (the whole transcript stays in the run's folder). */
#define TRANSCRIPT_KEEP (256 * 1024)

struct _ServeStore {
  BaseSqlite s;            /* s.path is path */
  char *path;
};

static const char SCHEMA_SQL[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
  "CREATE TABLE run (id INTEGER PRIMARY KEY, vendor TEXT NOT NULL, channel_id TEXT NOT NULL,"
  " state TEXT NOT NULL, created_at INTEGER NOT NULL, started_at INTEGER,"
  " finished_at INTEGER, done INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,"
  " passed INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,"
  " skipped INTEGER NOT NULL DEFAULT 0, report_id INTEGER, message TEXT, idem_key TEXT,"
  " start_seq INTEGER, UNIQUE (vendor, idem_key)) STRICT;"
  "CREATE INDEX run_state ON run (state, vendor);"
  "CREATE INDEX run_vendor ON run (vendor, channel_id);"
  "CREATE TABLE run_test (run_id INTEGER NOT NULL REFERENCES run (id), idx INTEGER NOT NULL,"
  " test TEXT NOT NULL, verdict TEXT NOT NULL, requirement TEXT NOT NULL,"
  " diagnostic TEXT NOT NULL, transcript TEXT NOT NULL, PRIMARY KEY (run_id, idx)) STRICT;";

static const char RUN_COLUMNS[] =
  "id, vendor, channel_id, state, message, created_at, started_at, finished_at, done, total,"
  " passed, failed, skipped, report_id";

/* ---- rows ------------------------------------------------------------------ */

void
serve_run_free (ServeRun *r)
{
  if (r == NULL)
    return;
  g_free (r->vendor);
  g_free (r->channel_id);
  g_free (r->state);
  g_free (r->message);
  g_free (r);
}

void
serve_run_test_free (ServeRunTest *t)
{
  if (t == NULL)
    return;
  g_free (t->test);
  g_free (t->verdict);
  g_free (t->requirement);
  g_free (t->diagnostic);
  g_free (t->transcript);
  g_free (t);
}

gboolean
serve_run_state_is_finished (const char *state)
{
  return g_strcmp0 (state, SERVE_RUN_CONFORMANT) == 0
         || g_strcmp0 (state, SERVE_RUN_NOT_CONFORMANT) == 0
         || g_strcmp0 (state, SERVE_RUN_ERROR) == 0
         || g_strcmp0 (state, SERVE_RUN_INTERRUPTED) == 0;
}

gboolean
serve_store_run_is_finished (const ServeRun *r)
{
  return r != NULL && serve_run_state_is_finished (r->state);
}

static char *
column_text (sqlite3_stmt *st, int i)
{
  const char *t = (const char *) sqlite3_column_text (st, i);
  return t != NULL ? g_strdup (t) : NULL;
}

static ServeRun *
run_from_row (sqlite3_stmt *st)
{
  ServeRun *r = g_new0 (ServeRun, 1);
  r->id = sqlite3_column_int64 (st, 0);
  r->vendor = column_text (st, 1);
  r->channel_id = column_text (st, 2);
  r->state = column_text (st, 3);
  r->message = column_text (st, 4);
  r->created_at = sqlite3_column_int64 (st, 5);
  r->started_at = sqlite3_column_int64 (st, 6);
  r->finished_at = sqlite3_column_int64 (st, 7);
  r->done = (guint) sqlite3_column_int64 (st, 8);
  r->total = (guint) sqlite3_column_int64 (st, 9);
  r->passed = (guint) sqlite3_column_int64 (st, 10);
  r->failed = (guint) sqlite3_column_int64 (st, 11);
  r->skipped = (guint) sqlite3_column_int64 (st, 12);
  r->report_id = sqlite3_column_int64 (st, 13);
  return r;
}

/* ---- open ------------------------------------------------------------------ */

static gboolean
query_text (ServeStore *s, const char *sql, const char *what, char **out, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (&s->s, sql, what, error);
  if (st == NULL)
    return FALSE;
  int rc = sqlite3_step (st);
  *out = rc == SQLITE_ROW ? column_text (st, 0) : NULL;
  sqlite3_finalize (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return base_sqlite_fail_rc (&s->s, rc, SERVE_STORE_ERROR_INPUT, what, error);
  return TRUE;
}

static gboolean
fill_new (const BaseSqlite *s, gpointer data, GError **error)
{
  if (!base_sqlite_exec (s, SCHEMA_SQL, "create the tables", error))
    return FALSE;
  sqlite3_stmt *st = base_sqlite_prepare (s, "INSERT INTO meta (key, value) VALUES "
                                          "('schema', ?)", "create the tables", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, SERVE_STORE_SCHEMA, -1, SQLITE_STATIC);
  gboolean ok = base_sqlite_step (s, st, "create the tables", error);
  sqlite3_finalize (st);
  return ok;
}

static gboolean
create (const char *path, GError **error)
{
  g_autofree char *pragmas = g_strdup_printf ("PRAGMA application_id = %d;",
                                              SERVE_STORE_APPLICATION_ID);
  return base_sqlite_write_atomic (path, SERVE_STORE_ERROR, SERVE_STORE_ERROR_INTERNAL, pragmas,
                                   fill_new, NULL, error);
}

/* What the file at s->path is: ours, of our schema, with its tables. */
static gboolean
check_file (ServeStore *s, GError **error)
{
  g_autofree char *app = NULL, *check = NULL, *schema = NULL, *tables = NULL;
  if (!query_text (s, "PRAGMA application_id", "read the file", &app, error)
      || !query_text (s, "PRAGMA quick_check", "check the file", &check, error))
    return FALSE;
  if (g_strcmp0 (check, "ok") != 0)
    return fail (error, SERVE_STORE_ERROR_INPUT, "%s: damaged (%s)", s->path,
                 check ? check : "no answer");
  if (app == NULL || g_ascii_strtoll (app, NULL, 10) != SERVE_STORE_APPLICATION_ID)
    return fail (error, SERVE_STORE_ERROR_INPUT, "%s: not a database of essc serve "
                 "(application_id %s; it keeps its runs in a file of its own)", s->path,
                 app ? app : "none");
  if (!query_text (s, "SELECT group_concat (name, ',') FROM (SELECT name FROM sqlite_schema"
                   " WHERE type = 'table' AND name IN ('meta', 'run', 'run_test')"
                   " ORDER BY name)", "read the tables", &tables, error))
    return FALSE;
  if (g_strcmp0 (tables, "meta,run,run_test") != 0)
    return fail (error, SERVE_STORE_ERROR_INPUT, "%s: not a database of schema %s: it has "
                 "the tables '%s', not meta, run and run_test", s->path, SERVE_STORE_SCHEMA,
                 tables ? tables : "");
  if (!query_text (s, "SELECT value FROM meta WHERE key = 'schema'", "read meta", &schema,
                   error))
    return FALSE;
  if (g_strcmp0 (schema, SERVE_STORE_SCHEMA) != 0)
    {
      g_autofree char *shown = schema ? g_strescape (schema, NULL) : g_strdup ("(none)");
      return fail (error, SERVE_STORE_ERROR_INPUT, "%s: a database of schema '%.64s', this "
                   "essc reads %s", s->path, shown, SERVE_STORE_SCHEMA);
    }
  return TRUE;
}

/* The runs a stopped server left running become interrupted. */
static gboolean
mark_interrupted (ServeStore *s, gint64 now, guint *n, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (&s->s, "UPDATE run SET state = ?, finished_at = ?,"
                                          " message = 'the server stopped while the run ran'"
                                          " WHERE state = ?", "mark interrupted runs", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, SERVE_RUN_INTERRUPTED, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, now);
  sqlite3_bind_text (st, 3, SERVE_RUN_RUNNING, -1, SQLITE_STATIC);
  gboolean ok = base_sqlite_step (&s->s, st, "mark interrupted runs", error);
  sqlite3_finalize (st);
  if (ok && n != NULL)
    *n = (guint) sqlite3_changes (s->s.db);
  return ok;
}

ServeStore *
serve_store_open (const char *path, gint64 now, guint *interrupted, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  if (interrupted != NULL)
    *interrupted = 0;
  GStatBuf st;
  if (g_lstat (path, &st) != 0 || (S_ISREG (st.st_mode) && st.st_size == 0))
    {
      if (g_lstat (path, &st) != 0 && errno != ENOENT)
        {
          fail (error, SERVE_STORE_ERROR_INPUT, "%s: %s", path, g_strerror (errno));
          return NULL;
        }
      if (!create (path, error))
        return NULL;
    }
  else if (!S_ISREG (st.st_mode))
    {
      fail (error, SERVE_STORE_ERROR_INPUT, "%s: not a regular file", path);
      return NULL;
    }

  g_autoptr (ServeStore) s = g_new0 (ServeStore, 1);
  s->path = g_strdup (path);
  s->s = (BaseSqlite) { NULL, s->path, SERVE_STORE_ERROR, SERVE_STORE_ERROR_INPUT };
  if (!base_sqlite_open (&s->s, SQLITE_OPEN_READWRITE, "open", error))
    return NULL;
  sqlite3_busy_timeout (s->s.db, 10000);
  if (!check_file (s, error))
    return NULL;
  s->s.code = SERVE_STORE_ERROR_INTERNAL;
  if (!base_sqlite_exec (&s->s, "PRAGMA foreign_keys = ON", "open", error)
      || !mark_interrupted (s, now, interrupted, error))
    return NULL;
  return g_steal_pointer (&s);
}

void
serve_store_close (ServeStore *s)
{
  if (s == NULL)
    return;
  sqlite3_close (s->s.db);
  g_free (s->path);
  g_free (s);
}

const char *
serve_store_path (ServeStore *s)
{
  return s->path;
}

/* ---- runs ------------------------------------------------------------------ */

gboolean
serve_store_run_add (ServeStore *s, const char *vendor, const char *channel_id,
                     const char *idem_key, gint64 now, gint64 *id, gboolean *created,
                     GError **error)
{
  g_return_val_if_fail (s != NULL && vendor != NULL && channel_id != NULL && id != NULL, FALSE);
  gboolean dummy;
  gboolean *made = created != NULL ? created : &dummy;
  *made = FALSE;
  *id = 0;
  /* INSERT OR IGNORE keeps the (vendor, idem_key) pair unique in one
   * statement; a NULL key never conflicts. */
  sqlite3_stmt *st = base_sqlite_prepare (&s->s, "INSERT OR IGNORE INTO run (vendor, "
                                          "channel_id, state, created_at, idem_key) VALUES "
                                          "(?, ?, ?, ?, ?)", "queue a run", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, vendor, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, channel_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, SERVE_RUN_QUEUED, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 4, now);
  base_sqlite_bind_text (st, 5, idem_key);
  gboolean ok = base_sqlite_step (&s->s, st, "queue a run", error);
  sqlite3_finalize (st);
  if (!ok)
    return FALSE;
  if (sqlite3_changes (s->s.db) == 1)
    {
      *id = sqlite3_last_insert_rowid (s->s.db);
      *made = TRUE;
      return TRUE;
    }
  st = base_sqlite_prepare (&s->s, "SELECT id FROM run WHERE vendor = ? AND idem_key = ?",
                            "find a run by its idempotency key", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, vendor, -1, SQLITE_STATIC);
  base_sqlite_bind_text (st, 2, idem_key);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    *id = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  if (rc != SQLITE_ROW)
    return base_sqlite_fail_rc (&s->s, rc == SQLITE_DONE ? SQLITE_INTERNAL : rc,
                                SERVE_STORE_ERROR_INTERNAL, "find a run by its idempotency key",
                                error);
  return TRUE;
}

ServeRun *
serve_store_run (ServeStore *s, gint64 id, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM run WHERE id = ?", RUN_COLUMNS);
  sqlite3_stmt *st = base_sqlite_prepare (&s->s, sql, "read a run", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, id);
  int rc = sqlite3_step (st);
  ServeRun *r = rc == SQLITE_ROW ? run_from_row (st) : NULL;
  sqlite3_finalize (st);
  if (rc == SQLITE_DONE)
    fail (error, SERVE_STORE_ERROR_NOT_FOUND, "no run %" G_GINT64_FORMAT, id);
  else if (rc != SQLITE_ROW)
    base_sqlite_fail_rc (&s->s, rc, SERVE_STORE_ERROR_INPUT, "read a run", error);
  return r;
}

GPtrArray *
serve_store_runs (ServeStore *s, const char *vendor, const char *channel_id, guint limit,
                  GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM run WHERE (?1 IS NULL OR vendor = ?1)"
                                          " AND (?2 IS NULL OR channel_id = ?2) ORDER BY id DESC"
                                          " LIMIT ?3", RUN_COLUMNS);
  sqlite3_stmt *st = base_sqlite_prepare (&s->s, sql, "read the runs", error);
  if (st == NULL)
    return NULL;
  base_sqlite_bind_text (st, 1, vendor);
  base_sqlite_bind_text (st, 2, channel_id);
  sqlite3_bind_int64 (st, 3, limit > 0 ? (gint64) limit : -1);
  g_autoptr (GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) serve_run_free);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (runs, run_from_row (st));
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      base_sqlite_fail_rc (&s->s, rc, SERVE_STORE_ERROR_INPUT, "read the runs", error);
      return NULL;
    }
  return g_steal_pointer (&runs);
}

GPtrArray *
serve_store_run_tests (ServeStore *s, gint64 id, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (&s->s, "SELECT idx, test, verdict, requirement, "
                                          "diagnostic, transcript FROM run_test WHERE run_id = ?"
                                          " ORDER BY idx", "read a run's tests", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, id);
  g_autoptr (GPtrArray) tests = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                serve_run_test_free);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      ServeRunTest *t = g_new0 (ServeRunTest, 1);
      t->idx = (guint) sqlite3_column_int64 (st, 0);
      t->test = column_text (st, 1);
      t->verdict = column_text (st, 2);
      t->requirement = column_text (st, 3);
      t->diagnostic = column_text (st, 4);
      t->transcript = column_text (st, 5);
      g_ptr_array_add (tests, t);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      base_sqlite_fail_rc (&s->s, rc, SERVE_STORE_ERROR_INPUT, "read a run's tests", error);
      return NULL;
    }
  return g_steal_pointer (&tests);
}

gboolean
serve_store_count (ServeStore *s, const char *vendor, const char *state, guint *n,
                   GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (&s->s, "SELECT count(*) FROM run WHERE state = ?2"
                                          " AND (?1 IS NULL OR vendor = ?1)", "count runs",
                                          error);
  if (st == NULL)
    return FALSE;
  base_sqlite_bind_text (st, 1, vendor);
  base_sqlite_bind_text (st, 2, state);
  int rc = sqlite3_step (st);
  *n = rc == SQLITE_ROW ? (guint) sqlite3_column_int64 (st, 0) : 0;
  sqlite3_finalize (st);
  if (rc != SQLITE_ROW)
    return base_sqlite_fail_rc (&s->s, rc, SERVE_STORE_ERROR_INPUT, "count runs", error);
  return TRUE;
}

/* ---- what the pool writes ---------------------------------------------------- */

gboolean
serve_store_next_queued (ServeStore *s, guint max_per_vendor, gint64 *id, GError **error)
{
  /* Per vendor with a queued run: its oldest queued run, how many of its
   * runs are running, and the order of its latest start (start_seq grows
   * by one per start; NULL, never started, sorts first). */
  sqlite3_stmt *st = base_sqlite_prepare (&s->s,
    "SELECT min (q.id) AS first,"
    " (SELECT max (r.start_seq) FROM run r WHERE r.vendor = q.vendor) AS latest"
    " FROM run q WHERE q.state = 'queued' GROUP BY q.vendor"
    " HAVING (SELECT count (*) FROM run r WHERE r.vendor = q.vendor AND r.state = 'running') < ?"
    " ORDER BY latest, first LIMIT 1", "choose the next run", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, max_per_vendor);
  int rc = sqlite3_step (st);
  *id = rc == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
  sqlite3_finalize (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return base_sqlite_fail_rc (&s->s, rc, SERVE_STORE_ERROR_INPUT, "choose the next run",
                                error);
  return TRUE;
}

gboolean
serve_store_run_start (ServeStore *s, gint64 id, gint64 now, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (&s->s, "UPDATE run SET state = 'running',"
                                          " started_at = ?2, start_seq = (SELECT coalesce (max"
                                          " (start_seq), 0) + 1 FROM run)"
                                          " WHERE id = ?1 AND state = 'queued'", "start a run",
                                          error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_int64 (st, 2, now);
  gboolean ok = base_sqlite_step (&s->s, st, "start a run", error);
  sqlite3_finalize (st);
  if (ok && sqlite3_changes (s->s.db) != 1)
    return fail (error, SERVE_STORE_ERROR_INPUT, "%s: run %" G_GINT64_FORMAT " is not queued",
                 s->path, id);
  return ok;
}

gboolean
serve_store_run_progress (ServeStore *s, gint64 id, guint done, guint total, guint passed,
                          guint failed, guint skipped, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (&s->s, "UPDATE run SET done = ?, total = ?,"
                                          " passed = ?, failed = ?, skipped = ? WHERE id = ?"
                                          " AND state = 'running'", "note a run's progress",
                                          error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, done);
  sqlite3_bind_int64 (st, 2, total);
  sqlite3_bind_int64 (st, 3, passed);
  sqlite3_bind_int64 (st, 4, failed);
  sqlite3_bind_int64 (st, 5, skipped);
  sqlite3_bind_int64 (st, 6, id);
  gboolean ok = base_sqlite_step (&s->s, st, "note a run's progress", error);
  sqlite3_finalize (st);
  return ok;
}

/* ---- finishing a run ---------------------------------------------------------- */

/* One test of the results file, as it will be stored. */
typedef struct {
  char *name, *verdict, *requirement, *diagnostic;
  GString *transcript;       /* a JSON array being built: "[" then objects */
  gsize lines, cut;          /* lines kept, lines left out */
} Row;

static void
row_clear (gpointer p)
{
  Row *r = p;
  g_free (r->name);
  g_free (r->verdict);
  g_free (r->requirement);
  g_free (r->diagnostic);
  if (r->transcript != NULL)
    g_string_free (r->transcript, TRUE);
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL || JSON_NODE_TYPE (n) != JSON_NODE_VALUE
      || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

void
serve_store_count_verdict (const char *verdict, guint *passed, guint *failed, guint *skipped)
{
  if (g_strcmp0 (verdict, "pass") == 0)
    (*passed)++;
  else if (g_strcmp0 (verdict, "fail") == 0 || g_strcmp0 (verdict, "not_implemented") == 0)
    (*failed)++;
  else
    (*skipped)++;
}

/* Reads results_json into rows; the results' verdict must be state. */
static gboolean
parse_results (const char *results_json, const char *state, GArray *rows, GHashTable *by_name,
               GError **error)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  GError *e = NULL;
  if (!json_parser_load_from_data (p, results_json, -1, &e))
    {
      fail (error, SERVE_STORE_ERROR_INPUT, "the results file does not parse: %s", e->message);
      g_error_free (e);
      return FALSE;
    }
  JsonNode *root = json_parser_get_root (p);
  JsonObject *o = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root)
                                                                 : NULL;
  JsonNode *tests = o != NULL ? json_object_get_member (o, "tests") : NULL;
  if (o == NULL || g_strcmp0 (member_string (o, "schema"), "essc-conformance-results/1") != 0
      || tests == NULL || !JSON_NODE_HOLDS_ARRAY (tests))
    return fail (error, SERVE_STORE_ERROR_INPUT, "the results file is not essc's results "
                 "(schema essc-conformance-results/1 with a tests array)");
  const char *verdict = member_string (o, "verdict");
  if (g_strcmp0 (verdict, state) != 0)
    return fail (error, SERVE_STORE_ERROR_INPUT, "the results file's verdict '%.40s' is not "
                 "the worker's '%s'", verdict ? verdict : "(none)", state);
  JsonArray *a = json_node_get_array (tests);
  guint n = json_array_get_length (a);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *tn = json_array_get_element (a, i);
      JsonObject *t = JSON_NODE_HOLDS_OBJECT (tn) ? json_node_get_object (tn) : NULL;
      const char *name = t ? member_string (t, "name") : NULL;
      const char *v = t ? member_string (t, "verdict") : NULL;
      JsonNode *reqs = t ? json_object_get_member (t, "requirements") : NULL;
      if (name == NULL || v == NULL || (reqs != NULL && !JSON_NODE_HOLDS_ARRAY (reqs)))
        return fail (error, SERVE_STORE_ERROR_INPUT, "the results file's test %u has no name, "
                     "verdict or requirements list", i + 1);
      g_autoptr (GString) req = g_string_new (NULL);
      JsonArray *ra = reqs ? json_node_get_array (reqs) : NULL;
      for (guint j = 0; ra != NULL && j < json_array_get_length (ra); j++)
        {
          JsonNode *rn = json_array_get_element (ra, j);
          if (JSON_NODE_TYPE (rn) != JSON_NODE_VALUE
              || json_node_get_value_type (rn) != G_TYPE_STRING)
            return fail (error, SERVE_STORE_ERROR_INPUT, "the results file's test %u: a "
                         "requirement is not a string", i + 1);
          g_string_append_printf (req, "%s%s", j ? "," : "", json_node_get_string (rn));
        }
      /* The diagnostic: the test's object less what has its own column. */
      g_autoptr (JsonObject) d = json_object_new ();
      g_autoptr (GList) members = json_object_get_members (t);
      for (GList *m = members; m != NULL; m = m->next)
        if (strcmp (m->data, "name") != 0 && strcmp (m->data, "verdict") != 0
            && strcmp (m->data, "requirements") != 0)
          json_object_set_member (d, m->data, json_node_copy (json_object_get_member (t,
                                                                                     m->data)));
      g_autoptr (JsonNode) dn = json_node_init_object (json_node_alloc (), d);
      Row row = { g_strdup (name), g_strdup (v), g_string_free (g_steal_pointer (&req), FALSE),
                  json_to_string (dn, FALSE), g_string_new ("["), 0, 0 };
      g_array_append_val (rows, row);
      if (!g_hash_table_contains (by_name, name))
        g_hash_table_insert (by_name, g_strdup (name), GUINT_TO_POINTER (rows->len));
    }
  return TRUE;
}

/* Adds each transcript line to its test's row (lines of no test, or of a
 * test the results do not list, are left in the file only). */
static gboolean
parse_transcript (const char *text, GArray *rows, GHashTable *by_name, GError **error)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  guint lineno = 0;
  for (const char *l = text; *l != '\0';)
    {
      const char *end = strchr (l, '\n');
      gsize len = end ? (gsize) (end - l) : strlen (l);
      lineno++;
      if (len > 0)
        {
          GError *e = NULL;
          if (!json_parser_load_from_data (p, l, (gssize) len, &e))
            {
              fail (error, SERVE_STORE_ERROR_INPUT, "the transcript's line %u does not parse: "
                    "%s", lineno, e->message);
              g_error_free (e);
              return FALSE;
            }
          JsonNode *root = json_parser_get_root (p);
          if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
            return fail (error, SERVE_STORE_ERROR_INPUT, "the transcript's line %u is not an "
                         "object", lineno);
          const char *test = member_string (json_node_get_object (root), "test");
          guint at = test ? GPOINTER_TO_UINT (g_hash_table_lookup (by_name, test)) : 0;
          if (at > 0)
            {
              Row *r = &g_array_index (rows, Row, at - 1);
              if (r->transcript->len + len + 2 > TRANSCRIPT_KEEP)
                r->cut++;
              else
                {
                  if (r->lines++ > 0)
                    g_string_append_c (r->transcript, ',');
                  g_string_append_len (r->transcript, l, (gssize) len);
                }
            }
        }
      l += len + (end ? 1 : 0);
    }
  return TRUE;
}

static gboolean
insert_tests (ServeStore *s, gint64 id, GArray *rows, guint *passed, guint *failed,
              guint *skipped, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (&s->s, "INSERT INTO run_test (run_id, idx, test,"
                                          " verdict, requirement, diagnostic, transcript) VALUES"
                                          " (?, ?, ?, ?, ?, ?, ?)", "store a run's tests", error);
  if (st == NULL)
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < rows->len; i++)
    {
      Row *r = &g_array_index (rows, Row, i);
      if (r->cut > 0)
        g_string_append_printf (r->transcript, "%s{\"test\":null,\"dir\":\"cut\",\"line\":"
                                "\"%" G_GSIZE_FORMAT " more lines are in the run's "
                                "transcript.jsonl\"}", r->lines ? "," : "", r->cut);
      g_string_append_c (r->transcript, ']');
      serve_store_count_verdict (r->verdict, passed, failed, skipped);
      sqlite3_bind_int64 (st, 1, id);
      sqlite3_bind_int64 (st, 2, i + 1);
      sqlite3_bind_text (st, 3, r->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 4, r->verdict, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 5, r->requirement, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 6, r->diagnostic, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 7, r->transcript->str, (int) r->transcript->len, SQLITE_STATIC);
      ok = base_sqlite_step (&s->s, st, "store a run's tests", error);
    }
  sqlite3_finalize (st);
  return ok;
}

/* Finishes run id if it is in one of the states `from` (an SQL list). */
static gboolean
finish_from (ServeStore *s, gint64 id, const char *state, const char *message,
             gint64 report_id, const char *results_json, const char *transcript_jsonl,
             gint64 now, const char *from, GError **error)
{
  g_return_val_if_fail (serve_run_state_is_finished (state), FALSE);
  gboolean verdict = g_strcmp0 (state, SERVE_RUN_CONFORMANT) == 0
                     || g_strcmp0 (state, SERVE_RUN_NOT_CONFORMANT) == 0;
  g_autoptr (GArray) rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (rows, row_clear);
  g_autoptr (GHashTable) by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* Everything is parsed before the transaction begins: a file that does
   * not parse writes nothing. */
  if (verdict)
    {
      if (results_json == NULL)
        return fail (error, SERVE_STORE_ERROR_INPUT, "run %" G_GINT64_FORMAT ": no results "
                     "file", id);
      if (!parse_results (results_json, state, rows, by_name, error)
          || (transcript_jsonl != NULL
              && !parse_transcript (transcript_jsonl, rows, by_name, error)))
        return FALSE;
    }

  if (!base_sqlite_exec (&s->s, "BEGIN IMMEDIATE", "finish a run", error))
    return FALSE;
  guint passed = 0, failed = 0, skipped = 0;
  gboolean ok = TRUE;
  if (verdict)
    ok = insert_tests (s, id, rows, &passed, &failed, &skipped, error);
  g_autofree char *sql = g_strdup_printf (verdict
    ? "UPDATE run SET state = ?2, message = ?3, report_id = ?4, finished_at = ?5, done = ?6,"
      " total = ?6, passed = ?7, failed = ?8, skipped = ?9 WHERE id = ?1 AND state IN %s"
    : "UPDATE run SET state = ?2, message = ?3, report_id = ?4, finished_at = ?5"
      " WHERE id = ?1 AND state IN %s", from);
  sqlite3_stmt *st = ok ? base_sqlite_prepare (&s->s, sql, "finish a run", error) : NULL;
  ok = st != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (st, 1, id);
      sqlite3_bind_text (st, 2, state, -1, SQLITE_STATIC);
      base_sqlite_bind_text (st, 3, message);
      if (report_id > 0)
        sqlite3_bind_int64 (st, 4, report_id);
      sqlite3_bind_int64 (st, 5, now);
      if (verdict)
        {
          sqlite3_bind_int64 (st, 6, rows->len);
          sqlite3_bind_int64 (st, 7, passed);
          sqlite3_bind_int64 (st, 8, failed);
          sqlite3_bind_int64 (st, 9, skipped);
        }
      ok = base_sqlite_step (&s->s, st, "finish a run", error);
      sqlite3_finalize (st);
    }
  if (ok && sqlite3_changes (s->s.db) != 1)
    ok = fail (error, SERVE_STORE_ERROR_INPUT, "%s: run %" G_GINT64_FORMAT " is not in the "
               "state %s", s->path, id, from);
  if (ok && base_sqlite_exec (&s->s, "COMMIT", "finish a run", error))
    return TRUE;
  sqlite3_exec (s->s.db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

gboolean
serve_store_run_finish (ServeStore *s, gint64 id, const char *state, const char *message,
                        gint64 report_id, const char *results_json,
                        const char *transcript_jsonl, gint64 now, GError **error)
{
  return finish_from (s, id, state, message, report_id, results_json, transcript_jsonl, now,
                      "('queued', 'running')", error);
}

gboolean
serve_store_run_adopt (ServeStore *s, gint64 id, const char *state, const char *message,
                       gint64 report_id, const char *results_json,
                       const char *transcript_jsonl, gint64 now, GError **error)
{
  g_return_val_if_fail (report_id > 0, FALSE);
  g_return_val_if_fail (g_strcmp0 (state, SERVE_RUN_CONFORMANT) == 0
                        || g_strcmp0 (state, SERVE_RUN_NOT_CONFORMANT) == 0, FALSE);
  return finish_from (s, id, state, message, report_id, results_json, transcript_jsonl, now,
                      "('interrupted')", error);
}
