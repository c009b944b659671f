/* SPDX-License-Identifier: MIT */
/*
 * The registry's operations (see lifecycle.h).  Each write follows one
 * pattern: open the file, BEGIN IMMEDIATE, verify it (reg_check), read
 * what the rule needs, refuse or record the changes (reg_db_record), and
 * COMMIT; any failure rolls back, so a refused or failed operation leaves
 * the file as it was.  The suite run of `test` happens outside the
 * transaction (it takes seconds); the channel is read again inside it and
 * the report stored only if its implementation did not change meanwhile.
 */
#include "registry/lifecycle.h"

#include "base/error.h"
#include "base/hex.h"
#include "base/text.h"
#include "base/time.h"
#include "conformance/cert.h"
#include "conformance/client.h"
#include "conformance/json.h"
#include "conformance/profile.h"
#include "conformance/run_report.h"
#include "conformance/signature.h"
#include "conformance/waivers.h"
#include "model/std/channel.h"
#include "registry/change.h"
#include "registry/check.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#define fail(error, code, ...) base_fail ((error), REG_ERROR, (code), __VA_ARGS__)
#define refuse(error, ...) base_fail ((error), REG_ERROR, REG_ERROR_REFUSED, __VA_ARGS__)

/* ---- small helpers ------------------------------------------------------------ */

static void
hash_hex (const void *data, gsize len, char out[2 * REG_HASH_LEN + 1])
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
  hash_hex (s->str, s->len, out);
}

static gboolean
check_reason (const char *reason, GError **error)
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

gboolean
reg_waiver_parse (char *spec, ConfCertWaiver *w, GError **error)
{
  char *eq = strchr (spec, '=');
  if (eq == NULL || eq == spec || eq[1] == '\0')
    return fail (error, REG_ERROR_INPUT, "--accept-waiver: expected TEST=REASON");
  *eq = '\0';
  w->test = spec;
  w->reason = eq + 1;
  if (base_text_check_utf8 (w->reason, -1, REG_REASON_MAX, NULL) != BASE_TEXT_OK)
    return fail (error, REG_ERROR_INPUT, "--accept-waiver %s: the reason must be 1..%d bytes of "
                 "UTF-8 without control characters", w->test, REG_REASON_MAX);
  return TRUE;
}

const RegCertificate *
reg_current_certificate (GPtrArray *certs)
{
  for (guint i = certs->len; i-- > 0;)
    {
      const RegCertificate *c = certs->pdata[i];
      if (!c->revoked && c->superseded_by == 0)
        return c;
    }
  return NULL;
}

static char *
utc (gint64 t)
{
  char buf[BASE_TIME_UTC_SIZE];
  base_time_format_utc (t, buf);
  return g_strdup (buf);
}

/* A payload object; the node owns it. */
static JsonNode *
payload_new (JsonObject **obj)
{
  JsonNode *n = json_node_alloc ();
  *obj = json_object_new ();
  json_node_init_object (n, *obj);
  json_object_unref (*obj);
  return n;
}

/* ---- the write pattern -------------------------------------------------------- */

/* Opens db_path for writing, begins, verifies.  Returns: (transfer full). */
static RegDb *
begin_write (const RegCtx *ctx, GError **error)
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
static gboolean
end_write (RegDb *db, gboolean ok, GError **error)
{
  if (!ok)
    {
      reg_db_rollback (db);
      return FALSE;
    }
  return reg_db_commit (db, error);
}

/* Reads the issuer's secret key; INPUT unless it is the registry's. */
static ModelKeyPair *
issuer_key (RegDb *db, const char *path, GError **error)
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
static gboolean
set_status (RegDb *db, const RegCtx *ctx, RegChannel *c, const char *to, const char *reason,
            GError **error)
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
  g_autoptr (JsonNode) p = payload_new (&o);
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

