/* SPDX-License-Identifier: MIT */
/*
 * Implementation of conformance certificates (see cert.h and
 * docs/CERTIFICATE.md): the report as a JSON tree and its canonical bytes,
 * signing, and verification (the key, signature and certificate files are
 * read by cert_file.c).  Verification checks the signature over the exact
 * bytes first, then decodes the report into a ConfReport, re-encodes it and
 * compares bytes: whatever the decoder tolerates (member order, blanks,
 * escapes, duplicate members, "-0") the byte comparison refuses, so one
 * encoding of a report is ever accepted.
 */
#include "conformance/cert.h"

#include "base/file.h"
#include "base/time.h"
#include "conformance/json.h"
#include "model/std/common.h"

#include <sodium.h>
#include <string.h>

G_DEFINE_QUARK (conf-cert-error-quark, conf_cert_error)

#define fail(error, code, ...) base_fail ((error), CONF_CERT_ERROR, (code), __VA_ARGS__)
#define malformed(error, ...) fail ((error), MODEL_STD_MALFORMED, __VA_ARGS__)

static const char *const verdict_names[] = { "pass", "fail", "skip", "not_implemented",
                                             "waived", "not_run" };
G_STATIC_ASSERT (G_N_ELEMENTS (verdict_names) == CONF_REPORT_N_VERDICTS);
BASE_DEFINE_NAMES (conf_report_verdict, ConfReportVerdict, verdict_names, "?")

static const char *const roles[] = { "platform", "channel", "verifier" };

#define MAX_VERSION 64
#define MAX_NAME 256
#define MAX_COMMAND 4096
#define MAX_FILE 1024
#define MAX_REQUIREMENT 64
#define MAX_TIME ((gint64) 253402300799)   /* 9999-12-31T23:59:59Z */
#define DOMAIN_LEN (sizeof CONF_CERT_SIGN_DOMAIN)   /* with its NUL */

/* ---- the report --------------------------------------------------------- */

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

/* Parses exactly "YYYY-MM-DDTHH:MM:SSZ" of a real UTC time from 1970 on. */
static gboolean
parse_time (const char *field, const char *s, gint64 *out, GError **error)
{
  gint64 t;
  if (base_time_parse_utc (s, &t, NULL) == BASE_TIME_OK && t >= 0)
    {
      *out = t;
      return TRUE;
    }
  return malformed (error, "%s: expected a UTC time YYYY-MM-DDTHH:MM:SSZ from 1970 on", field);
}

/* Adds {file, blake2b} for each vector; file names are unique. */
static gboolean
add_vectors (JsonObject *root, const ConfReport *r, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *vectors = json_array_new ();
  json_object_set_array_member (root, "vectors", vectors);
  for (gsize i = 0; i < r->n_vectors; i++)
    {
      g_autofree char *field = g_strdup_printf ("vectors[%zu].file", i);
      if (!check_text (field, r->vectors[i].file, MAX_FILE, error))
        return FALSE;
      if (!g_hash_table_add (seen, (gpointer) r->vectors[i].file))
        return malformed (error, "%s: listed twice", field);
      JsonObject *v = json_object_new ();
      json_object_set_string_member (v, "file", r->vectors[i].file);
      g_autofree char *hex = base_hex_encode_dup (r->vectors[i].blake2b, CONF_CERT_HASH_LEN);
      json_object_set_string_member (v, "blake2b", hex);
      json_array_add_object_element (vectors, v);
    }
  return TRUE;
}

