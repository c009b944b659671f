/* SPDX-License-Identifier: MIT */
/*
 * Implementation of certificate.h.  A certificate is held as CertFields
 * (strings borrowed from the issuer's request or from the parsed JSON);
 * build() turns the fields into the JSON tree, checking each one, and the
 * canonical encoding of that tree is the certificate.  Parsing decodes the
 * fields strictly (every member present, no other), rebuilds, and requires
 * the rebuilt bytes to equal the file's: so a certificate has one encoding,
 * and its derived member (verdict, from the report's summary) cannot
 * contradict the rest.
 */
#include "conformance/certificate.h"

#include "base/error.h"
#include "base/hex.h"
#include "base/text.h"
#include "base/time.h"
#include "conformance/cert.h"
#include "conformance/json.h"
#include "model/std/channel.h"
#include "model/std/stdcode.h"

#include <sodium.h>
#include <string.h>

G_DEFINE_QUARK (conf-certificate-error-quark, conf_certificate_error)

#define fail(error, code, ...) \
  base_fail ((error), CONF_CERTIFICATE_ERROR, (code), __VA_ARGS__)
#define malformed(error, ...) fail ((error), CONF_CERTIFICATE_MALFORMED, __VA_ARGS__)

#define MAX_ISSUER 128
#define MAX_REASON 512
#define MAX_NAME 256
#define MAX_VERSION 64
#define MAX_SERIAL ((guint64) 9007199254740991)   /* 2^53 - 1: exact in any JSON reader */
#define MAX_TIME ((gint64) 253402300799)          /* 9999-12-31T23:59:59Z */
#define HASH_LEN 32

static const char *const reasons[] = {
  [CONF_CERTIFICATE_INPUT] = "input",
  [CONF_CERTIFICATE_UNKNOWN_KEY] = "unknown_key",
  [CONF_CERTIFICATE_BAD_SIGNATURE] = "bad_signature",
  [CONF_CERTIFICATE_NOT_CERTIFICATE] = "not_a_certificate",
  [CONF_CERTIFICATE_MALFORMED] = "malformed",
  [CONF_CERTIFICATE_NOT_CONFORMANT] = "not_conformant",
  [CONF_CERTIFICATE_NOT_YET_VALID] = "not_yet_valid",
  [CONF_CERTIFICATE_EXPIRED] = "expired",
  [CONF_CERTIFICATE_FEED] = "feed_invalid",
  [CONF_CERTIFICATE_REVOKED] = "revoked",
  [CONF_CERTIFICATE_CHANNEL_NOT_LIVE] = "channel_not_live",
};

const char *
conf_certificate_reason (ConfCertificateError code)
{
  if ((gsize) code < G_N_ELEMENTS (reasons) && reasons[code] != NULL)
    return reasons[code];
  return "unknown";
}

/* The summary members, in the report's order of verdicts. */
static const char *const summary_members[] = { "passed", "failed", "skipped",
                                               "not_implemented", "waived", "not_run" };
enum { S_PASSED, S_FAILED, S_SKIPPED, S_NOT_IMPLEMENTED, S_WAIVED, S_NOT_RUN, N_SUMMARY };
G_STATIC_ASSERT (G_N_ELEMENTS (summary_members) == N_SUMMARY);

/* Every field of a certificate.  Strings borrowed. */
typedef struct {
  guint64 serial;
  ConfCertSubject subject;
  const char *role;
  JsonObject *profile;                  /* borrowed */
  const char *essc_version;
  guint8 vectors_blake2b[HASH_LEN];
  guint8 report_blake2b[HASH_LEN];
  guint8 report_signer[MODEL_KEY_ID_LEN];
  const char *iut_name, *iut_version;
  gint64 started_at, ended_at;
  gint64 summary[N_SUMMARY];
  const ConfCertWaiver *waivers;
  gsize n_waivers;
  gint64 issued_at, not_before, not_after;
  const char *issuer_name;
  guint8 issuer_key_id[MODEL_KEY_ID_LEN];
} CertFields;

static gboolean
summary_conformant (const gint64 s[N_SUMMARY])
{
  return s[S_FAILED] == 0 && s[S_NOT_IMPLEMENTED] == 0 && s[S_NOT_RUN] == 0;
}

/* ---- building ------------------------------------------------------------ */

