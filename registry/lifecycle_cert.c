/* SPDX-License-Identifier: MIT */
/*
 * The life cycle's certificates (see lifecycle.h): which report may found
 * a certificate, the waivers the registry accepts, issuing (certify, renew)
 * and revoking.  The write pattern and the shared helpers are
 * lifecycle.c's (lifecycle_private.h).
 */
#include "registry/lifecycle.h"

#include "base/error.h"
#include "base/text.h"
#include "conformance/cert.h"
#include "conformance/signature.h"
#include "registry/change.h"
#include "registry/lifecycle_private.h"

#include <glib/gstdio.h>
#include <string.h>

#define fail(error, code, ...) base_fail ((error), REG_ERROR, (code), __VA_ARGS__)
#define refuse(error, ...) base_fail ((error), REG_ERROR, REG_ERROR_REFUSED, __VA_ARGS__)

/* ---- waivers and the current certificate ------------------------------------------ */

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

/* ---- reports and waivers for a certificate -------------------------------------- */

/*
 * The channel's latest report, if it may found a certificate: conformant,
 * made after any pending rectification order, verified with the registry's
 * key.  *report_out gets the parsed report.  REFUSED otherwise.
 */
RegReport *
reg_priv_usable_report (RegDb *db, const RegChannel *c, JsonObject **report_out, GError **error)
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
          const char *kt = ko ? json_object_get_string_member_with_default (ko, "test", NULL)
                              : NULL;
          if (g_strcmp0 (kt, test) == 0)
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
  g_autoptr (ModelKeyPair) key = reg_priv_issuer_key (db, o->key_path, error);
  g_autoptr (GPtrArray) all = key ? reg_db_certificates (db, NULL, error) : NULL;
  if (all == NULL)
    return FALSE;
  guint64 serial = 1;
  for (guint i = 0; i < all->len; i++)
    serial = MAX (serial, ((RegCertificate *) all->pdata[i])->serial + 1);
  int days = o->days > 0 ? o->days : 365;
  ConfCertIssue ci = {
    .serial = serial,
    .subject = { .channel_id = c->id, .name = c->name, .class_name = c->klass,
                 .tier = c->tier, .parent_id = c->parent_id },
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
  reg_priv_hash_hex (bytes, len, bhash);
  JsonObject *p;
  g_autoptr (JsonNode) n = reg_priv_payload_new (&p);
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
  g_autoptr (RegDb) db = reg_priv_begin_write (ctx, error);
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
      g_autofree char *until = reg_priv_utc (old->not_after);
      ok = refuse (error, "%s is %s with certificate %" G_GUINT64_FORMAT " in force until %s: "
                   "use essc registry renew", c->id, c->status, old->serial, until);
    }
  g_autoptr (JsonObject) report = NULL;
  g_autoptr (RegReport) r = ok ? reg_priv_usable_report (db, c, &report, error) : NULL;
  g_autoptr (GArray) waivers = r ? accepted_waivers (c, report, o->waivers, o->n_waivers, NULL,
                                                     error) : NULL;
  ok = waivers != NULL && issue (db, ctx, o, c, r, waivers, old, out, error);
  if (ok && strcmp (c->status, "applied") == 0)
    {
      g_autofree char *why = g_strdup_printf ("certificate %" G_GUINT64_FORMAT " issued from "
                                              "report %" G_GINT64_FORMAT, out->serial, r->id);
      ok = reg_priv_set_status (db, ctx, c, "certified", why, error)
           && reg_priv_set_status (db, ctx, c, "live", "access opened", error);
    }
  if (ok)
    g_strlcpy (out->status, c->status, sizeof out->status);
  if (!reg_priv_end_write (db, ok, error))
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

  g_autoptr (RegDb) db = reg_priv_begin_write (ctx, error);
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
      g_autofree char *t = reg_priv_utc (old->not_after);
      ok = refuse (error, "%s: certificate %" G_GUINT64_FORMAT " expired at %s; renew is before "
                   "expiry only: test and certify again", c->id, old->serial, t);
    }
  g_autoptr (JsonObject) report = NULL;
  g_autoptr (RegReport) r = ok ? reg_priv_usable_report (db, c, &report, error) : NULL;
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
  if (!reg_priv_end_write (db, ok, error))
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
  if (!reg_priv_check_reason (reason, error))
    return FALSE;
  g_autoptr (RegDb) db = reg_priv_begin_write (ctx, error);
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
  ok = ok && reg_priv_record_revoke (db, ctx, cert, reason, error);
  if (ok && current && strcmp (c->status, "live") == 0)
    {
      g_autofree char *why = g_strdup_printf ("certificate %" G_GUINT64_FORMAT " revoked: %s",
                                              cert->serial, reason);
      ok = reg_priv_set_status (db, ctx, c, "suspended", why, error);
      out->suspended = ok;
    }
  if (ok)
    {
      out->serial = cert->serial;
      g_strlcpy (out->channel_id, c->id, sizeof out->channel_id);
    }
  return reg_priv_end_write (db, ok, error);
}

