/* SPDX-License-Identifier: MIT */
/*
 * Tests of `essc registry` (cli/cmd_registry.c, registry/): the life cycle
 * of a channel from its application to the revocation of its certificate,
 * with the suite run against the reference channel (first with a fault,
 * then clean), the feed and the public page published and checked at every
 * step (the feed with conf_feed_load, the page in headless Chromium, the
 * certificate with `essc cert verify --feed`); then the refusals of the
 * rules: a certificate from a failing report or with a waiver the registry
 * did not accept, status changes table 6.2 forbids, reinstatement without
 * a new report after a rectification order, renewal after expiry or with
 * another suite, and refused applications.  A refusal must leave the
 * history as it was.  Tampering and damaged files: test_registry_check.c.
 */
#include "base/time.h"
#include "conformance/feed.h"
#include "conformance/manifest.h"
#include "tests/lib/page_tables.h"
#include "tests/lib/registry_fixture.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <string.h>

#define ALIPAY "支付宝电子社保卡"
/* A name with every character HTML escapes. */
#define ODD_NAME "工行 <i>e</i> & \"社保\" 'x'"

/* ---- the life cycle, published at each step ----------------------------------- */

typedef struct {
  const char *status;          /* the channel's status in the feed */
  const char *table;           /* the page's table listing it (NULL: none) */
  guint64 revoked;             /* a serial the feed must list as revoked, or 0 */
  gsize n_revoked;
} Expect;

/* Publishes at minute, then checks the feed and the page. */
static void
publish_and_check (RegFx *f, const char *out, int minute, const Expect *x)
{
  FixtureRun r;
  rfx_reg (f, &r, "publish", minute, "--out", out, "--key", f->iss_key, NULL);
  rfx_expect (&r, 0, "published");

  /* The feed: signed by the issuer, the channel's status, the revocations. */
  g_autofree char *feed = g_build_filename (out, "feed.json", NULL);
  g_autoptr (GError) e = NULL;
  g_autoptr (ConfFeedDoc) doc = conf_feed_load (feed, NULL, f->iss_pk, &e);
  g_assert_no_error (e);
  g_assert_cmpstr (conf_feed_doc_channel_status (doc, "CH000101"), ==, x->status);
  g_assert_cmpuint (conf_feed_doc_n_revoked (doc), ==, x->n_revoked);
  if (x->revoked != 0)
    {
      gint64 at = 0;
      const char *reason = NULL;
      g_assert_true (conf_feed_doc_revoked (doc, x->revoked, &at, &reason));
      g_assert_cmpstr (reason, ==, "私钥泄露 (key compromise)");
    }
  g_autofree char *published = rfx_at (minute);
  gint64 p = 0;
  g_assert_cmpint (base_time_parse_utc (published, &p, NULL), ==, BASE_TIME_OK);
  g_assert_cmpint (conf_feed_doc_published_at (doc), ==, p);
  g_assert_cmpint (conf_feed_doc_next_update (doc), ==, p + 7 * 86400);

  /* The page as written: UTF-8, Chinese, nothing from elsewhere, escaped. */
  g_autofree char *index = g_build_filename (out, "index.html", NULL);
  g_autofree char *html = NULL;
  g_assert_true (g_file_get_contents (index, &html, NULL, NULL));
  g_assert_true (g_utf8_validate (html, -1, NULL));
  g_assert_nonnull (strstr (html, "<meta charset=\"utf-8\">"));
  g_assert_nonnull (strstr (html, "<html lang=\"zh-CN\">"));
  g_assert_null (strstr (html, "http:"));
  g_assert_null (strstr (html, "https:"));
  g_assert_null (strstr (html, "<script"));
  g_assert_null (strstr (html, "<i>e</i>"));
  g_assert_null (strstr (html, ".tmp-"));

  /* The page as a browser reads it. */
  g_autofree char *dom = rfx_chromium_dom (f, index);
  g_autoptr (GString) problems = g_string_new (NULL);
  g_autoptr (PageTables) page = page_tables_parse (dom, problems);
  g_assert_cmpstr (problems->str, ==, "");
  const char *tables[] = { "live", "withdrawn", "revoked" };
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_assert_true (page_tables_has (page, tables[i]));
      gboolean listed = page_tables_text (page, tables[i], "CH000101", "name") != NULL;
      g_assert_cmpint (listed, ==, x->table != NULL && strcmp (x->table, tables[i]) == 0);
    }
  if (x->table != NULL)
    {
      g_assert_cmpstr (page_tables_text (page, x->table, "CH000101", "name"), ==, ALIPAY);
      g_assert_nonnull (strstr (dom, ALIPAY));
    }
  if (strcmp (x->status, "live") == 0)
    {
      double serial = 0;
      g_assert_true (page_tables_value (page, "live", "CH000101", "serial", &serial));
      g_assert_cmpfloat (serial, >, 0);
      g_assert_cmpstr (page_tables_text (page, "live", "CH000101", "class"), ==, "社会化平台");
    }
  if (strcmp (x->status, "suspended") == 0)
    g_assert_cmpstr (page_tables_text (page, "withdrawn", "CH000101", "status"), ==, "暂停服务");
  if (x->revoked != 0)
    {
      g_autofree char *key = g_strdup_printf ("%" G_GUINT64_FORMAT, x->revoked);
      g_assert_cmpstr (page_tables_text (page, "revoked", key, "name"), ==, ALIPAY);
      g_assert_cmpstr (page_tables_text (page, "revoked", key, "reason"), ==,
                       "私钥泄露 (key compromise)");
    }
  /* The second channel, whose name must come back exactly: escaped, not markup. */
  g_assert_cmpstr (page_tables_text (page, "live", "CH000102", "name"), ==, ODD_NAME);
}

