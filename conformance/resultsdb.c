/* SPDX-License-Identifier: MIT */
/*
 * Writing conformance runs to SQLite (see resultsdb.h).  Prepared statements,
 * one BEGIN IMMEDIATE transaction per run (its tests, latency and
 * certificate), rollback on any failure.  The tables may share a run
 * database (docs/RUNDB.md), whose user_version is not theirs: a column
 * added later is added to an older table in the same transaction
 * (migrate), with a default that is right for the older rows.
 */
#include "conformance/resultsdb.h"

#include "conformance/json.h"
#include "model/std/common.h"
#include "base/dbkind.h"
#include "base/sqlite.h"

#include <string.h>

G_DEFINE_QUARK (conf-resultsdb-error-quark, conf_resultsdb_error)

/* The tables' schema name (conformance_meta.schema), whichever file holds them. */
#define CONF_RESULTSDB_SCHEMA "essc-conformance/1"

static const char SCHEMA[] =
  "CREATE TABLE IF NOT EXISTS conformance_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
  "INSERT OR REPLACE INTO conformance_meta VALUES ('schema', '" CONF_RESULTSDB_SCHEMA "');"
  "CREATE TABLE IF NOT EXISTS conformance_run (id INTEGER PRIMARY KEY, essc_version TEXT NOT NULL,"
  " suite TEXT NOT NULL, command TEXT NOT NULL, iut_name TEXT, iut_version TEXT,"
  " role TEXT NOT NULL, profile TEXT NOT NULL, started_at INTEGER NOT NULL,"
  " ended_at INTEGER NOT NULL, verdict TEXT NOT NULL, passed INTEGER NOT NULL,"
  " failed INTEGER NOT NULL, skipped INTEGER NOT NULL, not_implemented INTEGER NOT NULL,"
  " waived INTEGER NOT NULL, vectors TEXT NOT NULL,"
  " not_run INTEGER NOT NULL DEFAULT 0) STRICT;"
  "CREATE TABLE IF NOT EXISTS conformance_test (run_id INTEGER NOT NULL, pos INTEGER NOT NULL,"
  " name TEXT NOT NULL, file TEXT, tc_id INTEGER, requirements TEXT NOT NULL,"
  " verdict TEXT NOT NULL, reason TEXT, step INTEGER NOT NULL, op TEXT, expected TEXT, got TEXT,"
  " duration_us INTEGER NOT NULL, PRIMARY KEY (run_id, pos)) STRICT;"
  "CREATE TABLE IF NOT EXISTS conformance_latency (run_id INTEGER NOT NULL, op TEXT NOT NULL,"
  " count INTEGER NOT NULL, p50_us INTEGER NOT NULL, p99_us INTEGER NOT NULL,"
  " max_us INTEGER NOT NULL, PRIMARY KEY (run_id, op)) STRICT;"
  "CREATE TABLE IF NOT EXISTS conformance_certificate (run_id INTEGER PRIMARY KEY,"
  " certificate TEXT NOT NULL, signature TEXT NOT NULL, public_key TEXT) STRICT;";

/* Brings tables of an older essc up to SCHEMA: conformance_run.not_run
 * (tests never played; none before the verdict existed). */
static gboolean
migrate (const BaseSqlite *d, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (d, "SELECT COUNT(*) FROM pragma_table_info"
                                          " ('conformance_run') WHERE name = 'not_run'", "schema",
                                          error);
  if (st == NULL)
    return FALSE;
  gboolean ok = sqlite3_step (st) == SQLITE_ROW || base_sqlite_fail (d, "schema", error);
  gboolean has = ok && sqlite3_column_int64 (st, 0) > 0;
  sqlite3_finalize (st);
  return ok && (has || base_sqlite_exec (d, "ALTER TABLE conformance_run ADD COLUMN not_run "
                                            "INTEGER NOT NULL DEFAULT 0", "schema", error));
}

static gboolean
write_certificate (const BaseSqlite *d, gint64 id, const ConfRunDbCertificate *cert,
                   GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO conformance_certificate VALUES (?,?,?,?)",
                                          NULL, error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_text64 (st, 2, cert->certificate, cert->certificate_len, SQLITE_TRANSIENT,
                       SQLITE_UTF8);
  base_sqlite_bind_text (st, 3, cert->signature);
  base_sqlite_bind_text (st, 4, cert->public_key);
  gboolean ok = base_sqlite_step (d, st, "insert certificate", error);
  sqlite3_finalize (st);
  return ok;
}

