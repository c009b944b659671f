/* SPDX-License-Identifier: MIT */
/*
 * The registry's operations (see lifecycle.h).  Each write follows one
 * pattern: open the file, BEGIN IMMEDIATE, verify it (reg_check), read
 * what the rule needs, refuse or record the changes (reg_db_record), and
 * COMMIT; any failure rolls back, so a refused or failed operation leaves
 * the file as it was.  The suite run of `test` happens outside the
 * transaction (it takes seconds); the channel is read again inside it and
 * the report stored only if its implementation did not change meanwhile.
 * Certificates (certify, renew, revoke) are lifecycle_cert.c.
 */
#include "registry/lifecycle.h"

#include <sqlite3.h>

#include "base/error.h"
#include "base/file.h"
#include "base/hex.h"
#include "base/text.h"
#include "base/time.h"
#include "conformance/cert.h"
#include "conformance/client.h"
#include "conformance/json.h"
#include "conformance/output.h"
#include "conformance/profile.h"
#include "conformance/run_report.h"
#include "conformance/waivers.h"
#include "model/std/channel.h"
#include "registry/change.h"
#include "registry/check.h"
#include "registry/lifecycle_private.h"
#include "registry/token.h"

#include <sodium.h>
#include <string.h>

#define fail(error, code, ...) base_fail ((error), REG_ERROR, (code), __VA_ARGS__)
#define refuse(error, ...) base_fail ((error), REG_ERROR, REG_ERROR_REFUSED, __VA_ARGS__)

/* ---- small helpers ------------------------------------------------------------ */

void
reg_priv_hash_hex (const void *data, gsize len, char out[2 * REG_HASH_LEN + 1])
{
  guint8 h[REG_HASH_LEN];
  crypto_generichash (h, sizeof h, data, len, NULL, 0);
  base_hex_encode (h, sizeof h, out);
}

void
reg_vectors_hash (const ConfPlan *plan, char out[2 * REG_HASH_LEN + 1])
{
  g_autoptr (GString) s = g_string_new (NULL);
  for (guint i = 0; i < plan->files->len; i++)
    {
      const ConfVectorFile *f = plan->files->pdata[i];
      g_string_append_printf (s, "%s %s\n", f->name, f->blake2b);
    }
  reg_priv_hash_hex (s->str, s->len, out);
}

gboolean
reg_priv_check_reason (const char *reason, GError **error)
{
  gsize at = 0;
  BaseTextFault f = base_text_check_utf8 (reason, -1, REG_REASON_MAX, &at);
  if (f == BASE_TEXT_OK)
    return TRUE;
  return fail (error, REG_ERROR_INPUT, "--reason: expected 1..%d bytes of UTF-8 without control "
               "characters (%s)", REG_REASON_MAX,
               f == BASE_TEXT_MISSING || f == BASE_TEXT_EMPTY ? "empty"
               : f == BASE_TEXT_TOO_LONG ? "too long"
               : f == BASE_TEXT_CONTROL ? "a control character" : "not UTF-8");
}

static gboolean
check_impl (const char *impl, GError **error)
{
  if (base_text_check_utf8 (impl, -1, 4096, NULL) != BASE_TEXT_OK)
    return fail (error, REG_ERROR_INPUT, "--impl: expected a command line or URL (1..4096 "
                 "bytes of UTF-8 without control characters)");
  return TRUE;
}

char *
reg_priv_utc (gint64 t)
{
  char buf[BASE_TIME_UTC_SIZE];
  base_time_format_utc (t, buf);
  return g_strdup (buf);
}

/* A payload object; the node owns it. */
JsonNode *
reg_priv_payload_new (JsonObject **obj)
{
  JsonNode *n = json_node_alloc ();
  *obj = json_object_new ();
  json_node_init_object (n, *obj);
  json_object_unref (*obj);
  return n;
}

/* ---- the write pattern -------------------------------------------------------- */

/* Opens db_path for writing, begins, verifies.  Returns: (transfer full). */
RegDb *
reg_priv_begin_write (const RegCtx *ctx, GError **error)
{
  g_autoptr (RegDb) db = reg_db_open (ctx->db_path, TRUE, error);
  if (db == NULL || !reg_db_begin (db, error))
    return NULL;
  if (!reg_check (db, NULL, NULL, error))
    {
      g_prefix_error (error, "the registry does not verify, nothing written: ");
      reg_db_rollback (db);
      return NULL;
    }
  return g_steal_pointer (&db);
}