/* essc cert verify CERT --pub --feed at minute: exit code and phrase. */
static void
verify (RegFx *f, const char *cert, const char *out, int minute, int code, const char *part)
{
  FixtureRun r;
  g_autofree char *feed = g_build_filename (out, "feed.json", NULL);
  g_autofree char *at = rfx_at (minute);
  rfx_essc (f, &r, "cert", "verify", cert, "--pub", f->iss_pub, "--feed", feed, "--at", at, NULL);
  rfx_expect (&r, code, part);
}

static void
test_lifecycle (void)
{
  RegFx f;
  FixtureRun r;
  rfx_new (&f, "lifecycle");
  g_autofree char *out = g_build_filename (f.dir, "public", NULL);
  g_autofree char *cert = g_build_filename (f.dir, "ch000101.cert", NULL);
  g_autofree char *clean = rfx_impl (NULL);

  /* A failing implementation applies; a second channel (the odd name) goes live. */
  rfx_init_registry (&f, "CH000101", ALIPAY, "pay-new-key-on-retry");
  rfx_reg (&f, &r, "apply", 2, "--id", "CH000102", "--name", ODD_NAME, "--class", "bank",
           "--tier", "1", "--public-key", f.ch2_pub, "--role", "channel", "--impl", clean, NULL);
  rfx_expect (&r, 0, "applied");
  rfx_reg (&f, &r, "test", 3, "--id", "CH000102", "--key", f.iss_key, NULL);
  rfx_expect (&r, 0, "conformant");
  rfx_reg (&f, &r, "certify", 3, "--id", "CH000102", "--key", f.iss_key, NULL);
  rfx_expect (&r, 0, "status live");
  publish_and_check (&f, out, 4, &(Expect) { "applied", NULL, 0, 0 });

  /* Tested: not conformant; the report is stored, no certificate. */
  rfx_reg (&f, &r, "test", 10, "--id", "CH000101", "--key", f.iss_key, NULL);
  g_assert_nonnull (strstr (r.out, "  failed: "));   /* the failing test is named */
  /* the suite's size aside: one failed */
  g_assert_true (strstr (r.out, " passed, 1 failed, 0 not implemented") != NULL
                 || strstr (r.err, " passed, 1 failed, 0 not implemented") != NULL);
  rfx_expect (&r, 1, "NOT conformant; ");
  rfx_reg (&f, &r, "certify", 11, "--id", "CH000101", "--key", f.iss_key, NULL);
  rfx_expect (&r, 1, "is not conformant");
  publish_and_check (&f, out, 12, &(Expect) { "applied", NULL, 0, 0 });

  /* Rectified with the clean implementation, tested again, certified. */
  rfx_reg (&f, &r, "rectify", 20, "--id", "CH000101", "--reason", "幂等键错误 (PAY-6)",
           "--impl", clean, NULL);
  rfx_expect (&r, 0, "status applied");
  rfx_reg (&f, &r, "certify", 21, "--id", "CH000101", "--key", f.iss_key, NULL);
  rfx_expect (&r, 1, "before the rectification order");
  rfx_reg (&f, &r, "test", 22, "--id", "CH000101", "--key", f.iss_key, NULL);
  g_assert_true (strstr (r.out, " passed, 0 failed") != NULL
                 || strstr (r.err, " passed, 0 failed") != NULL);
  rfx_expect (&r, 0, "conformant; ");
  rfx_reg (&f, &r, "certify", 23, "--id", "CH000101", "--key", f.iss_key, "--out", cert, NULL);
  rfx_expect (&r, 0, "certificate 2 issued");
  publish_and_check (&f, out, 24, &(Expect) { "live", "live", 0, 0 });
  verify (&f, cert, out, 25, 0, "VALID certificate, not revoked in the feed");
  g_autofree char *status = rfx_sql_text (f.db, "SELECT group_concat(to_status, ',') FROM"
                                          " (SELECT json_extract(payload, '$.to') AS to_status"
                                          " FROM history WHERE action = 'channel.status' AND"
                                          " json_extract(payload, '$.id') = 'CH000101'"
                                          " ORDER BY pos)");
  g_assert_cmpstr (status, ==, "certified,live");

  /* Suspended: the certificate is refused against the feed. */
  rfx_reg (&f, &r, "suspend", 30, "--id", "CH000101", "--reason", "用户投诉", NULL);
  rfx_expect (&r, 0, "status suspended");
  publish_and_check (&f, out, 31, &(Expect) { "suspended", "withdrawn", 0, 0 });
  verify (&f, cert, out, 32, 1, "channel_not_live");

  /* Reinstated. */
  rfx_reg (&f, &r, "reinstate", 40, "--id", "CH000101", "--reason", "整改完成", NULL);
  rfx_expect (&r, 0, "status live");
  publish_and_check (&f, out, 41, &(Expect) { "live", "live", 0, 0 });
  verify (&f, cert, out, 42, 0, "VALID certificate");

  /* Revoked: the live channel is suspended, the certificate listed. */
  rfx_reg (&f, &r, "revoke", 50, "--id", "CH000101", "--reason", "私钥泄露 (key compromise)",
           NULL);
  rfx_expect (&r, 0, "certificate 2 of CH000101 revoked; the channel is suspended");
  publish_and_check (&f, out, 51, &(Expect) { "suspended", "withdrawn", 2, 1 });
  verify (&f, cert, out, 52, 1, "(revoked)");

  /* What happened is all in the history, and it gives the tables. */
  rfx_reg (&f, &r, "check", 53, NULL);
  rfx_expect (&r, 0, "intact: 17 history entries");
  g_autofree char *feed = g_build_filename (out, "feed.json", NULL);
  rfx_reg (&f, &r, "check", 53, "--feed", feed, NULL);
  rfx_expect (&r, 0, "extends the feed's head");
  rfx_reg (&f, &r, "show", 53, "--id", "CH000101", NULL);
  rfx_expect (&r, 0, "REVOKED 2020-06-01T00:50:00Z");
  rfx_reg (&f, &r, "list", 53, NULL);
  rfx_expect (&r, 0, "2 channels");
  rfx_free (&f);
}