static gboolean
check_text (const char *field, const char *s, gsize max, GError **error)
{
  gsize at = 0;
  switch (base_text_check_utf8 (s, -1, max, &at))
    {
    case BASE_TEXT_OK:
      return TRUE;
    case BASE_TEXT_MISSING:
      return malformed (error, "%s: missing", field);
    case BASE_TEXT_EMPTY:
      return malformed (error, "%s: empty", field);
    case BASE_TEXT_TOO_LONG:
      return malformed (error, "%s: longer than %zu bytes", field, max);
    case BASE_TEXT_BAD_UTF8:
      return malformed (error, "%s: invalid UTF-8 at byte %zu", field, at);
    default:
      return malformed (error, "%s: control character at byte %zu", field, at);
    }
}

static gboolean
check_time (const char *field, gint64 t, GError **error)
{
  if (t < 0 || t > MAX_TIME)
    return malformed (error, "%s: expected a time from 1970 to 9999", field);
  return TRUE;
}

static void
set_time (JsonObject *o, const char *member, gint64 t)
{
  char text[BASE_TIME_UTC_SIZE];
  base_time_format_utc (t, text);
  json_object_set_string_member (o, member, text);
}

static void
set_hex (JsonObject *o, const char *member, const guint8 *bytes, gsize len)
{
  g_autofree char *hex = base_hex_encode_dup (bytes, len);
  json_object_set_string_member (o, member, hex);
}

/* Checks the subject as ESSC-STD's channel record (CHAN-1..4, 23). */
static gboolean
check_subject (const ConfCertSubject *s, GError **error)
{
  g_autoptr (GError) inner = NULL;
  ModelChannelClass klass;
  const char *parent = s->parent_id != NULL ? s->parent_id : "";
  if (!model_channel_id_check (s->channel_id, "subject.channel_id", &inner)
      || !model_channel_name_check (s->name, &inner))
    return malformed (error, "subject: %s", inner->message);
  if (s->class_name == NULL || !model_channel_class_from_name (s->class_name, &klass))
    return malformed (error, "subject.class: expected hrss, government, partner, bank, "
                      "medical or social");
  if (s->tier != 1 && s->tier != 2)
    return malformed (error, "subject.tier: expected 1 or 2");
  if (s->tier == 1 && *parent != '\0')
    return malformed (error, "subject.parent_id: a tier-1 channel has no parent");
  if (s->tier == 2 && (!model_channel_id_check (parent, "subject.parent_id", &inner)
                       || strcmp (parent, s->channel_id) == 0))
    return malformed (error, "subject.parent_id: a tier-2 channel names its tier-1 parent");
  if (!crypto_core_ed25519_is_valid_point (s->public_key))
    return malformed (error, "subject.public_key: not a valid Ed25519 public key");
  return TRUE;
}