/* Commits when ok, else rolls back.  Returns ok && the commit. */
gboolean
reg_priv_end_write (RegDb *db, gboolean ok, GError **error)
{
  if (!ok)
    {
      reg_db_rollback (db);
      return FALSE;
    }
  return reg_db_commit (db, error);
}

/* Reads the issuer's secret key; INPUT unless it is the registry's. */
ModelKeyPair *
reg_priv_issuer_key (RegDb *db, const char *path, GError **error)
{
  GError *e = NULL;
  g_autoptr (ModelKeyPair) key = conf_cert_read_secret_key (path, &e);
  if (key == NULL)
    {
      fail (error, REG_ERROR_INPUT, "--key: %s", e->message);
      g_error_free (e);
      return NULL;
    }
  const RegMeta *m = reg_db_meta (db);
  if (memcmp (model_key_pair_public (key), m->issuer_pk, MODEL_KEY_PAIR_PK_LEN) != 0)
    {
      char have[17], want[17];
      base_hex_encode (model_key_pair_id (key), MODEL_KEY_ID_LEN, have);
      base_hex_encode (m->issuer_key_id, MODEL_KEY_ID_LEN, want);
      fail (error, REG_ERROR_INPUT, "--key %s: key %s is not the registry's issuer key (%s)",
            path, have, want);
      return NULL;
    }
  return g_steal_pointer (&key);
}

/* ---- status changes ------------------------------------------------------------ */

/* Records c's status change to `to` (table 6.2 or REFUSED). */
gboolean
reg_priv_set_status (RegDb *db, const RegCtx *ctx, RegChannel *c, const char *to,
                     const char *reason, GError **error)
{
  ModelChannelStatus from_s, to_s;
  if (!model_channel_status_from_name (c->status, &from_s)
      || !model_channel_status_from_name (to, &to_s))
    return fail (error, REG_ERROR_DAMAGED, "%s: channel %s: unknown status '%s'", ctx->db_path,
                 c->id, c->status);
  if (!model_channel_transition_allowed (from_s, to_s))
    return refuse (error, "%s: %s -> %s is not allowed by ESSC-STD table 6.2 (invalid_state)",
                   c->id, c->status, to);
  JsonObject *o;
  g_autoptr (JsonNode) p = reg_priv_payload_new (&o);
  json_object_set_string_member (o, "id", c->id);
  json_object_set_string_member (o, "from", c->status);
  json_object_set_string_member (o, "to", to);
  json_object_set_string_member (o, "reason", reason);
  if (!reg_db_record (db, ctx->now, ctx->actor, REG_ACTION_STATUS, p, NULL, NULL, error))
    return FALSE;
  g_free (c->status);
  c->status = g_strdup (to);
  return TRUE;
}

gboolean
reg_priv_record_revoke (RegDb *db, const RegCtx *ctx, const RegCertificate *cert,
                        const char *reason, GError **error)
{
  JsonObject *o;
  g_autoptr (JsonNode) p = reg_priv_payload_new (&o);
  json_object_set_string_member (o, "channel_id", cert->channel_id);
  json_object_set_int_member (o, "serial", (gint64) cert->serial);
  json_object_set_string_member (o, "reason", reason);
  return reg_db_record (db, ctx->now, ctx->actor, REG_ACTION_REVOKE, p, NULL, NULL, error);
}

/* ---- init and apply --------------------------------------------------------------- */

gboolean
reg_init (const RegCtx *ctx, const char *issuer_name, const char *pub_path, GError **error)
{
  guint8 pk[MODEL_KEY_PAIR_PK_LEN], id[MODEL_KEY_ID_LEN];
  GError *e = NULL;
  if (base_text_check_utf8 (issuer_name, -1, 128, NULL) != BASE_TEXT_OK)
    return fail (error, REG_ERROR_INPUT, "--name: expected 1..128 bytes of UTF-8 without "
                 "control characters");
  if (!conf_cert_read_public_key (pub_path, pk, id, &e))
    {
      fail (error, REG_ERROR_INPUT, "--pub: %s", e->message);
      g_error_free (e);
      return FALSE;
    }
  return reg_db_create (ctx->db_path, issuer_name, pk, ctx->now, ctx->actor, error);
}

