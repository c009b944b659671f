/* SPDX-License-Identifier: MIT */
/*
 * The registry's file (see regdb.h): opening with every check of what a
 * registry is, the atomic creation, the history as a ModelAuditLog, the one
 * write path (an entry appended to the history, then applied to the tables
 * by registry/change.c), and the readers of the state tables.  The file uses
 * SQLite's rollback journal (one file, as the tests and an operator's copy
 * expect); every write runs inside BEGIN IMMEDIATE, so two staff members'
 * commands never interleave.
 */
#include "registry/regdb.h"

#include "base/error.h"
#include "base/hex.h"
#include "base/sqlite.h"
#include "conformance/json.h"
#include "registry/change.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

G_DEFINE_QUARK (reg-error-quark, reg_error)

struct _RegDb {
  BaseSqlite s;             /* s.path is path */
  char *path;
  RegMeta meta;
  int version;              /* 1 or 2: meta's schema */
  guint n_v2;               /* the tables new in /2 that the file has */
  ModelAuditLog *log;       /* the history as loaded, or NULL */
};

#define fail(error, code, ...) base_fail ((error), REG_ERROR, (code), __VA_ARGS__)

/* ---- rows ------------------------------------------------------------------ */

void
reg_channel_free (RegChannel *c)
{
  if (c == NULL)
    return;
  g_free (c->id);
  g_free (c->name);
  g_free (c->klass);
  g_free (c->parent_id);
  g_free (c->status);
  g_free (c->role);
  g_free (c->impl);
  g_free (c->profile);
  g_free (c);
}

void
reg_report_free (RegReport *r)
{
  if (r == NULL)
    return;
  g_free (r->channel_id);
  g_free (r->impl);
  g_free (r->verdict);
  g_free (r->vectors_hash);
  g_free (r->blake2b);
  g_clear_pointer (&r->bytes, g_bytes_unref);
  g_free (r->signature);
  g_free (r);
}

void
reg_certificate_free (RegCertificate *c)
{
  if (c == NULL)
    return;
  g_free (c->channel_id);
  g_free (c->waivers);
  g_free (c->blake2b);
  g_clear_pointer (&c->bytes, g_bytes_unref);
  g_free (c->signature);
  g_free (c->revoke_reason);
  g_free (c);
}

gboolean
reg_certificate_in_force (const RegCertificate *c, gint64 now)
{
  return !c->revoked && c->superseded_by == 0 && c->not_before <= now && now < c->not_after;
}

/* ---- opening ----------------------------------------------------------------- */

void
reg_db_close (RegDb *db)
{
  if (db == NULL)
    return;
  sqlite3_close (db->s.db);
  g_free (db->meta.issuer_name);
  g_clear_pointer (&db->log, model_audit_log_free);
  g_free (db->path);
  g_free (db);
}

const char *
reg_db_path (const RegDb *db)
{
  return db->path;
}

const RegMeta *
reg_db_meta (const RegDb *db)
{
  return &db->meta;
}

sqlite3 *
reg_db_handle (RegDb *db)
{
  return db->s.db;
}

int
reg_db_schema_version (const RegDb *db)
{
  return db->version;
}

/* The text of the first column of sql's first row into *out (transfer full;
 * NULL when there is no row). */
static gboolean
query_text (RegDb *db, const char *sql, const char *what, char **out, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (&db->s, sql, what, error);
  if (st == NULL)
    return FALSE;
  int rc = sqlite3_step (st);
  *out = NULL;
  if (rc == SQLITE_ROW)
    *out = g_strdup ((const char *) sqlite3_column_text (st, 0));
  else if (rc != SQLITE_DONE)
    {
      base_sqlite_fail_rc (&db->s, rc, REG_ERROR_INPUT, what, error);
      sqlite3_finalize (st);
      return FALSE;
    }
  sqlite3_finalize (st);
  return TRUE;
}

/* Every table of the schema, with its columns in order; one new in /2 may
 * be missing (read_meta judges that by the schema). */
