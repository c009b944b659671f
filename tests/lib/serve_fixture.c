/* SPDX-License-Identifier: MIT */
/*
 * The fixture of the `essc serve` tests (see serve_fixture.h): the set-up
 * through the CLI, the server as a GSubprocess that dies with the test, and
 * a small blocking HTTP/1.1 client over GSocketClient (one connection per
 * request, Connection: close, chunked bodies decoded).
 */
#include "tests/lib/serve_fixture.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#define START_WAIT_US (20 * G_USEC_PER_SEC)

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Runs essc args; aborts unless it exits 0.  Returns: (transfer full) stdout. */
static char *
essc_ok (const char *const *args)
{
  EsscTestRun r = essc_test_run_essc_v (NULL, 0, args);
  if (r.status != 0)
    g_error ("essc %s %s: exit %d: %s", args[0], args[1] ? args[1] : "", r.status, r.err);
  char *out = g_steal_pointer (&r.out);
  essc_test_run_clear (&r);
  return out;
}

void
sfx_new (SrvFx *f)
{
  memset (f, 0, sizeof *f);
  f->dir = essc_test_make_tmpdir ("essc-serve-XXXXXX");
  g_test_message ("temporary directory %s", f->dir);
  f->db = g_build_filename (f->dir, "registry.db", NULL);
  f->state = g_build_filename (f->dir, "state", NULL);
  f->log = g_build_filename (f->dir, "access.log", NULL);
  f->serve_err = g_build_filename (f->dir, "serve.err", NULL);
  g_autofree char *iss = g_build_filename (f->dir, "issuer", NULL);
  g_autofree char *ch = g_build_filename (f->dir, "channel", NULL);
  f->iss_key = g_strconcat (iss, ".key", NULL);
  f->iss_pub = g_strconcat (iss, ".pub", NULL);
  f->ch_pub = g_strconcat (ch, ".pub", NULL);
  g_free (essc_ok ((const char *[]) { "keygen", "--out", iss, NULL }));
  g_free (essc_ok ((const char *[]) { "keygen", "--out", ch, NULL }));
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (f->ch_pub, &f->ch_pub_text, NULL, &error));
  g_assert_no_error (error);
  g_free (essc_ok ((const char *[]) { "registry", "init", "--db", f->db, "--name",
                                      "人力资源社会保障部 (test)", "--pub", f->iss_pub, NULL }));
  char *staff = essc_ok ((const char *[]) { "registry", "token", "issue", "--db", f->db,
                                            "--staff", "alice", NULL });
  f->staff = g_strstrip (staff);
  g_assert_true (g_str_has_prefix (f->staff, "essc_"));
  f->impl = fx_impl_server_start ("channel", NULL);
  f->endpoint = fx_impl_server_url (f->impl);
}

void
sfx_free (SrvFx *f)
{
  if (f->serve != NULL)
    sfx_serve_stop (f, FALSE);
  if (f->impl != NULL)
    fx_impl_server_stop (f->impl, NULL);
  if (g_getenv ("ESSC_KEEP_TMP") == NULL)
    {
      g_autofree char *q = g_shell_quote (f->dir);
      EsscTestRun r = essc_test_run_sh ("rm -rf %s", q);
      essc_test_run_clear (&r);
    }
  g_free (f->dir);
  g_free (f->db);
  g_free (f->iss_key);
  g_free (f->iss_pub);
  g_free (f->ch_pub);
  g_free (f->ch_pub_text);
  g_free (f->state);
  g_free (f->log);
  g_free (f->serve_err);
  g_free (f->staff);
  g_free (f->url);
  memset (f, 0, sizeof *f);
}

char *
sfx_vendor_token (SrvFx *f, const char *vendor)
{
  char *t = essc_ok ((const char *[]) { "registry", "token", "issue", "--db", f->db, "--vendor",
                                        vendor, "--label", "test", NULL });
  g_strstrip (t);
  g_assert_true (g_str_has_prefix (t, "essc_"));
  return t;
}