static JsonNode *
build (const CertFields *f, GError **error)
{
  static const char *const roles[] = { "platform", "channel", "verifier" };
  gboolean role_ok = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (roles) && f->role != NULL; i++)
    role_ok |= strcmp (f->role, roles[i]) == 0;

  if (f->serial < 1 || f->serial > MAX_SERIAL)
    return malformed (error, "serial: expected 1 to 2^53-1"), NULL;
  if (!check_subject (&f->subject, error))
    return NULL;
  if (!role_ok)
    return malformed (error, "role: expected platform, channel or verifier"), NULL;
  if (!check_text ("suite.essc_version", f->essc_version, MAX_VERSION, error)
      || !check_text ("report.iut.name", f->iut_name, MAX_NAME, error)
      || !check_text ("report.iut.version", f->iut_version, MAX_VERSION, error)
      || !check_text ("issuer.name", f->issuer_name, MAX_ISSUER, error)
      || !check_time ("report.started_at", f->started_at, error)
      || !check_time ("report.ended_at", f->ended_at, error)
      || !check_time ("issued_at", f->issued_at, error)
      || !check_time ("not_before", f->not_before, error)
      || !check_time ("not_after", f->not_after, error))
    return NULL;
  if (f->ended_at < f->started_at)
    return malformed (error, "report.ended_at: before report.started_at"), NULL;
  if (f->not_after <= f->not_before)
    return malformed (error, "not_after: not after not_before"), NULL;
  for (guint i = 0; i < N_SUMMARY; i++)
    if (f->summary[i] < 0)
      return malformed (error, "report.summary.%s: negative", summary_members[i]), NULL;
  if ((gint64) f->n_waivers != f->summary[S_WAIVED])
    return malformed (error, "waivers: %zu listed, but the report has %" G_GINT64_FORMAT
                      " waived tests", f->n_waivers, f->summary[S_WAIVED]), NULL;

  g_autoptr (JsonObject) root = json_object_new ();
  json_object_set_string_member (root, "schema", CONF_CERTIFICATE_SCHEMA);
  json_object_set_int_member (root, "serial", (gint64) f->serial);
  json_object_set_string_member (root, "standard", CONF_CERTIFICATE_STANDARD);

  JsonObject *subject = json_object_new ();
  json_object_set_string_member (subject, "channel_id", f->subject.channel_id);
  json_object_set_string_member (subject, "name", f->subject.name);
  json_object_set_string_member (subject, "class", f->subject.class_name);
  json_object_set_int_member (subject, "tier", f->subject.tier);
  json_object_set_string_member (subject, "parent_id",
                                 f->subject.parent_id ? f->subject.parent_id : "");
  set_hex (subject, "public_key", f->subject.public_key, MODEL_KEY_PAIR_PK_LEN);
  json_object_set_object_member (root, "subject", subject);
  json_object_set_string_member (root, "role", f->role);
  json_object_set_object_member (root, "profile", f->profile ? json_object_ref (f->profile)
                                                             : json_object_new ());
  JsonObject *suite = json_object_new ();
  json_object_set_string_member (suite, "essc_version", f->essc_version);
  set_hex (suite, "vectors_blake2b", f->vectors_blake2b, HASH_LEN);
  json_object_set_object_member (root, "suite", suite);

  JsonObject *report = json_object_new ();
  set_hex (report, "blake2b", f->report_blake2b, HASH_LEN);
  set_hex (report, "signer_key_id", f->report_signer, MODEL_KEY_ID_LEN);
  JsonObject *iut = json_object_new ();
  json_object_set_string_member (iut, "name", f->iut_name);
  json_object_set_string_member (iut, "version", f->iut_version);
  json_object_set_object_member (report, "iut", iut);
  set_time (report, "started_at", f->started_at);
  set_time (report, "ended_at", f->ended_at);
  JsonObject *summary = json_object_new ();
  for (guint i = 0; i < N_SUMMARY; i++)
    json_object_set_int_member (summary, summary_members[i], f->summary[i]);
  json_object_set_object_member (report, "summary", summary);
  json_object_set_object_member (root, "report", report);
  json_object_set_string_member (root, "verdict", summary_conformant (f->summary)
                                                      ? "conformant" : "not conformant");

  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *waivers = json_array_new ();
  json_object_set_array_member (root, "waivers", waivers);
  for (gsize i = 0; i < f->n_waivers; i++)
    {
      g_autofree char *tf = g_strdup_printf ("waivers[%zu].test", i);
      g_autofree char *rf = g_strdup_printf ("waivers[%zu].reason", i);
      if (!check_text (tf, f->waivers[i].test, MAX_NAME, error)
          || !check_text (rf, f->waivers[i].reason, MAX_REASON, error))
        return NULL;
      if (!g_hash_table_add (seen, (gpointer) f->waivers[i].test))
        return malformed (error, "%s: a second waiver for the same test", tf), NULL;
      JsonObject *w = json_object_new ();
      json_object_set_string_member (w, "test", f->waivers[i].test);
      json_object_set_string_member (w, "reason", f->waivers[i].reason);
      json_array_add_object_element (waivers, w);
    }
  set_time (root, "issued_at", f->issued_at);
  set_time (root, "not_before", f->not_before);
  set_time (root, "not_after", f->not_after);
  JsonObject *issuer = json_object_new ();
  json_object_set_string_member (issuer, "name", f->issuer_name);
  set_hex (issuer, "key_id", f->issuer_key_id, MODEL_KEY_ID_LEN);
  json_object_set_object_member (root, "issuer", issuer);
  return json_node_init_object (json_node_alloc (), root);
}

/* The canonical bytes of f, with their "\n". */
static char *
canonical (const CertFields *f, gsize *len, GError **error)
{
  g_autoptr (GError) inner = NULL;
  g_autoptr (JsonNode) node = build (f, error);
  if (node == NULL)
    return NULL;
  g_autofree char *text = conf_json_canonical (node, &inner);
  if (text == NULL)
    return malformed (error, "%s", inner->message), NULL;
  char *out = g_strconcat (text, "\n", NULL);
  *len = strlen (out);
  return out;
}

