/* SPDX-License-Identifier: MIT */
/*
 * Certificates (conformance/certificate.h, docs/CERTIFICATE.md): issuing
 * only for a conformant report with every waiver's reason accepted, the
 * canonical form, and every exit condition of `essc cert verify`: valid (0);
 * a changed byte, another key, a report instead of a certificate, a
 * certificate whose run was not conformant, expired, not yet valid, revoked
 * in the feed, its channel suspended in the feed, a stale feed (1, with the
 * reason on one line); a damaged feed or missing file (2).
 */
#include "conformance/cert.h"
#include "conformance/certificate.h"
#include "conformance/feed.h"
#include "conformance/json.h"
#include "conformance/signature.h"
#include "tests/lib/conf_cert_fixture.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

/* 2020-06-01T00:00:00Z, and the certificate's validity from there. */
#define JUNE_2020 ((gint64) 1590969600)
#define YEAR ((gint64) 365 * 86400)
#define NAME "支付宝电子社保卡"

typedef struct {
  char *dir, *cert, *sig, *pub, *report, *feed;
  ModelKeyPair *issuer, *channel;
  FxCertFixture rf;
  char *report_bytes;
  gsize report_len;
  char *bytes;        /* the certificate */
  gsize len;
  ConfSignature signature;
} Fx;

static const ConfReportVerdict conformant_verdicts[] = { CONF_REPORT_PASS, CONF_REPORT_SKIP,
                                                         CONF_REPORT_WAIVED };
static const ConfCertWaiver accepted[] = { { "pay/twice", "known defect of the SSN parser, "
                                                         "fixed in 2.1 (ticket 17)" } };

static ConfCertIssue
issue_of (Fx *f)
{
  ConfCertIssue issue = {
    .serial = 7,
    .subject = { "CH000101", NAME, "social", 1, "", { 0 } },
    .issuer_name = "人力资源社会保障部 test centre",
    .issued_at = JUNE_2020, .not_before = JUNE_2020, .not_after = JUNE_2020 + YEAR,
    .waivers = accepted, .n_waivers = 1,
  };
  memcpy (issue.subject.public_key, model_key_pair_public (f->channel), MODEL_KEY_PAIR_PK_LEN);
  return issue;
}

/* A conformant report (one waived test) signed by the issuer, and its
 * certificate, written to DIR/report.json and DIR/cert.json. */
static void
fx_setup (Fx *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sig_text = NULL, *report_sig = NULL;
  f->dir = fx_cert_tmpdir_new ();
  f->issuer = fx_cert_put_key (f->dir, "issuer", 1);
  f->channel = fx_cert_put_key (f->dir, "channel", 2);
  f->pub = g_build_filename (f->dir, "issuer.pub", NULL);
  f->cert = g_build_filename (f->dir, "cert.json", NULL);
  f->sig = g_strconcat (f->cert, ".sig", NULL);
  f->report = g_build_filename (f->dir, "report.json", NULL);
  f->feed = g_build_filename (f->dir, "feed.json", NULL);
  fx_cert_init (&f->rf, conformant_verdicts, G_N_ELEMENTS (conformant_verdicts));
  f->report_bytes = conf_report_canonical (&f->rf.report, model_key_pair_id (f->issuer),
                                           &f->report_len, &error);
  g_assert_no_error (error);
  report_sig = conf_signature_make (CONF_DOC_REPORT, f->issuer, f->report_bytes, f->report_len);
  g_assert_true (conf_signature_write_pair (f->report, f->report_bytes, f->report_len,
                                            report_sig, &error));
  ConfCertIssue issue = issue_of (f);
  f->bytes = conf_certificate_issue (&issue, f->report_bytes, f->report_len, f->issuer,
                                     &f->len, &sig_text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->bytes);
  g_assert_true (conf_signature_parse ("sig", sig_text, strlen (sig_text), &f->signature,
                                       &error));
  g_assert_true (conf_signature_write_pair (f->cert, f->bytes, f->len, sig_text, &error));
}