/* ---- refusals --------------------------------------------------------------------- */

static char *
history_count (RegFx *f)
{
  return rfx_sql_text (f->db, "SELECT count(*) FROM history");
}

/* A command the rules must refuse: exit 1 and the phrase saying which rule. */
static void
refused (RegFx *f, FixtureRun *r, const char *part)
{
  rfx_expect (r, 1, part);
}

static void
test_refusals_certify (void)
{
  RegFx f;
  FixtureRun r;
  rfx_new (&f, "certify");
  rfx_init_registry (&f, "CH000101", ALIPAY, "pay-new-key-on-retry");
  g_autofree char *clean = rfx_impl (NULL);

  /* No report yet; then a failing one. */
  rfx_reg (&f, &r, "certify", 2, "--id", "CH000101", "--key", f.iss_key, NULL);
  refused (&f, &r, "no conformance report");
  rfx_reg (&f, &r, "test", 3, "--id", "CH000101", "--key", f.iss_key, NULL);
  rfx_expect (&r, 1, "NOT conformant");
  g_autofree char *before = history_count (&f);
  rfx_reg (&f, &r, "certify", 4, "--id", "CH000101", "--key", f.iss_key, NULL);
  refused (&f, &r, "not conformant");
  g_autofree char *after = history_count (&f);
  g_assert_cmpstr (before, ==, after);

  /* The vendor waives its failure: the report is conformant with a waived
   * test, and only the registry's acceptance makes a certificate. */
  g_autofree char *waivers = g_build_filename (f.dir, "waivers", NULL);
  fixture_write_file (waivers, "payment/channel/prepare retry key fixed in 2.1\n");
  rfx_reg (&f, &r, "test", 5, "--id", "CH000101", "--key", f.iss_key, "--waivers", waivers,
           NULL);
  g_assert_true (strstr (r.out, " passed, 0 failed, 0 not implemented, 0 not run, ") != NULL);
  g_assert_true (strstr (r.out, " skipped, 1 waived") != NULL);
  rfx_expect (&r, 0, "conformant; ");
  rfx_reg (&f, &r, "certify", 6, "--id", "CH000101", "--key", f.iss_key, NULL);
  refused (&f, &r, "--accept-waiver payment/channel/prepare=REASON");
  rfx_reg (&f, &r, "certify", 6, "--id", "CH000101", "--key", f.iss_key, "--accept-waiver",
           "qr/expired=not ours", NULL);
  refused (&f, &r, "the report waived no such test");
  rfx_reg (&f, &r, "certify", 6, "--id", "CH000101", "--key", f.iss_key, "--accept-waiver",
           "bogus", NULL);
  rfx_expect (&r, 2, "TEST=REASON");
  g_autofree char *after2 = history_count (&f);
  g_assert_cmpstr (after2, ==, "4");   /* init, apply, two reports */
  g_autofree char *cert = g_build_filename (f.dir, "c.cert", NULL);
  rfx_reg (&f, &r, "certify", 7, "--id", "CH000101", "--key", f.iss_key, "--accept-waiver",
           "payment/channel/prepare=低风险，限期三个月整改", "--days", "30", "--out", cert, NULL);
  rfx_expect (&r, 0, "certificate 1 issued");
  FixtureRun v;
  g_autofree char *at = rfx_at (8);
  rfx_essc (&f, &v, "cert", "verify", cert, "--pub", f.iss_pub, "--at", at, NULL);
  rfx_expect (&v, 0, "payment/channel/prepare: 低风险，限期三个月整改");

  /* Live with a certificate in force: certify again is renew's job. */
  rfx_reg (&f, &r, "certify", 9, "--id", "CH000101", "--key", f.iss_key, "--accept-waiver",
           "payment/channel/prepare=x", NULL);
  refused (&f, &r, "use essc registry renew");

  /* Renew: keeps the accepted reason; refused with another suite, or after expiry. */
  g_autofree char *vectors = g_build_filename (f.dir, "vectors", NULL);
  g_assert_cmpint (g_mkdir (vectors, 0755), ==, 0);
  g_autoptr (GDir) d = g_dir_open (f.vectors, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *src = g_build_filename (f.vectors, name, NULL);
      g_autofree char *dst = g_build_filename (vectors, name, NULL);
      g_autofree char *text = NULL;
      g_assert_true (g_file_get_contents (src, &text, NULL, NULL));
      if (strcmp (name, "qr.json") == 0)
        {
          char *t = g_strconcat (text, "\n", NULL);   /* the same tests, other bytes */
          g_free (text);
          text = t;
        }
      fixture_write_file (dst, text);
    }
  g_assert_true (conf_manifest_write_dir (vectors, NULL));   /* a set that loads */
  rfx_reg (&f, &r, "renew", 10, "--id", "CH000101", "--key", f.iss_key, "--vectors", vectors,
           NULL);
  refused (&f, &r, "re-test first");
  rfx_reg (&f, &r, "renew", 11, "--id", "CH000101", "--key", f.iss_key, NULL);
  rfx_expect (&r, 0, "certificate 2 issued, valid from 2020-06-01T00:11:00Z to "
              "2021-06-01T00:11:00Z, superseding 1; status live");
  g_autofree char *superseded = rfx_sql_text (f.db, "SELECT superseded_by || ',' ||"
                                              " ifnull(revoked_at, 'none') FROM certificate"
                                              " WHERE serial = 1");
  g_assert_cmpstr (superseded, ==, "2,none");
  g_autofree char *kept = rfx_sql_text (f.db, "SELECT json_extract(waivers, '$[0].reason')"
                                        " FROM certificate WHERE serial = 2");
  g_assert_cmpstr (kept, ==, "低风险，限期三个月整改");
  /* 366 days later the certificate has expired: no renewal. */
  rfx_reg (&f, &r, "renew", 366 * 24 * 60, "--id", "CH000101", "--key", f.iss_key, NULL);
  refused (&f, &r, "expired at 2021-06-01T00:11:00Z; renew is before expiry only");

  /* A time before the last entry is refused by the history (AUDIT-5). */
  rfx_reg (&f, &r, "suspend", 5, "--id", "CH000101", "--reason", "late", NULL);
  rfx_expect (&r, 2, "invalid_state");

  /* A key that is not the issuer's. */
  rfx_reg (&f, &r, "renew", 12, "--id", "CH000101", "--key", f.ch_pub, NULL);
  rfx_expect (&r, 2, "--key");
  rfx_reg (&f, &r, "check", 12, NULL);
  rfx_expect (&r, 0, "intact: 8 history entries");
  (void) clean;
  rfx_free (&f);
}