/* BLAKE2b-256 of the canonical JSON of the report's vectors array. */
static gboolean
vectors_hash (JsonObject *report, guint8 out[HASH_LEN], GError **error)
{
  g_autoptr (GError) inner = NULL;
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, json_object_get_array_member (report, "vectors"));
  g_autofree char *text = conf_json_canonical (node, &inner);
  if (text == NULL)
    return malformed (error, "report.vectors: %s", inner->message);
  crypto_generichash (out, HASH_LEN, (const guint8 *) text, strlen (text), NULL, 0);
  return TRUE;
}

char *
conf_certificate_issue (const ConfCertIssue *issue, const char *report, gsize report_len,
                        const ModelKeyPair *issuer, gsize *len, char **sig_text,
                        GError **error)
{
  g_autoptr (GError) inner = NULL;
  CertFields f = { 0 };
  gsize n = 0;

  g_return_val_if_fail (issue != NULL && issuer != NULL && sig_text != NULL, NULL);
  g_autoptr (JsonObject) r = conf_cert_parse (report, report_len, &inner);
  if (r == NULL)
    return malformed (error, "the conformance report: %s", inner->message), NULL;
  JsonObject *iut = json_object_get_object_member (r, "iut");
  JsonObject *summary = json_object_get_object_member (r, "summary");
  if (strcmp (json_object_get_string_member (r, "verdict"), "conformant") != 0)
    return fail (error, CONF_CERTIFICATE_NOT_CONFORMANT, "the conformance report is not "
                 "conformant (%" G_GINT64_FORMAT " failed, %" G_GINT64_FORMAT " not "
                 "implemented, %" G_GINT64_FORMAT " not run): no certificate is issued",
                 json_object_get_int_member (summary, "failed"),
                 json_object_get_int_member (summary, "not_implemented"),
                 json_object_get_int_member (summary, "not_run")), NULL;

  /* Every waived test of the report has exactly one accepted reason. */
  JsonArray *used = json_object_get_array_member (r, "waivers_used");
  for (guint i = 0; i < json_array_get_length (used); i++)
    {
      const char *test = json_array_get_string_element (used, i);
      gboolean accepted = FALSE;
      for (gsize k = 0; k < issue->n_waivers && !accepted; k++)
        accepted = issue->waivers[k].test != NULL && strcmp (issue->waivers[k].test, test) == 0;
      if (!accepted)
        return malformed (error, "waivers: test '%s' was waived in the run, and the issuer "
                          "has accepted no reason for it", test), NULL;
    }
  for (gsize k = 0; k < issue->n_waivers; k++)
    {
      gboolean waived = FALSE;
      for (guint i = 0; i < json_array_get_length (used) && !waived; i++)
        waived = issue->waivers[k].test != NULL
                 && strcmp (issue->waivers[k].test, json_array_get_string_element (used, i)) == 0;
      if (!waived)
        return malformed (error, "waivers[%zu]: test '%s' was not waived in the run", k,
                          issue->waivers[k].test ? issue->waivers[k].test : "(null)"), NULL;
    }

  f.serial = issue->serial;
  f.subject = issue->subject;
  f.role = json_object_get_string_member (iut, "role");
  f.profile = json_object_get_object_member (r, "profile");
  f.essc_version = json_object_get_string_member (r, "essc_version");
  if (!vectors_hash (r, f.vectors_blake2b, error))
    return NULL;
  crypto_generichash (f.report_blake2b, HASH_LEN, (const guint8 *) report, report_len, NULL, 0);
  conf_json_get_hex_fixed (json_object_get_object_member (r, "signer"), "key_id",
                           f.report_signer, MODEL_KEY_ID_LEN, NULL);
  f.iut_name = json_object_get_string_member (iut, "name");
  f.iut_version = json_object_get_string_member (iut, "version");
  base_time_parse_utc (json_object_get_string_member (r, "started_at"), &f.started_at, NULL);
  base_time_parse_utc (json_object_get_string_member (r, "ended_at"), &f.ended_at, NULL);
  for (guint i = 0; i < N_SUMMARY; i++)
    f.summary[i] = json_object_get_int_member (summary, summary_members[i]);
  f.waivers = issue->waivers;
  f.n_waivers = issue->n_waivers;
  f.issued_at = issue->issued_at;
  f.not_before = issue->not_before;
  f.not_after = issue->not_after;
  f.issuer_name = issue->issuer_name;
  memcpy (f.issuer_key_id, model_key_pair_id (issuer), MODEL_KEY_ID_LEN);

  char *bytes = canonical (&f, &n, error);
  if (bytes == NULL)
    return NULL;
  *sig_text = conf_signature_make (CONF_DOC_CERTIFICATE, issuer, bytes, n);
  if (len != NULL)
    *len = n;
  return bytes;
}