static void
fx_teardown (Fx *f, gconstpointer data)
{
  fx_cert_clear (&f->rf);
  g_clear_pointer (&f->issuer, model_key_pair_free);
  g_clear_pointer (&f->channel, model_key_pair_free);
  g_free (f->report_bytes);
  g_free (f->bytes);
  g_free (f->cert);
  g_free (f->sig);
  g_free (f->pub);
  g_free (f->report);
  g_free (f->feed);
  fx_cert_tmpdir_remove (g_steal_pointer (&f->dir));
}

/* Runs `essc cert verify` with extra arguments; checks its status and that
 * stdout has want (NULL: anything). */
static void
verify_expect (Fx *f, const char *at, const char *feed, int status, const char *want)
{
  EsscTestRun r = feed ? essc_test_run_essc ("cert", "verify", f->cert, "--pub", f->pub, "--at",
                                             at, "--feed", feed)
                       : essc_test_run_essc ("cert", "verify", f->cert, "--pub", f->pub, "--at",
                                             at);
  if (r.status != status || (want != NULL && strstr (r.out, want) == NULL))
    g_error ("cert verify --at %s%s%s: exit %d (expected %d), stdout:\n%s\nstderr:\n%s", at,
             feed ? " --feed " : "", feed ? feed : "", r.status, status, r.out, r.err);
  if (status == 1)
    {
      /* The reason on one line, on stdout and on stderr. */
      g_assert_cmpint (strchr (r.out, '\n') - r.out + 1, ==, (int) strlen (r.out));
      g_assert_nonnull (strstr (r.err, want));
    }
  essc_test_run_clear (&r);
}

/* ---- issuing --------------------------------------------------------------- */

static void
test_issue_refusals (Fx *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sig_text = NULL;
  ConfCertIssue issue = issue_of (f);

  /* A report that is not conformant. */
  FxCertFixture bad;
  static const ConfReportVerdict failing[] = { CONF_REPORT_PASS, CONF_REPORT_FAIL };
  fx_cert_init (&bad, failing, G_N_ELEMENTS (failing));
  gsize n = 0;
  g_autofree char *bytes = conf_report_canonical (&bad.report, model_key_pair_id (f->issuer),
                                                  &n, &error);
  g_assert_no_error (error);
  issue.n_waivers = 0;
  g_assert_null (conf_certificate_issue (&issue, bytes, n, f->issuer, NULL, &sig_text, &error));
  g_assert_error (error, CONF_CERTIFICATE_ERROR, CONF_CERTIFICATE_NOT_CONFORMANT);
  fx_cert_assert_message (error, "1 failed");
  g_clear_error (&error);
  fx_cert_clear (&bad);

  /* A waived test without an accepted reason, and a reason for a test that
   * was not waived. */
  g_assert_null (conf_certificate_issue (&issue, f->report_bytes, f->report_len, f->issuer,
                                         NULL, &sig_text, &error));
  fx_cert_assert_message (error, "test 'pay/twice' was waived in the run, and the issuer has "
                                 "accepted no reason");
  g_clear_error (&error);
  const ConfCertWaiver wrong[] = { { "pay/twice", "ok" }, { "qr/replay", "not waived" } };
  issue.waivers = wrong;
  issue.n_waivers = 2;
  g_assert_null (conf_certificate_issue (&issue, f->report_bytes, f->report_len, f->issuer,
                                         NULL, &sig_text, &error));
  fx_cert_assert_message (error, "waivers[1]: test 'qr/replay' was not waived in the run");
  g_clear_error (&error);

  /* The subject is ESSC-STD's channel record: a bad id, a tier-2 channel
   * without its parent, a tier-1 channel with one. */
  issue = issue_of (f);
  issue.subject.channel_id = "ch000101";
  g_assert_null (conf_certificate_issue (&issue, f->report_bytes, f->report_len, f->issuer,
                                         NULL, &sig_text, &error));
  fx_cert_assert_message (error, "subject.channel_id");
  g_clear_error (&error);
  issue = issue_of (f);
  issue.subject.tier = 2;
  g_assert_null (conf_certificate_issue (&issue, f->report_bytes, f->report_len, f->issuer,
                                         NULL, &sig_text, &error));
  fx_cert_assert_message (error, "subject.parent_id");
  g_clear_error (&error);
  issue = issue_of (f);
  issue.subject.parent_id = "CH000001";
  g_assert_null (conf_certificate_issue (&issue, f->report_bytes, f->report_len, f->issuer,
                                         NULL, &sig_text, &error));
  fx_cert_assert_message (error, "subject.parent_id");
  g_clear_error (&error);
  /* A validity that ends before it begins. */
  issue = issue_of (f);
  issue.not_after = issue.not_before;
  g_assert_null (conf_certificate_issue (&issue, f->report_bytes, f->report_len, f->issuer,
                                         NULL, &sig_text, &error));
  fx_cert_assert_message (error, "not_after");
}