static gboolean
record_revoke (RegDb *db, const RegCtx *ctx, const RegCertificate *cert, const char *reason,
               GError **error)
{
  JsonObject *o;
  g_autoptr (JsonNode) p = payload_new (&o);
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
  if (!conf_cert_read_public_key (app->public_key_path, pk, key_id, &e))
    {
      fail (error, REG_ERROR_INPUT, "--public-key: %s", e->message);
      g_error_free (e);
      return FALSE;
    }
  g_autoptr (JsonNode) profile = profile_json (app, error);
  if (profile == NULL)
    return FALSE;

  g_autoptr (RegDb) db = begin_write (ctx, error);
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
      g_autoptr (JsonNode) p = payload_new (&o);
      json_object_set_string_member (o, "id", app->id);
      json_object_set_string_member (o, "name", app->name);
      json_object_set_string_member (o, "class", app->klass);
      json_object_set_int_member (o, "tier", app->tier);
      json_object_set_string_member (o, "parent_id", app->tier == 2 ? app->parent_id : "");
      json_object_set_string_member (o, "public_key", pk_hex);
      json_object_set_string_member (o, "role", app->role);
      json_object_set_string_member (o, "impl", app->impl);
      json_object_set_member (o, "profile", json_node_ref (profile));
      ok = reg_db_record (db, ctx->now, ctx->actor, REG_ACTION_APPLY, p, NULL, NULL, error);
    }
  return end_write (db, ok, error);
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
      || !conf_json_get_int (o, "tier", &tier, &e) || !conf_json_get_bool (o, "payment", &payment, &e))
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

gboolean
reg_test (const RegCtx *ctx, const RegTestOptions *o, RegTestOutcome *out, GError **error)
{
  GError *e = NULL;
  memset (out, 0, sizeof *out);
  /* Read what the run needs, and check the registry, without holding the lock. */
  g_autoptr (RegDb) db = reg_db_open (ctx->db_path, TRUE, error);
  if (db == NULL)
    return FALSE;
  if (!reg_check (db, NULL, NULL, error))
    {
      g_prefix_error (error, "the registry does not verify, nothing written: ");
      return FALSE;
    }
  g_autoptr (RegChannel) c = reg_db_channel (db, o->id, error);
  if (c == NULL)
    return FALSE;
  if (strcmp (c->status, "terminated") == 0)
    return refuse (error, "%s is terminated (final): nothing to test", c->id);
  g_autoptr (ModelKeyPair) key = issuer_key (db, o->key_path, error);
  if (key == NULL)
    return FALSE;
  g_autoptr (ConfProfile) profile = profile_of (c, error);
  if (profile == NULL)
    return FALSE;
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
    .profile = profile, .waivers = waivers,
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
  hash_hex (bytes, len, bhash);
  gboolean conformant = conf_run_conformant (run);

  /* Store it: the channel again, under the lock. */
  reg_db_close (g_steal_pointer (&db));
  if ((db = begin_write (ctx, error)) == NULL)
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
      g_autoptr (JsonNode) n = payload_new (&p);
      json_object_set_int_member (p, "id", id);
      json_object_set_string_member (p, "channel_id", c->id);
      json_object_set_string_member (p, "impl", c->impl);
      json_object_set_string_member (p, "verdict", conformant ? "conformant" : "not conformant");
      json_object_set_string_member (p, "vectors_hash", vhash);
      json_object_set_string_member (p, "blake2b", bhash);
      json_object_set_string_member (p, "signature", sig_text);
      g_autoptr (GBytes) blob = g_bytes_new (bytes, len);
      ok = reg_db_record (db, ctx->now, ctx->actor, REG_ACTION_REPORT, n, blob, NULL, error);
    }
  if (!end_write (db, ok, error))
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

/* ---- reports and waivers for a certificate -------------------------------------- */

/*
 * The channel's latest report, if it may found a certificate: conformant,
 * made after any pending rectification order, verified with the registry's
 * key.  *report_out gets the parsed report.  REFUSED otherwise.
 */