static gboolean
check_shape (RegDb *db, GError **error)
{
  gsize n;
  const RegTable *tables = reg_change_tables (&n);
  db->n_v2 = 0;
  for (gsize t = 0; t <= n; t++)
    {
      const RegTable *table = t < n ? &tables[t] : &reg_history_table;
      sqlite3_stmt *st = base_sqlite_prepare (&db->s, "SELECT name FROM pragma_table_info(?)"
                                              " ORDER BY cid", "read the tables", error);
      if (st == NULL)
        return FALSE;
      sqlite3_bind_text (st, 1, table->name, -1, SQLITE_STATIC);
      guint i = 0;
      int rc;
      gboolean ok = TRUE;
      while (ok && (rc = sqlite3_step (st)) == SQLITE_ROW)
        {
          const char *col = (const char *) sqlite3_column_text (st, 0);
          if (table->columns[i] == NULL || g_strcmp0 (col, table->columns[i]) != 0)
            ok = fail (error, REG_ERROR_INPUT, "%s: not a registry of schema %s: table %s has "
                       "column '%s' where '%s' was expected", db->path, REG_SCHEMA, table->name,
                       col, table->columns[i] ? table->columns[i] : "(none)");
          i++;
        }
      if (ok && rc != SQLITE_DONE)
        ok = base_sqlite_fail_rc (&db->s, rc, REG_ERROR_INPUT, "read the tables", error);
      sqlite3_finalize (st);
      if (!ok)
        return FALSE;
      if (i == 0 && table->v2)
        continue;
      if (i == 0)
        return fail (error, REG_ERROR_INPUT, "%s: not a registry of schema %s: table %s is "
                     "missing", db->path, REG_SCHEMA, table->name);
      if (table->v2)
        db->n_v2++;
      if (table->columns[i] != NULL)
        return fail (error, REG_ERROR_INPUT, "%s: not a registry of schema %s: table %s lacks "
                     "column '%s'", db->path, REG_SCHEMA, table->name, table->columns[i]);
    }
  return TRUE;
}

static gboolean
read_meta (RegDb *db, GError **error)
{
  g_autofree char *schema = NULL, *name = NULL, *pk = NULL, *key_id = NULL;
  if (!query_text (db, "SELECT value FROM meta WHERE key = 'schema'", "read meta", &schema,
                   error)
      || !query_text (db, "SELECT value FROM meta WHERE key = 'issuer_name'", "read meta", &name,
                      error)
      || !query_text (db, "SELECT value FROM meta WHERE key = 'issuer_public_key'", "read meta",
                      &pk, error)
      || !query_text (db, "SELECT value FROM meta WHERE key = 'issuer_key_id'", "read meta",
                      &key_id, error))
    return FALSE;
  if (schema == NULL)
    return fail (error, REG_ERROR_INPUT, "%s: not a registry: meta has no schema", db->path);
  if (strcmp (schema, REG_SCHEMA) != 0 && strcmp (schema, REG_SCHEMA_1) != 0)
    {
      g_autofree char *shown = g_strescape (schema, NULL);
      return fail (error, REG_ERROR_INPUT, "%s: a registry of schema '%.64s', this essc reads %s "
                   "and %s", db->path, shown, REG_SCHEMA, REG_SCHEMA_1);
    }
  db->version = strcmp (schema, REG_SCHEMA) == 0 ? 2 : 1;
  if (db->version == 2 && db->n_v2 != 2)
    return fail (error, REG_ERROR_INPUT, "%s: not a registry of schema %s: table token or "
                 "channel_vendor is missing", db->path, REG_SCHEMA);
  guint8 id[MODEL_KEY_ID_LEN];
  if (name == NULL || pk == NULL || key_id == NULL || strlen (pk) != 2 * MODEL_KEY_PAIR_PK_LEN
      || base_hex_decode (pk, strlen (pk), db->meta.issuer_pk, NULL) != BASE_HEX_OK
      || crypto_core_ed25519_is_valid_point (db->meta.issuer_pk) != 1)
    return fail (error, REG_ERROR_INPUT, "%s: meta: the issuer's name or public key is missing "
                 "or malformed", db->path);
  model_key_id (db->meta.issuer_pk, MODEL_KEY_PAIR_PK_LEN, db->meta.issuer_key_id);
  if (strlen (key_id) != 2 * MODEL_KEY_ID_LEN
      || base_hex_decode (key_id, strlen (key_id), id, NULL) != BASE_HEX_OK
      || memcmp (id, db->meta.issuer_key_id, sizeof id) != 0)
    return fail (error, REG_ERROR_INPUT, "%s: meta: issuer_key_id is not the issuer key's id",
                 db->path);
  db->meta.issuer_name = g_steal_pointer (&name);
  return TRUE;
}