static void
test_content (Fx *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) c = conf_certificate_parse (f->bytes, f->len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (c, "schema"), ==, CONF_CERTIFICATE_SCHEMA);
  g_assert_cmpint (json_object_get_int_member (c, "serial"), ==, 7);
  JsonObject *subject = json_object_get_object_member (c, "subject");
  g_assert_cmpstr (json_object_get_string_member (subject, "name"), ==, NAME);
  g_autofree char *pk = g_malloc (2 * MODEL_KEY_PAIR_PK_LEN + 1);
  sodium_bin2hex (pk, 2 * MODEL_KEY_PAIR_PK_LEN + 1, model_key_pair_public (f->channel),
                  MODEL_KEY_PAIR_PK_LEN);
  g_assert_cmpstr (json_object_get_string_member (subject, "public_key"), ==, pk);
  g_assert_cmpstr (json_object_get_string_member (c, "not_after"), ==, "2021-06-01T00:00:00Z");
  JsonArray *w = json_object_get_array_member (c, "waivers");
  g_assert_cmpuint (json_array_get_length (w), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (w, 0),
                                                  "reason"), ==, accepted[0].reason);
  /* The report's hash binds the certificate to the exact report. */
  guint8 h[32];
  crypto_generichash (h, sizeof h, (const guint8 *) f->report_bytes, f->report_len, NULL, 0);
  g_autofree char *hh = g_malloc (65);
  sodium_bin2hex (hh, 65, h, sizeof h);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (c, "report"),
                                                  "blake2b"), ==, hh);
  /* Issued twice, the same bytes. */
  g_autofree char *sig_text = NULL;
  ConfCertIssue issue = issue_of (f);
  gsize n = 0;
  g_autofree char *again = conf_certificate_issue (&issue, f->report_bytes, f->report_len,
                                                   f->issuer, &n, &sig_text, &error);
  g_assert_cmpmem (again, n, f->bytes, f->len);

  /* Pretty-printed, or a member added, even when re-signed: malformed. */
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), c);
  g_autofree char *pretty = conf_json_to_pretty (node);
  g_assert_null (conf_certificate_parse (pretty, strlen (pretty), &error));
  g_assert_error (error, CONF_CERTIFICATE_ERROR, CONF_CERTIFICATE_MALFORMED);
  g_clear_error (&error);
  json_object_set_string_member (c, "note", "x");
  g_autofree char *canon = conf_json_canonical (node, NULL);
  g_autofree char *added = g_strconcat (canon, "\n", NULL);
  g_assert_null (conf_certificate_parse (added, strlen (added), &error));
  fx_cert_assert_message (error, "note: not a member of a certificate");
}

/* ---- verifying --------------------------------------------------------------- */

static void
test_valid (Fx *f, gconstpointer data)
{
  verify_expect (f, "2020-09-01T00:00:00Z", NULL, 0, "VALID certificate");
  verify_expect (f, "2020-09-01T00:00:00Z", NULL, 0, "subject:  CH000101 " NAME);
  verify_expect (f, "2020-09-01T00:00:00Z", NULL, 0, "  pay/twice: known defect");
  /* The bounds of the validity are inside it. */
  verify_expect (f, "2020-06-01T00:00:00Z", NULL, 0, "VALID certificate");
  verify_expect (f, "2021-06-01T00:00:00Z", NULL, 0, "VALID certificate");
  EsscTestRun r = essc_test_run_essc ("cert", "show", f->cert);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "certificate (signature not checked)"));
  essc_test_run_clear (&r);
}