static void
test_refusals_status (void)
{
  RegFx f;
  FixtureRun r;
  rfx_new (&f, "status");
  rfx_init_registry (&f, "CH000101", ALIPAY, NULL);
  g_autofree char *clean = rfx_impl (NULL);

  /* Table 6.2 from applied: no suspension, no reinstatement, no revocation. */
  rfx_reg (&f, &r, "suspend", 2, "--id", "CH000101", "--reason", "x", NULL);
  refused (&f, &r, "applied -> suspended is not allowed by ESSC-STD table 6.2 (invalid_state)");
  rfx_reg (&f, &r, "reinstate", 2, "--id", "CH000101", "--reason", "x", NULL);
  refused (&f, &r, "invalid_state");
  rfx_reg (&f, &r, "revoke", 2, "--id", "CH000101", "--reason", "x", NULL);
  refused (&f, &r, "no current certificate");
  rfx_reg (&f, &r, "revoke", 2, "--serial", "7", "--reason", "x", NULL);
  rfx_expect (&r, 2, "no certificate of serial 7");

  /* Live; a rectification order; reinstating needs a report made after it. */
  rfx_reg (&f, &r, "test", 3, "--id", "CH000101", "--key", f.iss_key, NULL);
  rfx_expect (&r, 0, "conformant");
  rfx_reg (&f, &r, "certify", 4, "--id", "CH000101", "--key", f.iss_key, NULL);
  rfx_expect (&r, 0, "status live");
  rfx_reg (&f, &r, "reinstate", 5, "--id", "CH000101", "--reason", "x", NULL);
  refused (&f, &r, "live -> live");
  rfx_reg (&f, &r, "rectify", 6, "--id", "CH000101", "--reason", "风险评分超过阈值", NULL);
  rfx_expect (&r, 0, "status rectification");
  rfx_reg (&f, &r, "reinstate", 7, "--id", "CH000101", "--reason", "done", NULL);
  refused (&f, &r, "before the rectification order");
  rfx_reg (&f, &r, "test", 8, "--id", "CH000101", "--key", f.iss_key, NULL);
  rfx_expect (&r, 0, "conformant");
  rfx_reg (&f, &r, "reinstate", 9, "--id", "CH000101", "--reason", "done", NULL);
  rfx_expect (&r, 0, "status live");

  /* Revoked: suspended; reinstating needs a certificate in force. */
  rfx_reg (&f, &r, "revoke", 10, "--serial", "1", "--reason", "x", NULL);
  rfx_expect (&r, 0, "the channel is suspended");
  rfx_reg (&f, &r, "revoke", 10, "--serial", "1", "--reason", "x", NULL);
  refused (&f, &r, "already revoked");
  rfx_reg (&f, &r, "reinstate", 11, "--id", "CH000101", "--reason", "x", NULL);
  refused (&f, &r, "no certificate in force");
  rfx_reg (&f, &r, "renew", 11, "--id", "CH000101", "--key", f.iss_key, NULL);
  refused (&f, &r, "no certificate to renew");
  /* Certified again while suspended: the status stays until reinstated. */
  rfx_reg (&f, &r, "certify", 12, "--id", "CH000101", "--key", f.iss_key, NULL);
  rfx_expect (&r, 0, "certificate 2 issued, valid from 2020-06-01T00:12:00Z to "
              "2021-06-01T00:12:00Z; status suspended");
  rfx_reg (&f, &r, "reinstate", 13, "--id", "CH000101", "--reason", "x", NULL);
  rfx_expect (&r, 0, "status live");

  /* Terminated: final, and its certificate revoked. */
  rfx_reg (&f, &r, "terminate", 14, "--id", "CH000101", "--reason", "退出服务", NULL);
  rfx_expect (&r, 0, "status terminated; certificate 2 revoked");
  g_autofree char *before = history_count (&f);
  rfx_reg (&f, &r, "reinstate", 15, "--id", "CH000101", "--reason", "x", NULL);
  refused (&f, &r, "terminated -> live is not a reinstatement");
  rfx_reg (&f, &r, "terminate", 15, "--id", "CH000101", "--reason", "x", NULL);
  refused (&f, &r, "already terminated");
  rfx_reg (&f, &r, "suspend", 15, "--id", "CH000101", "--reason", "x", NULL);
  refused (&f, &r, "terminated -> suspended");
  rfx_reg (&f, &r, "certify", 15, "--id", "CH000101", "--key", f.iss_key, NULL);
  refused (&f, &r, "terminated (final)");
  rfx_reg (&f, &r, "rectify", 15, "--id", "CH000101", "--reason", "x", NULL);
  refused (&f, &r, "terminated (final)");
  rfx_reg (&f, &r, "test", 15, "--id", "CH000101", "--key", f.iss_key, NULL);
  refused (&f, &r, "terminated (final)");
  g_autofree char *after = history_count (&f);
  g_assert_cmpstr (before, ==, after);

  /* Applications: CHAN-1..4 and 23. */
  rfx_reg (&f, &r, "apply", 16, "--id", "CH000101", "--name", "again", "--class", "bank",
           "--tier", "1", "--public-key", f.ch2_pub, "--role", "channel", "--impl", clean, NULL);
  refused (&f, &r, "(conflict)");
  rfx_reg (&f, &r, "apply", 16, "--id", "CH000201", "--name", "child", "--class", "bank",
           "--tier", "2", "--parent", "CH000999", "--public-key", f.ch2_pub, "--role", "channel",
           "--impl", clean, NULL);
  refused (&f, &r, "(not_found)");
  rfx_reg (&f, &r, "apply", 16, "--id", "CH000201", "--name", "child", "--class", "bank",
           "--tier", "2", "--parent", "CH000101", "--public-key", f.ch2_pub, "--role", "channel",
           "--impl", clean, NULL);
  refused (&f, &r, "(channel_not_live)");
  rfx_reg (&f, &r, "apply", 16, "--id", "ch000201", "--name", "x", "--class", "bank", "--tier",
           "1", "--public-key", f.ch2_pub, "--role", "channel", "--impl", clean, NULL);
  rfx_expect (&r, 2, "malformed");
  rfx_reg (&f, &r, "apply", 16, "--id", "CH000201", "--name", "x", "--class", "shop", "--tier",
           "1", "--public-key", f.ch2_pub, "--role", "channel", "--impl", clean, NULL);
  rfx_expect (&r, 2, "--class");
  rfx_reg (&f, &r, "apply", 16, "--id", "CH000201", "--name", "x", "--class", "bank", "--tier",
           "1", "--public-key", f.iss_key, "--role", "channel", "--impl", clean, NULL);
  rfx_expect (&r, 2, "--public-key");
  rfx_reg (&f, &r, "apply", 16, "--id", "CH000201", "--name", "x", "--class", "bank", "--tier",
           "2", "--public-key", f.ch2_pub, "--role", "channel", "--impl", clean, NULL);
  rfx_expect (&r, 2, "--parent");
  g_autofree char *after2 = history_count (&f);
  g_assert_cmpstr (before, ==, after2);

  /* An implementation that cannot start: exit 2, nothing stored. */
  rfx_reg (&f, &r, "apply", 17, "--id", "CH000301", "--name", "坏渠道", "--class", "medical",
           "--tier", "1", "--public-key", f.ch2_pub, "--role", "channel", "--impl",
           "/nonexistent/adapter", NULL);
  rfx_expect (&r, 0, "applied");
  rfx_reg (&f, &r, "test", 18, "--id", "CH000301", "--key", f.iss_key, "--timeout-ms", "2000",
           NULL);
  rfx_expect (&r, 2, "could not be started");
  rfx_reg (&f, &r, "check", 19, NULL);
  rfx_expect (&r, 0, "intact");
  rfx_free (&f);
}