RegDb *
reg_db_open (const char *path, gboolean write, GError **error)
{
  g_autoptr (RegDb) db = g_new0 (RegDb, 1);
  db->path = g_strdup (path);
  db->s = (BaseSqlite) { NULL, db->path, REG_ERROR, REG_ERROR_INPUT };

  GStatBuf st;
  if (g_stat (path, &st) != 0)
    {
      fail (error, REG_ERROR_INPUT, "%s: %s", path, g_strerror (errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      fail (error, REG_ERROR_INPUT, "%s: not a regular file", path);
      return NULL;
    }
  if (!base_sqlite_open (&db->s, write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, "open",
                         error))
    return NULL;
  sqlite3_busy_timeout (db->s.db, 10000);
  g_autofree char *app = NULL, *check = NULL;
  if (!query_text (db, "PRAGMA application_id", "read the file", &app, error)
      || !query_text (db, "PRAGMA quick_check", "check the file", &check, error))
    return NULL;
  if (g_strcmp0 (check, "ok") != 0)
    {
      fail (error, REG_ERROR_INPUT, "%s: damaged (%s)", path, check ? check : "no answer");
      return NULL;
    }
  if (app == NULL || g_ascii_strtoll (app, NULL, 10) != REG_APPLICATION_ID)
    {
      fail (error, REG_ERROR_INPUT, "%s: not an essc registry (application_id %s)", path,
            app ? app : "none");
      return NULL;
    }
  if (!check_shape (db, error) || !read_meta (db, error))
    return NULL;
  db->s.code = REG_ERROR_INTERNAL;
  return g_steal_pointer (&db);
}

/* ---- creating ----------------------------------------------------------------- */

typedef struct {
  const char *path, *issuer_name, *actor;
  const guint8 *pk;
  gint64 now;
} Create;

static gboolean
fill_new (const BaseSqlite *s, gpointer data, GError **error)
{
  const Create *c = data;
  RegDb db = { .s = *s, .path = (char *) c->path };
  db.s.path = c->path;
  if (!reg_change_create_tables (s->db, c->path, "main", error))
    return FALSE;
  db.log = model_audit_log_new ();
  char pk_hex[2 * MODEL_KEY_PAIR_PK_LEN + 1], id_hex[2 * MODEL_KEY_ID_LEN + 1];
  guint8 id[MODEL_KEY_ID_LEN];
  model_key_id (c->pk, MODEL_KEY_PAIR_PK_LEN, id);
  base_hex_encode (c->pk, MODEL_KEY_PAIR_PK_LEN, pk_hex);
  base_hex_encode (id, MODEL_KEY_ID_LEN, id_hex);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "issuer_key_id");
  json_builder_add_string_value (b, id_hex);
  json_builder_set_member_name (b, "issuer_name");
  json_builder_add_string_value (b, c->issuer_name);
  json_builder_set_member_name (b, "issuer_public_key");
  json_builder_add_string_value (b, pk_hex);
  json_builder_set_member_name (b, "schema");
  json_builder_add_string_value (b, REG_SCHEMA);
  json_builder_end_object (b);
  g_autoptr (JsonNode) payload = json_builder_get_root (b);
  gboolean ok = reg_db_record (&db, c->now, c->actor, REG_ACTION_INIT, payload, NULL, NULL,
                               error);
  model_audit_log_free (db.log);
  return ok;
}

gboolean
reg_db_create (const char *path, const char *issuer_name,
               const guint8 issuer_pk[MODEL_KEY_PAIR_PK_LEN], gint64 now, const char *actor,
               GError **error)
{
  if (g_file_test (path, G_FILE_TEST_EXISTS) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return fail (error, REG_ERROR_INPUT, "%s exists (a registry is created once; nothing "
                 "written)", path);
  Create c = { path, issuer_name, actor, issuer_pk, now };
  g_autofree char *pragmas = g_strdup_printf ("PRAGMA application_id = %d;", REG_APPLICATION_ID);
  GError *e = NULL;
  if (base_sqlite_write_atomic (path, REG_ERROR, REG_ERROR_INTERNAL, pragmas, fill_new, &c, &e))
    return TRUE;
  g_propagate_error (error, e);
  return FALSE;
}

/* ---- transactions ------------------------------------------------------------- */

gboolean
reg_db_begin (RegDb *db, GError **error)
{
  g_clear_pointer (&db->log, model_audit_log_free);
  return base_sqlite_exec (&db->s, "BEGIN IMMEDIATE", "begin a change", error);
}

gboolean
reg_db_commit (RegDb *db, GError **error)
{
  if (base_sqlite_exec (&db->s, "COMMIT", "commit", error))
    return TRUE;
  reg_db_rollback (db);
  return FALSE;
}

void
reg_db_rollback (RegDb *db)
{
  sqlite3_exec (db->s.db, "ROLLBACK", NULL, NULL, NULL);
  g_clear_pointer (&db->log, model_audit_log_free);
  /* An upgrade rolled back: the file is of its old schema again. */
  g_autofree char *schema = NULL;
  if (query_text (db, "SELECT value FROM meta WHERE key = 'schema'", "read meta", &schema, NULL)
      && g_strcmp0 (schema, REG_SCHEMA_1) == 0)
    db->version = 1;
}

gboolean
reg_db_upgrade (RegDb *db, gint64 now, const char *actor, GError **error)
{
  if (db->version >= 2)
    return TRUE;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "schema");
  json_builder_add_string_value (b, REG_SCHEMA);
  json_builder_end_object (b);
  g_autoptr (JsonNode) payload = json_builder_get_root (b);
  if (!reg_db_record (db, now, actor, REG_ACTION_UPGRADE, payload, NULL, NULL, error))
    return FALSE;
  db->version = 2;
  return TRUE;
}

/* ---- history ------------------------------------------------------------------ */

const ModelAuditLog *
reg_db_history (RegDb *db, GError **error)
{
  if (db->log != NULL)
    return db->log;
  sqlite3_stmt *st = base_sqlite_prepare (&db->s, "SELECT pos, seq, time, actor, action, payload,"
                                          " prev_hash, hash FROM history ORDER BY pos",
                                          "read the history", error);
  if (st == NULL)
    return NULL;
  g_autoptr (ModelAuditLog) log = model_audit_log_new ();
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 pos = sqlite3_column_int64 (st, 0);
      ModelAuditEntry e = { 0 };
      GError *inner = NULL;
      e.seq = (guint64) sqlite3_column_int64 (st, 1);
      e.time = sqlite3_column_int64 (st, 2);
      e.actor = (char *) sqlite3_column_text (st, 3);
      e.action = (char *) sqlite3_column_text (st, 4);
      e.payload = (guint8 *) sqlite3_column_blob (st, 5);
      e.payload_len = (gsize) sqlite3_column_bytes (st, 5);
      if (e.payload_len == 0)
        e.payload = NULL;
      gboolean ok = sqlite3_column_type (st, 6) == SQLITE_BLOB
                    && sqlite3_column_bytes (st, 6) == MODEL_AUDIT_HASH_LEN
                    && sqlite3_column_type (st, 7) == SQLITE_BLOB
                    && sqlite3_column_bytes (st, 7) == MODEL_AUDIT_HASH_LEN;
      if (ok)
        {
          memcpy (e.prev_hash, sqlite3_column_blob (st, 6), MODEL_AUDIT_HASH_LEN);
          memcpy (e.hash, sqlite3_column_blob (st, 7), MODEL_AUDIT_HASH_LEN);
        }
      if (!ok || e.actor == NULL || e.action == NULL)
        {
          fail (error, REG_ERROR_DAMAGED, "%s: history entry at position %" G_GINT64_FORMAT
                ": a hash is not 32 bytes or a field is missing", db->path, pos);
          sqlite3_finalize (st);
          return NULL;
        }
      if (!model_audit_log_restore (log, &e, &inner))
        {
          fail (error, REG_ERROR_DAMAGED, "%s: history entry at position %" G_GINT64_FORMAT
                ": %s", db->path, pos, inner->message);
          g_error_free (inner);
          sqlite3_finalize (st);
          return NULL;
        }
    }
  if (rc != SQLITE_DONE)
    {
      base_sqlite_fail_rc (&db->s, rc, REG_ERROR_INPUT, "read the history", error);
      sqlite3_finalize (st);
      return NULL;
    }
  sqlite3_finalize (st);
  db->log = g_steal_pointer (&log);
  return db->log;
}

