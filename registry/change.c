/* SPDX-License-Identifier: MIT */
/*
 * Applying a history entry to the state tables (see change.h).  One static
 * function per action reads its payload's members (each required, with its
 * type, and no other member) and runs one or two statements on
 * SCHEMA.table; a statement that should touch exactly one row and touches
 * none is the history disagreeing with the tables, reported as
 * REG_ERROR_DAMAGED naming the entry.  The payload's members are named in
 * docs/REGISTRY.md section 3.
 */
#include "registry/change.h"

#include "base/error.h"
#include "base/sqlite.h"
#include "conformance/json.h"
#include "registry/regdb.h"
#include "registry/token.h"

#include <string.h>

/* ---- the tables ------------------------------------------------------------ */

static const char *const META_COLS[] = { "key", "value", NULL };
static const char *const CHANNEL_COLS[] = {
  "id", "name", "class", "tier", "parent_id", "public_key", "status", "status_changed_at",
  "role", "impl", "profile", "applied_at", "rectify_seq", NULL,
};
static const char *const REPORT_COLS[] = {
  "id", "channel_id", "seq", "tested_at", "impl", "verdict", "vectors_hash", "blake2b",
  "bytes", "signature", NULL,
};
static const char *const CERT_COLS[] = {
  "serial", "channel_id", "report_id", "issued_at", "not_before", "not_after", "waivers",
  "blake2b", "bytes", "signature", "revoked_at", "revoke_reason", "superseded_by", NULL,
};
static const char *const TOKEN_COLS[] = {
  "id", "role", "subject", "label", "hash", "issued_at", "issued_by", "revoked_at",
  "revoke_reason", NULL,
};
static const char *const VENDOR_COLS[] = { "channel_id", "vendor", NULL };
static const char *const HISTORY_COLS[] = {
  "pos", "seq", "time", "actor", "action", "payload", "prev_hash", "hash", NULL,
};

static const RegTable tables[] = {
  { "meta", "key", META_COLS, NULL, FALSE },
  { "channel", "id", CHANNEL_COLS, NULL, FALSE },
  { "report", "id", REPORT_COLS, "bytes", FALSE },
  { "certificate", "serial", CERT_COLS, "bytes", FALSE },
  { "token", "id", TOKEN_COLS, NULL, TRUE },
  { "channel_vendor", "channel_id", VENDOR_COLS, NULL, TRUE },
};
const RegTable reg_history_table = { "history", "pos", HISTORY_COLS, NULL, FALSE };

const RegTable *
reg_change_tables (gsize *n)
{
  *n = G_N_ELEMENTS (tables);
  return tables;
}

/* %1$s is the schema. */
static const char SCHEMA_SQL[] =
  "CREATE TABLE %1$s.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
  "CREATE TABLE %1$s.channel (id TEXT PRIMARY KEY, name TEXT NOT NULL, class TEXT NOT NULL,"
  " tier INTEGER NOT NULL, parent_id TEXT NOT NULL, public_key TEXT NOT NULL,"
  " status TEXT NOT NULL, status_changed_at INTEGER NOT NULL, role TEXT NOT NULL,"
  " impl TEXT NOT NULL, profile TEXT NOT NULL, applied_at INTEGER NOT NULL,"
  " rectify_seq INTEGER) STRICT;"
  "CREATE TABLE %1$s.report (id INTEGER PRIMARY KEY, channel_id TEXT NOT NULL,"
  " seq INTEGER NOT NULL, tested_at INTEGER NOT NULL, impl TEXT NOT NULL,"
  " verdict TEXT NOT NULL, vectors_hash TEXT NOT NULL, blake2b TEXT NOT NULL,"
  " bytes BLOB NOT NULL, signature TEXT NOT NULL) STRICT;"
  "CREATE TABLE %1$s.certificate (serial INTEGER PRIMARY KEY, channel_id TEXT NOT NULL,"
  " report_id INTEGER NOT NULL, issued_at INTEGER NOT NULL, not_before INTEGER NOT NULL,"
  " not_after INTEGER NOT NULL, waivers TEXT NOT NULL, blake2b TEXT NOT NULL,"
  " bytes BLOB NOT NULL, signature TEXT NOT NULL, revoked_at INTEGER, revoke_reason TEXT,"
  " superseded_by INTEGER) STRICT;"
  "CREATE TABLE %1$s.history (pos INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
  " time INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, payload BLOB NOT NULL,"
  " prev_hash BLOB NOT NULL, hash BLOB NOT NULL) STRICT;";

