/* SPDX-License-Identifier: MIT */
/*
 * Tests of the HTTP(S) transport (conformance/transport_http.c, through
 * conformance/client.h and the essc binary), of `essc impl --listen` and of
 * `essc conform --transcript`:
 *   - each reference role served with `essc impl --listen 127.0.0.1:0` passes
 *     the whole suite over HTTP and over HTTPS (a test CA made with openssl,
 *     given with --ca) with the same per-test verdicts as over the pipe;
 *   - one connection is kept alive across the requests of a client;
 *   - one test per hostile server (threads of this binary): no answer, slow
 *     drip, huge body, chunked forever, wrong content type, a reset in the
 *     middle of the body, a TLS handshake with something that is not TLS, an
 *     untrusted certificate, a redirect, a refused connection, HTTP 500, 501
 *     and 404, a body that is not JSON, a wrong id, an answer that is not
 *     HTTP; each asserts the failure class, the diagnostic, that it came
 *     within the deadline (--timeout-ms 400 plus a margin), that the client
 *     is dead afterwards, and that no descriptor and little memory stayed;
 *   - a TLS client certificate is presented when a server requires one;
 *   - a whole run against a failing service goes on with a new connection
 *     and hello per test and stops after 10 failures in a row;
 *   - the transcript: its format over both transports (the same messages),
 *     its escaping, and what is left of it when the runner is killed;
 *   - `essc impl --listen`'s answers to HTTP-level mistakes, and usage errors.
 */
#include "conformance/client.h"
#include "conformance/transcript.h"
#include "tests/lib/http_fixture.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

/*
 * In the sanitizer build (make check SANITIZE=1), LeakSanitizer (GCC 12's,
 * with glibc 2.36) crashes at exit ("Tracer caught signal 11") when it walks
 * the dynamic TLS of the GnuTLS module that GIO loads for TLS.  So the
 * processes that use TLS, this binary among them, run with ASan and UBSan
 * but without the leak check; plain HTTP runs keep it.
 */
#ifdef __SANITIZE_ADDRESS__
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "detect_leaks=0";
}
#endif

/* "ASAN_OPTIONS=detect_leaks=0 " for a command line that uses TLS in the
 * sanitizer build, else "". */
static const char *
tls_env (void)
{
  return g_getenv ("ESSC_SANITIZE") != NULL ? "ASAN_OPTIONS=detect_leaks=0 " : "";
}

/* The deadline of the hostile tests, and what a failure may take beyond it
 * (2 cores, make check runs two test binaries at once). */
#define TIMEOUT_MS 400
#define MARGIN_MS 600

static FxPki *pki;
static GTlsCertificate *server_tls;  /* the server certificate of pki */
static GTlsDatabase *ca_db;          /* pki's CA, to check client certificates */

static void
assert_contains (const char *text, const char *needle)
{
  if (text == NULL || strstr (text, needle) == NULL)
    g_error ("'%s' not in '%s'", needle, text ? text : "(null)");
}

static gint64
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000;
}

static guint
open_fds (void)
{
  g_autoptr (GDir) d = g_dir_open ("/proc/self/fd", 0, NULL);
  g_assert_nonnull (d);
  guint n = 0;
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* The "ok ..." and "not ok ..." lines of a TAP text, one string. */
static char *
tap_results (const char *tap)
{
  g_auto (GStrv) lines = g_strsplit (tap, "\n", -1);
  GString *s = g_string_new (NULL);
  for (int i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "ok ") || g_str_has_prefix (lines[i], "not ok "))
      g_string_append_printf (s, "%s\n", lines[i]);
  return g_string_free (s, FALSE);
}

/* ---- (a) the reference roles over HTTP and HTTPS -------------------------- */