gboolean
reg_db_record (RegDb *db, gint64 now, const char *actor, const char *action,
               JsonNode *payload, GBytes *blob, guint64 *seq, GError **error)
{
  GError *inner = NULL;
  if (reg_db_history (db, error) == NULL)
    return FALSE;
  g_autofree char *text = conf_json_canonical (payload, &inner);
  if (text == NULL)
    {
      fail (error, REG_ERROR_INTERNAL, "%s: %s: %s", db->path, action, inner->message);
      g_error_free (inner);
      return FALSE;
    }
  const ModelAuditEntry *e = model_audit_log_append (db->log, now, actor, action,
                                                     (const guint8 *) text, strlen (text),
                                                     &inner);
  if (e == NULL)
    {
      fail (error, REG_ERROR_INPUT, "%s: %s: the history refuses the entry: %s (%s)", db->path,
            action, inner->message, model_std_code_name ((ModelStdCode) inner->code));
      g_error_free (inner);
      /* The log may not match the file any more: reload it next time. */
      return FALSE;
    }
  sqlite3_stmt *st = base_sqlite_prepare (&db->s, "INSERT INTO history (pos, seq, time, actor,"
                                          " action, payload, prev_hash, hash) VALUES"
                                          " ((SELECT COALESCE(MAX(pos) + 1, 0) FROM history),"
                                          " ?, ?, ?, ?, ?, ?, ?)", "append to the history", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, (gint64) e->seq);
  sqlite3_bind_int64 (st, 2, e->time);
  sqlite3_bind_text (st, 3, e->actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, e->action, -1, SQLITE_STATIC);
  sqlite3_bind_blob (st, 5, e->payload, (int) e->payload_len, SQLITE_STATIC);
  sqlite3_bind_blob (st, 6, e->prev_hash, MODEL_AUDIT_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_blob (st, 7, e->hash, MODEL_AUDIT_HASH_LEN, SQLITE_STATIC);
  gboolean ok = base_sqlite_step (&db->s, st, "append to the history", error);
  sqlite3_finalize (st);
  if (!ok || !reg_change_apply (db->s.db, db->path, "main", e, blob, error))
    {
      g_clear_pointer (&db->log, model_audit_log_free);
      return FALSE;
    }
  if (seq != NULL)
    *seq = e->seq;
  return TRUE;
}

/* ---- reading the state tables ------------------------------------------------- */

static char *
col_text (sqlite3_stmt *st, int i)
{
  const char *t = (const char *) sqlite3_column_text (st, i);
  return g_strdup (t != NULL ? t : "");
}

static GBytes *
col_blob (sqlite3_stmt *st, int i)
{
  return g_bytes_new (sqlite3_column_blob (st, i), (gsize) sqlite3_column_bytes (st, i));
}

typedef gpointer (*RowFn) (sqlite3_stmt *st);

/* Runs sql with text parameter param (NULL: none bound) and collects rows. */
static GPtrArray *
rows (RegDb *db, const char *sql, const char *param, RowFn fn, GDestroyNotify free_fn,
      GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (&db->s, sql, "read the tables", error);
  if (st == NULL)
    return NULL;
  if (param != NULL)
    sqlite3_bind_text (st, 1, param, -1, SQLITE_TRANSIENT);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (free_fn);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (out, fn (st));
  if (rc != SQLITE_DONE)
    {
      base_sqlite_fail_rc (&db->s, rc, REG_ERROR_INPUT, "read the tables", error);
      sqlite3_finalize (st);
      return NULL;
    }
  sqlite3_finalize (st);
  return g_steal_pointer (&out);
}

static gpointer
channel_row (sqlite3_stmt *st)
{
  RegChannel *c = g_new0 (RegChannel, 1);
  c->id = col_text (st, 0);
  c->name = col_text (st, 1);
  c->klass = col_text (st, 2);
  c->tier = sqlite3_column_int (st, 3);
  c->parent_id = col_text (st, 4);
  const char *pk = (const char *) sqlite3_column_text (st, 5);
  if (pk == NULL || strlen (pk) != 2 * MODEL_KEY_PAIR_PK_LEN
      || base_hex_decode (pk, strlen (pk), c->public_key, NULL) != BASE_HEX_OK)
    memset (c->public_key, 0, sizeof c->public_key);
  c->status = col_text (st, 6);
  c->status_changed_at = sqlite3_column_int64 (st, 7);
  c->role = col_text (st, 8);
  c->impl = col_text (st, 9);
  c->profile = col_text (st, 10);
  c->applied_at = sqlite3_column_int64 (st, 11);
  c->rectify_seq = sqlite3_column_type (st, 12) == SQLITE_NULL ? -1
                                                               : sqlite3_column_int64 (st, 12);
  return c;
}

static gpointer
report_row (sqlite3_stmt *st)
{
  RegReport *r = g_new0 (RegReport, 1);
  r->id = sqlite3_column_int64 (st, 0);
  r->channel_id = col_text (st, 1);
  r->seq = sqlite3_column_int64 (st, 2);
  r->tested_at = sqlite3_column_int64 (st, 3);
  r->impl = col_text (st, 4);
  r->verdict = col_text (st, 5);
  r->vectors_hash = col_text (st, 6);
  r->blake2b = col_text (st, 7);
  r->bytes = col_blob (st, 8);
  r->signature = col_text (st, 9);
  return r;
}

static gpointer
cert_row (sqlite3_stmt *st)
{
  RegCertificate *c = g_new0 (RegCertificate, 1);
  c->serial = (guint64) sqlite3_column_int64 (st, 0);
  c->channel_id = col_text (st, 1);
  c->report_id = sqlite3_column_int64 (st, 2);
  c->issued_at = sqlite3_column_int64 (st, 3);
  c->not_before = sqlite3_column_int64 (st, 4);
  c->not_after = sqlite3_column_int64 (st, 5);
  c->waivers = col_text (st, 6);
  c->blake2b = col_text (st, 7);
  c->bytes = col_blob (st, 8);
  c->signature = col_text (st, 9);
  c->revoked = sqlite3_column_type (st, 10) != SQLITE_NULL;
  c->revoked_at = sqlite3_column_int64 (st, 10);
  c->revoke_reason = sqlite3_column_type (st, 11) != SQLITE_NULL ? col_text (st, 11) : NULL;
  c->superseded_by = (guint64) sqlite3_column_int64 (st, 12);
  return c;
}

#define CHANNEL_SELECT "SELECT id, name, class, tier, parent_id, public_key, status," \
  " status_changed_at, role, impl, profile, applied_at, rectify_seq FROM channel"
#define REPORT_SELECT "SELECT id, channel_id, seq, tested_at, impl, verdict, vectors_hash," \
  " blake2b, bytes, signature FROM report"
#define CERT_SELECT "SELECT serial, channel_id, report_id, issued_at, not_before, not_after," \
  " waivers, blake2b, bytes, signature, revoked_at, revoke_reason, superseded_by FROM certificate"

GPtrArray *
reg_db_channels (RegDb *db, GError **error)
{
  return rows (db, CHANNEL_SELECT " ORDER BY id", NULL, channel_row,
               (GDestroyNotify) reg_channel_free, error);
}

RegChannel *
reg_db_channel (RegDb *db, const char *id, GError **error)
{
  g_autoptr (GPtrArray) r = rows (db, CHANNEL_SELECT " WHERE id = ?", id, channel_row,
                                  (GDestroyNotify) reg_channel_free, error);
  if (r == NULL)
    return NULL;
  if (r->len == 0)
    {
      g_autofree char *shown = g_strescape (id, NULL);
      fail (error, REG_ERROR_INPUT, "%s: no channel '%.32s' in the registry", db->path, shown);
      return NULL;
    }
  return g_ptr_array_steal_index (r, 0);
}

GPtrArray *
reg_db_reports (RegDb *db, const char *channel_id, GError **error)
{
  return rows (db, channel_id ? REPORT_SELECT " WHERE channel_id = ? ORDER BY id"
                              : REPORT_SELECT " ORDER BY id",
               channel_id, report_row, (GDestroyNotify) reg_report_free, error);
}

GPtrArray *
reg_db_certificates (RegDb *db, const char *channel_id, GError **error)
{
  return rows (db, channel_id ? CERT_SELECT " WHERE channel_id = ? ORDER BY serial"
                              : CERT_SELECT " ORDER BY serial",
               channel_id, cert_row, (GDestroyNotify) reg_certificate_free, error);
}

RegCertificate *
reg_db_certificate (RegDb *db, guint64 serial, GError **error)
{
  g_autofree char *s = g_strdup_printf ("%" G_GUINT64_FORMAT, serial);
  g_autoptr (GPtrArray) r = rows (db, CERT_SELECT " WHERE serial = CAST(? AS INTEGER)", s,
                                  cert_row, (GDestroyNotify) reg_certificate_free, error);
  if (r == NULL)
    return NULL;
  if (r->len == 0)
    {
      fail (error, REG_ERROR_INPUT, "%s: no certificate of serial %" G_GUINT64_FORMAT, db->path,
            serial);
      return NULL;
    }
  return g_ptr_array_steal_index (r, 0);
}