void
sfx_revoke_token (SrvFx *f, const char *token, const char *reason)
{
  g_assert_cmpuint (strlen (token), >, 17);
  g_autofree char *id = g_strndup (token + 5, 12);
  g_free (essc_ok ((const char *[]) { "registry", "token", "revoke", "--db", f->db,
                                      "--token-id", id, "--reason", reason, NULL }));
}

void
sfx_serve_start (SrvFx *f, const char *const *extra)
{
  g_assert_null (f->serve);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *base[] = { essc_test_bin (), "serve", "--registry", f->db, "--key", f->iss_key,
                         "--listen", "127.0.0.1:0", "--state", f->state, "--log", f->log };
  for (guint i = 0; i < G_N_ELEMENTS (base); i++)
    g_ptr_array_add (argv, (gpointer) base[i]);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);
  g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (l, f->serve_err);
  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
  g_autoptr (GError) error = NULL;
  f->serve = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_autofree char *line = fx_read_first_line (f->serve, "essc serve", START_WAIT_US,
                                              f->serve_err);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  g_free (f->url);
  f->url = g_strndup (line + 13, strcspn (line + 13, "\n"));
  if (g_str_has_suffix (f->url, "/"))
    f->url[strlen (f->url) - 1] = '\0';
  const char *colon = strrchr (f->url, ':');
  g_assert_nonnull (colon);
  f->port = (guint16) g_ascii_strtoull (colon + 1, NULL, 10);
  g_assert_cmpuint (f->port, >, 0);
}

static void
on_waited (GObject *source, GAsyncResult *res, gpointer data)
{
  *(gboolean *) data = TRUE;
}