/* Adds tests, summary, verdict and waivers_used, all from r->tests. */
static gboolean
add_tests (JsonObject *root, const ConfReport *r, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 count[CONF_REPORT_N_VERDICTS] = { 0 };
  JsonArray *tests = json_array_new (), *waivers = json_array_new ();
  json_object_set_array_member (root, "tests", tests);
  json_object_set_array_member (root, "waivers_used", waivers);
  if (r->n_tests == 0)
    return malformed (error, "tests: a report needs at least one test");
  for (gsize i = 0; i < r->n_tests; i++)
    {
      const ConfReportTest *t = &r->tests[i];
      g_autofree char *field = g_strdup_printf ("tests[%zu].name", i);
      if (!check_text (field, t->name, MAX_NAME, error))
        return FALSE;
      if (!g_hash_table_add (seen, (gpointer) t->name))
        return malformed (error, "%s: a second test of the same name", field);
      if ((guint) t->verdict >= CONF_REPORT_N_VERDICTS)
        return malformed (error, "tests[%zu].verdict: unknown verdict %d", i, (int) t->verdict);
      JsonArray *reqs = json_array_new ();
      for (gsize k = 0; t->requirements != NULL && t->requirements[k] != NULL; k++)
        {
          gsize at = 0;
          if (base_text_check_ascii (t->requirements[k], MAX_REQUIREMENT, &at) != BASE_TEXT_OK)
            {
              json_array_unref (reqs);
              return malformed (error, "tests[%zu].requirements[%zu]: expected 1 to %d printable "
                                "ASCII characters without spaces", i, k, MAX_REQUIREMENT);
            }
          json_array_add_string_element (reqs, t->requirements[k]);
        }
      JsonObject *o = json_object_new ();
      json_object_set_string_member (o, "name", t->name);
      json_object_set_array_member (o, "requirements", reqs);
      json_object_set_string_member (o, "verdict", verdict_names[t->verdict]);
      json_array_add_object_element (tests, o);
      count[t->verdict]++;
      if (t->verdict == CONF_REPORT_WAIVED)
        json_array_add_string_element (waivers, t->name);
    }
  JsonObject *summary = json_object_new ();
  json_object_set_int_member (summary, "passed", count[CONF_REPORT_PASS]);
  json_object_set_int_member (summary, "failed", count[CONF_REPORT_FAIL]);
  json_object_set_int_member (summary, "skipped", count[CONF_REPORT_SKIP]);
  json_object_set_int_member (summary, "not_implemented", count[CONF_REPORT_NOT_IMPLEMENTED]);
  json_object_set_int_member (summary, "waived", count[CONF_REPORT_WAIVED]);
  json_object_set_int_member (summary, "not_run", count[CONF_REPORT_NOT_RUN]);
  json_object_set_object_member (root, "summary", summary);
  gboolean ok = count[CONF_REPORT_FAIL] == 0 && count[CONF_REPORT_NOT_IMPLEMENTED] == 0
                && count[CONF_REPORT_NOT_RUN] == 0;
  json_object_set_string_member (root, "verdict", ok ? "conformant" : "not conformant");
  return TRUE;
}

JsonNode *
conf_report_to_json (const ConfReport *r, const guint8 key_id[MODEL_KEY_ID_LEN], GError **error)
{
  g_return_val_if_fail (r != NULL && key_id != NULL, NULL);
  g_return_val_if_fail (r->n_tests == 0 || r->tests != NULL, NULL);
  g_return_val_if_fail (r->n_vectors == 0 || r->vectors != NULL, NULL);
  const char *version = r->essc_version != NULL ? r->essc_version : ESSC_VERSION;

  if (!check_text ("essc_version", version, MAX_VERSION, error)
      || !check_text ("iut.command", r->iut.command, MAX_COMMAND, error)
      || !check_text ("iut.name", r->iut.name, MAX_NAME, error)
      || !check_text ("iut.version", r->iut.version, MAX_VERSION, error))
    return NULL;
  if (base_name_index (roles, G_N_ELEMENTS (roles), r->iut.role) < 0)
    return malformed (error, "iut.role: expected platform, channel or verifier"), NULL;
  if (r->started_at < 0 || r->started_at > MAX_TIME || r->ended_at < 0 || r->ended_at > MAX_TIME)
    return malformed (error, "started_at, ended_at: expected a time from 1970 to 9999"), NULL;
  if (r->ended_at < r->started_at)
    return malformed (error, "ended_at: before started_at"), NULL;

  g_autoptr (JsonObject) root = json_object_new ();
  json_object_set_string_member (root, "schema", CONF_CERT_SCHEMA);
  json_object_set_string_member (root, "suite", CONF_CERT_SUITE);
  json_object_set_string_member (root, "essc_version", version);
  if (!add_vectors (root, r, error))
    return NULL;
  json_object_set_object_member (root, "profile", r->profile != NULL
                                                      ? json_object_ref (r->profile)
                                                      : json_object_new ());
  JsonObject *iut = json_object_new ();
  json_object_set_string_member (iut, "command", r->iut.command);
  json_object_set_string_member (iut, "name", r->iut.name);
  json_object_set_string_member (iut, "version", r->iut.version);
  json_object_set_string_member (iut, "role", r->iut.role);
  json_object_set_object_member (root, "iut", iut);
  char started[BASE_TIME_UTC_SIZE], ended[BASE_TIME_UTC_SIZE];
  base_time_format_utc (r->started_at, started);
  base_time_format_utc (r->ended_at, ended);
  json_object_set_string_member (root, "started_at", started);
  json_object_set_string_member (root, "ended_at", ended);
  if (!add_tests (root, r, error))
    return NULL;
  JsonObject *signer = json_object_new ();
  g_autofree char *id = base_hex_encode_dup (key_id, MODEL_KEY_ID_LEN);
  json_object_set_string_member (signer, "key_id", id);
  json_object_set_object_member (root, "signer", signer);
  return json_node_init_object (json_node_alloc (), root);
}