/* ---- parsing ------------------------------------------------------------- */

/* o has exactly these members. */
static gboolean
only_members (JsonObject *o, const char *where, const char *const *names, gsize n,
              GError **error)
{
  for (gsize i = 0; i < n; i++)
    if (!json_object_has_member (o, names[i]))
      return malformed (error, "%s%s%s: missing", where, *where ? "." : "", names[i]);
  if (json_object_get_size (o) != n)
    {
      g_autoptr (GList) members = json_object_get_members (o);
      for (GList *l = members; l != NULL; l = l->next)
        {
          gboolean known = FALSE;
          for (gsize i = 0; i < n && !known; i++)
            known = strcmp (l->data, names[i]) == 0;
          if (!known)
            {
              g_autofree char *name = base_text_printable (l->data, strlen (l->data), 64);
              return malformed (error, "%s%s%s: not a member of a certificate", where,
                                *where ? "." : "", name);
            }
        }
    }
  return TRUE;
}

static gboolean
get_object (JsonObject *o, const char *member, const char *where, const char *const *names,
            gsize n, JsonObject **out, GError **error)
{
  g_autoptr (GError) inner = NULL;
  if (!conf_json_get_object (o, member, out, &inner))
    return malformed (error, "%s", inner->message);
  return only_members (*out, where, names, n, error);
}

static gboolean
get_str (JsonObject *o, const char *member, const char **out, GError **error)
{
  g_autoptr (GError) inner = NULL;
  if (!conf_json_get_string (o, member, out, &inner))
    return malformed (error, "%s", inner->message);
  return TRUE;
}

static gboolean
get_int (JsonObject *o, const char *member, gint64 *out, GError **error)
{
  g_autoptr (GError) inner = NULL;
  if (!conf_json_get_int (o, member, out, &inner))
    return malformed (error, "%s", inner->message);
  return TRUE;
}

static gboolean
get_hex (JsonObject *o, const char *member, guint8 *out, gsize len, GError **error)
{
  g_autoptr (GError) inner = NULL;
  if (!conf_json_get_hex_fixed (o, member, out, len, &inner))
    return malformed (error, "%s: %s", member, inner->message);
  return TRUE;
}

static gboolean
get_time (JsonObject *o, const char *member, gint64 *out, GError **error)
{
  const char *s;
  if (!get_str (o, member, &s, error))
    return FALSE;
  if (base_time_parse_utc (s, out, NULL) != BASE_TIME_OK || *out < 0)
    return malformed (error, "%s: expected a UTC time YYYY-MM-DDTHH:MM:SSZ from 1970 on",
                      member);
  return TRUE;
}

/* Decodes every member of obj into f (strings borrowed from obj); waivers
 * go to the array (ConfCertWaiver). */