static void
test_suite (gconstpointer data)
{
  const char *role = data;
  g_autofree char *essc = essc_test_sh_bin ();

  EsscTestRun pipe = essc_test_run_sh ("%s conform --role %s --impl '%s impl --role %s'", essc,
                                       role, essc, role);
  g_assert_cmpint (pipe.status, ==, 0);
  g_autofree char *want = tap_results (pipe.out);
  g_assert_cmpuint (strlen (want), >, 100);

  FxImplServer *plain = fx_impl_server_start (role, NULL);
  g_assert_true (g_str_has_prefix (fx_impl_server_url (plain), "http://127.0.0.1:"));
  EsscTestRun http = essc_test_run_sh ("%s conform --role %s --impl '%s'", essc, role,
                                       fx_impl_server_url (plain));
  g_assert_cmpint (http.status, ==, 0);
  g_autofree char *got_http = tap_results (http.out);
  g_assert_cmpstr (got_http, ==, want);
  g_autofree char *err = NULL;
  g_assert_cmpint (fx_impl_server_stop (plain, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");

  const char *tls_args[] = { "--path", "/essc/v1", "--tls-cert", pki->server_cert,
                             "--tls-key", pki->server_key, NULL };
  FxImplServer *tls = fx_impl_server_start (role, tls_args);
  g_assert_true (g_str_has_prefix (fx_impl_server_url (tls), "https://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (fx_impl_server_url (tls), "/essc/v1"));
  /* A client certificate the server does not ask for changes nothing. */
  g_autofree char *client = g_strdup_printf ("--client-cert '%s' --client-key '%s'",
                                             pki->client_cert, pki->client_key);
  EsscTestRun https = essc_test_run_sh ("%s%s conform --role %s --impl '%s' --ca '%s' %s",
                                        tls_env (), essc, role, fx_impl_server_url (tls), pki->ca,
                                        strcmp (role, "channel") == 0 ? client : "");
  g_assert_cmpint (https.status, ==, 0);
  g_autofree char *got_https = tap_results (https.out);
  g_assert_cmpstr (got_https, ==, want);
  assert_contains (https.out, "conformant");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (fx_impl_server_stop (tls, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");

  essc_test_run_clear (&pipe);
  essc_test_run_clear (&http);
  essc_test_run_clear (&https);
}

/* ---- keep-alive -------------------------------------------------------------- */

static void
test_keep_alive (void)
{
  FxHostile *h = fx_hostile_start (FX_HOSTILE_GOOD, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfClient) c = conf_client_open (fx_hostile_url (h), "verifier", 5000, NULL,
                                               &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conf_client_name (c), ==, "hostile");
  g_assert_cmpstr (conf_client_role (c), ==, "verifier");
  g_assert_cmpint (conf_client_pid (c), ==, 0);
  g_assert_null (conf_client_stderr_tail (c));
  for (int i = 0; i < 5; i++)
    {
      g_auto (ConfCallResult) r = { 0 };
      g_assert_true (conf_client_call (c, "echo", NULL, &r, &error));
      g_assert_no_error (error);
      g_assert_true (r.ok);
      g_assert_cmpint (r.id, ==, i + 2);
      g_assert_cmpstr (json_object_get_string_member (r.result, "op"), ==, "echo");
    }
  conf_client_stop (c);
  g_assert_false (conf_client_alive (c));
  g_assert_null (conf_client_exit (c));
  g_assert_cmpuint (fx_hostile_connections (h), ==, 1);
  g_assert_cmpuint (fx_hostile_hellos (h), ==, 1);
  g_assert_cmpuint (fx_hostile_requests (h), ==, 6); /* 5 echo and bye */
  fx_hostile_stop (h);
}

/* ---- (b) hostile servers ------------------------------------------------------ */

typedef struct {
  const char *path;
  FxHostileMode mode;
  gboolean tls;          /* the server speaks TLS with the test server certificate */
  const char *ca;        /* "ca", "other" or NULL: --ca of the client */
  gboolean at_hello;     /* the failure is the handshake's: conf_client_open fails */
  gboolean refused;      /* no server at all */
  ConfCallFailure failure;
  const char *needle;
  gboolean waits;        /* the failure is the deadline */
  gboolean big;          /* the server sends much: check the memory */
} HostileCase;

static const HostileCase hostile_cases[] = {
  { "/http/hostile/no-answer", FX_HOSTILE_SILENT, .failure = CONF_CALL_TIMEOUT,
    .needle = "no response to 'echo' (id 2) within 400 ms (request sent, no response "
              "headers)", .waits = TRUE },
  { "/http/hostile/slow-drip", FX_HOSTILE_SLOW_DRIP, .failure = CONF_CALL_TIMEOUT,
    .needle = "no complete response to 'echo' (id 2) within 400 ms (HTTP 200, ",
    .waits = TRUE },
  { "/http/hostile/huge-body", FX_HOSTILE_HUGE_LENGTH, .failure = CONF_CALL_PROTOCOL,
    .needle = "the response to 'echo' (id 2) is over-long (Content-Length 100000000, more "
              "than 1048576 bytes)", .big = TRUE },
  { "/http/hostile/chunked-forever", FX_HOSTILE_CHUNKED_FOREVER, .failure = CONF_CALL_PROTOCOL,
    .needle = "the response to 'echo' (id 2) is over-long (more than 1048576 bytes)",
    .big = TRUE },
  { "/http/hostile/wrong-content-type", FX_HOSTILE_WRONG_TYPE, .failure = CONF_CALL_PROTOCOL,
    .needle = "the response to 'echo' (id 2) has Content-Type \"text/html\", not "
              "application/json" },
  { "/http/hostile/reset-mid-body", FX_HOSTILE_RESET_MID_BODY, .failure = CONF_CALL_NETWORK,
    .needle = "broke after 10 bytes of the response body to 'echo' (id 2)" },
  { "/http/hostile/tls-handshake-failure", FX_HOSTILE_GARBAGE, .tls = TRUE, .ca = "ca",
    .at_hello = TRUE, .failure = CONF_CALL_NETWORK,
    .needle = "the TLS handshake with 127.0.0.1:" },
  { "/http/hostile/untrusted-certificate", FX_HOSTILE_GOOD, .tls = TRUE, .at_hello = TRUE,
    .failure = CONF_CALL_NETWORK,
    .needle = "is not trusted, so 'hello' (id 1) was not sent: it is not signed by a trusted "
              "authority (give a private CA with --ca)" },
  { "/http/hostile/certificate-of-another-ca", FX_HOSTILE_GOOD, .tls = TRUE, .ca = "other",
    .at_hello = TRUE, .failure = CONF_CALL_NETWORK, .needle = "is not trusted" },
  { "/http/hostile/redirect", FX_HOSTILE_REDIRECT, .failure = CONF_CALL_PROTOCOL,
    .needle = "answered 'echo' (id 2) with HTTP 302 \"Found\", a redirect to "
              "\"http://elsewhere.invalid/essc\" (redirects are not followed)" },
  { "/http/hostile/connection-refused", .refused = TRUE, .at_hello = TRUE,
    .failure = CONF_CALL_NETWORK, .needle = "refused, so 'hello' (id 1) was not sent" },
  { "/http/hostile/status-500", FX_HOSTILE_STATUS_500, .failure = CONF_CALL_CRASH,
    .needle = "the service answered 'echo' (id 2) with HTTP 500 \"Internal Server Error\"" },
  { "/http/hostile/status-501", FX_HOSTILE_STATUS_501, .failure = CONF_CALL_NOT_IMPLEMENTED,
    .needle = "with HTTP 501 \"Not Implemented\"" },
  { "/http/hostile/status-404", FX_HOSTILE_STATUS_404, .failure = CONF_CALL_PROTOCOL,
    .needle = "with HTTP 404 \"Not Found\"" },
  { "/http/hostile/not-json", FX_HOSTILE_NOT_JSON, .failure = CONF_CALL_PROTOCOL,
    .needle = "the response to 'echo' (id 2) is not a JSON object" },
  { "/http/hostile/wrong-id", FX_HOSTILE_WRONG_ID, .failure = CONF_CALL_PROTOCOL,
    .needle = "carries id 1002, expected 2" },
  { "/http/hostile/not-http", FX_HOSTILE_GARBAGE, .at_hello = TRUE,
    .failure = CONF_CALL_PROTOCOL, .needle = "is not an HTTP response" },
};

/* Brings GLib's and GnuTLS's lazily opened descriptors into being. */
static void
warm_up (void)
{
  FxHostile *h = fx_hostile_start (FX_HOSTILE_GOOD, server_tls, NULL);
  ConfClientOptions o = { .ca_file = pki->ca };
  g_autoptr (GError) error = NULL;
  ConfClient *c = conf_client_open (fx_hostile_url (h), "channel", 5000, &o, &error);
  g_assert_no_error (error);
  conf_client_free (c);
  fx_hostile_stop (h);
}

static void
test_hostile (gconstpointer data)
{
  const HostileCase *k = data;
  warm_up ();
  guint fds = open_fds ();
  gsize rss = fx_rss_kib ();

  FxHostile *h = NULL;
  g_autofree char *url = NULL;
  if (k->refused)
    url = g_strdup_printf ("http://127.0.0.1:%u/essc", fx_free_port ());
  else
    {
      h = fx_hostile_start (k->mode, k->tls ? server_tls : NULL, NULL);
      url = g_strdup (fx_hostile_url (h));
    }
  ConfClientOptions o = { 0 };
  if (k->ca != NULL)
    o.ca_file = strcmp (k->ca, "ca") == 0 ? pki->ca : pki->other_ca;

  g_autoptr (GError) error = NULL;
  ConfClient *c = NULL;
  gint64 t0 = g_get_monotonic_time ();
  if (k->at_hello)
    g_assert_null (c = conf_client_open (url, "channel", TIMEOUT_MS, &o, &error));
  else
    {
      c = conf_client_open (url, "channel", TIMEOUT_MS, &o, &error);
      g_assert_no_error (error);
      g_auto (ConfCallResult) r = { 0 };
      t0 = g_get_monotonic_time ();
      g_assert_false (conf_client_call (c, "echo", NULL, &r, &error));
      g_assert_null (r.result);
    }
  gint64 took = ms_since (t0);
  g_test_message ("%s: %" G_GINT64_FORMAT " ms: %s", k->path, took,
                  error ? error->message : "(no error)");
  g_assert_error (error, CONF_CLIENT_ERROR, (int) k->failure);
  g_assert_true (g_str_has_prefix (error->message, conf_call_failure_name (k->failure)));
  g_assert_cmpuint (strcspn (error->message, "\n"), ==, strlen (error->message));
  assert_contains (error->message, k->needle);
  if (k->waits)
    g_assert_cmpint (took, >=, TIMEOUT_MS - 5);
  g_assert_cmpint (took, <, k->waits ? TIMEOUT_MS + MARGIN_MS : TIMEOUT_MS);

  if (c != NULL)
    {
      /* Dead: the next call fails at once with the same class. */
      g_clear_error (&error);
      g_auto (ConfCallResult) r = { 0 };
      t0 = g_get_monotonic_time ();
      g_assert_false (conf_client_alive (c));
      g_assert_false (conf_client_call (c, "echo", NULL, &r, &error));
      g_assert_cmpint (ms_since (t0), <, 50);
      g_assert_error (error, CONF_CLIENT_ERROR, (int) k->failure);
      assert_contains (error->message, "no longer running");
      conf_client_free (c);
    }
  if (h != NULL)
    {
      g_assert_cmpuint (fx_hostile_connections (h), ==, 1);
      g_assert_cmpuint (fx_hostile_requests (h), ==, k->at_hello ? 0 : 1);
      fx_hostile_stop (h);
    }
  /* No descriptor left open: a leak stays, while a socket another thread is
   * still closing (a loaded machine) goes within a second. */
  for (int t = 0; t < 100 && open_fds () != fds; t++)
    g_usleep (10 * 1000);
  g_assert_cmpuint (open_fds (), ==, fds);
  if (k->big)
    g_assert_cmpuint (fx_rss_kib (), <, rss + 16 * 1024);
}

/* ---- TLS client certificates ------------------------------------------------- */

static void
test_client_certificate (void)
{
  FxHostile *h = fx_hostile_start (FX_HOSTILE_GOOD, server_tls, ca_db);
  g_autoptr (GError) error = NULL;

  ConfClientOptions without = { .ca_file = pki->ca };
  g_assert_null (conf_client_open (fx_hostile_url (h), "channel", 2000, &without, &error));
  g_test_message ("without: %s", error->message);
  g_assert_error (error, CONF_CLIENT_ERROR, CONF_CALL_NETWORK);
  assert_contains (error->message, "'hello' (id 1)");
  g_clear_error (&error);
  g_assert_cmpuint (fx_hostile_client_certs (h), ==, 0);

  ConfClientOptions with = { .ca_file = pki->ca, .client_cert = pki->client_cert,
                             .client_key = pki->client_key };
  g_autoptr (ConfClient) c = conf_client_open (fx_hostile_url (h), "channel", 2000, &with,
                                               &error);
  g_assert_no_error (error);
  g_auto (ConfCallResult) r = { 0 };
  g_assert_true (conf_client_call (c, "echo", NULL, &r, &error));
  g_assert_cmpuint (fx_hostile_client_certs (h), ==, 1);
  g_assert_cmpuint (fx_hostile_hellos (h), ==, 1);

  /* Files that cannot be used: the client cannot start. */
  ConfClientOptions bad = { .ca_file = pki->ca, .client_cert = pki->client_cert,
                            .client_key = pki->ca };
  g_assert_null (conf_client_open (fx_hostile_url (h), "channel", 2000, &bad, &error));
  g_assert_error (error, CONF_CLIENT_ERROR, CONF_CALL_START);
  assert_contains (error->message, "--client-cert");
  g_clear_error (&error);
  ConfClientOptions no_ca = { .ca_file = pki->client_key };
  g_assert_null (conf_client_open (fx_hostile_url (h), "channel", 2000, &no_ca, &error));
  g_assert_error (error, CONF_CLIENT_ERROR, CONF_CALL_START);
  assert_contains (error->message, "--ca");
  fx_hostile_stop (h);
}

/* ---- whole runs through the essc binary -------------------------------------- */

/* The lines of a transcript, each parsed (JsonObject, one reference). */
static GPtrArray *
read_transcript (const char *path)
{
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (*text == '\0' || g_str_has_suffix (text, "\n"));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *a = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  double last_t = 0;
  for (int i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_autoptr (JsonParser) p = json_parser_new ();
      g_autoptr (GError) error = NULL;
      if (!json_parser_load_from_data (p, lines[i], -1, &error))
        g_error ("%s line %d: %s: %s", path, i + 1, error->message, lines[i]);
      JsonObject *o = json_node_get_object (json_parser_get_root (p));
      g_assert_true (json_object_has_member (o, "test"));
      const char *dir = json_object_get_string_member (o, "dir");
      g_assert_true (strcmp (dir, "open") == 0 || strcmp (dir, "send") == 0
                     || strcmp (dir, "recv") == 0 || strcmp (dir, "fail") == 0);
      double t = json_object_get_double_member (o, "t_ms");
      g_assert_cmpfloat (t, >=, last_t);
      last_t = t;
      g_assert_nonnull (json_object_get_string_member (o, "line"));
      g_ptr_array_add (a, json_object_ref (o));
    }
  return a;
}

static const char *
member (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  return n == NULL || JSON_NODE_HOLDS_NULL (n) ? NULL : json_node_get_string (n);
}

/* The lines of one direction, joined. */
static char *
lines_of (GPtrArray *t, const char *dir)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < t->len; i++)
    if (strcmp (member (t->pdata[i], "dir"), dir) == 0)
      g_string_append_printf (s, "%s\n", member (t->pdata[i], "line"));
  return g_string_free (s, FALSE);
}

/* A service that answers hello but fails every other request with HTTP 500:
 * each test gets a new connection and hello, then fails as a crash; after
 * 10 in a row the rest are not run. */
static void
test_run_dead_in_a_row (void)
{
  g_autofree char *essc = essc_test_sh_bin ();
  g_autofree char *dir = essc_test_make_tmpdir ("essc-http-XXXXXX");
  g_autofree char *tr = g_build_filename (dir, "t.jsonl", NULL);
  FxHostile *h = fx_hostile_start (FX_HOSTILE_STATUS_500, NULL, NULL);
  g_autofree char *url = g_strdup (fx_hostile_url (h));
  EsscTestRun r = essc_test_run_sh ("%s conform --role verifier --impl '%s' --timeout-ms %d "
                                    "--transcript '%s'",
                                    essc, url, TIMEOUT_MS, tr);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpuint (fx_hostile_connections (h), ==, 10);
  g_assert_cmpuint (fx_hostile_hellos (h), ==, 10);
  g_assert_cmpuint (fx_hostile_requests (h), ==, 10); /* one reset each */
  fx_hostile_stop (h);

  guint crashes = 0;
  g_auto (GStrv) lines = g_strsplit (r.out, "\n", -1);
  for (int i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "crash: the service answered 'reset' (id 2) with HTTP 500") != NULL)
      crashes++;
  g_assert_cmpuint (crashes, >=, 10);

  g_autoptr (GPtrArray) t = read_transcript (tr);
  guint opens = 0, fails = 0;
  for (guint i = 0; i < t->len; i++)
    {
      const char *d = member (t->pdata[i], "dir");
      if (strcmp (d, "open") == 0)
        {
          opens++;
          g_assert_cmpstr (member (t->pdata[i], "line"), ==, url);
        }
      if (strcmp (d, "fail") == 0)
        {
          fails++;
          g_assert_cmpstr (member (t->pdata[i], "failure"), ==, "crash");
          assert_contains (member (t->pdata[i], "line"), "HTTP 500");
          g_assert_nonnull (member (t->pdata[i], "test"));
        }
    }
  g_assert_cmpuint (opens, ==, 10);
  g_assert_cmpuint (fails, ==, 10);
  g_assert_cmpuint (t->len, ==, 10 * 5); /* open, hello, its answer, reset, fail */
  essc_test_run_clear (&r);
  essc_test_remove_dir (dir);
}

/* The first hello cannot be sent: the run cannot start (exit 2). */
static void
test_run_cannot_start (void)
{
  g_autofree char *essc = essc_test_sh_bin ();
  EsscTestRun r = essc_test_run_sh ("%s conform --role channel --impl "
                                    "'http://127.0.0.1:%u/' --timeout-ms 2000",
                                    essc, fx_free_port ());
  g_assert_cmpint (r.status, ==, 2);
  assert_contains (r.out, "Bail out! network: connection to 127.0.0.1:");
  assert_contains (r.err, "refused, so 'hello' (id 1) was not sent");
  essc_test_run_clear (&r);

  /* HTTPS without the private CA. */
  const char *tls_args[] = { "--tls-cert", pki->server_cert, "--tls-key", pki->server_key,
                             NULL };
  FxImplServer *s = fx_impl_server_start ("channel", tls_args);
  r = essc_test_run_sh ("%s%s conform --role channel --impl '%s'", tls_env (), essc,
                        fx_impl_server_url (s));
  g_assert_cmpint (r.status, ==, 2);
  assert_contains (r.err, "is not trusted");
  essc_test_run_clear (&r);
  g_assert_cmpint (fx_impl_server_stop (s, NULL), ==, 0);
}

/* ---- (c) the transcript -------------------------------------------------------- */

/* The same run over the pipe and over HTTP: the same messages, in order. */
static void
test_transcript (void)
{
  g_autofree char *essc = essc_test_sh_bin ();
  g_autofree char *dir = essc_test_make_tmpdir ("essc-http-XXXXXX");
  g_autofree char *tp = g_build_filename (dir, "pipe.jsonl", NULL);
  g_autofree char *th = g_build_filename (dir, "http.jsonl", NULL);
  g_autofree char *cmd = g_strdup_printf ("%s impl --role channel", essc_test_bin ());
  g_autofree char *qcmd = g_shell_quote (cmd);
  EsscTestRun r = essc_test_run_sh ("%s conform --role channel --impl %s --transcript '%s'",
                                    essc, qcmd, tp);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  FxImplServer *s = fx_impl_server_start ("channel", NULL);
  g_autofree char *url = g_strdup (fx_impl_server_url (s));
  r = essc_test_run_sh ("%s conform --role channel --impl '%s' --transcript '%s'", essc, url,
                        th);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  g_assert_cmpint (fx_impl_server_stop (s, NULL), ==, 0);

  g_autoptr (GPtrArray) p = read_transcript (tp);
  g_autoptr (GPtrArray) h = read_transcript (th);
  /* Starts with open, hello and its answer inside the first test. */
  JsonObject *first = p->pdata[0];
  g_assert_cmpstr (member (first, "dir"), ==, "open");
  g_assert_cmpstr (member (first, "line"), ==, cmd);
  g_assert_cmpstr (member (h->pdata[0], "line"), ==, url);
  const char *test1 = member (first, "test");
  g_assert_nonnull (test1);
  g_assert_cmpstr (member (p->pdata[1], "dir"), ==, "send");
  assert_contains (member (p->pdata[1], "line"), "\"op\":\"hello\"");
  g_assert_cmpstr (member (p->pdata[1], "test"), ==, test1);
  g_assert_cmpstr (member (p->pdata[2], "dir"), ==, "recv");
  assert_contains (member (p->pdata[3], "line"), "\"op\":\"reset\"");
  /* Ends with bye outside any test. */
  JsonObject *bye = p->pdata[p->len - 2];
  assert_contains (member (bye, "line"), "\"op\":\"bye\"");
  g_assert_null (member (bye, "test"));
  g_assert_null (member (p->pdata[p->len - 1], "test"));
  g_assert_cmpstr (member (p->pdata[p->len - 1], "dir"), ==, "recv");
  /* Every request is followed by its response, with its id. */
  for (guint i = 1; i < p->len; i += 2)
    {
      g_assert_cmpstr (member (p->pdata[i], "dir"), ==, "send");
      g_assert_cmpstr (member (p->pdata[i + 1], "dir"), ==, "recv");
      g_assert_cmpstr (member (p->pdata[i], "test"), ==, member (p->pdata[i + 1], "test"));
      g_autoptr (JsonParser) a = json_parser_new ();
      g_autoptr (JsonParser) b = json_parser_new ();
      g_assert_true (json_parser_load_from_data (a, member (p->pdata[i], "line"), -1, NULL));
      g_assert_true (json_parser_load_from_data (b, member (p->pdata[i + 1], "line"), -1, NULL));
      g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (a)),
                                                   "id"),
                       ==, (i + 1) / 2);
      g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (b)),
                                                   "id"),
                       ==, (i + 1) / 2);
    }
  /* The same exchange over both transports. */
  g_assert_cmpuint (p->len, ==, h->len);
  g_autofree char *ps = lines_of (p, "send"), *hs = lines_of (h, "send");
  g_autofree char *pr = lines_of (p, "recv"), *hr = lines_of (h, "recv");
  g_assert_cmpstr (ps, ==, hs);
  g_assert_cmpstr (pr, ==, hr);
  for (guint i = 0; i < p->len; i++)
    g_assert_cmpstr (member (p->pdata[i], "test"), ==, member (h->pdata[i], "test"));
  essc_test_remove_dir (dir);
}