static void
test_tampered (Fx *f, gconstpointer data)
{
  ConfCertCheckOptions options = { .at = JUNE_2020 + 86400 };
  /* Every byte, every bit position once (through the library). */
  g_autofree char *copy = g_memdup2 (f->bytes, f->len);
  for (gsize i = 0; i < f->len; i++)
    {
      g_autoptr (GError) error = NULL;
      copy[i] ^= (char) (1u << (i % 8));
      g_assert_null (conf_certificate_check (copy, f->len, &f->signature,
                                             model_key_pair_public (f->issuer), &options,
                                             &error));
      g_assert_error (error, CONF_CERTIFICATE_ERROR, CONF_CERTIFICATE_BAD_SIGNATURE);
      copy[i] = f->bytes[i];
    }
  /* And through the command, the serial changed. */
  char *p = strstr (f->bytes, "\"serial\":7");
  g_assert_nonnull (p);
  p[9] = '8';
  g_assert_true (g_file_set_contents (f->cert, f->bytes, (gssize) f->len, NULL));
  verify_expect (f, "2020-09-01T00:00:00Z", NULL, 1, "NOT VALID (bad_signature)");
}

static void
test_wrong_key (Fx *f, gconstpointer data)
{
  g_autoptr (ModelKeyPair) other = fx_cert_put_key (f->dir, "other", 3);
  g_autofree char *other_pub = g_build_filename (f->dir, "other.pub", NULL);
  EsscTestRun r = essc_test_run_essc ("cert", "verify", f->cert, "--pub", other_pub, "--at",
                                      "2020-09-01T00:00:00Z");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "NOT VALID (unknown_key)"));
  essc_test_run_clear (&r);
  /* Re-signed by another key, the issuer.key_id inside no longer matches. */
  g_autofree char *sig_text = conf_signature_make (CONF_DOC_CERTIFICATE, other, f->bytes, f->len);
  g_assert_true (g_file_set_contents (f->sig, sig_text, -1, NULL));
  r = essc_test_run_essc ("cert", "verify", f->cert, "--pub", other_pub, "--at",
                          "2020-09-01T00:00:00Z");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "NOT VALID (unknown_key): "));
  g_assert_nonnull (strstr (r.out, "issuer.key_id"));
  essc_test_run_clear (&r);
}

static void
test_report_is_not_certificate (Fx *f, gconstpointer data)
{
  EsscTestRun r = essc_test_run_essc ("cert", "verify", f->report, "--pub", f->pub, "--at",
                                      "2020-09-01T00:00:00Z");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "NOT VALID (not_a_certificate): "));
  g_assert_nonnull (strstr (r.out, "conformance report (verdict: conformant)"));
  essc_test_run_clear (&r);
  /* The report's bytes under a certificate's signature header: the domain
   * differs, so the signature does not verify. */
  g_autofree char *report_sig = g_strconcat (f->report, ".sig", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (report_sig, &text, NULL, NULL));
  g_autofree char *swapped = g_strconcat ("essc-certificate-signature-v2", strchr (text, '\n'),
                                          NULL);
  g_assert_true (g_file_set_contents (report_sig, swapped, -1, NULL));
  r = essc_test_run_essc ("cert", "verify", f->report, "--pub", f->pub);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "NOT VALID (bad_signature)"));
  essc_test_run_clear (&r);
}

/* The certificate's JSON with edit applied, canonical, signed by the issuer
 * and written over DIR/cert.json: what a rogue or broken issuer could make. */
static void
forge (Fx *f, void (*edit) (JsonObject *cert))
{
  g_autoptr (JsonObject) c = conf_certificate_parse (f->bytes, f->len, NULL);
  g_assert_nonnull (c);
  edit (c);
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), c);
  g_autofree char *canon = conf_json_canonical (node, NULL);
  g_autofree char *bytes = g_strconcat (canon, "\n", NULL);
  g_autofree char *sig = conf_signature_make (CONF_DOC_CERTIFICATE, f->issuer, bytes,
                                              strlen (bytes));
  g_assert_true (conf_signature_write_pair (f->cert, bytes, strlen (bytes), sig, NULL));
}