char *
conf_report_canonical (const ConfReport *r, const guint8 key_id[MODEL_KEY_ID_LEN], gsize *len,
                       GError **error)
{
  g_autoptr (GError) inner = NULL;
  g_autoptr (JsonNode) node = conf_report_to_json (r, key_id, error);
  if (node == NULL)
    return NULL;
  g_autofree char *text = conf_json_canonical (node, &inner);
  if (text == NULL)
    return malformed (error, "%s", inner->message), NULL;
  char *out = g_strconcat (text, "\n", NULL);
  if (len != NULL)
    *len = strlen (out);
  return out;
}

/* ---- decoding ------------------------------------------------------------- */

/* A report read back: a ConfReport whose strings are borrowed from the JSON. */
typedef struct {
  ConfReport report;
  GArray *tests;      /* ConfReportTest */
  GArray *vectors;    /* ConfReportVector */
  GPtrArray *owned;   /* the requirements arrays */
} Decoded;

static void
decoded_clear (Decoded *d)
{
  g_clear_pointer (&d->tests, g_array_unref);
  g_clear_pointer (&d->vectors, g_array_unref);
  g_clear_pointer (&d->owned, g_ptr_array_unref);
}

/* Fails on a member of o not in names. */
static gboolean
only_members (JsonObject *o, const char *where, const char *const *names, gsize n,
              GError **error)
{
  JsonObjectIter it;
  const char *name;
  JsonNode *value;
  json_object_iter_init (&it, o);
  while (json_object_iter_next (&it, &name, &value))
    if (base_name_index ((const char *const *) names, n, name) < 0)
      {
        g_autofree char *shown = g_strescape (name, NULL);
        return malformed (error, "%s: unknown member \"%.64s\"", where, shown);
      }
  return TRUE;
}

/* A string member equal to want. */
static gboolean
get_fixed (JsonObject *o, const char *member, const char *want, GError **error)
{
  const char *got;
  g_autoptr (GError) inner = NULL;
  if (!conf_json_get_string (o, member, &got, &inner))
    return malformed (error, "%s", inner->message);
  if (strcmp (got, want) != 0)
    {
      g_autofree char *shown = g_strescape (got, NULL);
      return malformed (error, "member '%s': expected \"%s\", got \"%.64s\"", member, want, shown);
    }
  return TRUE;
}

/* An array element that must be an object (vectors, tests) or a string. */
static JsonObject *
element_object (JsonArray *a, guint i, const char *where, GError **error)
{
  JsonNode *n = json_array_get_element (a, i);
  if (!JSON_NODE_HOLDS_OBJECT (n))
    return malformed (error, "%s[%u]: expected an object", where, i), NULL;
  return json_node_get_object (n);
}