/* model/std/channel.h's registry holding the registered channels, for its checks. */
static ModelChannelRegistry *
model_registry (GPtrArray *channels, GError **error)
{
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  for (guint i = 0; i < channels->len; i++)
    {
      const RegChannel *c = channels->pdata[i];
      ModelChannel m = { 0 };
      GError *e = NULL;
      g_strlcpy (m.id, c->id, sizeof m.id);
      g_strlcpy (m.name, c->name, sizeof m.name);
      g_strlcpy (m.parent_id, c->parent_id, sizeof m.parent_id);
      m.tier = c->tier;
      memcpy (m.public_key, c->public_key, sizeof m.public_key);
      m.risk_updated_at = m.status_changed_at = c->status_changed_at;
      if (!model_channel_class_from_name (c->klass, &m.klass)
          || !model_channel_status_from_name (c->status, &m.status)
          || !model_channel_registry_restore (reg, &m, &e))
        {
          fail (error, REG_ERROR_DAMAGED, "channel %s: %s", c->id,
                e ? e->message : "unknown class or status");
          g_clear_error (&e);
          return NULL;
        }
    }
  return g_steal_pointer (&reg);
}

/* The profile JSON a channel is tested with. */
static JsonNode *
profile_json (const RegApplication *app, GError **error)
{
  GError *e = NULL;
  g_autoptr (ConfProfile) p = NULL;
  if (app->profile_path != NULL && app->no_payment)
    {
      fail (error, REG_ERROR_INPUT, "--profile %s: the payment claim is the profile's "
            "(its key payment), not given apart", app->profile_path);
      return NULL;
    }
  if (app->profile_path != NULL)
    {
      if ((p = conf_profile_load (app->profile_path, app->role, &e)) == NULL)
        {
          fail (error, REG_ERROR_INPUT, "--profile: %s", e->message);
          g_error_free (e);
          return NULL;
        }
      if (strcmp (app->role, "channel") == 0
          && (p->tier != app->tier || (p->klass != NULL && strcmp (p->klass, app->klass) != 0)))
        {
          fail (error, REG_ERROR_INPUT, "--profile %s: claims tier %d and class %s, the "
                "channel is tier %d of class %s", app->profile_path, p->tier,
                p->klass ? p->klass : "none", app->tier, app->klass);
          return NULL;
        }
    }
  else
    {
      p = conf_profile_default (app->role);
      if (strcmp (app->role, "channel") == 0)
        {
          p->tier = app->tier;
          p->klass = g_strdup (app->klass);
        }
      if (app->no_payment)
        p->payment = FALSE;
    }
  return conf_profile_to_json (p);
}