static void
edit_failed (JsonObject *c)
{
  JsonObject *summary = json_object_get_object_member (
      json_object_get_object_member (c, "report"), "summary");
  json_object_set_int_member (summary, "failed", 1);
  json_object_set_string_member (c, "verdict", "not conformant");
}

static void
edit_failed_but_conformant (JsonObject *c)
{
  json_object_set_int_member (json_object_get_object_member (
                                  json_object_get_object_member (c, "report"), "summary"),
                              "not_run", 3);
}

static void
test_not_conformant (Fx *f, gconstpointer data)
{
  forge (f, edit_failed);
  verify_expect (f, "2020-09-01T00:00:00Z", NULL, 1, "NOT VALID (not_conformant)");
  /* A summary with tests not run and a verdict that still says conformant
   * contradicts itself. */
  forge (f, edit_failed_but_conformant);
  verify_expect (f, "2020-09-01T00:00:00Z", NULL, 1, "NOT VALID (malformed)");
}

static void
test_validity (Fx *f, gconstpointer data)
{
  verify_expect (f, "2021-06-01T00:00:01Z", NULL, 1, "NOT VALID (expired): ");
  verify_expect (f, "2030-01-01T00:00:00Z", NULL, 1, "expired at 2021-06-01T00:00:00Z");
  verify_expect (f, "2020-05-31T23:59:59Z", NULL, 1, "NOT VALID (not_yet_valid): ");
  /* Without --at: now, long after 2021. */
  EsscTestRun r = essc_test_run_essc ("cert", "verify", f->cert, "--pub", f->pub);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "NOT VALID (expired)"));
  essc_test_run_clear (&r);
  r = essc_test_run_essc ("cert", "verify", f->cert, "--pub", f->pub, "--at", "yesterday");
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);
}

/* Writes DIR/feed.json(.sig) with the channel in status and the revoked
 * serials, published at JUNE_2020 + 30 days, next update 7 days later. */
static void
put_feed (Fx *f, const ModelKeyPair *key, const char *status, guint64 revoked_serial)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sig = NULL;
  gsize len = 0;
  ConfFeedChannel channels[] = {
    { "CH000101", NAME, "social", 1, "", status, JUNE_2020, 7, JUNE_2020, JUNE_2020 + YEAR },
    { "CH000102", "某银行", "bank", 1, "", "live", JUNE_2020, 3, JUNE_2020, JUNE_2020 + YEAR },
  };
  ConfFeedRevoked revoked[] = { { revoked_serial, "CH000101", JUNE_2020 + 86400 * 20,
                                  "private key compromised" },
                                { 2, "CH000102", JUNE_2020, "superseded by a new key" } };
  ConfFeed feed = {
    .issuer_name = "test centre", .published_at = JUNE_2020 + 30 * 86400,
    .next_update = JUNE_2020 + 37 * 86400, .history_count = 12,
    .channels = channels, .n_channels = G_N_ELEMENTS (channels),
    .revoked = revoked + (revoked_serial == 0), .n_revoked = 2 - (revoked_serial == 0),
  };
  g_autofree char *bytes = conf_feed_render (&feed, key, &len, &sig, &error);
  g_assert_no_error (error);
  g_assert_true (conf_signature_write_pair (f->feed, bytes, len, sig, &error));
}