static gboolean
decode_tests (JsonArray *tests, Decoded *d, GError **error)
{
  static const char *const members[] = { "name", "requirements", "verdict" };
  for (guint i = 0; i < json_array_get_length (tests); i++)
    {
      ConfReportTest t = { 0 };
      JsonArray *reqs;
      const char *verdict;
      g_autoptr (GError) inner = NULL;
      g_autofree char *where = g_strdup_printf ("tests[%u]", i);
      JsonObject *o = element_object (tests, i, "tests", error);
      if (o == NULL || !only_members (o, where, members, G_N_ELEMENTS (members), error))
        return FALSE;
      if (!conf_json_get_string (o, "name", &t.name, &inner)
          || !conf_json_get_array (o, "requirements", &reqs, &inner)
          || !conf_json_get_string (o, "verdict", &verdict, &inner))
        return malformed (error, "%s: %s", where, inner->message);
      if (!conf_report_verdict_from_name (verdict, &t.verdict))
        return malformed (error, "tests[%u].verdict: expected pass, fail, skip, "
                          "not_implemented, waived or not_run", i);
      GPtrArray *ids = g_ptr_array_new ();
      g_ptr_array_add (d->owned, ids);
      for (guint k = 0; k < json_array_get_length (reqs); k++)
        {
          JsonNode *n = json_array_get_element (reqs, k);
          if (json_node_get_value_type (n) != G_TYPE_STRING)
            return malformed (error, "tests[%u].requirements[%u]: expected a string", i, k);
          g_ptr_array_add (ids, (gpointer) json_node_get_string (n));
        }
      g_ptr_array_add (ids, NULL);
      t.requirements = (const char *const *) ids->pdata;
      g_array_append_val (d->tests, t);
    }
  return TRUE;
}