gboolean
reg_apply (const RegCtx *ctx, const RegApplication *app, GError **error)
{
  guint8 pk[MODEL_KEY_PAIR_PK_LEN], key_id[MODEL_KEY_ID_LEN];
  GError *e = NULL;
  ModelChannelClass klass;

  /* The values first (exit 2), then the registry's rules. */
  if (!model_channel_id_check (app->id, "id", &e) || !model_channel_name_check (app->name, &e))
    {
      fail (error, REG_ERROR_INPUT, "%s (malformed)", e->message);
      g_error_free (e);
      return FALSE;
    }
  if (app->klass == NULL || !model_channel_class_from_name (app->klass, &klass))
    return fail (error, REG_ERROR_INPUT, "--class: expected one of hrss, government, partner, "
                 "bank, medical, social (ESSC-STD table 6.1; malformed)");
  if (app->tier != 1 && app->tier != 2)
    return fail (error, REG_ERROR_INPUT, "--tier: expected 1 or 2 (CHAN-4; malformed)");
  if ((app->tier == 1) != (app->parent_id == NULL || *app->parent_id == '\0'))
    return fail (error, REG_ERROR_INPUT, "--parent: a tier-1 channel has none, a tier-2 channel "
                 "names exactly one (CHAN-4; malformed)");
  if (app->role == NULL || !conf_profile_role_valid (app->role))
    return fail (error, REG_ERROR_INPUT, "--role: expected channel, platform or verifier");
  if (!check_impl (app->impl, error))
    return FALSE;
  if (app->public_key_path != NULL
      ? !conf_cert_read_public_key (app->public_key_path, pk, key_id, &e)
      : app->public_key_text == NULL
        ? !base_fail (&e, REG_ERROR, REG_ERROR_INPUT, "missing")
        : !conf_cert_parse_public_key ("public key", app->public_key_text,
                                       strlen (app->public_key_text), pk, key_id, &e))
    {
      fail (error, REG_ERROR_INPUT, "%s: %s", app->public_key_path ? "--public-key" : "public key",
            e->message);
      g_error_free (e);
      return FALSE;
    }
  if (app->vendor != NULL && !reg_token_subject_valid (app->vendor, "vendor", error))
    return FALSE;
  g_autoptr (JsonNode) profile = profile_json (app, error);
  if (profile == NULL)
    return FALSE;

  g_autoptr (RegDb) db = reg_priv_begin_write (ctx, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (GPtrArray) channels = reg_db_channels (db, error);
  g_autoptr (ModelChannelRegistry) reg = channels ? model_registry (channels, error) : NULL;
  gboolean ok = reg != NULL;
  if (ok && !model_channel_registry_apply (reg, app->id, app->name, klass, app->tier,
                                           app->parent_id, pk, ctx->now, &e))
    {
      ok = fail (error, e->code == MODEL_STD_MALFORMED ? REG_ERROR_INPUT : REG_ERROR_REFUSED,
                 "%s: %s (%s)", app->id, e->message, model_std_code_name ((ModelStdCode) e->code));
      g_clear_error (&e);
    }
  if (ok)
    {
      char pk_hex[2 * MODEL_KEY_PAIR_PK_LEN + 1];
      base_hex_encode (pk, sizeof pk, pk_hex);
      JsonObject *o;
      g_autoptr (JsonNode) p = reg_priv_payload_new (&o);
      json_object_set_string_member (o, "id", app->id);
      json_object_set_string_member (o, "name", app->name);
      json_object_set_string_member (o, "class", app->klass);
      json_object_set_int_member (o, "tier", app->tier);
      json_object_set_string_member (o, "parent_id", app->tier == 2 ? app->parent_id : "");
      json_object_set_string_member (o, "public_key", pk_hex);
      json_object_set_string_member (o, "role", app->role);
      json_object_set_string_member (o, "impl", app->impl);
      json_object_set_member (o, "profile", json_node_ref (profile));
      ok = (app->vendor == NULL || reg_db_upgrade (db, ctx->now, ctx->actor, error))
           && reg_db_record (db, ctx->now, ctx->actor, REG_ACTION_APPLY, p, NULL, NULL, error);
    }
  if (ok && app->vendor != NULL)
    {
      JsonObject *o;
      g_autoptr (JsonNode) p = reg_priv_payload_new (&o);
      json_object_set_string_member (o, "channel", app->id);
      json_object_set_string_member (o, "vendor", app->vendor);
      ok = reg_db_record (db, ctx->now, ctx->actor, REG_ACTION_VENDOR, p, NULL, NULL, error);
    }
  return reg_priv_end_write (db, ok, error);
}

/* ---- test ------------------------------------------------------------------------- */

void
reg_test_outcome_clear (RegTestOutcome *o)
{
  g_free (o->iut_name);
  g_free (o->iut_version);
  g_free (o->impl);
  g_free (o->role);
  memset (o, 0, sizeof *o);
}

/* The stored profile back as a ConfProfile. */
static ConfProfile *
profile_of (const RegChannel *c, GError **error)
{
  GError *e = NULL;
  g_autoptr (JsonObject) o = conf_json_parse_object (c->profile, strlen (c->profile), &e);
  const char *role = NULL;
  gint64 tier = 1;
  gboolean payment = FALSE;
  if (o == NULL || !conf_json_get_string (o, "role", &role, &e)
      || !conf_json_get_int (o, "tier", &tier, &e)
      || !conf_json_get_bool (o, "payment", &payment, &e))
    {
      fail (error, REG_ERROR_DAMAGED, "channel %s: its profile: %s", c->id, e->message);
      g_error_free (e);
      return NULL;
    }
  ConfProfile *p = conf_profile_default (role);
  p->tier = (int) tier;
  p->payment = payment;
  JsonNode *k = json_object_get_member (o, "class");
  if (k != NULL && JSON_NODE_HOLDS_VALUE (k) && json_node_get_value_type (k) == G_TYPE_STRING)
    p->klass = g_strdup (json_node_get_string (k));
  return p;
}

static gint64
next_id (GPtrArray *reports)
{
  gint64 max = 0;
  for (guint i = 0; i < reports->len; i++)
    max = MAX (max, ((RegReport *) reports->pdata[i])->id);
  return max + 1;
}

/* The time to record a report at: the run's (ctx->now), or the newest
 * history entry's when a concurrent writer recorded a later one while the
 * suite ran (the history's times never go back; several workers of essc
 * serve test at once). */
static gint64
store_time (RegDb *db, gint64 now)
{
  sqlite3_stmt *st = NULL;
  gint64 at = now;
  if (sqlite3_prepare_v2 (reg_db_handle (db), "SELECT max(time) FROM history", -1, &st, NULL)
        == SQLITE_OK
      && sqlite3_step (st) == SQLITE_ROW && sqlite3_column_type (st, 0) == SQLITE_INTEGER)
    at = MAX (now, sqlite3_column_int64 (st, 0));
  sqlite3_finalize (st);
  return at;
}

gboolean
reg_test (const RegCtx *ctx, const RegTestOptions *o, RegTestOutcome *out, GError **error)
{
  GError *e = NULL;
  memset (out, 0, sizeof *out);
  /* Read what the run needs, and check the registry, without holding the
   * write lock, but in one read transaction: the check reads several
   * tables, and a concurrent writer (another worker of essc serve) must not
   * commit between two of its reads (a report row would look added behind
   * the history's back). */
  g_autoptr (RegDb) db = reg_db_open (ctx->db_path, TRUE, error);
  if (db == NULL)
    return FALSE;
  if (sqlite3_exec (reg_db_handle (db), "BEGIN DEFERRED", NULL, NULL, NULL) != SQLITE_OK)
    return fail (error, REG_ERROR_INTERNAL, "%s: begin a read: %s", ctx->db_path,
                 sqlite3_errmsg (reg_db_handle (db)));
  if (!reg_check (db, NULL, NULL, error))
    {
      g_prefix_error (error, "the registry does not verify, nothing written: ");
      reg_db_rollback (db);
      return FALSE;
    }
  g_autoptr (RegChannel) c = reg_db_channel (db, o->id, error);
  if (c == NULL)
    return FALSE;
  if (strcmp (c->status, "terminated") == 0)
    return refuse (error, "%s is terminated (final): nothing to test", c->id);
  g_autoptr (ModelKeyPair) key = reg_priv_issuer_key (db, o->key_path, error);
  if (key == NULL)
    return FALSE;
  g_autoptr (ConfProfile) profile = profile_of (c, error);
  if (profile == NULL)
    return FALSE;
  reg_db_rollback (db);   /* the read ends before the run: writers never wait on it */
  g_autofree char *dir = o->vectors_dir ? g_strdup (o->vectors_dir) : conf_plan_default_dir ();
  g_autoptr (ConfPlan) plan = conf_plan_load (dir, &e);
  if (plan == NULL)
    {
      fail (error, REG_ERROR_INPUT, "vectors: %s", e->message);
      g_error_free (e);
      return FALSE;
    }
  g_autoptr (ConfWaivers) waivers = NULL;
  if (o->waivers_path != NULL && (waivers = conf_waivers_load (o->waivers_path, &e)) == NULL)
    {
      fail (error, REG_ERROR_INPUT, "--waivers: %s", e->message);
      g_error_free (e);
      return FALSE;
    }

  ConfRunOptions ro = {
    .command = c->impl, .role = c->role,
    .timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : CONF_CLIENT_DEFAULT_TIMEOUT_MS,
    .profile = profile, .waivers = waivers, .client = o->client,
    .on_result = o->on_result, .user_data = o->user_data, .on_test = o->on_test,
  };
  g_autoptr (ConfRun) run = conf_run (plan, &ro, &e);
  if (run == NULL)
    {
      fail (error, REG_ERROR_IUT, "%s: the implementation (%s) could not be started: %s", c->id,
            c->impl, e->message);
      g_error_free (e);
      return FALSE;
    }
  gsize len = 0;
  g_autofree char *sig_text = NULL;
  g_autofree char *bytes = conf_run_report (run, plan, c->impl, c->role, profile, key, &len,
                                            &sig_text, &e);
  if (bytes == NULL)
    {
      fail (error, REG_ERROR_INTERNAL, "%s: the report: %s", c->id, e->message);
      g_error_free (e);
      return FALSE;
    }
  char vhash[2 * REG_HASH_LEN + 1], bhash[2 * REG_HASH_LEN + 1];
  reg_vectors_hash (plan, vhash);
  reg_priv_hash_hex (bytes, len, bhash);
  gboolean conformant = conf_run_conformant (run);
  if (o->results_path != NULL)
    {
      g_autofree char *results = conf_results_render (run, plan, c->impl, c->role, profile);
      if (!base_file_write_atomic (o->results_path, results, strlen (results), 0644, TRUE, &e))
        {
          fail (error, REG_ERROR_INTERNAL, "--results: %s", e->message);
          g_error_free (e);
          return FALSE;
        }
    }

  /* Store it: the channel again, under the lock. */
  reg_db_close (g_steal_pointer (&db));
  if ((db = reg_priv_begin_write (ctx, error)) == NULL)
    return FALSE;
  g_autoptr (RegChannel) now_c = reg_db_channel (db, o->id, error);
  g_autoptr (GPtrArray) reports = now_c ? reg_db_reports (db, NULL, error) : NULL;
  gboolean ok = reports != NULL;
  if (ok && strcmp (now_c->impl, c->impl) != 0)
    ok = refuse (error, "%s: its implementation changed during the run (now %s): test again",
                 c->id, now_c->impl);
  if (ok && strcmp (now_c->status, "terminated") == 0)
    ok = refuse (error, "%s was terminated during the run", c->id);
  gint64 id = ok ? next_id (reports) : 0;
  if (ok)
    {
      JsonObject *p;
      g_autoptr (JsonNode) n = reg_priv_payload_new (&p);
      json_object_set_int_member (p, "id", id);
      json_object_set_string_member (p, "channel_id", c->id);
      json_object_set_string_member (p, "impl", c->impl);
      json_object_set_string_member (p, "verdict", conformant ? "conformant" : "not conformant");
      json_object_set_string_member (p, "vectors_hash", vhash);
      json_object_set_string_member (p, "blake2b", bhash);
      json_object_set_string_member (p, "signature", sig_text);
      g_autoptr (GBytes) blob = g_bytes_new (bytes, len);
      ok = reg_db_record (db, store_time (db, ctx->now), ctx->actor, REG_ACTION_REPORT, n, blob,
                          NULL, error);
    }
  if (!reg_priv_end_write (db, ok, error))
    return FALSE;
  out->report_id = id;
  out->conformant = conformant;
  memcpy (out->counts, run->counts, sizeof out->counts);
  out->iut_name = g_strdup (run->iut_name ? run->iut_name : "?");
  out->iut_version = g_strdup (run->iut_version ? run->iut_version : "?");
  out->impl = g_strdup (c->impl);
  out->role = g_strdup (c->role);
  return TRUE;
}

/* ---- status ----------------------------------------------------------------------- */

gboolean
reg_rectify (const RegCtx *ctx, const char *id, const char *reason, const char *new_impl,
             char **status_out, GError **error)
{
  if (!reg_priv_check_reason (reason, error) || (new_impl != NULL && !check_impl (new_impl, error)))
    return FALSE;
  g_autoptr (RegDb) db = reg_priv_begin_write (ctx, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (RegChannel) c = reg_db_channel (db, id, error);
  gboolean ok = c != NULL;
  if (ok && strcmp (c->status, "terminated") == 0)
    ok = refuse (error, "%s is terminated (final): no rectification (invalid_state)", c->id);
  if (ok)
    {
      JsonObject *p;
      g_autoptr (JsonNode) n = reg_priv_payload_new (&p);
      json_object_set_string_member (p, "id", c->id);
      json_object_set_string_member (p, "impl", new_impl ? new_impl : c->impl);
      json_object_set_string_member (p, "reason", reason);
      ok = reg_db_record (db, ctx->now, ctx->actor, REG_ACTION_RECTIFY, n, NULL, NULL, error);
    }
  if (ok && strcmp (c->status, "live") == 0)
    ok = reg_priv_set_status (db, ctx, c, "rectification", reason, error);
  if (ok && status_out != NULL)
    *status_out = g_strdup (c->status);
  return reg_priv_end_write (db, ok, error);
}

gboolean
reg_suspend (const RegCtx *ctx, const char *id, const char *reason, GError **error)
{
  if (!reg_priv_check_reason (reason, error))
    return FALSE;
  g_autoptr (RegDb) db = reg_priv_begin_write (ctx, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (RegChannel) c = reg_db_channel (db, id, error);
  gboolean ok = c != NULL && reg_priv_set_status (db, ctx, c, "suspended", reason, error);
  return reg_priv_end_write (db, ok, error);
}

gboolean
reg_reinstate (const RegCtx *ctx, const char *id, const char *reason, GError **error)
{
  if (!reg_priv_check_reason (reason, error))
    return FALSE;
  g_autoptr (RegDb) db = reg_priv_begin_write (ctx, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (RegChannel) c = reg_db_channel (db, id, error);
  g_autoptr (GPtrArray) certs = c ? reg_db_certificates (db, c->id, error) : NULL;
  gboolean ok = certs != NULL;
  ModelChannelStatus from;
  if (ok && (!model_channel_status_from_name (c->status, &from)
             || !model_channel_transition_allowed (from, MODEL_CHANNEL_LIVE)
             || strcmp (c->status, "certified") == 0))
    ok = refuse (error, "%s: %s -> live is not a reinstatement (ESSC-STD table 6.2; "
                 "invalid_state)", c->id, c->status);
  const RegCertificate *cur = ok ? reg_current_certificate (certs) : NULL;
  if (ok && (cur == NULL || !reg_certificate_in_force (cur, ctx->now)))
    ok = refuse (error, "%s has no certificate in force (%s): certify it before reinstating",
                 c->id, cur == NULL ? "none, or revoked" : "expired or not yet valid");
  if (ok && c->rectify_seq >= 0)
    {
      g_autoptr (JsonObject) report = NULL;
      g_autoptr (RegReport) r = reg_priv_usable_report (db, c, &report, error);
      ok = r != NULL;
    }
  ok = ok && reg_priv_set_status (db, ctx, c, "live", reason, error);
  return reg_priv_end_write (db, ok, error);
}

gboolean
reg_terminate (const RegCtx *ctx, const char *id, const char *reason, guint64 *revoked_serial,
               GError **error)
{
  if (revoked_serial != NULL)
    *revoked_serial = 0;
  if (!reg_priv_check_reason (reason, error))
    return FALSE;
  g_autoptr (RegDb) db = reg_priv_begin_write (ctx, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (RegChannel) c = reg_db_channel (db, id, error);
  g_autoptr (GPtrArray) certs = c ? reg_db_certificates (db, c->id, error) : NULL;
  gboolean ok = certs != NULL;
  if (ok && strcmp (c->status, "terminated") == 0)
    ok = refuse (error, "%s is already terminated (final; invalid_state)", c->id);
  const RegCertificate *cur = ok ? reg_current_certificate (certs) : NULL;
  if (ok && cur != NULL)
    {
      g_autofree char *why = g_strdup_printf ("channel terminated: %s", reason);
      ok = reg_priv_record_revoke (db, ctx, cur, strlen (why) <= REG_REASON_MAX ? why : reason,
                                   error);
      if (ok && revoked_serial != NULL)
        *revoked_serial = cur->serial;
    }
  ok = ok && reg_priv_set_status (db, ctx, c, "terminated", reason, error);
  return reg_priv_end_write (db, ok, error);
}