static void
test_feed (Fx *f, gconstpointer data)
{
  const char *at = "2020-07-03T00:00:00Z";   /* inside the feed's period */
  put_feed (f, f->issuer, "live", 0);
  verify_expect (f, at, f->feed, 0, "VALID certificate, not revoked in the feed");
  put_feed (f, f->issuer, "live", 7);
  verify_expect (f, at, f->feed, 1, "NOT VALID (revoked): ");
  verify_expect (f, at, f->feed, 1, "private key compromised");
  put_feed (f, f->issuer, "suspended", 0);
  verify_expect (f, at, f->feed, 1, "NOT VALID (channel_not_live): ");
  put_feed (f, f->issuer, "terminated", 0);
  verify_expect (f, at, f->feed, 1, "is terminated in the feed");
  /* A feed past its next update is stale; one from after the check is no
   * evidence for it. */
  put_feed (f, f->issuer, "live", 0);
  verify_expect (f, "2020-07-08T00:00:01Z", f->feed, 1, "NOT VALID (feed_invalid)");
  verify_expect (f, "2020-07-08T00:00:01Z", f->feed, 1, "the feed is stale");
  verify_expect (f, "2020-06-02T00:00:00Z", f->feed, 1, "NOT VALID (feed_invalid)");

  /* The feed read back. */
  guint8 pk[MODEL_KEY_PAIR_PK_LEN], id[MODEL_KEY_ID_LEN];
  g_autoptr (GError) error = NULL;
  g_assert_true (conf_cert_read_public_key (f->pub, pk, id, &error));
  put_feed (f, f->issuer, "live", 7);
  g_autoptr (ConfFeedDoc) doc = conf_feed_load (f->feed, NULL, pk, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conf_feed_doc_n_channels (doc), ==, 2);
  g_assert_cmpuint (conf_feed_doc_n_revoked (doc), ==, 2);
  g_assert_cmpstr (conf_feed_doc_channel_status (doc, "CH000102"), ==, "live");
  g_assert_true (conf_feed_doc_revoked (doc, 2, NULL, NULL));
  g_assert_false (conf_feed_doc_revoked (doc, 3, NULL, NULL));
}

static void
test_feed_damaged (Fx *f, gconstpointer data)
{
  const char *at = "2020-07-03T00:00:00Z";
  /* Signed by another key than the certificate's issuer. */
  g_autoptr (ModelKeyPair) other = model_key_pair_from_seed ((const guint8 *)
                                                             "0123456789abcdef0123456789abcdef");
  put_feed (f, other, "live", 0);
  verify_expect (f, at, f->feed, 2, NULL);
  /* One byte changed; the signature file missing; garbage. */
  put_feed (f, f->issuer, "live", 7);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (f->feed, &bytes, &len, NULL));
  char *p = strstr (bytes, "\"serial\":7");
  p[9] = '9';
  g_assert_true (g_file_set_contents (f->feed, bytes, (gssize) len, NULL));
  EsscTestRun r = essc_test_run_essc ("cert", "verify", f->cert, "--pub", f->pub, "--at", at,
                                      "--feed", f->feed);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "feed.json"));
  g_assert_nonnull (strstr (r.err, "does not verify"));
  essc_test_run_clear (&r);
  g_assert_true (g_file_set_contents (f->feed, "\x89PNG garbage", -1, NULL));
  verify_expect (f, at, f->feed, 2, NULL);
  g_autofree char *feed_sig = g_strconcat (f->feed, ".sig", NULL);
  g_assert_cmpint (g_remove (feed_sig), ==, 0);
  verify_expect (f, at, f->feed, 2, NULL);
  /* A missing certificate. */
  r = essc_test_run_essc ("cert", "verify", "/nonexistent/cert.json", "--pub", f->pub);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "/nonexistent/cert.json"));
  essc_test_run_clear (&r);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/certificate/" path, Fx, NULL, fx_setup, fn, fx_teardown)
  ADD ("issue-refusals", test_issue_refusals);
  ADD ("content", test_content);
  ADD ("verify/valid", test_valid);
  ADD ("verify/tampered", test_tampered);
  ADD ("verify/wrong-key", test_wrong_key);
  ADD ("verify/report-is-not-a-certificate", test_report_is_not_certificate);
  ADD ("verify/not-conformant", test_not_conformant);
  ADD ("verify/expired-not-yet-valid", test_validity);
  ADD ("verify/feed", test_feed);
  ADD ("verify/feed-damaged", test_feed_damaged);
#undef ADD
  return g_test_run ();
}