/* Reads obj into d->report; key_id gets signer.key_id. */
static gboolean
decode (JsonObject *obj, Decoded *d, guint8 key_id[MODEL_KEY_ID_LEN], GError **error)
{
  static const char *const top[] = { "schema", "suite", "essc_version", "vectors", "profile",
                                     "iut", "started_at", "ended_at", "summary", "verdict",
                                     "tests", "waivers_used", "signer" };
  static const char *const iut_members[] = { "command", "name", "version", "role" };
  static const char *const vector_members[] = { "file", "blake2b" };
  static const char *const signer_members[] = { "key_id" };
  JsonArray *vectors, *tests, *waivers;
  JsonObject *iut, *signer, *summary;
  const char *started, *ended, *verdict;
  g_autoptr (GError) inner = NULL;

  d->tests = g_array_new (FALSE, TRUE, sizeof (ConfReportTest));
  d->vectors = g_array_new (FALSE, TRUE, sizeof (ConfReportVector));
  d->owned = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  if (!only_members (obj, "report", top, G_N_ELEMENTS (top), error)
      || !get_fixed (obj, "schema", CONF_CERT_SCHEMA, error)
      || !get_fixed (obj, "suite", CONF_CERT_SUITE, error))
    return FALSE;
  /* the getters' errors are CONF_JSON_ERROR's: this module's are CONF_CERT_ERROR */
  if (!conf_json_get_string (obj, "essc_version", &d->report.essc_version, &inner)
      || !conf_json_get_array (obj, "vectors", &vectors, &inner)
      || !conf_json_get_object (obj, "profile", &d->report.profile, &inner)
      || !conf_json_get_object (obj, "iut", &iut, &inner)
      || !conf_json_get_string (obj, "started_at", &started, &inner)
      || !conf_json_get_string (obj, "ended_at", &ended, &inner)
      || !conf_json_get_object (obj, "summary", &summary, &inner)
      || !conf_json_get_string (obj, "verdict", &verdict, &inner)
      || !conf_json_get_array (obj, "tests", &tests, &inner)
      || !conf_json_get_array (obj, "waivers_used", &waivers, &inner)
      || !conf_json_get_object (obj, "signer", &signer, &inner))
    return malformed (error, "%s", inner->message);
  if (!only_members (iut, "iut", iut_members, G_N_ELEMENTS (iut_members), error)
      || !only_members (signer, "signer", signer_members, 1, error))
    return FALSE;
  if (!conf_json_get_string (iut, "command", &d->report.iut.command, &inner)
      || !conf_json_get_string (iut, "name", &d->report.iut.name, &inner)
      || !conf_json_get_string (iut, "version", &d->report.iut.version, &inner)
      || !conf_json_get_string (iut, "role", &d->report.iut.role, &inner))
    return malformed (error, "iut: %s", inner->message);
  if (!conf_json_get_hex_fixed (signer, "key_id", key_id, MODEL_KEY_ID_LEN, &inner))
    return malformed (error, "signer: %s", inner->message);
  if (!parse_time ("started_at", started, &d->report.started_at, error)
      || !parse_time ("ended_at", ended, &d->report.ended_at, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (vectors); i++)
    {
      ConfReportVector v = { 0 };
      g_autofree char *where = g_strdup_printf ("vectors[%u]", i);
      JsonObject *o = element_object (vectors, i, "vectors", error);
      if (o == NULL
          || !only_members (o, where, vector_members, G_N_ELEMENTS (vector_members), error))
        return FALSE;
      if (!conf_json_get_string (o, "file", &v.file, &inner)
          || !conf_json_get_hex_fixed (o, "blake2b", v.blake2b, CONF_CERT_HASH_LEN, &inner))
        return malformed (error, "%s: %s", where, inner->message);
      g_array_append_val (d->vectors, v);
    }
  if (!decode_tests (tests, d, error))
    return FALSE;
  d->report.vectors = (const ConfReportVector *) d->vectors->data;
  d->report.n_vectors = d->vectors->len;
  d->report.tests = (const ConfReportTest *) d->tests->data;
  d->report.n_tests = d->tests->len;
  return TRUE;
}

/* The derived member of the file equals the one computed from its tests. */
static gboolean
same_member (JsonObject *file, JsonObject *built, const char *member, GError **error)
{
  g_autofree char *a = conf_json_canonical (json_object_get_member (file, member), NULL);
  g_autofree char *b = conf_json_canonical (json_object_get_member (built, member), NULL);
  if (a == NULL || b == NULL || strcmp (a, b) != 0)
    return malformed (error, "member '%s': does not match the tests (expected %.200s)", member,
                      b ? b : "?");
  return TRUE;
}

JsonObject *
conf_cert_parse (const char *cert, gsize len, GError **error)
{
  Decoded d = { 0 };
  guint8 key_id[MODEL_KEY_ID_LEN];
  gsize canon_len = 0;
  g_autoptr (GError) inner = NULL;

  g_return_val_if_fail (cert != NULL || len == 0, NULL);
  if (len > CONF_CERT_MAX_BYTES)
    return malformed (error, "report: larger than %u bytes", CONF_CERT_MAX_BYTES), NULL;
  g_autoptr (JsonObject) obj = conf_json_parse_object (cert ? cert : "", len, &inner);
  if (obj == NULL)
    return malformed (error, "report: %s", inner->message), NULL;
  gboolean ok = decode (obj, &d, key_id, error);
  g_autofree char *canon = ok ? conf_report_canonical (&d.report, key_id, &canon_len, error)
                              : NULL;
  g_autoptr (JsonNode) built = canon ? conf_report_to_json (&d.report, key_id, NULL) : NULL;
  ok = canon != NULL
       && same_member (obj, json_node_get_object (built), "summary", error)
       && same_member (obj, json_node_get_object (built), "verdict", error)
       && same_member (obj, json_node_get_object (built), "waivers_used", error);
  decoded_clear (&d);
  if (!ok)
    return NULL;
  if (canon_len != len || memcmp (canon, cert, len) != 0)
    {
      gsize at = 0;
      while (at < len && at < canon_len && canon[at] == cert[at])
        at++;
      return malformed (error, "report: not in canonical form (first difference at byte %zu of "
                        "%zu; expected %zu bytes)", at, len, canon_len), NULL;
    }
  return g_steal_pointer (&obj);
}

/* ---- signing and verifying ------------------------------------------------ */

/* domain || NUL || cert: the bytes the signature covers. */
static guint8 *
signed_message (const char *cert, gsize len, gsize *out_len)
{
  guint8 *msg = g_malloc (DOMAIN_LEN + len);
  memcpy (msg, CONF_CERT_SIGN_DOMAIN, DOMAIN_LEN);
  if (len > 0)
    memcpy (msg + DOMAIN_LEN, cert, len);
  *out_len = DOMAIN_LEN + len;
  return msg;
}

gboolean
conf_cert_write (const ConfReport *report, const char *secret_key_file, const char *cert_path,
                 GError **error)
{
  guint8 sig[MODEL_KEY_PAIR_SIG_LEN];
  gsize len = 0, msg_len = 0;
  g_autoptr (GError) inner = NULL;

  g_return_val_if_fail (report != NULL && secret_key_file != NULL && cert_path != NULL, FALSE);
  g_autoptr (ModelKeyPair) key = conf_cert_read_secret_key (secret_key_file, error);
  if (key == NULL)
    return FALSE;
  g_autofree char *cert = conf_report_canonical (report, model_key_pair_id (key), &len, error);
  if (cert == NULL)
    return FALSE;
  g_autofree guint8 *msg = signed_message (cert, len, &msg_len);
  model_key_pair_sign (key, msg, msg_len, sig);
  g_autofree char *id_hex = base_hex_encode_dup (model_key_pair_id (key), MODEL_KEY_ID_LEN);
  g_autofree char *sig_hex = base_hex_encode_dup (sig, sizeof sig);
  g_autofree char *sig_text = g_strconcat (CONF_CERT_SIG_HEADER "\n", id_hex, "\n", sig_hex,
                                           "\n", NULL);
  g_autofree char *sig_path = conf_cert_sig_path (cert_path);
  if (!base_file_output_ok (cert_path, &inner) || !base_file_output_ok (sig_path, &inner)
      || !base_file_write_atomic (cert_path, cert, len, 0644, TRUE, &inner)
      || !base_file_write_atomic (sig_path, sig_text, strlen (sig_text), 0644, TRUE, &inner))
    return fail (error, MODEL_STD_INTERNAL, "%s", inner->message);
  return TRUE;
}

JsonObject *
conf_cert_check (const char *cert, gsize len, const guint8 pk[MODEL_KEY_PAIR_PK_LEN],
                 const guint8 sig_key_id[MODEL_KEY_ID_LEN],
                 const guint8 sig[MODEL_KEY_PAIR_SIG_LEN], GError **error)
{
  guint8 pk_id[MODEL_KEY_ID_LEN], signer_id[MODEL_KEY_ID_LEN];
  gsize msg_len = 0;

  g_return_val_if_fail (cert != NULL || len == 0, NULL);
  g_return_val_if_fail (pk != NULL && sig_key_id != NULL && sig != NULL, NULL);
  model_key_id (pk, MODEL_KEY_PAIR_PK_LEN, pk_id);
  g_autofree char *pk_hex = base_hex_encode_dup (pk_id, sizeof pk_id);
  if (memcmp (pk_id, sig_key_id, sizeof pk_id) != 0)
    {
      g_autofree char *hex = base_hex_encode_dup (sig_key_id, MODEL_KEY_ID_LEN);
      return fail (error, MODEL_STD_UNKNOWN_KEY, "signature: made by key %s, not by the public "
                   "key given (key %s)", hex, pk_hex), NULL;
    }
  g_autofree guint8 *msg = signed_message (cert ? cert : "", len, &msg_len);
  if (crypto_sign_verify_detached (sig, msg, msg_len, pk) != 0)
    return fail (error, MODEL_STD_BAD_SIGNATURE, "signature: does not verify over the "
                 "certificate's bytes (the certificate or its signature was changed)"), NULL;
  g_autoptr (JsonObject) report = conf_cert_parse (cert, len, error);
  if (report == NULL)
    return NULL;
  JsonObject *signer = json_object_get_object_member (report, "signer");
  conf_json_get_hex_fixed (signer, "key_id", signer_id, sizeof signer_id, NULL);
  if (memcmp (signer_id, pk_id, sizeof pk_id) != 0)
    return fail (error, MODEL_STD_UNKNOWN_KEY, "signer.key_id: not the signing key %s",
                 pk_hex), NULL;
  return g_steal_pointer (&report);
}

gboolean
conf_cert_verify (const char *cert_path, const char *pub_key_path, const char *sig_path,
                  JsonObject **out_report, GError **error)
{
  guint8 pk[MODEL_KEY_PAIR_PK_LEN], pk_id[MODEL_KEY_ID_LEN];
  guint8 sig_id[MODEL_KEY_ID_LEN], sig[MODEL_KEY_PAIR_SIG_LEN];
  gsize len = 0;
  GError *inner = NULL;

  g_return_val_if_fail (cert_path != NULL && pub_key_path != NULL, FALSE);
  g_autofree char *default_sig = conf_cert_sig_path (cert_path);
  if (!conf_cert_read_public_key (pub_key_path, pk, pk_id, error)
      || !conf_cert_read_signature (sig_path ? sig_path : default_sig, sig_id, sig, error))
    return FALSE;
  g_autofree char *cert = conf_cert_load (cert_path, &len, error);
  if (cert == NULL)
    return FALSE;
  g_autofree char *prefix = g_strdup_printf ("%s: ", cert_path);
  g_autoptr (JsonObject) report = conf_cert_check (cert, len, pk, sig_id, sig, &inner);
  if (report == NULL)
    return base_fail_wrap (error, CONF_CERT_ERROR, prefix, inner);
  if (out_report != NULL)
    *out_report = g_steal_pointer (&report);
  return TRUE;
}