static RegReport *
usable_report (RegDb *db, const RegChannel *c, JsonObject **report_out, GError **error)
{
  GError *e = NULL;
  g_autoptr (GPtrArray) reports = reg_db_reports (db, c->id, error);
  if (reports == NULL)
    return NULL;
  if (reports->len == 0)
    {
      refuse (error, "%s has no conformance report: run essc registry test first", c->id);
      return NULL;
    }
  g_autoptr (RegReport) r = g_ptr_array_steal_index (reports, reports->len - 1);
  if (c->rectify_seq >= 0 && r->seq < c->rectify_seq)
    {
      refuse (error, "%s: its latest report (%" G_GINT64_FORMAT ") was made before the "
              "rectification order (history entry %" G_GINT64_FORMAT "): test again", c->id, r->id,
              c->rectify_seq);
      return NULL;
    }
  if (strcmp (r->verdict, "conformant") != 0)
    {
      refuse (error, "%s: its latest report (%" G_GINT64_FORMAT ") is %s: rectify and test again",
              c->id, r->id, r->verdict);
      return NULL;
    }
  ConfSignature sig;
  gsize len = 0;
  const char *bytes = g_bytes_get_data (r->bytes, &len);
  g_autofree char *what = g_strdup_printf ("%s: report %" G_GINT64_FORMAT "'s signature",
                                           reg_db_path (db), r->id);
  JsonObject *parsed = NULL;
  if (conf_signature_parse (what, r->signature, strlen (r->signature), &sig, &e))
    {
      if (sig.kind != CONF_DOC_REPORT)
        g_set_error (&e, CONF_CERT_ERROR, MODEL_STD_MALFORMED, "%s is not a report's signature",
                     what);
      else
        parsed = conf_cert_check (bytes, len, reg_db_meta (db)->issuer_pk, sig.key_id, sig.sig,
                                  &e);
    }
  if (parsed == NULL)
    {
      refuse (error, "%s: its latest report (%" G_GINT64_FORMAT ") does not verify with the "
              "registry's key: %s", c->id, r->id, e->message);
      g_error_free (e);
      return NULL;
    }
  *report_out = parsed;
  return g_steal_pointer (&r);
}

/*
 * The waivers for the certificate: one per test the report waived, with
 * the reason from given (the registry's decision) or else from kept (the
 * previous certificate's, a JSON array; may be NULL).  REFUSED for a waived
 * test without a reason and for a reason given for a test not waived.
 * Returns: (transfer container) ConfCertWaiver* borrowing from the inputs.
 */
static GArray *
accepted_waivers (const RegChannel *c, JsonObject *report, const ConfCertWaiver *given,
                  gsize n_given, JsonArray *kept, GError **error)
{
  g_autoptr (GArray) out = g_array_new (FALSE, TRUE, sizeof (ConfCertWaiver));
  JsonNode *wn = json_object_get_member (report, "waivers_used");
  JsonArray *used = wn && JSON_NODE_HOLDS_ARRAY (wn) ? json_node_get_array (wn) : NULL;
  guint n_used = used ? json_array_get_length (used) : 0;
  for (gsize g = 0; g < n_given; g++)
    {
      gboolean found = FALSE;
      for (guint i = 0; i < n_used && !found; i++)
        found = g_strcmp0 (json_array_get_string_element (used, i), given[g].test) == 0;
      if (!found)
        {
          refuse (error, "%s: --accept-waiver %s: the report waived no such test", c->id,
                  given[g].test);
          return NULL;
        }
    }
  for (guint i = 0; i < n_used; i++)
    {
      const char *test = json_array_get_string_element (used, i);
      ConfCertWaiver w = { test, NULL };
      for (gsize g = 0; g < n_given && w.reason == NULL; g++)
        if (strcmp (given[g].test, test) == 0)
          w.reason = given[g].reason;
      for (guint k = 0; kept != NULL && k < json_array_get_length (kept) && w.reason == NULL; k++)
        {
          JsonObject *ko = json_array_get_object_element (kept, k);
          if (ko != NULL && g_strcmp0 (json_object_get_string_member_with_default (ko, "test", NULL),
                                       test) == 0)
            w.reason = json_object_get_string_member_with_default (ko, "reason", NULL);
        }
      if (w.reason == NULL)
        {
          refuse (error, "%s: test %s was waived by the vendor; a waiver is the registry's "
                  "decision: --accept-waiver %s=REASON", c->id, test, test);
          return NULL;
        }
      g_array_append_val (out, w);
    }
  return g_steal_pointer (&out);
}