static gboolean
decode (JsonObject *obj, CertFields *f, GArray *waivers, GError **error)
{
  static const char *const top[] = { "schema", "serial", "standard", "subject", "role",
                                     "profile", "suite", "report", "verdict", "waivers",
                                     "issued_at", "not_before", "not_after", "issuer" };
  static const char *const subject_m[] = { "channel_id", "name", "class", "tier", "parent_id",
                                           "public_key" };
  static const char *const suite_m[] = { "essc_version", "vectors_blake2b" };
  static const char *const report_m[] = { "blake2b", "signer_key_id", "iut", "started_at",
                                          "ended_at", "summary" };
  static const char *const iut_m[] = { "name", "version" };
  static const char *const issuer_m[] = { "name", "key_id" };
  static const char *const waiver_m[] = { "test", "reason" };
  JsonObject *subject, *suite, *report, *iut, *summary, *issuer;
  JsonArray *list;
  const char *verdict;
  gint64 serial, tier;
  g_autoptr (GError) inner = NULL;

  if (!only_members (obj, "", top, G_N_ELEMENTS (top), error)
      || !get_int (obj, "serial", &serial, error)
      || !get_object (obj, "subject", "subject", subject_m, G_N_ELEMENTS (subject_m), &subject,
                      error)
      || !get_str (subject, "channel_id", &f->subject.channel_id, error)
      || !get_str (subject, "name", &f->subject.name, error)
      || !get_str (subject, "class", &f->subject.class_name, error)
      || !get_int (subject, "tier", &tier, error)
      || !get_str (subject, "parent_id", &f->subject.parent_id, error)
      || !get_hex (subject, "public_key", f->subject.public_key, MODEL_KEY_PAIR_PK_LEN, error)
      || !get_str (obj, "role", &f->role, error)
      || !get_object (obj, "suite", "suite", suite_m, G_N_ELEMENTS (suite_m), &suite, error)
      || !get_str (suite, "essc_version", &f->essc_version, error)
      || !get_hex (suite, "vectors_blake2b", f->vectors_blake2b, HASH_LEN, error)
      || !get_object (obj, "report", "report", report_m, G_N_ELEMENTS (report_m), &report,
                      error)
      || !get_hex (report, "blake2b", f->report_blake2b, HASH_LEN, error)
      || !get_hex (report, "signer_key_id", f->report_signer, MODEL_KEY_ID_LEN, error)
      || !get_object (report, "iut", "report.iut", iut_m, G_N_ELEMENTS (iut_m), &iut, error)
      || !get_str (iut, "name", &f->iut_name, error)
      || !get_str (iut, "version", &f->iut_version, error)
      || !get_time (report, "started_at", &f->started_at, error)
      || !get_time (report, "ended_at", &f->ended_at, error)
      || !get_object (report, "summary", "report.summary", summary_members, N_SUMMARY,
                      &summary, error)
      || !get_str (obj, "verdict", &verdict, error)
      || !get_time (obj, "issued_at", &f->issued_at, error)
      || !get_time (obj, "not_before", &f->not_before, error)
      || !get_time (obj, "not_after", &f->not_after, error)
      || !get_object (obj, "issuer", "issuer", issuer_m, G_N_ELEMENTS (issuer_m), &issuer,
                      error)
      || !get_str (issuer, "name", &f->issuer_name, error)
      || !get_hex (issuer, "key_id", f->issuer_key_id, MODEL_KEY_ID_LEN, error))
    return FALSE;
  if (serial < 1)
    return malformed (error, "serial: expected 1 to 2^53-1");
  f->serial = (guint64) serial;
  if (tier < 1 || tier > 2)
    return malformed (error, "subject.tier: expected 1 or 2");
  f->subject.tier = (int) tier;
  for (guint i = 0; i < N_SUMMARY; i++)
    if (!get_int (summary, summary_members[i], &f->summary[i], error))
      return FALSE;
  if (!conf_json_get_object (obj, "profile", &f->profile, &inner))
    return malformed (error, "%s", inner->message);
  if (!conf_json_get_array (obj, "waivers", &list, &inner))
    return malformed (error, "%s", inner->message);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *n = json_array_get_element (list, i);
      g_autofree char *where = g_strdup_printf ("waivers[%u]", i);
      if (!JSON_NODE_HOLDS_OBJECT (n))
        return malformed (error, "%s: expected an object", where);
      JsonObject *w = json_node_get_object (n);
      ConfCertWaiver cw;
      if (!only_members (w, where, waiver_m, G_N_ELEMENTS (waiver_m), error)
          || !get_str (w, "test", &cw.test, error) || !get_str (w, "reason", &cw.reason, error))
        return FALSE;
      g_array_append_val (waivers, cw);
    }
  f->waivers = (const ConfCertWaiver *) waivers->data;
  f->n_waivers = waivers->len;
  if (strcmp (verdict, summary_conformant (f->summary) ? "conformant" : "not conformant") != 0)
    return malformed (error, "verdict: '%s' contradicts report.summary",
                      strcmp (verdict, "conformant") == 0 ? "conformant" : "not conformant");
  return TRUE;
}

