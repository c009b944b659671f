/* SPDX-License-Identifier: MIT */
/*
 * Writing conformance runs to SQLite (see rundb.h).  Prepared statements,
 * one BEGIN IMMEDIATE transaction per run (its tests, latency and
 * certificate), rollback on any failure.
 */
#include "conformance/resultsdb.h"

#include "conformance/json.h"
#include "model/std/common.h"
#include "model/std/store.h"

#include <sqlite3.h>
#include <string.h>

G_DEFINE_QUARK (conf-resultsdb-error-quark, conf_resultsdb_error)

static const char SCHEMA[] =
  "CREATE TABLE IF NOT EXISTS conformance_run (id INTEGER PRIMARY KEY, essc_version TEXT NOT NULL,"
  " suite TEXT NOT NULL, command TEXT NOT NULL, iut_name TEXT, iut_version TEXT,"
  " role TEXT NOT NULL, profile TEXT NOT NULL, started_at INTEGER NOT NULL,"
  " ended_at INTEGER NOT NULL, verdict TEXT NOT NULL, passed INTEGER NOT NULL,"
  " failed INTEGER NOT NULL, skipped INTEGER NOT NULL, not_implemented INTEGER NOT NULL,"
  " waived INTEGER NOT NULL, vectors TEXT NOT NULL) STRICT;"
  "CREATE TABLE IF NOT EXISTS conformance_test (run_id INTEGER NOT NULL, pos INTEGER NOT NULL,"
  " name TEXT NOT NULL, file TEXT, tc_id INTEGER, requirements TEXT NOT NULL,"
  " verdict TEXT NOT NULL, reason TEXT, step INTEGER NOT NULL, op TEXT, expected TEXT, got TEXT,"
  " duration_us INTEGER NOT NULL, PRIMARY KEY (run_id, pos)) STRICT;"
  "CREATE TABLE IF NOT EXISTS conformance_latency (run_id INTEGER NOT NULL, op TEXT NOT NULL,"
  " count INTEGER NOT NULL, p50_us INTEGER NOT NULL, p99_us INTEGER NOT NULL,"
  " max_us INTEGER NOT NULL, PRIMARY KEY (run_id, op)) STRICT;"
  "CREATE TABLE IF NOT EXISTS conformance_certificate (run_id INTEGER PRIMARY KEY,"
  " certificate TEXT NOT NULL, signature TEXT NOT NULL, public_key TEXT) STRICT;";

static gboolean
sql_fail (sqlite3 *db, const char *path, const char *what, GError **error)
{
  return base_fail (error, CONF_RESULTSDB_ERROR, MODEL_STD_INTERNAL, "%s: %s: %s", path, what,
                     db ? sqlite3_errmsg (db) : "out of memory");
}

static void
bind_text (sqlite3_stmt *st, int i, const char *s)
{
  if (s == NULL)
    sqlite3_bind_null (st, i);
  else
    sqlite3_bind_text (st, i, s, -1, SQLITE_TRANSIENT);
}

static gboolean
write_certificate (sqlite3 *db, const char *path, gint64 id, const ConfRunDbCertificate *cert,
                   GError **error)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (db, "INSERT INTO conformance_certificate VALUES (?,?,?,?)", -1, &st,
                          NULL) != SQLITE_OK)
    return sql_fail (db, path, "prepare", error);
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_text64 (st, 2, cert->certificate, cert->certificate_len, SQLITE_TRANSIENT,
                       SQLITE_UTF8);
  bind_text (st, 3, cert->signature);
  bind_text (st, 4, cert->public_key);
  int rc = sqlite3_step (st);
  sqlite3_finalize (st);
  return rc == SQLITE_DONE || sql_fail (db, path, "insert certificate", error);
}