/* Issues and records a certificate from report r; supersedes `old` (may be NULL). */
static gboolean
issue (RegDb *db, const RegCtx *ctx, const RegCertifyOptions *o, const RegChannel *c,
       const RegReport *r, GArray *waivers, const RegCertificate *old, RegIssued *out,
       GError **error)
{
  GError *e = NULL;
  g_autoptr (ModelKeyPair) key = issuer_key (db, o->key_path, error);
  g_autoptr (GPtrArray) all = key ? reg_db_certificates (db, NULL, error) : NULL;
  if (all == NULL)
    return FALSE;
  guint64 serial = 1;
  for (guint i = 0; i < all->len; i++)
    serial = MAX (serial, ((RegCertificate *) all->pdata[i])->serial + 1);
  int days = o->days > 0 ? o->days : 365;
  ConfCertIssue ci = {
    .serial = serial,
    .subject = { c->id, c->name, c->klass, c->tier, c->parent_id },
    .issuer_name = reg_db_meta (db)->issuer_name,
    .issued_at = ctx->now, .not_before = ctx->now,
    .not_after = ctx->now + (gint64) days * 86400,
    .waivers = (const ConfCertWaiver *) waivers->data, .n_waivers = waivers->len,
  };
  memcpy (ci.subject.public_key, c->public_key, sizeof ci.subject.public_key);
  gsize rlen = 0, len = 0;
  const char *rbytes = g_bytes_get_data (r->bytes, &rlen);
  g_autofree char *sig_text = NULL;
  g_autofree char *bytes = conf_certificate_issue (&ci, rbytes, rlen, key, &len, &sig_text, &e);
  if (bytes == NULL)
    {
      fail (error, e->code == CONF_CERTIFICATE_NOT_CONFORMANT ? REG_ERROR_REFUSED
                                                              : REG_ERROR_INTERNAL,
            "%s: the certificate: %s", c->id, e->message);
      g_error_free (e);
      return FALSE;
    }
  char bhash[2 * REG_HASH_LEN + 1];
  hash_hex (bytes, len, bhash);
  JsonObject *p;
  g_autoptr (JsonNode) n = payload_new (&p);
  JsonArray *wa = json_array_new ();
  for (guint i = 0; i < waivers->len; i++)
    {
      const ConfCertWaiver *w = &g_array_index (waivers, ConfCertWaiver, i);
      JsonObject *wo = json_object_new ();
      json_object_set_string_member (wo, "test", w->test);
      json_object_set_string_member (wo, "reason", w->reason);
      json_array_add_object_element (wa, wo);
    }
  JsonArray *sup = json_array_new ();
  if (old != NULL)
    json_array_add_int_element (sup, (gint64) old->serial);
  json_object_set_int_member (p, "serial", (gint64) serial);
  json_object_set_string_member (p, "channel_id", c->id);
  json_object_set_int_member (p, "report_id", r->id);
  json_object_set_int_member (p, "not_before", ci.not_before);
  json_object_set_int_member (p, "not_after", ci.not_after);
  json_object_set_array_member (p, "waivers", wa);
  json_object_set_array_member (p, "supersedes", sup);
  json_object_set_string_member (p, "blake2b", bhash);
  json_object_set_string_member (p, "signature", sig_text);
  g_autoptr (GBytes) blob = g_bytes_new (bytes, len);
  if (!reg_db_record (db, ctx->now, ctx->actor, REG_ACTION_ISSUE, n, blob, NULL, error))
    return FALSE;
  if (o->out_path != NULL && !conf_signature_write_pair (o->out_path, bytes, len, sig_text, &e))
    {
      fail (error, REG_ERROR_INPUT, "--out: %s", e->message);
      g_error_free (e);
      return FALSE;
    }
  out->serial = serial;
  out->superseded = old ? old->serial : 0;
  out->not_before = ci.not_before;
  out->not_after = ci.not_after;
  return TRUE;
}

/* Removes --out's files after a failed commit (they name no certificate). */
static void
unwrite (const RegCertifyOptions *o)
{
  if (o->out_path == NULL)
    return;
  g_autofree char *sig = conf_cert_sig_path (o->out_path);
  g_remove (o->out_path);
  g_remove (sig);
}