JsonObject *
conf_certificate_parse (const char *bytes, gsize len, GError **error)
{
  g_autoptr (GError) inner = NULL;
  const char *schema = NULL;
  CertFields f = { 0 };
  gsize canon_len = 0;

  g_return_val_if_fail (bytes != NULL || len == 0, NULL);
  if (len > CONF_CERTIFICATE_MAX_BYTES)
    return malformed (error, "larger than %u bytes: not a certificate",
                      CONF_CERTIFICATE_MAX_BYTES), NULL;
  g_autoptr (JsonObject) obj = conf_json_parse_object (bytes ? bytes : "", len, &inner);
  if (obj == NULL)
    return malformed (error, "%s", inner->message), NULL;
  if (!get_str (obj, "schema", &schema, error))
    return NULL;
  if (strcmp (schema, CONF_CERTIFICATE_SCHEMA) != 0)
    {
      g_autofree char *s = base_text_printable (schema, strlen (schema), 64);
      return fail (error, CONF_CERTIFICATE_NOT_CERTIFICATE, "schema '%s' is not a certificate's "
                   "('%s')", s, CONF_CERTIFICATE_SCHEMA), NULL;
    }
  if (!get_str (obj, "standard", &schema, error))
    return NULL;
  if (strcmp (schema, CONF_CERTIFICATE_STANDARD) != 0)
    return malformed (error, "standard: expected '%s'", CONF_CERTIFICATE_STANDARD), NULL;
  g_autoptr (GArray) waivers = g_array_new (FALSE, FALSE, sizeof (ConfCertWaiver));
  if (!decode (obj, &f, waivers, error))
    return NULL;
  g_autofree char *canon = canonical (&f, &canon_len, error);
  if (canon == NULL)
    return NULL;
  if (canon_len != len || memcmp (canon, bytes, len) != 0)
    {
      gsize at = 0;
      while (at < len && at < canon_len && canon[at] == bytes[at])
        at++;
      return malformed (error, "not in canonical form (first difference at byte %zu of %zu; "
                        "expected %zu bytes)", at, len, canon_len), NULL;
    }
  return g_steal_pointer (&obj);
}

/* ---- checking ------------------------------------------------------------ */

/* A report's verdict line, for the message that refuses it. */
static char *
report_verdict (const char *bytes, gsize len)
{
  g_autoptr (JsonObject) r = conf_cert_parse (bytes, len, NULL);
  if (r == NULL)
    return g_strdup ("");
  return g_strdup_printf (" (verdict: %s)", json_object_get_string_member (r, "verdict"));
}

static gboolean
wrap_signature_error (GError *inner, GError **error)
{
  ConfCertificateError code = inner->code == MODEL_STD_UNKNOWN_KEY
                                ? CONF_CERTIFICATE_UNKNOWN_KEY : CONF_CERTIFICATE_BAD_SIGNATURE;
  fail (error, code, "%s", inner->message);
  g_error_free (inner);
  return FALSE;
}

JsonObject *
conf_certificate_check (const char *bytes, gsize len, const ConfSignature *sig,
                        const guint8 pk[MODEL_KEY_PAIR_PK_LEN],
                        const ConfCertCheckOptions *options, GError **error)
{
  GError *inner = NULL;
  guint8 pk_id[MODEL_KEY_ID_LEN], issuer_id[MODEL_KEY_ID_LEN];
  char when[BASE_TIME_UTC_SIZE], limit[BASE_TIME_UTC_SIZE];

  g_return_val_if_fail ((bytes != NULL || len == 0) && sig != NULL && pk != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);
  if (!conf_signature_check (sig, bytes, len, pk, &inner))
    return wrap_signature_error (inner, error), NULL;
  if (sig->kind != CONF_DOC_CERTIFICATE)
    {
      g_autofree char *verdict = sig->kind == CONF_DOC_REPORT ? report_verdict (bytes, len)
                                                              : g_strdup ("");
      return fail (error, CONF_CERTIFICATE_NOT_CERTIFICATE, "a %s%s, not a certificate: "
                   "certificates are issued by a registry for conformant runs",
                   conf_doc_kind_describe (sig->kind), verdict), NULL;
    }
  g_autoptr (JsonObject) cert = conf_certificate_parse (bytes, len, error);
  if (cert == NULL)
    return NULL;
  model_key_id (pk, MODEL_KEY_PAIR_PK_LEN, pk_id);
  JsonObject *issuer = json_object_get_object_member (cert, "issuer");
  conf_json_get_hex_fixed (issuer, "key_id", issuer_id, sizeof issuer_id, NULL);
  if (memcmp (issuer_id, pk_id, sizeof pk_id) != 0)
    return fail (error, CONF_CERTIFICATE_UNKNOWN_KEY, "issuer.key_id is not the signing "
                 "key's"), NULL;
  if (strcmp (json_object_get_string_member (cert, "verdict"), "conformant") != 0)
    return fail (error, CONF_CERTIFICATE_NOT_CONFORMANT, "the certified run is not "
                 "conformant"), NULL;

  gint64 not_before = 0, not_after = 0;
  base_time_parse_utc (json_object_get_string_member (cert, "not_before"), &not_before, NULL);
  base_time_parse_utc (json_object_get_string_member (cert, "not_after"), &not_after, NULL);
  base_time_format_utc (CLAMP (options->at, 0, MAX_TIME), when);
  if (options->at < not_before)
    return fail (error, CONF_CERTIFICATE_NOT_YET_VALID, "not valid before %s (checked at %s)",
                 json_object_get_string_member (cert, "not_before"), when), NULL;
  if (options->at > not_after)
    return fail (error, CONF_CERTIFICATE_EXPIRED, "expired at %s (checked at %s)",
                 json_object_get_string_member (cert, "not_after"), when), NULL;
  if (options->feed == NULL)
    return g_steal_pointer (&cert);

  /* The feed: the same issuer, current at the time of the check. */
  const ConfFeedDoc *feed = options->feed;
  g_autofree char *pk_hex = base_hex_encode_dup (pk_id, sizeof pk_id);
  if (strcmp (conf_feed_doc_key_id (feed), pk_hex) != 0)
    return fail (error, CONF_CERTIFICATE_FEED, "the feed is signed by key %s, not by the "
                 "certificate's issuer %s", conf_feed_doc_key_id (feed), pk_hex), NULL;
  if (options->at < conf_feed_doc_published_at (feed))
    {
      base_time_format_utc (conf_feed_doc_published_at (feed), limit);
      return fail (error, CONF_CERTIFICATE_FEED, "the feed was published at %s, after the time "
                   "of the check %s", limit, when), NULL;
    }
  if (options->at > conf_feed_doc_next_update (feed))
    {
      base_time_format_utc (conf_feed_doc_next_update (feed), limit);
      return fail (error, CONF_CERTIFICATE_FEED, "the feed is stale: a newer one was due at %s "
                   "(checked at %s)", limit, when), NULL;
    }
  guint64 serial = (guint64) json_object_get_int_member (cert, "serial");
  gint64 revoked_at = 0;
  const char *reason = NULL;
  if (conf_feed_doc_revoked (feed, serial, &revoked_at, &reason))
    {
      base_time_format_utc (revoked_at, limit);
      g_autofree char *why = base_text_printable (reason, strlen (reason), 200);
      return fail (error, CONF_CERTIFICATE_REVOKED, "serial %" G_GUINT64_FORMAT " was revoked "
                   "at %s: %s", serial, limit, why), NULL;
    }
  const char *channel = json_object_get_string_member (
      json_object_get_object_member (cert, "subject"), "channel_id");
  const char *status = conf_feed_doc_channel_status (feed, channel);
  if (status != NULL && strcmp (status, "live") != 0 && strcmp (status, "certified") != 0)
    return fail (error, CONF_CERTIFICATE_CHANNEL_NOT_LIVE, "channel %s is %s in the feed",
                 channel, status), NULL;
  return g_steal_pointer (&cert);
}

