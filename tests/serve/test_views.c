/* SPDX-License-Identifier: MIT */
/*
 * Tests of the service's page renderers (serve/page.h, serve/views.h) and
 * static files (serve/static.h), in-process, no server: every page is
 * rendered from the actions' JSON shapes with hostile data (names and
 * labels made of HTML's special characters and a script tag, Chinese
 * names, bytes that are not UTF-8) and checked: the data shows escaped and
 * never raw; the page is whole (doctype, lang zh-CN, UTF-8, balanced
 * forms, tables and details); no inline script or style (the CSP forbids
 * them); every form carries the session's csrf field; the element ids the
 * browser test uses are there; a run page follows the run (noscript
 * refresh and live.js) only while it is not finished.
 */
#include "serve/page.h"
#include "serve/static.h"
#include "serve/views.h"
#include "tests/lib/testutil.h"

#include <string.h>

#define CSRF "csrf-0123456789abcdef"
#define HOSTILE "<script>alert(\"x\")</script> & 'q'"
#define HOSTILE_ESC "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"
#define ZH "支付宝电子社保卡"

static const ServePageFrame vendor_frame = {
  .title = "我的渠道 My channels", .who = "vendor:acme", .csrf = CSRF,
};
static const ServePageFrame staff_frame = {
  .title = "渠道 Channels", .who = "staff:li", .staff = TRUE, .csrf = CSRF,
};