/* The tables new in essc-registry/2 (created by registry.upgrade in a /1
 * file; present already in a replay). */
static const char V2_SQL[] =
  "CREATE TABLE IF NOT EXISTS %1$s.token (id TEXT PRIMARY KEY, role TEXT NOT NULL,"
  " subject TEXT NOT NULL, label TEXT NOT NULL, hash TEXT NOT NULL, issued_at INTEGER NOT NULL,"
  " issued_by TEXT NOT NULL, revoked_at INTEGER, revoke_reason TEXT) STRICT;"
  "CREATE TABLE IF NOT EXISTS %1$s.channel_vendor (channel_id TEXT PRIMARY KEY,"
  " vendor TEXT NOT NULL) STRICT;";

gboolean
reg_change_create_tables (sqlite3 *db, const char *path, const char *schema, GError **error)
{
  BaseSqlite s = { db, path, REG_ERROR, REG_ERROR_INTERNAL };
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_autofree char *sql = g_strdup_printf (SCHEMA_SQL, schema);
  g_autofree char *v2 = g_strdup_printf (V2_SQL, schema);
#pragma GCC diagnostic pop
  return base_sqlite_exec (&s, sql, "create the tables", error)
         && base_sqlite_exec (&s, v2, "create the tables", error);
}

/* ---- applying an entry ----------------------------------------------------- */

typedef struct {
  BaseSqlite s;
  const char *schema;
  const ModelAuditEntry *entry;
  JsonObject *payload;
  GBytes *blob;
} Apply;

/* Sets error: "history entry SEQ (ACTION): MESSAGE". */
static gboolean G_GNUC_PRINTF (3, 4)
fail (const Apply *a, GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return base_fail (error, REG_ERROR, REG_ERROR_DAMAGED, "history entry %" G_GUINT64_FORMAT
                    " (%s): %s", a->entry->seq, a->entry->action, msg);
}

/* Checks the payload has exactly the n members named. */
static gboolean
members (const Apply *a, const char *const *names, GError **error)
{
  guint n = 0;
  for (; names[n] != NULL; n++)
    if (!json_object_has_member (a->payload, names[n]))
      return fail (a, error, "payload: member '%s' missing", names[n]);
  if (json_object_get_size (a->payload) != n)
    return fail (a, error, "payload: %u members, expected %u", json_object_get_size (a->payload),
                 n);
  return TRUE;
}

static const char *
str (const Apply *a, const char *member, GError **error)
{
  const char *v = NULL;
  GError *e = NULL;
  if (!conf_json_get_string (a->payload, member, &v, &e))
    {
      fail (a, error, "payload: %s", e->message);
      g_error_free (e);
      return NULL;
    }
  return v;
}

static gboolean
num (const Apply *a, const char *member, gint64 *out, GError **error)
{
  GError *e = NULL;
  if (!conf_json_get_int (a->payload, member, out, &e))
    {
      fail (a, error, "payload: %s", e->message);
      g_error_free (e);
      return FALSE;
    }
  return TRUE;
}

/* Prepares sql, where every %1$s is the schema. */
static sqlite3_stmt *
prepare (const Apply *a, const char *sql, GError **error)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_autofree char *text = g_strdup_printf (sql, a->schema);
#pragma GCC diagnostic pop
  return base_sqlite_prepare (&a->s, text, a->entry->action, error);
}

/* Steps st once; it must change exactly one row, else `none` says why. */
static gboolean
step_one (const Apply *a, sqlite3_stmt *st, const char *none, GError **error)
{
  int rc = sqlite3_step (st);
  if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT)
    {
      fail (a, error, "%s", sqlite3_errmsg (a->s.db));
      sqlite3_finalize (st);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      base_sqlite_fail_rc (&a->s, rc, REG_ERROR_INPUT, a->entry->action, error);
      sqlite3_finalize (st);
      return FALSE;
    }
  int changed = sqlite3_changes (a->s.db);
  sqlite3_finalize (st);
  if (changed != 1)
    return fail (a, error, "%s", none);
  return TRUE;
}

static void
bind_str (sqlite3_stmt *st, int i, const char *v)
{
  sqlite3_bind_text (st, i, v, -1, SQLITE_TRANSIENT);
}