JsonObject *
conf_certificate_verify (const char *cert_path, const char *sig_path, const char *pub_key_path,
                         const char *feed_path, gint64 at, GError **error)
{
  guint8 pk[MODEL_KEY_PAIR_PK_LEN], pk_id[MODEL_KEY_ID_LEN];
  ConfSignature sig;
  gsize len = 0;
  GError *inner = NULL;

  g_return_val_if_fail (cert_path != NULL && pub_key_path != NULL, NULL);
  g_autofree char *default_sig = conf_cert_sig_path (cert_path);
  g_autofree char *bytes = NULL;
  g_autoptr (ConfFeedDoc) feed = NULL;
  if (!conf_cert_read_public_key (pub_key_path, pk, pk_id, &inner)
      || !conf_signature_read (sig_path ? sig_path : default_sig, &sig, &inner)
      || (bytes = conf_cert_load (cert_path, &len, &inner)) == NULL
      || (feed_path != NULL && (feed = conf_feed_load (feed_path, NULL, pk, &inner)) == NULL))
    {
      /* A feed that cannot be read, is damaged or is not the issuer's is
       * input that cannot be trusted (exit 2), like a damaged key file. */
      fail (error, CONF_CERTIFICATE_INPUT, "%s", inner->message);
      g_error_free (inner);
      return NULL;
    }
  if (len > CONF_CERTIFICATE_MAX_BYTES)
    return fail (error, CONF_CERTIFICATE_INPUT, "%s: larger than %u bytes: not a certificate",
                 cert_path, CONF_CERTIFICATE_MAX_BYTES), NULL;
  ConfCertCheckOptions options = { .at = at, .feed = feed };
  JsonObject *cert = conf_certificate_check (bytes, len, &sig, pk, &options, &inner);
  if (cert == NULL)
    {
      g_autofree char *prefix = g_strdup_printf ("%s: ", cert_path);
      base_fail_wrap (error, CONF_CERTIFICATE_ERROR, prefix, inner);
    }
  return cert;
}