static gboolean
write_run (const BaseSqlite *d, const ConfRun *run, const ConfPlan *plan,
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

  st = base_sqlite_prepare (d, "INSERT INTO conformance_run (essc_version, suite, command,"
                            " iut_name, iut_version, role, profile, started_at, ended_at, verdict,"
                            " passed, failed, skipped, not_implemented, waived, not_run,"
                            " vectors) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", NULL,
                            error);
  if (st == NULL)
    return FALSE;
  base_sqlite_bind_text (st, 1, ESSC_VERSION);
  base_sqlite_bind_text (st, 2, "ESSC-STD/1.1");
  base_sqlite_bind_text (st, 3, command);
  base_sqlite_bind_text (st, 4, run->iut_name);
  base_sqlite_bind_text (st, 5, run->iut_version);
  base_sqlite_bind_text (st, 6, role);
  base_sqlite_bind_text (st, 7, ptext);
  sqlite3_bind_int64 (st, 8, run->started_at);
  sqlite3_bind_int64 (st, 9, run->ended_at);
  base_sqlite_bind_text (st, 10, conf_run_conformant (run) ? "conformant" : "not conformant");
  static const ConfVerdict columns[] = { CONF_VERDICT_PASS, CONF_VERDICT_FAIL, CONF_VERDICT_SKIP,
                                         CONF_VERDICT_NOT_IMPLEMENTED, CONF_VERDICT_WAIVED,
                                         CONF_VERDICT_NOT_RUN };
  G_STATIC_ASSERT (G_N_ELEMENTS (columns) == CONF_N_VERDICTS);
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    sqlite3_bind_int64 (st, 11 + (int) c, run->counts[columns[c]]);
  base_sqlite_bind_text (st, 17, vectors->str);
  gboolean ok = base_sqlite_step (d, st, "insert run", error);
  sqlite3_finalize (st);
  if (!ok)
    return FALSE;
  gint64 id = sqlite3_last_insert_rowid (d->db);
  if (run_id)
    *run_id = id;

  st = base_sqlite_prepare (d, "INSERT INTO conformance_test VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                            NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint i = 0; i < run->results->len; i++)
    {
      const ConfTestResult *r = run->results->pdata[i];
      g_autofree char *reqs = r->test ? g_strjoinv (",", r->test->requirements) : g_strdup ("");
      sqlite3_bind_int64 (st, 1, id);
      sqlite3_bind_int64 (st, 2, i);
      base_sqlite_bind_text (st, 3, r->name);
      base_sqlite_bind_text (st, 4, r->test ? r->test->file : NULL);
      if (r->test)
        sqlite3_bind_int64 (st, 5, r->test->tc_id);
      else
        sqlite3_bind_null (st, 5);
      base_sqlite_bind_text (st, 6, reqs);
      base_sqlite_bind_text (st, 7, conf_verdict_name (r->verdict));
      base_sqlite_bind_text (st, 8, r->reason);
      sqlite3_bind_int64 (st, 9, r->step);
      base_sqlite_bind_text (st, 10, r->op);
      base_sqlite_bind_text (st, 11, r->expected);
      base_sqlite_bind_text (st, 12, r->got);
      sqlite3_bind_int64 (st, 13, r->duration_us);
      if (!base_sqlite_step (d, st, "insert test", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);

  st = base_sqlite_prepare (d, "INSERT INTO conformance_latency VALUES (?,?,?,?,?,?)", NULL,
                            error);
  if (st == NULL)
    return FALSE;
  for (guint i = 0; i < run->latency->len; i++)
    {
      const ConfOpLatency *l = run->latency->pdata[i];
      sqlite3_bind_int64 (st, 1, id);
      base_sqlite_bind_text (st, 2, l->op);
      sqlite3_bind_int64 (st, 3, (gint64) l->count);
      sqlite3_bind_int64 (st, 4, l->p50_us);
      sqlite3_bind_int64 (st, 5, l->p99_us);
      sqlite3_bind_int64 (st, 6, l->max_us);
      if (!base_sqlite_step (d, st, "insert latency", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);
  return cert == NULL || write_certificate (d, id, cert, error);
}

gboolean
conf_resultsdb_may_append (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return base_fail (error, CONF_RESULTSDB_ERROR, MODEL_STD_MALFORMED,
                      "%s: not a regular file", path);
  /* Conformance runs go to a database of their own or into a run database;
   * never into an e-card store, another kind, or another program's file
   * (which, marked as essc's, could then be replaced). */
  return base_db_may_write (path, BASE_DB_CONFORMANCE, BASE_DB_RUN, CONF_RESULTSDB_ERROR,
                            MODEL_STD_MALFORMED, error);
}

gboolean
conf_resultsdb_append (const char *path, const ConfRun *run, const ConfPlan *plan,
                   const char *command, const char *role, const ConfProfile *profile,
                   const ConfRunDbCertificate *cert, gint64 *run_id, GError **error)
{
  BaseSqlite d = { NULL, path, CONF_RESULTSDB_ERROR, MODEL_STD_INTERNAL };
  sqlite3_stmt *st = NULL;
  gboolean ok = FALSE;
  g_autofree char *pragma = g_strdup_printf ("PRAGMA application_id = %d;",
                                             BASE_DB_ID_CONFORMANCE);

  if (!conf_resultsdb_may_append (path, error)
      || !base_sqlite_open (&d, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "open", error))
    return FALSE;
  sqlite3_busy_timeout (d.db, 5000);
  if (sqlite3_prepare_v2 (d.db, "PRAGMA application_id", -1, &st, NULL) != SQLITE_OK
      || sqlite3_step (st) != SQLITE_ROW)
    {
      base_fail (error, CONF_RESULTSDB_ERROR, MODEL_STD_MALFORMED,
                  "%s: damaged or not an SQLite database (%s)", path, sqlite3_errmsg (d.db));
      goto out;
    }
  gint64 app = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  st = NULL;
  if (!base_sqlite_exec (&d, "BEGIN IMMEDIATE", "begin", error))
    goto out;
  /* a new file becomes a conformance database; a run database (or an older
   * file of these tables) keeps its id */
  ok = (app != 0 || sqlite3_exec (d.db, pragma, NULL, NULL, NULL) == SQLITE_OK
        || base_sqlite_fail (&d, "schema", error))
       && base_sqlite_exec (&d, SCHEMA, "schema", error)
       && migrate (&d, error)
       && write_run (&d, run, plan, command, role, profile, cert, run_id, error)
       && base_sqlite_exec (&d, "COMMIT", "commit", error);
  if (!ok)
    sqlite3_exec (d.db, "ROLLBACK", NULL, NULL, NULL);
out:
  sqlite3_finalize (st);
  sqlite3_close (d.db);
  return ok;
}