static guint
count (const char *hay, const char *needle)
{
  guint n = 0;
  for (const char *p = strstr (hay, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* What every page must be: whole, UTF-8, no inline script or style, every
 * form with the csrf field of the session. */
static void
check_page (const char *html)
{
  g_assert_true (g_utf8_validate (html, -1, NULL));
  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n"));
  g_assert_nonnull (strstr (html, "<meta charset=\"utf-8\">"));
  g_assert_true (g_str_has_suffix (html, "</html>\n"));
  g_assert_cmpuint (count (html, "<main>"), ==, 1);
  g_assert_cmpuint (count (html, "</main>"), ==, 1);
  /* No inline script (every script tag has src) and no inline style. */
  g_assert_cmpuint (count (html, "<script"), ==, count (html, "<script src=\"/static/"));
  g_assert_null (strstr (html, "<style"));
  g_assert_null (strstr (html, " style="));
  g_assert_null (strstr (html, " on"  "click="));
  g_assert_null (strstr (html, "javascript:"));
  guint forms = count (html, "<form");
  g_assert_cmpuint (forms, ==, count (html, "</form>"));
  g_assert_cmpuint (forms, ==,
                    count (html, "<input type=\"hidden\" name=\"csrf\" value=\"" CSRF "\">"));
  g_assert_cmpuint (count (html, "<table"), ==, count (html, "</table>"));
  g_assert_cmpuint (count (html, "<details"), ==, count (html, "</details>"));
  g_assert_cmpuint (count (html, "<pre>"), ==, count (html, "</pre>"));
  /* Every form posts (no GET form leaks a csrf token into a URL). */
  g_assert_cmpuint (count (html, "<form method=\"post\""), ==, forms);
}

static void
has_id (const char *html, const char *id)
{
  g_autofree char *attr = g_strdup_printf (" id=\"%s\"", id);
  if (count (html, attr) != 1)
    g_error ("element id %s: %u times, expected once", id, count (html, attr));
}

static JsonNode *
parse (const char *json)
{
  g_autoptr (GError) error = NULL;
  JsonNode *n = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_nonnull (n);
  return n;
}

/* ---- page.h -------------------------------------------------------------------- */

static void
test_escape (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  serve_html_escape (out, HOSTILE);
  g_assert_cmpstr (out->str, ==, HOSTILE_ESC);
  g_string_truncate (out, 0);
  serve_html_escape (out, NULL);
  g_assert_cmpstr (out->str, ==, "");
  serve_html_escape (out, ZH);
  g_assert_cmpstr (out->str, ==, ZH);
  /* Bytes that are not UTF-8 become U+FFFD, never pass through. */
  g_string_truncate (out, 0);
  serve_html_escape (out, "a\xff<b\xc3");
  g_assert_true (g_utf8_validate (out->str, -1, NULL));
  g_assert_cmpstr (out->str, ==, "a\xef\xbf\xbd&lt;b\xef\xbf\xbd");
  g_string_truncate (out, 0);
  serve_html_time (out, 1590969600);
  g_assert_cmpstr (out->str, ==, "2020-06-01 00:00:00 UTC");
}

static void
test_frame (void)
{
  ServePageFrame f = { .title = HOSTILE, .who = "vendor:" ZH "\"<x>", .csrf = "\"><b>" };
  g_autofree char *html = serve_page_message (&f, 404, "no run 12 " HOSTILE);
  g_assert_null (strstr (html, "<script>"));
  g_assert_null (strstr (html, "<x>"));
  g_assert_null (strstr (html, "\"><b>"));
  g_assert_cmpuint (count (html, HOSTILE_ESC), ==, 3);   /* title, h1, message */
  g_assert_nonnull (strstr (html, "vendor:" ZH "&quot;&lt;x&gt;"));
  g_assert_nonnull (strstr (html, "name=\"csrf\" value=\"&quot;&gt;&lt;b&gt;\""));
  g_assert_nonnull (strstr (html, "role=\"alert\""));
  g_assert_nonnull (strstr (html, "action=\"/logout\""));
  g_assert_nonnull (strstr (html, "href=\"/static/style.css\""));
  g_assert_null (strstr (html, "/static/live.js"));
  g_assert_null (strstr (html, "refresh"));
  /* Nobody logged in: no logout form, a login link. */
  ServePageFrame anon = { .title = "登录 Log in", .csrf = CSRF };
  g_autofree char *login = serve_view_login (&anon, HOSTILE);
  check_page (login);
  g_assert_null (strstr (login, "/logout"));
  g_assert_nonnull (strstr (login, HOSTILE_ESC));
  has_id (login, "login-token");
  has_id (login, "login-submit");
  g_assert_nonnull (strstr (login, "type=\"password\" id=\"login-token\" name=\"token\""));
  g_assert_nonnull (strstr (login, "action=\"/login\""));
  g_autofree char *home = serve_view_home (&anon);
  check_page (home);
  g_assert_nonnull (strstr (home, "href=\"/public/\""));
}

static void
test_forms (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  serve_form_begin (out, "/x?a=1&b=2", "f", NULL, NULL);
  const char *values[] = { "a\"b", "c" };
  const char *labels[] = { "<A>", "C" };
  serve_form_select (out, "s", "s", "Label \"s\"", values, labels, 2, "a\"b");
  serve_form_textarea (out, "t", "t", "T", "\nline</textarea><script>", 3, TRUE);
  serve_form_end (out);
  g_assert_nonnull (strstr (out->str, "action=\"/x?a=1&amp;b=2\""));
  /* A session without a token: an empty csrf field (the server refuses it). */
  g_assert_nonnull (strstr (out->str, "name=\"csrf\" value=\"\""));
  g_assert_nonnull (strstr (out->str, "<option value=\"a&quot;b\" selected>&lt;A&gt;</option>"));
  g_assert_nonnull (strstr (out->str, "<option value=\"c\">C</option>"));
  g_assert_nonnull (strstr (out->str, "required>\n\nline&lt;/textarea&gt;&lt;script&gt;"
                                      "</textarea>"));
}

/* ---- the vendor's pages ------------------------------------------------------------ */

static const char CHANNEL[] =
  "{\"id\":\"CH000101\",\"name\":\"" ZH " <script>alert(\\\"x\\\")</script> & 'q'\","
  "\"class\":\"social\",\"tier\":1,\"parent_id\":null,\"status\":\"live\","
  "\"status_changed_at\":1590969600,\"role\":\"channel\","
  "\"endpoint\":\"http://127.0.0.1:9/\\\"><script>\",\"applied_at\":1590969000,"
  "\"vendor\":\"acme\",\"rectification_pending\":true,"
  "\"certificate\":{\"serial\":3,\"not_before\":1590969600,\"not_after\":1622505600,"
  "\"revoked\":false,\"in_force\":true},"
  "\"latest_run\":{\"id\":7,\"vendor\":\"acme\",\"channel\":\"CH000101\","
  "\"state\":\"not conformant\",\"finished\":true}}";

static void
test_channels (void)
{
  g_autofree char *list = g_strdup_printf ("[%s,{\"id\":\"CH000102\",\"name\":\"x\"},"
                                           "{\"no\":\"id\"},17]", CHANNEL);
  g_autoptr (JsonNode) n = parse (list);
  ServeApplyForm form = { .id = "CH0001\"", .name = HOSTILE, .klass = "bank", .tier = "2",
                          .public_key = "<pk>", .endpoint = "https://e.example/'",
                          .payment = "no" };
  g_autofree char *html = serve_view_channels (&vendor_frame, json_node_get_array (n), &form,
                                               "id taken: " HOSTILE);
  check_page (html);
  g_assert_null (strstr (html, "<script>"));
  g_assert_null (strstr (html, "<pk>"));
  g_assert_nonnull (strstr (html, ZH " " HOSTILE_ESC));
  g_assert_nonnull (strstr (html, "id taken: " HOSTILE_ESC));
  g_assert_nonnull (strstr (html, "value=\"CH0001&quot;\""));
  g_assert_nonnull (strstr (html, "https://e.example/&#39;"));
  /* The form's select keeps the class and tier given, shows the six classes. */
  g_assert_nonnull (strstr (html, "<option value=\"bank\" selected>"));
  g_assert_nonnull (strstr (html, "<option value=\"2\" selected>"));
  /* ... and the payment claim given (the profile tested), of two */
  g_assert_nonnull (strstr (html, "<option value=\"no\" selected>"));
  g_assert_nonnull (strstr (html, "id=\"channel-payment\""));
  g_assert_cmpuint (count (html, "<option"), ==, 6 + 2 + 2);
  g_assert_nonnull (strstr (html, "社会化平台 (social)"));
  for (guint i = 0; i < 8; i++)
    {
      static const char *const ids[] = { "channel-id", "channel-name", "channel-class",
                                         "channel-tier", "channel-public-key",
                                         "channel-endpoint", "channel-submit", "channels" };
      has_id (html, ids[i]);
    }
  g_assert_nonnull (strstr (html, "<textarea id=\"channel-public-key\" name=\"public_key\""));
  g_assert_nonnull (strstr (html, "<tr data-key=\"CH000101\">"));
  g_assert_nonnull (strstr (html, "<tr data-key=\"CH000102\">"));
  g_assert_nonnull (strstr (html, "href=\"/runs/7\""));
  g_assert_nonnull (strstr (html, "data-status=\"live\""));
  /* A channel without the members shows dashes, not a crash. */
  g_assert_cmpuint (count (html, "<tr data-key="), ==, 2);

  g_autofree char *empty = serve_view_channels (&vendor_frame, NULL, NULL, NULL);
  check_page (empty);
  has_id (empty, "no-channels");
  has_id (empty, "channel-submit");
}

static void
test_channel (void)
{
  g_autoptr (JsonNode) c = parse (CHANNEL);
  g_autoptr (JsonNode) runs = parse ("[{\"id\":8,\"state\":\"running\",\"done\":3,\"total\":40,"
                                     "\"finished\":false,\"report_id\":null},"
                                     "{\"id\":7,\"state\":\"conformant\",\"done\":40,"
                                     "\"total\":40,\"passed\":40,\"report_id\":2,"
                                     "\"finished\":true}]");
  g_autofree char *html = serve_view_channel (&vendor_frame, json_node_get_object (c),
                                              json_node_get_array (runs), "k\"1", NULL);
  check_page (html);
  g_assert_null (strstr (html, "<script>"));
  has_id (html, "run-start");
  g_assert_nonnull (strstr (html, "<input type=\"hidden\" name=\"idem\" value=\"k&quot;1\">"));
  has_id (html, "channel-certificate");
  g_assert_nonnull (strstr (html, "action=\"/channels/CH000101/runs\""));
  g_assert_nonnull (strstr (html, "<tr data-key=\"8\">"));
  g_assert_nonnull (strstr (html, "href=\"/runs/7/report\""));
  g_assert_null (strstr (html, "/runs/8/report"));
  g_assert_nonnull (strstr (html, "3 / 40"));
  g_assert_nonnull (strstr (html, "No. 3, 2020-06-01 00:00:00 UTC"));
  g_assert_nonnull (strstr (html, "rectification ordered"));
  g_assert_nonnull (strstr (html, "http://127.0.0.1:9/&quot;&gt;&lt;script&gt;"));

  /* A terminated channel: no start button.  A revoked certificate says so. */
  JsonObject *o = json_node_get_object (c);
  json_object_set_string_member (o, "status", "terminated");
  json_object_set_boolean_member (serve_json_obj (o, "certificate"), "revoked", TRUE);
  g_autofree char *term = serve_view_channel (&vendor_frame, o, NULL, NULL, HOSTILE);
  check_page (term);
  g_assert_null (strstr (term, "run-start"));
  has_id (term, "no-runs");
  g_assert_nonnull (strstr (term, "data-cert=\"revoked\""));
  g_assert_nonnull (strstr (term, "已终止"));
}

static const char TESTS[] =
  "[{\"idx\":1,\"test\":\"id.valid\",\"verdict\":\"pass\",\"requirement\":\"ID-1\","
  "\"diagnostic\":{},\"transcript\":[{\"dir\":\">\",\"msg\":{\"op\":\"hello\"}}]},"
  "{\"idx\":2,\"test\":\"<img src=x onerror=alert(1)>\",\"verdict\":\"fail\","
  "\"requirement\":\"QR-2\",\"diagnostic\":{\"expected\":\"</pre><script>\",\"got\":\"" ZH "\","
  "\"reason\":null,\"step\":3},"
  "\"transcript\":[\"line </details>\",{\"x\":\"<b>\"},{\"test\":\"t\",\"dir\":\"send\","
  "\"t_ms\":58.612000000000002,\"line\":\"{\\\"op\\\":\\\"<hello>\\\"}\"},"
  "{\"dir\":\"close\",\"line\":\"\"}]},"
  "{\"idx\":3,\"test\":\"pin.lockout\",\"verdict\":\"not_implemented\"}]";

static void
test_run (void)
{
  g_autoptr (JsonNode) tests = parse (TESTS);
  g_autoptr (JsonNode) running = parse ("{\"id\":12,\"vendor\":\"acme\",\"channel\":"
                                        "\"CH000101\",\"state\":\"running\",\"created_at\":1,"
                                        "\"started_at\":2,\"finished_at\":null,\"done\":3,"
                                        "\"total\":40,\"report_id\":null,\"message\":null,"
                                        "\"finished\":false}");
  ServePageFrame f = vendor_frame;
  f.title = "测试 Run 12";
  g_autofree char *live = serve_view_run (&f, json_node_get_object (running), NULL);
  check_page (live);
  g_assert_nonnull (strstr (live, "<noscript><meta http-equiv=\"refresh\" content=\"2\">"
                                  "</noscript>"));
  g_assert_nonnull (strstr (live, "<script src=\"/static/live.js\" defer></script>"));
  g_assert_nonnull (strstr (live, "data-events=\"/runs/12/events\" data-finished=\"0\""));
  has_id (live, "run");
  has_id (live, "run-state");
  has_id (live, "run-progress");
  has_id (live, "run-bar");
  has_id (live, "results");
  g_assert_nonnull (strstr (live, "<span id=\"run-state\" class=\"state s-running\">running"
                                  "</span>"));
  g_assert_nonnull (strstr (live, "<span id=\"run-progress\">3 / 40</span>"));
  g_assert_null (strstr (live, "run-report"));

  g_autoptr (JsonNode) done = parse ("{\"id\":12,\"channel\":\"CH000101\",\"state\":"
                                     "\"not conformant\",\"done\":3,\"total\":3,\"passed\":1,"
                                     "\"failed\":1,\"skipped\":0,\"report_id\":5,"
                                     "\"message\":\"worker said <b>\",\"finished\":true}");
  g_autofree char *html = serve_view_run (&f, json_node_get_object (done),
                                          json_node_get_array (tests));
  check_page (html);
  g_assert_null (strstr (html, "refresh"));
  g_assert_null (strstr (html, "live.js"));
  g_assert_nonnull (strstr (html, "data-finished=\"1\""));
  g_assert_null (strstr (html, "<img"));
  g_assert_null (strstr (html, "<b>"));
  g_assert_null (strstr (html, "<script>"));
  g_assert_cmpuint (count (html, "<tr data-key="), ==, 3);
  g_assert_nonnull (strstr (html, "data-test=\"id.valid\" data-verdict=\"pass\""));
  g_assert_nonnull (strstr (html, "data-test=\"&lt;img src=x onerror=alert(1)&gt;\" "
                                  "data-verdict=\"fail\""));
  g_assert_nonnull (strstr (html, "data-test=\"pin.lockout\" data-verdict=\"not_implemented\""));
  /* The diagnostic (not the empty one) and the transcripts, each in details. */
  g_assert_cmpuint (count (html, "<details class=\"diagnostic\">"), ==, 1);
  g_assert_cmpuint (count (html, "<details class=\"transcript\">"), ==, 2);
  g_assert_nonnull (strstr (html, "Transcript (4)"));
  g_assert_nonnull (strstr (html, "&lt;/pre&gt;&lt;script&gt;"));
  g_assert_nonnull (strstr (html, ZH));
  g_assert_nonnull (strstr (html, "line &lt;/details&gt;\n"));
  /* Transcript records as "DIR  T ms  LINE"; the diagnostic without its nulls. */
  g_assert_nonnull (strstr (html, "\nsend       58.6 ms  {&quot;op&quot;:&quot;&lt;hello&gt;&quot;}\n"));
  g_assert_nonnull (strstr (html, "\nclose  \n"));
  g_assert_nonnull (strstr (html, "&quot;step&quot; : 3"));
  g_assert_null (strstr (html, "&quot;reason&quot;"));
  g_assert_nonnull (strstr (html, "class=\"verdict v-fail\""));
  g_assert_nonnull (strstr (html, "href=\"/runs/12/report\" download"));
  g_assert_nonnull (strstr (html, "href=\"/runs/12/report.sig\" download"));
  g_assert_nonnull (strstr (html, "worker said &lt;b&gt;"));
  g_assert_nonnull (strstr (html, "class=\"state s-not-conformant\">not conformant"));
}

/* ---- the staff's pages --------------------------------------------------------------- */

static void
test_staff (void)
{
  g_autofree char *list = g_strdup_printf ("[%s,{\"id\":\"CH000102\",\"name\":\"" ZH "\","
                                           "\"status\":\"applied\",\"vendor\":null}]", CHANNEL);
  g_autoptr (JsonNode) n = parse (list);
  g_autofree char *html = serve_view_staff (&staff_frame, json_node_get_array (n),
                                            "certified CH000101", HOSTILE);
  check_page (html);
  g_assert_null (strstr (html, "<script>"));
  g_assert_nonnull (strstr (html, HOSTILE_ESC));
  g_assert_nonnull (strstr (html, "href=\"/staff/tokens\""));
  g_assert_nonnull (strstr (html, "href=\"/staff/history\""));
  static const char *const acts[] = { "certify", "rectify", "suspend", "reinstate",
                                      "terminate", "revoke" };
  static const char *const chans[] = { "CH000101", "CH000102" };
  for (guint c = 0; c < 2; c++)
    {
      g_autofree char *reason = g_strdup_printf ("reason-%s", chans[c]);
      has_id (html, reason);
      for (guint a = 0; a < G_N_ELEMENTS (acts); a++)
        {
          g_autofree char *id = g_strdup_printf ("staff-%s-%s", acts[a], chans[c]);
          g_autofree char *act = g_strdup_printf ("formaction=\"/staff/channels/%s/%s\"",
                                                  chans[c], acts[a]);
          has_id (html, id);
          g_assert_cmpuint (count (html, act), ==, 1);
        }
    }
  /* One form per channel, whose first button (implicit submission: Enter)
   * is disabled. */
  g_assert_cmpuint (count (html, "<form"), ==, 2 + 1);   /* and logout */
  g_assert_cmpuint (count (html, "<button type=\"submit\" disabled hidden"), ==, 2);
  const char *form = strstr (html, "id=\"staff-CH000101\"");
  g_assert_nonnull (form);
  const char *first = strstr (form, "<button");
  g_assert_true (g_str_has_prefix (first, "<button type=\"submit\" disabled"));
  g_assert_nonnull (strstr (html, "data-status=\"applied\""));
  g_assert_nonnull (strstr (html, "certified CH000101"));
}

static void
test_tokens (void)
{
  g_autoptr (JsonNode) n = parse ("[{\"id\":\"0123456789ab\",\"role\":\"vendor\",\"subject\":"
                                  "\"acme\",\"label\":\"" ZH " <i>\",\"issued_at\":1590969600,"
                                  "\"issued_by\":\"staff:li\",\"revoked_at\":null,"
                                  "\"revoke_reason\":null},{\"id\":\"ba9876543210\",\"role\":"
                                  "\"vendor\",\"subject\":\"other\",\"label\":\"\","
                                  "\"issued_at\":1,\"issued_by\":\"cli\",\"revoked_at\":5,"
                                  "\"revoke_reason\":\"leaked <b>\"}]");
  const char *token = "essc_0123456789ab_"
                      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  g_autofree char *html = serve_view_tokens (&staff_frame, json_node_get_array (n), token,
                                             "acme\"", NULL, NULL);
  check_page (html);
  has_id (html, "token-vendor");
  has_id (html, "token-label");
  has_id (html, "token-submit");
  has_id (html, "new-token");
  g_autofree char *shown = g_strdup_printf ("id=\"new-token\">%s</p>", token);
  g_assert_nonnull (strstr (html, shown));
  g_assert_nonnull (strstr (html, "value=\"acme&quot;\""));
  g_assert_null (strstr (html, "<i>"));
  g_assert_null (strstr (html, "<b>"));
  g_assert_nonnull (strstr (html, ZH " &lt;i&gt;"));
  /* A revoke form for the live token only. */
  has_id (html, "token-revoke-0123456789ab");
  g_assert_null (strstr (html, "token-revoke-ba9876543210"));
  g_assert_nonnull (strstr (html, "action=\"/staff/tokens/0123456789ab/revoke\""));
  g_assert_nonnull (strstr (html, "leaked &lt;b&gt;"));
  /* The page without a new token does not show one. */
  g_autofree char *plain = serve_view_tokens (&staff_frame, NULL, NULL, NULL, NULL, "bad vendor");
  check_page (plain);
  g_assert_null (strstr (plain, "new-token\""));
  has_id (plain, "no-tokens");
}

static void
test_history (void)
{
  GString *json = g_string_new ("[");
  for (guint i = 0; i < 250; i++)
    g_string_append_printf (json, "%s{\"seq\":%u,\"time\":%u,\"actor\":\"staff:%s\","
                            "\"action\":\"channel.status\",\"payload\":{\"id\":\"CH000101\","
                            "\"reason\":\"<script>%u\",\"blake2b\":\"%064u\",\"n\":[1,2],"
                            "\"o\":{\"a\":1},\"t\":true}}",
                            i ? "," : "", i, 1590969600 + i, i == 249 ? ZH "<x>" : "li", i, i);
  g_string_append (json, "]");
  g_autoptr (JsonNode) n = parse (json->str);
  g_string_free (json, TRUE);
  ServePageFrame f = staff_frame;
  f.title = "历史 History";
  g_autofree char *html = serve_view_history (&f, json_node_get_array (n), G_MAXUINT64, 0);
  check_page (html);
  g_assert_null (strstr (html, "<script>"));
  g_assert_null (strstr (html, "<x>"));
  g_assert_cmpuint (count (html, "<tr data-key="), ==, 200);
  /* Newest first; the older ones behind a link. */
  const char *newest = strstr (html, "<tr data-key=\"249\">");
  const char *older = strstr (html, "<tr data-key=\"50\">");
  g_assert_nonnull (newest);
  g_assert_nonnull (older);
  g_assert_true (newest < older);
  g_assert_null (strstr (html, "<tr data-key=\"49\">"));
  g_assert_nonnull (strstr (html, "href=\"/staff/history?before=50\""));
  g_assert_nonnull (strstr (html, "staff:" ZH "&lt;x&gt;"));
  g_assert_nonnull (strstr (html, "reason=&lt;script&gt;249"));

  g_autofree char *rest = serve_view_history (&f, json_node_get_array (n), 50, 0);
  check_page (rest);
  g_assert_cmpuint (count (rest, "<tr data-key="), ==, 50);
  g_assert_null (strstr (rest, "history-older"));

  /* The summary: long values cut, nested ones abbreviated. */
  JsonObject *e = serve_json_elem (json_node_get_array (n), 3);
  g_autofree char *s = serve_view_payload_summary (json_object_get_member (e, "payload"));
  g_assert_cmpstr (s, ==, "id=CH000101 reason=<script>3 blake2b=0000000000000000\u2026 n=[2] "
                          "o={\u2026} t=true");
  g_autoptr (JsonNode) big = json_node_new (JSON_NODE_OBJECT);
  JsonObject *bo = json_object_new ();
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *k = g_strdup_printf ("member%02u", i);
      json_object_set_string_member (bo, k, "中文");
    }
  json_node_take_object (big, bo);
  g_autofree char *cut = serve_view_payload_summary (big);
  g_assert_cmpint (g_utf8_strlen (cut, -1), ==, 301);
  g_assert_true (g_str_has_suffix (cut, "\u2026"));
  g_assert_true (g_utf8_validate (cut, -1, NULL));
}

/* ---- static files --------------------------------------------------------------------- */

static void
test_static (void)
{
  const ServeStatic *css = serve_static_find ("/static/style.css");
  const ServeStatic *js = serve_static_find ("/static/live.js");
  g_assert_nonnull (css);
  g_assert_nonnull (js);
  g_assert_cmpstr (css->content_type, ==, "text/css; charset=utf-8");
  g_assert_cmpstr (js->content_type, ==, "text/javascript; charset=utf-8");
  g_assert_cmpuint (css->len, ==, strlen (css->body));
  g_assert_cmpuint (js->len, ==, strlen (js->body));
  g_assert_null (serve_static_find ("/static/../static/style.css"));
  g_assert_null (serve_static_find ("/static/"));
  g_assert_null (serve_static_find ("/static/style.css/"));
  /* CJK fonts first; the verdict colours of the conformance report. */
  g_assert_nonnull (strstr (css->body, "font-family:'Noto Sans CJK SC'"));
  g_assert_nonnull (strstr (css->body, ".v-pass,.s-conformant{color:#2e7d32}"));
  /* The script writes text, never markup, and reads the page's hooks. */
  g_assert_null (strstr (js->body, "innerHTML"));
  g_assert_null (strstr (js->body, "eval("));
  g_assert_nonnull (strstr (js->body, "textContent"));
  g_assert_nonnull (strstr (js->body, "new EventSource(run.dataset.events)"));
  g_assert_nonnull (strstr (js->body, "getElementById('run-state')"));
  g_assert_nonnull (strstr (js->body, "getElementById('run-progress')"));
  g_assert_nonnull (strstr (js->body, "getElementById('results')"));
  g_assert_nonnull (strstr (js->body, "addEventListener('progress'"));
  g_assert_nonnull (strstr (js->body, "addEventListener('state'"));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/serve/views/escape", test_escape);
  g_test_add_func ("/serve/views/frame", test_frame);
  g_test_add_func ("/serve/views/forms", test_forms);
  g_test_add_func ("/serve/views/channels", test_channels);
  g_test_add_func ("/serve/views/channel", test_channel);
  g_test_add_func ("/serve/views/run", test_run);
  g_test_add_func ("/serve/views/staff", test_staff);
  g_test_add_func ("/serve/views/tokens", test_tokens);
  g_test_add_func ("/serve/views/history", test_history);
  g_test_add_func ("/serve/views/static", test_static);
  return g_test_run ();
}