/* Bytes that are not UTF-8, control characters, quotes. */
static void
test_transcript_escaping (void)
{
  static const char raw[] = "a\"\\\n\x01\xff\xc3\xa9\xe9\x9b\xbb\xed\xa0\x80z";
  g_autofree char *s = conf_transcript_json_string (raw, sizeof raw - 1);
  g_assert_cmpstr (s, ==, "\"a\\\"\\\\\\n\\u0001\\udcff\xc3\xa9\xe9\x9b\xbb"
                          "\\udced\\udca0\\udc80z\"");
  g_autofree char *nul = conf_transcript_json_string ("a\0b", 3);
  g_assert_cmpstr (nul, ==, "\"a\\u0000b\"");

  g_autofree char *dir = essc_test_make_tmpdir ("essc-http-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "t.jsonl", NULL);
  g_autoptr (GError) error = NULL;
  ConfTranscript *t = conf_transcript_open (path, &error);
  g_assert_no_error (error);
  conf_transcript_add (t, CONF_TRANSCRIPT_OPEN, "cmd", 3);
  conf_transcript_set_test (t, "a/b");
  conf_transcript_add (t, CONF_TRANSCRIPT_SEND, "{\"x\":1}", 7);
  conf_transcript_add_failure (t, "timeout", "timeout: no response");
  g_assert_true (conf_transcript_close (t, &error));
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_true (g_str_has_prefix (lines[0], "{\"test\":null,\"dir\":\"open\",\"t_ms\":"));
  g_assert_true (g_str_has_suffix (lines[0], ",\"line\":\"cmd\"}"));
  g_assert_true (g_str_has_prefix (lines[1], "{\"test\":\"a/b\",\"dir\":\"send\",\"t_ms\":"));
  g_assert_true (g_str_has_suffix (lines[1], ",\"line\":\"{\\\"x\\\":1}\"}"));
  assert_contains (lines[2], ",\"failure\":\"timeout\",\"line\":\"timeout: no response\"}");
  essc_test_remove_dir (dir);

  /* A file that cannot be written. */
  g_assert_null (conf_transcript_open ("/nonexistent/dir/t.jsonl", &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* The runner is killed while it waits: what was exchanged is in the file. */
static void
test_transcript_kept_on_kill (void)
{
  g_autofree char *dir = essc_test_make_tmpdir ("essc-http-XXXXXX");
  g_autofree char *tr = g_build_filename (dir, "t.jsonl", NULL);
  FxHostile *h = fx_hostile_start (FX_HOSTILE_SILENT, NULL, NULL);
  const char *argv[] = { essc_test_bin (), "conform", "--role", "platform", "--impl",
                         fx_hostile_url (h), "--timeout-ms", "20000", "--transcript", tr, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                          | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                 &error);
  g_assert_no_error (error);
  /* Wait (5 s at most) until the reset is sent and unanswered. */
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (fx_hostile_requests (h) < 1 && g_get_monotonic_time () < deadline)
    g_usleep (10000);
  g_assert_cmpuint (fx_hostile_requests (h), ==, 1);
  g_subprocess_send_signal (p, SIGKILL);
  g_assert_true (g_subprocess_wait (p, NULL, &error));
  g_assert_false (g_subprocess_get_if_exited (p));
  fx_hostile_stop (h);

  g_autoptr (GPtrArray) t = read_transcript (tr);
  g_assert_cmpuint (t->len, ==, 4);
  g_assert_cmpstr (member (t->pdata[0], "dir"), ==, "open");
  g_assert_cmpstr (member (t->pdata[1], "dir"), ==, "send");
  g_assert_cmpstr (member (t->pdata[2], "dir"), ==, "recv");
  assert_contains (member (t->pdata[2], "line"), "\"name\":\"hostile\"");
  g_assert_cmpstr (member (t->pdata[3], "dir"), ==, "send");
  assert_contains (member (t->pdata[3], "line"), "\"op\":\"reset\"");
  essc_test_remove_dir (dir);
}

/* ---- essc impl --listen: HTTP-level mistakes ---------------------------------- */

static guint
post (SoupSession *session, const char *url, const char *method, const char *type,
      GBytes *body, char **answer)
{
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_assert_nonnull (msg);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, type, body);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (answer != NULL)
    *answer = g_strndup (g_bytes_get_data (got, NULL), g_bytes_get_size (got));
  return soup_message_get_status (msg);
}

static void
test_impl_server_errors (void)
{
  FxImplServer *s = fx_impl_server_start ("verifier", NULL);
  const char *url = fx_impl_server_url (s);
  g_autofree char *other = g_strconcat (url, "other", NULL);
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (GBytes) hello = g_bytes_new_static (
      "{\"essc\":1,\"id\":1,\"op\":\"hello\",\"params\":{\"protocol\":\"essc-adapter/1\","
      "\"role\":\"verifier\",\"suite\":\"ESSC-STD/1.1\"}}",
      strlen ("{\"essc\":1,\"id\":1,\"op\":\"hello\",\"params\":{\"protocol\":\"essc-adapter/1\","
              "\"role\":\"verifier\",\"suite\":\"ESSC-STD/1.1\"}}"));
  g_autofree char *a = NULL;

  g_assert_cmpuint (post (session, url, "GET", NULL, NULL, NULL), ==, 405);
  g_assert_cmpuint (post (session, other, "POST", "application/json", hello, NULL), ==, 404);
  g_assert_cmpuint (post (session, url, "POST", "text/plain", hello, NULL), ==, 415);
  gsize big_len = 2 * 1024 * 1024;
  g_autofree char *big_data = g_malloc (big_len);
  memset (big_data, ' ', big_len);
  g_autoptr (GBytes) big = g_bytes_new_take (g_steal_pointer (&big_data), big_len);
  g_assert_cmpuint (post (session, url, "POST", "application/json", big, NULL), ==, 413);
  g_autoptr (GBytes) junk = g_bytes_new_static ("\xff{not json", 10);
  g_assert_cmpuint (post (session, url, "POST", "application/json", junk, &a), ==, 200);
  assert_contains (a, "\"id\":0,\"ok\":false,\"error\":{\"code\":\"malformed\"");
  g_clear_pointer (&a, g_free);
  /* Still serving. */
  g_assert_cmpuint (post (session, url, "POST", "application/json; charset=utf-8", hello, &a),
                    ==, 200);
  assert_contains (a, "\"role\":\"verifier\"");
  g_autofree char *err = NULL;
  g_assert_cmpint (fx_impl_server_stop (s, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
}

/* ---- usage errors ---------------------------------------------------------------- */

static void
test_usage (void)
{
  g_autofree char *essc = essc_test_sh_bin ();
  static const struct {
    const char *args;
    int status;
    const char *needle;
  } cases[] = {
    { "conform --role channel --impl 'essc impl --role channel' --ca /dev/null", 2,
      "need an https:// --impl" },
    { "conform --role channel --impl https://127.0.0.1:1/ --client-cert /dev/null", 2,
      "--client-cert and --client-key go together" },
    { "conform --role channel --impl https://127.0.0.1:1/ --ca /nonexistent.pem", 2,
      "start: --ca /nonexistent.pem" },
    { "conform --role channel --impl 'http://[zz/'", 2, "cannot be used" },
    { "conform --role channel --impl 'essc impl --role channel' --transcript /nonexistent/t", 2,
      "--transcript: /nonexistent/t" },
    { "impl --role channel --listen 127.0.0.1", 2, "expected ADDR:PORT" },
    { "impl --role channel --listen 127.0.0.1:70000", 2, "the port must be 0..65535" },
    { "impl --role channel --listen example.org:80", 2, "must be an IPv4 address" },
    { "impl --role channel --path /x", 2, "go with --listen" },
    { "impl --role channel --listen 127.0.0.1:0 --tls-cert /dev/null", 2,
      "--tls-cert and --tls-key go together" },
    { "impl --role channel --listen 127.0.0.1:0 --path x", 2, "must start with '/'" },
    { "impl --role channel --listen 127.0.0.1:0 --tls-cert /dev/null --tls-key /dev/null", 2,
      "--tls-cert /dev/null" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      EsscTestRun r = essc_test_run_sh ("%s%s %s", tls_env (), essc, cases[i].args);
      g_test_message ("%s: %d %s", cases[i].args, r.status, r.err);
      g_assert_cmpint (r.status, ==, cases[i].status);
      assert_contains (r.err, cases[i].needle);
      essc_test_run_clear (&r);
    }
  /* A transcript that cannot be written (a file size limit: EFBIG after a
   * few hundred bytes): the run ends, then exit 2. */
  g_autofree char *tdir = g_dir_make_tmp ("essc-http-XXXXXX", NULL);
  g_autofree char *tfile = g_build_filename (tdir, "t.jsonl", NULL);
  EsscTestRun full = essc_test_run_sh ("trap '' XFSZ; ulimit -f 1; exec %s conform --role "
                                       "channel --impl '%s impl --role channel' --transcript %s",
                                       essc, essc, tfile);
  g_assert_cmpint (full.status, ==, 2);
  g_autofree char *says = g_strdup_printf ("--transcript: %s: File too large", tfile);
  assert_contains (full.err, says);
  assert_contains (full.out, "conformant");
  essc_test_run_clear (&full);
  essc_test_remove_dir (tdir);
  /* A device as the transcript: refused before the run, left alone. */
  full = essc_test_run_sh ("%s conform --role channel --impl '%s impl --role channel' "
                           "--transcript /dev/full", essc, essc);
  g_assert_cmpint (full.status, ==, 2);
  assert_contains (full.err, "/dev/full: exists and is not a regular file (a device)");
  essc_test_run_clear (&full);
  /* A port already in use: exit 3. */
  FxImplServer *s = fx_impl_server_start ("channel", NULL);
  const char *port = strrchr (fx_impl_server_url (s), ':') + 1;
  EsscTestRun r = essc_test_run_sh ("%s impl --role channel --listen 127.0.0.1:%.*s", essc,
                                    (int) strcspn (port, "/"), port);
  g_assert_cmpint (r.status, ==, 3);
  assert_contains (r.err, "cannot listen on 127.0.0.1:");
  essc_test_run_clear (&r);
  g_assert_cmpint (fx_impl_server_stop (s, NULL), ==, 0);
  /* --help documents --listen. */
  r = essc_test_run_sh ("%s impl --help", essc);
  g_assert_cmpint (r.status, ==, 0);
  assert_contains (r.out, "--listen");
  assert_contains (r.out, "listening on URL");
  essc_test_run_clear (&r);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  pki = fx_pki_new ();
  g_autoptr (GError) error = NULL;
  server_tls = g_tls_certificate_new_from_files (pki->server_cert, pki->server_key, &error);
  g_assert_no_error (error);
  ca_db = g_tls_file_database_new (pki->ca, &error);
  g_assert_no_error (error);

  g_test_add_data_func ("/http/suite/verifier", "verifier", test_suite);
  g_test_add_data_func ("/http/suite/channel", "channel", test_suite);
  g_test_add_data_func ("/http/suite/platform", "platform", test_suite);
  g_test_add_func ("/http/keep-alive", test_keep_alive);
  for (gsize i = 0; i < G_N_ELEMENTS (hostile_cases); i++)
    g_test_add_data_func (hostile_cases[i].path, &hostile_cases[i], test_hostile);
  g_test_add_func ("/http/tls/client-certificate", test_client_certificate);
  g_test_add_func ("/http/run/dead-in-a-row", test_run_dead_in_a_row);
  g_test_add_func ("/http/run/cannot-start", test_run_cannot_start);
  g_test_add_func ("/http/transcript/pipe-and-http", test_transcript);
  g_test_add_func ("/http/transcript/escaping", test_transcript_escaping);
  g_test_add_func ("/http/transcript/kept-on-kill", test_transcript_kept_on_kill);
  g_test_add_func ("/http/impl/errors", test_impl_server_errors);
  g_test_add_func ("/http/usage", test_usage);
  int status = g_test_run ();
  g_object_unref (server_tls);
  g_object_unref (ca_db);
  fx_pki_free (pki);
  return status;
}