static gboolean
on_late (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

int
sfx_serve_stop (SrvFx *f, gboolean kill)
{
  g_assert_nonnull (f->serve);
  gboolean waited = FALSE, late = FALSE;
  g_subprocess_send_signal (f->serve, kill ? SIGKILL : SIGTERM);
  g_subprocess_wait_async (f->serve, NULL, on_waited, &waited);
  guint timer = g_timeout_add_seconds (10, on_late, &late);
  while (!waited && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (timer);
  if (!waited)
    {
      g_subprocess_force_exit (f->serve);
      g_error ("essc serve did not end within 10 s of %s", kill ? "SIGKILL" : "SIGTERM");
    }
  int status = g_subprocess_get_if_exited (f->serve) ? g_subprocess_get_exit_status (f->serve)
                                                     : -1;
  g_clear_object (&f->serve);
  return status;
}

/* ---- raw HTTP ------------------------------------------------------------------ */

void
sfx_resp_clear (SfxResp *r)
{
  g_clear_pointer (&r->head, g_free);
  g_clear_pointer (&r->body, g_free);
  r->body_len = 0;
  r->status = 0;
}

/* Decodes a chunked body in place; FALSE when malformed. */
static gboolean
dechunk (GByteArray *b)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize i = 0;
  while (i < b->len)
    {
      char *end = NULL;
      guint64 n = g_ascii_strtoull ((const char *) b->data + i, &end, 16);
      const char *crlf = g_strstr_len ((const char *) b->data + i, b->len - i, "\r\n");
      if (crlf == NULL || end == (const char *) b->data + i)
        return FALSE;
      i = (gsize) (crlf - (const char *) b->data) + 2;
      if (n == 0)
        break;
      if (n > b->len - i)
        n = b->len - i;       /* cut short: keep what came */
      g_byte_array_append (out, b->data + i, (guint) n);
      i += n + 2;
    }
  g_byte_array_set_size (b, 0);
  g_byte_array_append (b, out->data, out->len);
  return TRUE;
}

SfxResp
sfx_http (SrvFx *f, const char *method, const char *path, const char *const *headers,
          const char *body, gsize body_len, gboolean head_only)
{
  SfxResp r = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_socket_client_set_timeout (client, 20);
  g_autoptr (GSocketConnection) conn =
      g_socket_client_connect_to_host (client, "127.0.0.1", f->port, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (GString) req = g_string_new (NULL);
  g_string_append_printf (req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n",
                          method, path, f->port);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i++)
    g_string_append_printf (req, "%s\r\n", headers[i]);
  if (body != NULL)
    g_string_append_printf (req, "Content-Length: %" G_GSIZE_FORMAT "\r\n", body_len);
  g_string_append (req, "\r\n");
  if (body != NULL)
    g_string_append_len (req, body, (gssize) body_len);
  GOutputStream *os = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  GInputStream *is = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  /* A server may answer (413) and close before the whole body is sent:
   * a failed write is not an error here, the answer is read anyway. */
  g_output_stream_write_all (os, req->str, req->len, NULL, NULL, NULL);

  g_autoptr (GByteArray) in = g_byte_array_new ();
  const char *sep = NULL;
  for (;;)
    {
      guint8 buf[8192];
      g_autoptr (GError) e = NULL;
      gssize n = g_input_stream_read (is, buf, sizeof buf, NULL, &e);
      if (n <= 0)
        break;
      g_byte_array_append (in, buf, (guint) n);
      if (head_only && g_strstr_len ((const char *) in->data, in->len, "\r\n\r\n") != NULL)
        break;
    }
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  g_byte_array_append (in, (const guint8 *) "", 1);   /* never NULL; a NUL after the bytes */
  g_byte_array_set_size (in, in->len - 1);
  sep = g_strstr_len ((const char *) in->data, in->len, "\r\n\r\n");
  if (in->len < 12 || sep == NULL || strncmp ((const char *) in->data, "HTTP/1.", 7) != 0)
    {
      r.head = g_strdup ("");
      r.body = g_strdup ("");
      return r;
    }
  gsize hlen = (gsize) (sep - (const char *) in->data);
  r.head = g_strndup ((const char *) in->data, hlen);
  r.status = (guint) g_ascii_strtoull (r.head + 9, NULL, 10);
  g_autoptr (GByteArray) b = g_byte_array_new ();
  g_byte_array_append (b, in->data + hlen + 4, (guint) (in->len - hlen - 4));
  g_autofree char *te = sfx_header (&r, "Transfer-Encoding");
  if (te != NULL && g_ascii_strcasecmp (te, "chunked") == 0 && !head_only)
    g_assert_true (dechunk (b));
  r.body_len = b->len;
  g_byte_array_append (b, (const guint8 *) "", 1);
  r.body = (char *) g_byte_array_free (g_steal_pointer (&b), FALSE);
  return r;
}

SfxResp
sfx_api (SrvFx *f, const char *method, const char *path, const char *token, const char *json)
{
  g_autofree char *auth = token ? g_strconcat ("Authorization: Bearer ", token, NULL) : NULL;
  const char *h[3] = { NULL, NULL, NULL };
  guint n = 0;
  if (auth != NULL)
    h[n++] = auth;
  if (json != NULL)
    h[n++] = "Content-Type: application/json";
  return sfx_http (f, method, path, h, json, json ? strlen (json) : 0, FALSE);
}

char *
sfx_header (const SfxResp *r, const char *name)
{
  if (r->head == NULL)
    return NULL;
  g_auto (GStrv) lines = g_strsplit (r->head, "\r\n", -1);
  gsize nl = strlen (name);
  for (guint i = 1; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], name, nl) == 0 && lines[i][nl] == ':')
      return g_strstrip (g_strdup (lines[i] + nl + 1));
  return NULL;
}

char *
sfx_csrf_of (const char *html)
{
  const char *p = strstr (html, "name=\"csrf\" value=\"");
  if (p == NULL)
    return NULL;
  p += strlen ("name=\"csrf\" value=\"");
  return g_strndup (p, strcspn (p, "\""));
}