/* Canonical JSON of a member (an object or an array). */
static char *
member_json (const Apply *a, const char *member, JsonNodeType type, GError **error)
{
  JsonNode *n = json_object_get_member (a->payload, member);
  if (n == NULL || JSON_NODE_TYPE (n) != type)
    {
      fail (a, error, "payload: member '%s': expected %s", member,
            type == JSON_NODE_OBJECT ? "an object" : "an array");
      return NULL;
    }
  GError *e = NULL;
  char *text = conf_json_canonical (n, &e);
  if (text == NULL)
    {
      fail (a, error, "payload: member '%s': %s", member, e->message);
      g_error_free (e);
    }
  return text;
}

static gboolean
apply_init (const Apply *a, GError **error)
{
  static const char *const names[] = { "issuer_key_id", "issuer_name", "issuer_public_key",
                                       "schema", NULL };
  if (!members (a, names, error))
    return FALSE;
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *v = str (a, names[i], error);
      if (v == NULL)
        return FALSE;
      sqlite3_stmt *st = prepare (a, "INSERT INTO %1$s.meta VALUES (?, ?)", error);
      if (st == NULL)
        return FALSE;
      bind_str (st, 1, names[i]);
      bind_str (st, 2, v);
      if (!step_one (a, st, "meta row not inserted", error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_channel (const Apply *a, GError **error)
{
  static const char *const names[] = { "class", "id", "impl", "name", "parent_id", "profile",
                                       "public_key", "role", "tier", NULL };
  const char *v[9] = { NULL };
  gint64 tier;
  if (!members (a, names, error))
    return FALSE;
  for (guint i = 0; i < 8; i++)
    if (i != 5 && (v[i] = str (a, names[i], error)) == NULL)
      return FALSE;
  g_autofree char *profile = member_json (a, "profile", JSON_NODE_OBJECT, error);
  if (profile == NULL || !num (a, "tier", &tier, error))
    return FALSE;
  sqlite3_stmt *st = prepare (a, "INSERT INTO %1$s.channel (id, name, class, tier, parent_id,"
                              " public_key, status, status_changed_at, role, impl, profile,"
                              " applied_at, rectify_seq)"
                              " VALUES (?, ?, ?, ?, ?, ?, 'applied', ?, ?, ?, ?, ?, NULL)", error);
  if (st == NULL)
    return FALSE;
  bind_str (st, 1, v[1]);
  bind_str (st, 2, v[3]);
  bind_str (st, 3, v[0]);
  sqlite3_bind_int64 (st, 4, tier);
  bind_str (st, 5, v[4]);
  bind_str (st, 6, v[6]);
  sqlite3_bind_int64 (st, 7, a->entry->time);
  bind_str (st, 8, v[7]);
  bind_str (st, 9, v[2]);
  bind_str (st, 10, profile);
  sqlite3_bind_int64 (st, 11, a->entry->time);
  return step_one (a, st, "channel not inserted", error);
}

static gboolean
apply_status (const Apply *a, GError **error)
{
  static const char *const names[] = { "from", "id", "reason", "to", NULL };
  const char *id, *from, *to;
  if (!members (a, names, error) || (id = str (a, "id", error)) == NULL
      || (from = str (a, "from", error)) == NULL || (to = str (a, "to", error)) == NULL
      || str (a, "reason", error) == NULL)
    return FALSE;
  /* A return to live meets a pending rectification order. */
  sqlite3_stmt *st = prepare (a, "UPDATE %1$s.channel SET status = ?1, status_changed_at = ?2,"
                              " rectify_seq = CASE WHEN ?1 = 'live' THEN NULL ELSE rectify_seq END"
                              " WHERE id = ?3 AND status = ?4", error);
  if (st == NULL)
    return FALSE;
  bind_str (st, 1, to);
  sqlite3_bind_int64 (st, 2, a->entry->time);
  bind_str (st, 3, id);
  bind_str (st, 4, from);
  g_autofree char *none = g_strdup_printf ("no channel %s in status %s", id, from);
  return step_one (a, st, none, error);
}

static gboolean
apply_rectify (const Apply *a, GError **error)
{
  static const char *const names[] = { "id", "impl", "reason", NULL };
  const char *id, *impl;
  if (!members (a, names, error) || (id = str (a, "id", error)) == NULL
      || (impl = str (a, "impl", error)) == NULL || str (a, "reason", error) == NULL)
    return FALSE;
  sqlite3_stmt *st = prepare (a, "UPDATE %1$s.channel SET impl = ?, rectify_seq = ?"
                              " WHERE id = ? AND status <> 'terminated'", error);
  if (st == NULL)
    return FALSE;
  bind_str (st, 1, impl);
  sqlite3_bind_int64 (st, 2, (gint64) a->entry->seq);
  bind_str (st, 3, id);
  g_autofree char *none = g_strdup_printf ("no channel %s that is not terminated", id);
  return step_one (a, st, none, error);
}

static void
bind_blob (const Apply *a, sqlite3_stmt *st, int i)
{
  gsize n = 0;
  const void *data = a->blob != NULL ? g_bytes_get_data (a->blob, &n) : NULL;
  if (n == 0)
    sqlite3_bind_zeroblob (st, i, 0);
  else
    sqlite3_bind_blob64 (st, i, data, n, SQLITE_TRANSIENT);
}

static gboolean
apply_report (const Apply *a, GError **error)
{
  static const char *const names[] = { "blake2b", "channel_id", "id", "impl", "signature",
                                       "vectors_hash", "verdict", NULL };
  const char *v[7];
  gint64 id;
  if (!members (a, names, error) || !num (a, "id", &id, error))
    return FALSE;
  for (guint i = 0; i < 7; i++)
    if (i != 2 && (v[i] = str (a, names[i], error)) == NULL)
      return FALSE;
  sqlite3_stmt *st = prepare (a, "INSERT INTO %1$s.report (id, channel_id, seq, tested_at, impl,"
                              " verdict, vectors_hash, blake2b, bytes, signature)"
                              " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS"
                              " (SELECT 1 FROM %1$s.channel WHERE id = ?2)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  bind_str (st, 2, v[1]);
  sqlite3_bind_int64 (st, 3, (gint64) a->entry->seq);
  sqlite3_bind_int64 (st, 4, a->entry->time);
  bind_str (st, 5, v[3]);
  bind_str (st, 6, v[6]);
  bind_str (st, 7, v[5]);
  bind_str (st, 8, v[0]);
  bind_blob (a, st, 9);
  bind_str (st, 10, v[4]);
  g_autofree char *none = g_strdup_printf ("report of an unknown channel %s", v[1]);
  return step_one (a, st, none, error);
}

static gboolean
apply_issue (const Apply *a, GError **error)
{
  static const char *const names[] = { "blake2b", "channel_id", "not_after", "not_before",
                                       "report_id", "serial", "signature", "supersedes",
                                       "waivers", NULL };
  const char *blake2b, *channel, *signature;
  gint64 serial, report_id, nb, na;
  if (!members (a, names, error) || (blake2b = str (a, "blake2b", error)) == NULL
      || (channel = str (a, "channel_id", error)) == NULL
      || (signature = str (a, "signature", error)) == NULL
      || !num (a, "serial", &serial, error) || !num (a, "report_id", &report_id, error)
      || !num (a, "not_before", &nb, error) || !num (a, "not_after", &na, error))
    return FALSE;
  g_autofree char *waivers = member_json (a, "waivers", JSON_NODE_ARRAY, error);
  if (waivers == NULL)
    return FALSE;
  JsonNode *sn = json_object_get_member (a->payload, "supersedes");
  if (JSON_NODE_TYPE (sn) != JSON_NODE_ARRAY)
    return fail (a, error, "payload: member 'supersedes': expected an array");
  JsonArray *sup = json_node_get_array (sn);
  for (guint i = 0; i < json_array_get_length (sup); i++)
    {
      JsonNode *e = json_array_get_element (sup, i);
      if (JSON_NODE_TYPE (e) != JSON_NODE_VALUE || json_node_get_value_type (e) != G_TYPE_INT64)
        return fail (a, error, "payload: supersedes[%u]: expected a serial", i);
      sqlite3_stmt *st = prepare (a, "UPDATE %1$s.certificate SET superseded_by = ?"
                                  " WHERE serial = ? AND channel_id = ? AND superseded_by IS NULL",
                                  error);
      if (st == NULL)
        return FALSE;
      sqlite3_bind_int64 (st, 1, serial);
      sqlite3_bind_int64 (st, 2, json_node_get_int (e));
      bind_str (st, 3, channel);
      g_autofree char *none = g_strdup_printf ("no certificate %" G_GINT64_FORMAT " of %s to "
                                               "supersede", json_node_get_int (e), channel);
      if (!step_one (a, st, none, error))
        return FALSE;
    }
  sqlite3_stmt *st = prepare (a, "INSERT INTO %1$s.certificate (serial, channel_id, report_id,"
                              " issued_at, not_before, not_after, waivers, blake2b, bytes,"
                              " signature, revoked_at, revoke_reason, superseded_by)"
                              " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL WHERE EXISTS"
                              " (SELECT 1 FROM %1$s.report WHERE id = ?3 AND channel_id = ?2)",
                              error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, serial);
  bind_str (st, 2, channel);
  sqlite3_bind_int64 (st, 3, report_id);
  sqlite3_bind_int64 (st, 4, a->entry->time);
  sqlite3_bind_int64 (st, 5, nb);
  sqlite3_bind_int64 (st, 6, na);
  bind_str (st, 7, waivers);
  bind_str (st, 8, blake2b);
  bind_blob (a, st, 9);
  bind_str (st, 10, signature);
  g_autofree char *none = g_strdup_printf ("no report %" G_GINT64_FORMAT " of %s", report_id,
                                           channel);
  return step_one (a, st, none, error);
}

static gboolean
apply_revoke (const Apply *a, GError **error)
{
  static const char *const names[] = { "channel_id", "reason", "serial", NULL };
  const char *channel, *reason;
  gint64 serial;
  if (!members (a, names, error) || (channel = str (a, "channel_id", error)) == NULL
      || (reason = str (a, "reason", error)) == NULL || !num (a, "serial", &serial, error))
    return FALSE;
  sqlite3_stmt *st = prepare (a, "UPDATE %1$s.certificate SET revoked_at = ?, revoke_reason = ?"
                              " WHERE serial = ? AND channel_id = ? AND revoked_at IS NULL", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, a->entry->time);
  bind_str (st, 2, reason);
  sqlite3_bind_int64 (st, 3, serial);
  bind_str (st, 4, channel);
  g_autofree char *none = g_strdup_printf ("no unrevoked certificate %" G_GINT64_FORMAT " of %s",
                                           serial, channel);
  return step_one (a, st, none, error);
}

/* ---- essc-registry/2 --------------------------------------------------------- */

/* The registry is of schema essc-registry/2 (a registry.upgrade came before). */
static gboolean
need_v2 (const Apply *a, GError **error)
{
  sqlite3_stmt *st = prepare (a, "SELECT 1 FROM %1$s.meta WHERE key = 'schema' AND value = ?",
                              error);
  if (st == NULL)
    return FALSE;
  bind_str (st, 1, REG_SCHEMA);
  int rc = sqlite3_step (st);
  sqlite3_finalize (st);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    return base_sqlite_fail_rc (&a->s, rc, REG_ERROR_INPUT, a->entry->action, error);
  return fail (a, error, "needs schema %s (no %s before it)", REG_SCHEMA, REG_ACTION_UPGRADE);
}

/* n lowercase hex digits. */
static gboolean
lower_hex (const char *s, gsize n)
{
  if (strlen (s) != n)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
      return FALSE;
  return TRUE;
}

static gboolean
apply_upgrade (const Apply *a, GError **error)
{
  static const char *const names[] = { "schema", NULL };
  const char *schema;
  if (!members (a, names, error) || (schema = str (a, "schema", error)) == NULL)
    return FALSE;
  if (strcmp (schema, REG_SCHEMA) != 0)
    return fail (a, error, "payload: schema '%.64s', expected %s", schema, REG_SCHEMA);
  sqlite3_stmt *st = prepare (a, "UPDATE %1$s.meta SET value = ? WHERE key = 'schema'"
                              " AND value = ?", error);
  if (st == NULL)
    return FALSE;
  bind_str (st, 1, REG_SCHEMA);
  bind_str (st, 2, REG_SCHEMA_1);
  if (!step_one (a, st, "the registry is not of schema " REG_SCHEMA_1, error))
    return FALSE;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_autofree char *sql = g_strdup_printf (V2_SQL, a->schema);
#pragma GCC diagnostic pop
  return base_sqlite_exec (&a->s, sql, a->entry->action, error);
}

static gboolean
apply_token_issue (const Apply *a, GError **error)
{
  static const char *const names[] = { "hash", "id", "label", "role", "subject", NULL };
  const char *hash, *id, *label, *role, *subject;
  if (!members (a, names, error) || (hash = str (a, "hash", error)) == NULL
      || (id = str (a, "id", error)) == NULL || (label = str (a, "label", error)) == NULL
      || (role = str (a, "role", error)) == NULL || (subject = str (a, "subject", error)) == NULL
      || !need_v2 (a, error))
    return FALSE;
  if (strcmp (role, REG_TOKEN_STAFF) != 0 && strcmp (role, REG_TOKEN_VENDOR) != 0)
    return fail (a, error, "payload: role: expected staff or vendor");
  if (!lower_hex (id, REG_TOKEN_ID_HEX) || !lower_hex (hash, 2 * REG_HASH_LEN))
    return fail (a, error, "payload: id or hash: expected lowercase hex of %d and %d digits",
                 REG_TOKEN_ID_HEX, 2 * REG_HASH_LEN);
  if (!reg_token_subject_valid (subject, "payload: subject", NULL))
    return fail (a, error, "payload: subject: expected [a-z0-9][a-z0-9._-]{0,31}");
  sqlite3_stmt *st = prepare (a, "INSERT INTO %1$s.token (id, role, subject, label, hash,"
                              " issued_at, issued_by, revoked_at, revoke_reason)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)", error);
  if (st == NULL)
    return FALSE;
  bind_str (st, 1, id);
  bind_str (st, 2, role);
  bind_str (st, 3, subject);
  bind_str (st, 4, label);
  bind_str (st, 5, hash);
  sqlite3_bind_int64 (st, 6, a->entry->time);
  bind_str (st, 7, a->entry->actor);
  return step_one (a, st, "token not inserted", error);
}

static gboolean
apply_token_revoke (const Apply *a, GError **error)
{
  static const char *const names[] = { "id", "reason", NULL };
  const char *id, *reason;
  if (!members (a, names, error) || (id = str (a, "id", error)) == NULL
      || (reason = str (a, "reason", error)) == NULL || !need_v2 (a, error))
    return FALSE;
  sqlite3_stmt *st = prepare (a, "UPDATE %1$s.token SET revoked_at = ?, revoke_reason = ?"
                              " WHERE id = ? AND revoked_at IS NULL", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, a->entry->time);
  bind_str (st, 2, reason);
  bind_str (st, 3, id);
  g_autofree char *none = g_strdup_printf ("no unrevoked token %.32s", id);
  return step_one (a, st, none, error);
}

static gboolean
apply_vendor (const Apply *a, GError **error)
{
  static const char *const names[] = { "channel", "vendor", NULL };
  const char *channel, *vendor;
  if (!members (a, names, error) || (channel = str (a, "channel", error)) == NULL
      || (vendor = str (a, "vendor", error)) == NULL || !need_v2 (a, error))
    return FALSE;
  if (!reg_token_subject_valid (vendor, "payload: vendor", NULL))
    return fail (a, error, "payload: vendor: expected [a-z0-9][a-z0-9._-]{0,31}");
  sqlite3_stmt *st = prepare (a, "INSERT INTO %1$s.channel_vendor (channel_id, vendor)"
                              " SELECT ?1, ?2 WHERE EXISTS"
                              " (SELECT 1 FROM %1$s.channel WHERE id = ?1)", error);
  if (st == NULL)
    return FALSE;
  bind_str (st, 1, channel);
  bind_str (st, 2, vendor);
  g_autofree char *none = g_strdup_printf ("vendor of an unknown channel %.32s", channel);
  return step_one (a, st, none, error);
}

static const struct {
  const char *action;
  gboolean (*apply) (const Apply *a, GError **error);
} actions[] = {
  { REG_ACTION_INIT, apply_init },
  { REG_ACTION_APPLY, apply_channel },
  { REG_ACTION_STATUS, apply_status },
  { REG_ACTION_RECTIFY, apply_rectify },
  { REG_ACTION_REPORT, apply_report },
  { REG_ACTION_ISSUE, apply_issue },
  { REG_ACTION_REVOKE, apply_revoke },
  { REG_ACTION_UPGRADE, apply_upgrade },
  { REG_ACTION_TOKEN_ISSUE, apply_token_issue },
  { REG_ACTION_TOKEN_REVOKE, apply_token_revoke },
  { REG_ACTION_VENDOR, apply_vendor },
};

gboolean
reg_change_apply (sqlite3 *db, const char *path, const char *schema,
                  const ModelAuditEntry *entry, GBytes *blob, GError **error)
{
  Apply a = { { db, path, REG_ERROR, REG_ERROR_INTERNAL }, schema, entry, NULL, blob };
  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    if (strcmp (entry->action, actions[i].action) == 0)
      {
        GError *e = NULL;
        g_autoptr (JsonObject) payload = conf_json_parse_object ((const char *) entry->payload,
                                                                 entry->payload_len, &e);
        if (payload == NULL)
          {
            fail (&a, error, "payload: %s", e->message);
            g_error_free (e);
            return FALSE;
          }
        a.payload = payload;
        return actions[i].apply (&a, error);
      }
  return fail (&a, error, "unknown action");
}