static gboolean
write_run (sqlite3 *db, const char *path, const ConfRun *run, const ConfPlan *plan,
           const char *command, const char *role, const ConfProfile *profile,
           const ConfRunDbCertificate *cert, gint64 *run_id, GError **error)
{
  sqlite3_stmt *st = NULL;
  g_autoptr (JsonNode) pnode = conf_profile_to_json (profile);
  g_autofree char *ptext = conf_json_to_line (pnode);
  g_autoptr (GString) vectors = g_string_new (NULL);
  for (guint i = 0; i < plan->files->len; i++)
    {
      const ConfVectorFile *f = plan->files->pdata[i];
      g_string_append_printf (vectors, "%s%s %s", i ? "\n" : "", f->name, f->blake2b);
    }

  if (sqlite3_prepare_v2 (db, "INSERT INTO conformance_run (essc_version, suite, command,"
                          " iut_name, iut_version, role, profile, started_at, ended_at, verdict,"
                          " passed, failed, skipped, not_implemented, waived, vectors)"
                          " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
    return sql_fail (db, path, "prepare", error);
  bind_text (st, 1, ESSC_VERSION);
  bind_text (st, 2, "ESSC-STD/1.0");
  bind_text (st, 3, command);
  bind_text (st, 4, run->iut_name);
  bind_text (st, 5, run->iut_version);
  bind_text (st, 6, role);
  bind_text (st, 7, ptext);
  sqlite3_bind_int64 (st, 8, run->started_at);
  sqlite3_bind_int64 (st, 9, run->ended_at);
  bind_text (st, 10, conf_run_conformant (run) ? "conformant" : "not conformant");
  for (int v = 0; v < CONF_N_VERDICTS; v++)
    sqlite3_bind_int64 (st, 11 + v, run->counts[v]);
  bind_text (st, 16, vectors->str);
  int rc = sqlite3_step (st);
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return sql_fail (db, path, "insert run", error);
  gint64 id = sqlite3_last_insert_rowid (db);
  if (run_id)
    *run_id = id;

  if (sqlite3_prepare_v2 (db, "INSERT INTO conformance_test VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                          -1, &st, NULL) != SQLITE_OK)
    return sql_fail (db, path, "prepare", error);
  for (guint i = 0; i < run->results->len; i++)
    {
      const ConfTestResult *r = run->results->pdata[i];
      g_autofree char *reqs = r->test ? g_strjoinv (",", r->test->requirements) : g_strdup ("");
      sqlite3_reset (st);
      sqlite3_bind_int64 (st, 1, id);
      sqlite3_bind_int64 (st, 2, i);
      bind_text (st, 3, r->name);
      bind_text (st, 4, r->test ? r->test->file : NULL);
      if (r->test)
        sqlite3_bind_int64 (st, 5, r->test->tc_id);
      else
        sqlite3_bind_null (st, 5);
      bind_text (st, 6, reqs);
      bind_text (st, 7, conf_verdict_name (r->verdict));
      bind_text (st, 8, r->reason);
      sqlite3_bind_int64 (st, 9, r->step);
      bind_text (st, 10, r->op);
      bind_text (st, 11, r->expected);
      bind_text (st, 12, r->got);
      sqlite3_bind_int64 (st, 13, r->duration_us);
      if (sqlite3_step (st) != SQLITE_DONE)
        {
          sqlite3_finalize (st);
          return sql_fail (db, path, "insert test", error);
        }
    }
  sqlite3_finalize (st);

  if (sqlite3_prepare_v2 (db, "INSERT INTO conformance_latency VALUES (?,?,?,?,?,?)", -1, &st,
                          NULL) != SQLITE_OK)
    return sql_fail (db, path, "prepare", error);
  for (guint i = 0; i < run->latency->len; i++)
    {
      const ConfOpLatency *l = run->latency->pdata[i];
      sqlite3_reset (st);
      sqlite3_bind_int64 (st, 1, id);
      bind_text (st, 2, l->op);
      sqlite3_bind_int64 (st, 3, (gint64) l->count);
      sqlite3_bind_int64 (st, 4, l->p50_us);
      sqlite3_bind_int64 (st, 5, l->p99_us);
      sqlite3_bind_int64 (st, 6, l->max_us);
      if (sqlite3_step (st) != SQLITE_DONE)
        {
          sqlite3_finalize (st);
          return sql_fail (db, path, "insert latency", error);
        }
    }
  sqlite3_finalize (st);
  return cert == NULL || write_certificate (db, path, id, cert, error);
}

gboolean
conf_resultsdb_append (const char *path, const ConfRun *run, const ConfPlan *plan,
                   const char *command, const char *role, const ConfProfile *profile,
                   const ConfRunDbCertificate *cert, gint64 *run_id, GError **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  gboolean ok = FALSE;
  g_autofree char *pragma = g_strdup_printf ("PRAGMA application_id = %d;",
                                             MODEL_STORE_APPLICATION_ID);

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      sql_fail (db, path, "open", error);
      sqlite3_close (db);
      return FALSE;
    }
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_prepare_v2 (db, "PRAGMA application_id", -1, &st, NULL) != SQLITE_OK
      || sqlite3_step (st) != SQLITE_ROW)
    {
      base_fail (error, CONF_RESULTSDB_ERROR, MODEL_STD_MALFORMED,
                  "%s: damaged or not an SQLite database (%s)", path, sqlite3_errmsg (db));
      goto out;
    }
  gint64 app = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  st = NULL;
  if (app != 0 && app != MODEL_STORE_APPLICATION_ID)
    {
      base_fail (error, CONF_RESULTSDB_ERROR, MODEL_STD_MALFORMED,
                  "%s: a database of another program (application_id %" G_GINT64_FORMAT ")",
                  path, app);
      goto out;
    }
  if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    {
      sql_fail (db, path, "begin", error);
      goto out;
    }
  if (sqlite3_exec (db, pragma, NULL, NULL, NULL) != SQLITE_OK
      || sqlite3_exec (db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK)
    sql_fail (db, path, "schema", error);
  else if (write_run (db, path, run, plan, command, role, profile, cert, run_id,
                       error))
    ok = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK
         || sql_fail (db, path, "commit", error);
  if (!ok)
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
out:
  sqlite3_finalize (st);
  sqlite3_close (db);
  return ok;
}