/* The essc_session=... of the response's Set-Cookie, or NULL. */
static char *
session_cookie (const SfxResp *r)
{
  g_auto (GStrv) lines = g_strsplit (r->head, "\r\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], "Set-Cookie:", 11) == 0)
      {
        const char *v = strstr (lines[i], "essc_session=");
        if (v != NULL)
          return g_strndup (v, strcspn (v, ";"));
      }
  return NULL;
}

char *
sfx_login (SrvFx *f, const char *token, char **csrf)
{
  SfxResp r = sfx_http (f, "GET", "/login", NULL, NULL, 0, FALSE);
  g_assert_cmpuint (r.status, ==, 200);
  g_autofree char *cookie = session_cookie (&r);
  g_autofree char *c0 = sfx_csrf_of (r.body);
  g_assert_nonnull (cookie);
  g_assert_nonnull (c0);
  sfx_resp_clear (&r);
  g_autofree char *form = g_strdup_printf ("token=%s&csrf=%s", token, c0);
  g_autofree char *ch = g_strconcat ("Cookie: ", cookie, NULL);
  const char *h[] = { ch, "Content-Type: application/x-www-form-urlencoded", NULL };
  r = sfx_http (f, "POST", "/login", h, form, strlen (form), FALSE);
  g_assert_cmpuint (r.status, ==, 303);
  char *after = session_cookie (&r);
  sfx_resp_clear (&r);
  g_assert_nonnull (after);
  if (csrf != NULL)
    {
      g_autofree char *ch2 = g_strconcat ("Cookie: ", after, NULL);
      const char *h2[] = { ch2, NULL };
      r = sfx_http (f, "GET", "/staff/tokens", h2, NULL, 0, FALSE);
      if (r.status != 200)
        {
          sfx_resp_clear (&r);
          r = sfx_http (f, "GET", "/channels", h2, NULL, 0, FALSE);
        }
      g_assert_cmpuint (r.status, ==, 200);
      *csrf = sfx_csrf_of (r.body);
      g_assert_nonnull (*csrf);
      sfx_resp_clear (&r);
    }
  return after;
}

char *
sfx_wait_run (SrvFx *f, const char *token, gint64 id, guint deadline_s)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/runs/%" G_GINT64_FORMAT, id);
  gint64 deadline = g_get_monotonic_time () + (gint64) deadline_s * G_USEC_PER_SEC;
  for (;;)
    {
      SfxResp r = sfx_api (f, "GET", path, token, NULL);
      g_assert_cmpuint (r.status, ==, 200);
      JsonParser *p = json_parser_new ();
      g_assert_true (json_parser_load_from_data (p, r.body, -1, NULL));
      JsonObject *o = json_node_get_object (json_parser_get_root (p));
      gboolean finished = json_object_get_boolean_member_with_default (o, "finished", FALSE);
      char *state = g_strdup (json_object_get_string_member_with_default (o, "state", ""));
      g_object_unref (p);
      sfx_resp_clear (&r);
      if (finished)
        return state;
      g_free (state);
      if (g_get_monotonic_time () > deadline)
        g_error ("run %" G_GINT64_FORMAT " did not finish within %u s", id, deadline_s);
      g_usleep (200000);
    }
}

gint64
sfx_json_int (const char *json, const char *member)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  if (!json_parser_load_from_data (p, json, -1, NULL))
    return -1;
  JsonNode *root = json_parser_get_root (p);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return -1;
  JsonNode *n = json_object_get_member (json_node_get_object (root), member);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (n);
}

char *
sfx_json_str (const char *json, const char *member)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  if (!json_parser_load_from_data (p, json, -1, NULL))
    return NULL;
  JsonNode *root = json_parser_get_root (p);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  JsonNode *n = json_object_get_member (json_node_get_object (root), member);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (n));
}
