/* SPDX-License-Identifier: MIT */
/*
 * The client of essc serve's API for CI (cli/conform_server.h), on a
 * synchronous SoupSession: every request has a 30 s timeout, every wait is
 * bounded by the whole timeout, and every answer is checked (status, JSON
 * object, the members read) before use: a hostile or broken server gets a
 * message and exit 2, never a crash.
 */
#include "cli/conform_server.h"
#include "cli/cli.h"
#include "base/text.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#define REQUEST_TIMEOUT_S 30
#define ANSWER_MAX (4 * 1024 * 1024)

typedef struct {
  SoupSession *session;
  char *base;                   /* the server's URL without a trailing '/' */
  const char *token;
} Client;

/* A printable, bounded copy of a server's text. */
static char *
shown (const char *s, gsize n)
{
  return base_text_printable (s, n, 300);
}

/*
 * One request; *status gets the HTTP status and the answer's JSON object
 * goes to *out (NULL when the answer is not a JSON object).  FALSE with a
 * message printed when the server cannot be reached.
 */
static gboolean
call (Client *c, const char *method, const char *path, const char *idem, guint *status,
      JsonObject **out)
{
  g_autofree char *url = g_strconcat (c->base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  *out = NULL;
  if (msg == NULL)
    {
      fprintf (stderr, "essc conform: --server: '%s' is not a URL\n", url);
      return FALSE;
    }
  SoupMessageHeaders *hd = soup_message_get_request_headers (msg);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", c->token);
  soup_message_headers_replace (hd, "Authorization", auth);
  soup_message_headers_replace (hd, "Accept", "application/json");
  if (idem != NULL)
    soup_message_headers_replace (hd, "Idempotency-Key", idem);
  if (strcmp (method, "POST") == 0)
    {
      g_autoptr (GBytes) body = g_bytes_new_static ("{}", 2);
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }
  g_autoptr (GError) e = NULL;
  g_autoptr (GBytes) answer = soup_session_send_and_read (c->session, msg, NULL, &e);
  if (answer == NULL)
    {
      fprintf (stderr, "essc conform: --server %s: %s\n", c->base, e->message);
      return FALSE;
    }
  *status = soup_message_get_status (msg);
  gsize n;
  const char *data = g_bytes_get_data (answer, &n);
  if (n > ANSWER_MAX)
    return TRUE;
  g_autoptr (JsonParser) p = json_parser_new ();
  if (n > 0 && json_parser_load_from_data (p, data, (gssize) n, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
    *out = json_object_ref (json_node_get_object (json_parser_get_root (p)));
  else if (*status >= 400)
    {
      g_autofree char *text = shown (data, n);
      fprintf (stderr, "essc conform: the server answered %u: %s\n", *status, text);
    }
  return TRUE;
}

/* The server's error message of an answer, or the status phrase. */
static void
print_refusal (guint status, JsonObject *o)
{
  const char *msg = NULL;
  if (o != NULL && json_object_has_member (o, "error"))
    {
      JsonNode *en = json_object_get_member (o, "error");
      if (JSON_NODE_HOLDS_OBJECT (en))
        msg = json_object_get_string_member_with_default (json_node_get_object (en), "message",
                                                          NULL);
    }
  g_autofree char *text = msg ? shown (msg, strlen (msg)) : g_strdup (soup_status_get_phrase (status));
  fprintf (stderr, "essc conform: the server refused (%u): %s\n", status, text);
}

static gint64
int_member (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (n);
}

static const char *
string_member (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

/* Prints the tests that did not pass. */
static void
print_failures (Client *c, gint64 id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/runs/%" G_GINT64_FORMAT "/tests", id);
  g_autofree char *url = g_strconcat (c->base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", c->token);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  g_autoptr (GBytes) answer = soup_session_send_and_read (c->session, msg, NULL, NULL);
  if (answer == NULL || soup_message_get_status (msg) != 200)
    return;
  gsize n;
  const char *data = g_bytes_get_data (answer, &n);
  g_autoptr (JsonParser) p = json_parser_new ();
  if (!json_parser_load_from_data (p, data, (gssize) n, NULL)
      || !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (p)))
    return;
  JsonArray *arr = json_node_get_array (json_parser_get_root (p));
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *el = json_array_get_element (arr, i);
      if (!JSON_NODE_HOLDS_OBJECT (el))
        continue;
      JsonObject *t = json_node_get_object (el);
      const char *verdict = string_member (t, "verdict");
      const char *test = string_member (t, "test");
      if (verdict == NULL || test == NULL || strcmp (verdict, "pass") == 0)
        continue;
      g_autofree char *v = shown (verdict, strlen (verdict));
      g_autofree char *tn = shown (test, strlen (test));
      printf ("%s\t%s\n", v, tn);
    }
}

/* Starts the run and follows it; returns the exit status. */
static int
run_client (Client *cp, const EsscConformServer *o)
{
  Client c = *cp;
  int rc = ESSC_EXIT_USAGE;
  g_autofree char *start = g_strdup_printf ("/api/v1/channels/%s/runs", o->channel);
  guint status = 0;
  g_autoptr (JsonObject) run = NULL;
  if (!call (&c, "POST", start, o->idempotency_key, &status, &run))
    return rc;
  if (status != 202 && status != 200)
    {
      print_refusal (status, run);
      return rc;
    }
  gint64 id = run ? int_member (run, "id") : -1;
  if (id <= 0)
    {
      fprintf (stderr, "essc conform: the server's answer has no run id\n");
      return rc;
    }
  printf ("run %" G_GINT64_FORMAT " of %s %s\n", id, o->channel,
          status == 202 ? "queued" : "(already started with this key)");
  fflush (stdout);
  if (o->no_wait)
    {
      return ESSC_EXIT_OK;
    }

  gint64 limit = g_get_monotonic_time () + (o->timeout_s ? o->timeout_s : 3600) * G_USEC_PER_SEC;
  g_autofree char *path = g_strdup_printf ("/api/v1/runs/%" G_GINT64_FORMAT, id);
  gint64 last_done = -1;
  g_autofree char *last_state = NULL;
  for (;;)
    {
      const char *state = string_member (run, "state");
      gint64 done = int_member (run, "done"), total = int_member (run, "total");
      if (state == NULL)
        {
          fprintf (stderr, "essc conform: the server's run has no state\n");
          return rc;
        }
      if (g_strcmp0 (state, last_state) != 0 || done != last_done)
        {
          g_autofree char *st = shown (state, strlen (state));
          printf ("%s %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "\n", st, done < 0 ? 0 : done,
                  total < 0 ? 0 : total);
          fflush (stdout);
          g_free (last_state);
          last_state = g_strdup (state);
          last_done = done;
        }
      JsonNode *fin = json_object_get_member (run, "finished");
      if (fin != NULL && JSON_NODE_HOLDS_VALUE (fin)
          && json_node_get_value_type (fin) == G_TYPE_BOOLEAN && json_node_get_boolean (fin))
        break;
      if (g_get_monotonic_time () >= limit)
        {
          fprintf (stderr, "essc conform: run %" G_GINT64_FORMAT " did not finish within "
                           "--timeout (it goes on on the server)\n", id);
          return rc;
        }
      g_usleep (G_USEC_PER_SEC);
      g_clear_pointer (&run, json_object_unref);
      if (!call (&c, "GET", path, NULL, &status, &run))
        return rc;
      if (status != 200 || run == NULL)
        {
          print_refusal (status, run);
          return rc;
        }
    }
  print_failures (&c, id);
  const char *state = string_member (run, "state");
  const char *message = string_member (run, "message");
  gint64 report = int_member (run, "report_id");
  if (strcmp (state, "conformant") == 0 || strcmp (state, "not conformant") == 0)
    {
      printf ("verdict: %s (passed %" G_GINT64_FORMAT ", failed %" G_GINT64_FORMAT
              ", skipped %" G_GINT64_FORMAT "; report %" G_GINT64_FORMAT ")\n",
              state, int_member (run, "passed"), int_member (run, "failed"),
              int_member (run, "skipped"), report);
      rc = strcmp (state, "conformant") == 0 ? ESSC_EXIT_OK : ESSC_EXIT_FAILED;
    }
  else
    {
      g_autofree char *st = shown (state, strlen (state));
      g_autofree char *m = message ? shown (message, strlen (message)) : g_strdup ("");
      fprintf (stderr, "essc conform: run %" G_GINT64_FORMAT " ended %s%s%s\n", id, st,
               *m ? ": " : "", m);
      rc = ESSC_EXIT_USAGE;
    }
  if (fflush (stdout) != 0)
    rc = ESSC_EXIT_INTERNAL;

  return rc;
}

int
essc_conform_server (const EsscConformServer *o)
{
  if (!g_str_has_prefix (o->server, "http://") && !g_str_has_prefix (o->server, "https://"))
    return essc_cli_usage_error ("conform", "--server: expected an http:// or https:// URL");
  if (o->token == NULL || *o->token == '\0')
    return essc_cli_usage_error ("conform", "--server needs --token TOKEN");
  if (o->channel == NULL || strlen (o->channel) != 8 || strncmp (o->channel, "CH", 2) != 0
      || strspn (o->channel + 2, "0123456789") != 6)
    return essc_cli_usage_error ("conform", "--server needs --channel ID (\"CH\" and 6 digits)");
  if (o->idempotency_key != NULL
      && base_text_check_ascii (o->idempotency_key, 64, NULL) != BASE_TEXT_OK)
    return essc_cli_usage_error ("conform", "--idempotency-key: expected 1..64 printable "
                                 "ASCII characters");
  if (o->timeout_s < 0 || o->timeout_s > 604800)
    return essc_cli_usage_error ("conform", "--timeout: expected 1..604800 seconds");
  if (strchr (o->token, '\n') != NULL || strchr (o->token, '\r') != NULL)
    return essc_cli_usage_error ("conform", "--token: a token is one line");

  Client c = { 0 };
  c.token = o->token;
  c.base = g_strdup (o->server);
  gsize bl = strlen (c.base);
  while (bl > 0 && c.base[bl - 1] == '/')
    c.base[--bl] = '\0';
  c.session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_S, "proxy-resolver",
                                             NULL, "user-agent", "essc-conform/" ESSC_VERSION,
                                             NULL);
  int rc = ESSC_EXIT_USAGE;
  g_autoptr (GError) e = NULL;
  if (o->ca != NULL)
    {
      g_autoptr (GTlsDatabase) db = g_tls_file_database_new (o->ca, &e);
      if (db == NULL)
        {
          fprintf (stderr, "essc conform: --ca %s: %s\n", o->ca, e->message);
          goto out;
        }
      soup_session_set_tls_database (c.session, db);
    }

  rc = run_client (&c, o);

out:
  g_object_unref (c.session);
  g_free (c.base);
  return rc;
}