/* ---- usage ---------------------------------------------------------------------- */

static void
test_usage (void)
{
  RegFx f;
  FixtureRun r;
  rfx_new (&f, "usage");
  static const char *const subs[] = {
    "init", "apply", "test", "certify", "renew", "rectify", "suspend", "reinstate",
    "terminate", "revoke", "list", "show", "check", "publish",
  };
  rfx_essc (&f, &r, "registry", "--help", NULL);
  rfx_expect (&r, 0, "Subcommands:");
  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    {
      rfx_essc (&f, &r, "registry", subs[i], "--help", NULL);
      rfx_expect (&r, 0, "--now=YYYY-MM-DDTHH:MM:SSZ");
      rfx_essc (&f, &r, "registry", subs[i], NULL);
      rfx_expect (&r, 2, "--db FILE is required");
    }
  rfx_essc (&f, &r, "registry", NULL);
  rfx_expect (&r, 2, "Subcommands:");
  rfx_essc (&f, &r, "registry", "frobnicate", NULL);
  rfx_expect (&r, 2, "unknown subcommand 'frobnicate'");
  rfx_reg (&f, &r, "list", 0, "--now", "2020-13-01T00:00:00Z", NULL);
  rfx_expect (&r, 2, "--now: expected YYYY-MM-DDTHH:MM:SSZ after 1970 (month at byte 5)");
  rfx_reg (&f, &r, "init", 0, "--name", "x", NULL);
  rfx_expect (&r, 2, "--pub is required");
  rfx_reg (&f, &r, "init", 0, "--name", "x", "--pub", f.iss_key, NULL);
  rfx_expect (&r, 2, "--pub");
  g_assert_false (g_file_test (f.db, G_FILE_TEST_EXISTS));
  rfx_reg (&f, &r, "init", 0, "--name", "x", "--pub", f.iss_pub, "--actor", "bad\nactor", NULL);
  rfx_expect (&r, 2, "actor");
  g_assert_false (g_file_test (f.db, G_FILE_TEST_EXISTS));
  rfx_free (&f);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fixture_init ();
  g_test_add_func ("/registry/usage", test_usage);
  g_test_add_func ("/registry/lifecycle", test_lifecycle);
  g_test_add_func ("/registry/refusals/certify", test_refusals_certify);
  g_test_add_func ("/registry/refusals/status", test_refusals_status);
  return fixture_finish (g_test_run ());
}