gboolean
reg_certify (const RegCtx *ctx, const RegCertifyOptions *o, RegIssued *out, GError **error)
{
  memset (out, 0, sizeof *out);
  g_autoptr (RegDb) db = begin_write (ctx, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (RegChannel) c = reg_db_channel (db, o->id, error);
  g_autoptr (GPtrArray) certs = c ? reg_db_certificates (db, c->id, error) : NULL;
  gboolean ok = certs != NULL;
  const RegCertificate *old = ok ? reg_current_certificate (certs) : NULL;
  if (ok && strcmp (c->status, "terminated") == 0)
    ok = refuse (error, "%s is terminated (final): no certificate (invalid_state)", c->id);
  if (ok && (strcmp (c->status, "live") == 0 || strcmp (c->status, "certified") == 0)
      && old != NULL && reg_certificate_in_force (old, ctx->now))
    {
      g_autofree char *until = utc (old->not_after);
      ok = refuse (error, "%s is %s with certificate %" G_GUINT64_FORMAT " in force until %s: "
                   "use essc registry renew", c->id, c->status, old->serial, until);
    }
  g_autoptr (JsonObject) report = NULL;
  g_autoptr (RegReport) r = ok ? usable_report (db, c, &report, error) : NULL;
  g_autoptr (GArray) waivers = r ? accepted_waivers (c, report, o->waivers, o->n_waivers, NULL,
                                                     error) : NULL;
  ok = waivers != NULL && issue (db, ctx, o, c, r, waivers, old, out, error);
  if (ok && strcmp (c->status, "applied") == 0)
    {
      g_autofree char *why = g_strdup_printf ("certificate %" G_GUINT64_FORMAT " issued from "
                                              "report %" G_GINT64_FORMAT, out->serial, r->id);
      ok = set_status (db, ctx, c, "certified", why, error)
           && set_status (db, ctx, c, "live", "access opened", error);
    }
  if (ok)
    g_strlcpy (out->status, c->status, sizeof out->status);
  if (!end_write (db, ok, error))
    {
      if (ok)
        unwrite (o);
      return FALSE;
    }
  return TRUE;
}

gboolean
reg_renew (const RegCtx *ctx, const RegCertifyOptions *o, RegIssued *out, GError **error)
{
  GError *e = NULL;
  memset (out, 0, sizeof *out);
  g_autofree char *dir = o->vectors_dir ? g_strdup (o->vectors_dir) : conf_plan_default_dir ();
  g_autoptr (ConfPlan) plan = conf_plan_load (dir, &e);
  if (plan == NULL)
    {
      fail (error, REG_ERROR_INPUT, "vectors: %s", e->message);
      g_error_free (e);
      return FALSE;
    }
  char vhash[2 * REG_HASH_LEN + 1];
  reg_vectors_hash (plan, vhash);

  g_autoptr (RegDb) db = begin_write (ctx, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (RegChannel) c = reg_db_channel (db, o->id, error);
  g_autoptr (GPtrArray) certs = c ? reg_db_certificates (db, c->id, error) : NULL;
  gboolean ok = certs != NULL;
  const RegCertificate *old = ok ? reg_current_certificate (certs) : NULL;
  if (ok && strcmp (c->status, "terminated") == 0)
    ok = refuse (error, "%s is terminated (final): no certificate (invalid_state)", c->id);
  else if (ok && old == NULL)
    ok = refuse (error, "%s has no certificate to renew (none issued, or revoked): certify it",
                 c->id);
  else if (ok && ctx->now >= old->not_after)
    {
      g_autofree char *t = utc (old->not_after);
      ok = refuse (error, "%s: certificate %" G_GUINT64_FORMAT " expired at %s; renew is before "
                   "expiry only: test and certify again", c->id, old->serial, t);
    }
  g_autoptr (JsonObject) report = NULL;
  g_autoptr (RegReport) r = ok ? usable_report (db, c, &report, error) : NULL;
  ok = r != NULL;
  if (ok && strcmp (r->vectors_hash, vhash) != 0)
    ok = refuse (error, "%s: its latest report (%" G_GINT64_FORMAT ") ran another version of the "
                 "suite (vectors %.16s..., now %.16s...): re-test first", c->id, r->id,
                 r->vectors_hash, vhash);
  g_autoptr (JsonNode) kept = NULL;
  if (ok)
    kept = json_from_string (old->waivers, NULL);
  g_autoptr (GArray) waivers = NULL;
  if (ok)
    waivers = accepted_waivers (c, report, o->waivers, o->n_waivers,
                                kept && JSON_NODE_HOLDS_ARRAY (kept) ? json_node_get_array (kept)
                                                                     : NULL, error);
  ok = waivers != NULL && issue (db, ctx, o, c, r, waivers, old, out, error);
  if (ok)
    g_strlcpy (out->status, c->status, sizeof out->status);
  if (!end_write (db, ok, error))
    {
      if (ok)
        unwrite (o);
      return FALSE;
    }
  return TRUE;
}

/* ---- revoke ----------------------------------------------------------------------- */

gboolean
reg_revoke (const RegCtx *ctx, guint64 serial, const char *id, const char *reason,
            RegRevoked *out, GError **error)
{
  memset (out, 0, sizeof *out);
  if (!check_reason (reason, error))
    return FALSE;
  g_autoptr (RegDb) db = begin_write (ctx, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (RegCertificate) cert = NULL;
  gboolean ok = TRUE;
  if (serial != 0)
    ok = (cert = reg_db_certificate (db, serial, error)) != NULL;
  else
    {
      g_autoptr (RegChannel) ch = reg_db_channel (db, id, error);
      g_autoptr (GPtrArray) certs = ch ? reg_db_certificates (db, ch->id, error) : NULL;
      const RegCertificate *cur = certs ? reg_current_certificate (certs) : NULL;
      ok = certs != NULL;
      if (ok && cur == NULL)
        ok = refuse (error, "%s has no current certificate to revoke", ch->id);
      if (ok)
        cert = reg_db_certificate (db, cur->serial, error), ok = cert != NULL;
    }
  if (ok && cert->revoked)
    ok = refuse (error, "certificate %" G_GUINT64_FORMAT " is already revoked", cert->serial);
  g_autoptr (RegChannel) c = ok ? reg_db_channel (db, cert->channel_id, error) : NULL;
  g_autoptr (GPtrArray) certs = c ? reg_db_certificates (db, c->id, error) : NULL;
  ok = certs != NULL;
  const RegCertificate *cur = ok ? reg_current_certificate (certs) : NULL;
  gboolean current = cur != NULL && cur->serial == cert->serial;
  ok = ok && record_revoke (db, ctx, cert, reason, error);
  if (ok && current && strcmp (c->status, "live") == 0)
    {
      g_autofree char *why = g_strdup_printf ("certificate %" G_GUINT64_FORMAT " revoked: %s",
                                              cert->serial, reason);
      ok = set_status (db, ctx, c, "suspended", why, error);
      out->suspended = ok;
    }
  if (ok)
    {
      out->serial = cert->serial;
      g_strlcpy (out->channel_id, c->id, sizeof out->channel_id);
    }
  return end_write (db, ok, error);
}

/* ---- status ----------------------------------------------------------------------- */

gboolean
reg_rectify (const RegCtx *ctx, const char *id, const char *reason, const char *new_impl,
             char **status_out, GError **error)
{
  if (!check_reason (reason, error) || (new_impl != NULL && !check_impl (new_impl, error)))
    return FALSE;
  g_autoptr (RegDb) db = begin_write (ctx, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (RegChannel) c = reg_db_channel (db, id, error);
  gboolean ok = c != NULL;
  if (ok && strcmp (c->status, "terminated") == 0)
    ok = refuse (error, "%s is terminated (final): no rectification (invalid_state)", c->id);
  if (ok)
    {
      JsonObject *p;
      g_autoptr (JsonNode) n = payload_new (&p);
      json_object_set_string_member (p, "id", c->id);
      json_object_set_string_member (p, "impl", new_impl ? new_impl : c->impl);
      json_object_set_string_member (p, "reason", reason);
      ok = reg_db_record (db, ctx->now, ctx->actor, REG_ACTION_RECTIFY, n, NULL, NULL, error);
    }
  if (ok && strcmp (c->status, "live") == 0)
    ok = set_status (db, ctx, c, "rectification", reason, error);
  if (ok && status_out != NULL)
    *status_out = g_strdup (c->status);
  return end_write (db, ok, error);
}

gboolean
reg_suspend (const RegCtx *ctx, const char *id, const char *reason, GError **error)
{
  if (!check_reason (reason, error))
    return FALSE;
  g_autoptr (RegDb) db = begin_write (ctx, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (RegChannel) c = reg_db_channel (db, id, error);
  gboolean ok = c != NULL && set_status (db, ctx, c, "suspended", reason, error);
  return end_write (db, ok, error);
}

gboolean
reg_reinstate (const RegCtx *ctx, const char *id, const char *reason, GError **error)
{
  if (!check_reason (reason, error))
    return FALSE;
  g_autoptr (RegDb) db = begin_write (ctx, error);
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
      g_autoptr (RegReport) r = usable_report (db, c, &report, error);
      ok = r != NULL;
    }
  ok = ok && set_status (db, ctx, c, "live", reason, error);
  return end_write (db, ok, error);
}

gboolean
reg_terminate (const RegCtx *ctx, const char *id, const char *reason, guint64 *revoked_serial,
               GError **error)
{
  if (revoked_serial != NULL)
    *revoked_serial = 0;
  if (!check_reason (reason, error))
    return FALSE;
  g_autoptr (RegDb) db = begin_write (ctx, error);
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
      ok = record_revoke (db, ctx, cur, strlen (why) <= REG_REASON_MAX ? why : reason, error);
      if (ok && revoked_serial != NULL)
        *revoked_serial = cur->serial;
    }
  ok = ok && set_status (db, ctx, c, "terminated", reason, error);
  return end_write (db, ok, error);
}
