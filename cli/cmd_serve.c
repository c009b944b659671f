/* SPDX-License-Identifier: MIT */
/*
 * essc serve: the certification service (docs/SERVE.md).  Wires the
 * registry, the service's own state (serve/store), the pool of worker
 * processes (serve/pool), the actions (serve/actions), the HTTP server
 * (serve/http) and its routes (serve/api, serve/pages) together, prints
 * "listening on URL" once it listens, and serves until SIGTERM or SIGINT;
 * then it stops listening, kills and reaps the running workers (their runs
 * become `interrupted` at the next start) and closes the state.  Exit 0
 * after the signal, 2 for a usage error or a registry, key, state or
 * address that cannot be used (with the reason), 3 when the address cannot
 * be listened on.  --routes prints the route table and exits.
 */
#include "cli/cli.h"
#include "registry/regdb.h"
#include "serve/actions.h"
#include "serve/api.h"
#include "serve/http.h"
#include "serve/pages.h"
#include "serve/pool.h"
#include "serve/recover.h"
#include "serve/store.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const char *summary =
  "Runs the certification service of a registry over HTTP(S): vendors, with\n"
  "API tokens issued by staff (essc registry token issue), register their\n"
  "channels and run the conformance suite against their endpoints; staff\n"
  "certify, order rectification, suspend, reinstate, terminate and revoke;\n"
  "the public list and signed feed are republished after every change.\n"
  "Pages for people and a JSON API under /api/v1/ (docs/SERVE.md,\n"
  "docs/openapi.json).\n"
  "\n"
  "--registry is the registry (essc registry init); --key the issuer's secret\n"
  "key, which signs reports, certificates and the feed.  --listen ADDR:PORT:\n"
  "an IPv4 address, an IPv6 address in brackets or localhost; port 0 picks a\n"
  "free one.  Once listening it prints one line, \"listening on URL\", on\n"
  "standard output.  --tls-cert and --tls-key (PEM) serve HTTPS.\n"
  "\n"
  "The service keeps its state in --state DIR (default: REGISTRY.serve,\n"
  "created 0700): serve.db (the runs and their results), runs/ID/ (each run's\n"
  "files) and public/ (index.html, feed.json, feed.json.sig, served under\n"
  "/public/).  Runs execute as worker processes (essc registry test), at most\n"
  "--max-runs at once and --max-runs-per-vendor per vendor, the vendor that\n"
  "started a run least recently first; each within --run-deadline seconds,\n"
  "--run-memory MiB of address space and --run-cpu seconds of CPU, else it\n"
  "ends in state error.  Runs that were running when the service stopped are\n"
  "marked interrupted at the next start; queued ones run.\n"
  "\n"
  "Every request is logged, one line (time, remote, method, path, status,\n"
  "actor, milliseconds, and the reason of a refusal), to --log FILE\n"
  "(appended) or standard error.  SIGTERM or SIGINT end it cleanly.\n"
  "--routes prints the routes, one \"METHOD PATTERN\" a line, and exits.\n"
  "\n"
  "Exit status: 0 after SIGTERM/SIGINT (or --routes), 2 usage error or a\n"
  "registry, key, state or address that cannot be used, 3 the address\n"
  "cannot be listened on or another internal error.";

static void
register_routes (ServeHttp *h, ServeActions *a, const char *public_dir)
{
  serve_pages_register (h, a);
  serve_api_register (h, public_dir);
}

static void
print_route (const char *method, const char *pattern, gpointer data)
{
  printf ("%s %s\n", method, pattern);
}

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static char *
self_exe (void)
{
  g_autoptr (GError) e = NULL;
  char *p = g_file_read_link ("/proc/self/exe", &e);
  return p;
}

static gboolean
make_dir (const char *path, int mode)
{
  if (g_mkdir_with_parents (path, mode) != 0)
    {
      fprintf (stderr, "essc serve: --state: cannot create %s: %s\n", path, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

int
essc_cmd_serve (int argc, char **argv)
{
  g_autofree char *registry = NULL, *key = NULL, *listen = NULL, *state = NULL;
  g_autofree char *tls_cert = NULL, *tls_key = NULL, *log_path = NULL;
  gint max_runs = 4, per_vendor = 2, deadline = 600, memory = 0, cpu = 300, timeout_ms = 0;
  gboolean routes = FALSE;
  const GOptionEntry entries[] = {
    { "registry", 0, 0, G_OPTION_ARG_FILENAME, &registry, "the registry (required)", "REG.db" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key,
      "the issuer's secret key, signing reports, certificates and the feed (required)",
      "ISSUER.key" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      "serve on this address (port 0: a free one) (required)", "ADDR:PORT" },
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &state,
      "the service's state directory (default: REG.db.serve)", "DIR" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      "serve HTTPS with this certificate (PEM)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "the private key of --tls-cert (PEM)",
      "FILE" },
    { "max-runs", 0, 0, G_OPTION_ARG_INT, &max_runs, "runs at once, in all (1..64, default 4)",
      "N" },
    { "max-runs-per-vendor", 0, 0, G_OPTION_ARG_INT, &per_vendor,
      "runs at once per vendor (1..64, default 2)", "N" },
    { "run-deadline", 0, 0, G_OPTION_ARG_INT, &deadline,
      "a run's wall-clock limit in seconds (10..86400, default 600)", "S" },
    { "run-memory", 0, 0, G_OPTION_ARG_INT, &memory,
      "a worker's address-space limit in MiB (64..65536; default 1024, none in a sanitizer build)", "MB" },
    { "run-cpu", 0, 0, G_OPTION_ARG_INT, &cpu,
      "a worker's CPU-time limit in seconds (1..86400, default 300)", "S" },
    { "run-timeout-ms", 0, 0, G_OPTION_ARG_INT, &timeout_ms,
      "the wait for each response of an endpoint (0: the suite's default)", "MS" },
    { "log", 0, 0, G_OPTION_ARG_FILENAME, &log_path,
      "append the access log to FILE (default: standard error)", "FILE" },
    { "routes", 0, 0, G_OPTION_ARG_NONE, &routes, "print the routes and exit", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  if (!essc_cli_parse (&argc, &argv, "serve",
                       "--registry REG.db --key ISSUER.key --listen ADDR:PORT [--state DIR] "
                       "[--tls-cert FILE --tls-key FILE] [--max-runs N] "
                       "[--max-runs-per-vendor N] [--run-deadline S] [--run-memory MB] "
                       "[--run-cpu S] [--run-timeout-ms MS] [--log FILE] | --routes",
                       summary, entries))
    return ESSC_EXIT_USAGE;
  if (argc > 1)
    return essc_cli_usage_error ("serve", "unexpected argument '%s'", argv[1]);
  g_autoptr (GError) e = NULL;
  if (routes)
    {
      g_autoptr (ServeHttp) h = serve_http_new (NULL, &e);
      if (h == NULL)
        return essc_cli_usage_error ("serve", "%s", e->message);
      register_routes (h, NULL, NULL);
      serve_http_foreach_route (h, print_route, NULL);
      return fflush (stdout) == 0 ? ESSC_EXIT_OK : ESSC_EXIT_INTERNAL;
    }
  if (registry == NULL || key == NULL || listen == NULL)
    return essc_cli_usage_error ("serve", "--registry, --key and --listen are required");
  if ((tls_cert == NULL) != (tls_key == NULL))
    return essc_cli_usage_error ("serve", "--tls-cert and --tls-key go together");
  if (max_runs < 1 || max_runs > 64)
    return essc_cli_usage_error ("serve", "--max-runs: expected 1..64");
  if (per_vendor < 1 || per_vendor > 64)
    return essc_cli_usage_error ("serve", "--max-runs-per-vendor: expected 1..64");
  if (deadline < 10 || deadline > 86400)
    return essc_cli_usage_error ("serve", "--run-deadline: expected 10..86400 seconds");
  if (memory != 0 && (memory < 64 || memory > 65536))
    return essc_cli_usage_error ("serve", "--run-memory: expected 64..65536 MiB");
  if (cpu < 1 || cpu > 86400)
    return essc_cli_usage_error ("serve", "--run-cpu: expected 1..86400 seconds");
  if (timeout_ms < 0 || timeout_ms > 600000)
    return essc_cli_usage_error ("serve", "--run-timeout-ms: expected 0..600000");
  if (!g_file_test (key, G_FILE_TEST_IS_REGULAR))
    return essc_cli_usage_error ("serve", "--key %s: no such file", key);
  {
    g_autoptr (RegDb) db = reg_db_open (registry, FALSE, &e);
    if (db == NULL)
      return essc_cli_usage_error ("serve", "--registry: %s", e->message);
  }

  FILE *log = stderr;
  if (log_path != NULL)
    {
      log = fopen (log_path, "a");
      if (log == NULL)
        return essc_cli_usage_error ("serve", "--log %s: %s", log_path, g_strerror (errno));
    }
  g_autofree char *state_dir = state ? g_strdup (state) : g_strconcat (registry, ".serve", NULL);
  g_autofree char *runs_dir = g_build_filename (state_dir, "runs", NULL);
  g_autofree char *public_dir = g_build_filename (state_dir, "public", NULL);
  g_autofree char *db_path = g_build_filename (state_dir, "serve.db", NULL);
  g_autofree char *exe = self_exe ();
  int rc = ESSC_EXIT_OK;
  ServeStore *store = NULL;
  ServePool *pool = NULL;
  ServeActions *actions = NULL;
  ServeHttp *http = NULL;
  GMainLoop *loop = NULL;
  if (exe == NULL)
    {
      fprintf (stderr, "essc serve: cannot find its own program (/proc/self/exe)\n");
      rc = ESSC_EXIT_INTERNAL;
      goto out;
    }
  if (!make_dir (state_dir, 0700) || !make_dir (runs_dir, 0700) || !make_dir (public_dir, 0755))
    {
      rc = ESSC_EXIT_USAGE;
      goto out;
    }
  guint interrupted = 0;
  store = serve_store_open (db_path, g_get_real_time () / G_USEC_PER_SEC, &interrupted, &e);
  if (store == NULL)
    {
      fprintf (stderr, "essc serve: --state: %s\n", e->message);
      rc = ESSC_EXIT_USAGE;
      goto out;
    }
  if (interrupted > 0)
    fprintf (stderr, "essc serve: %u run%s interrupted by the last stop\n", interrupted,
             interrupted == 1 ? " was" : "s were");
  /* the interrupted runs whose worker had stored its report keep it (serve/recover.h) */
  guint adopted = 0;
  if (!serve_recover_reports (store, registry, runs_dir, g_get_real_time () / G_USEC_PER_SEC,
                              &adopted, &e))
    {
      fprintf (stderr, "essc serve: %s\n", e->message);
      rc = ESSC_EXIT_USAGE;
      goto out;
    }
  if (adopted > 0)
    fprintf (stderr, "essc serve: %u interrupted run%s finished with the report %s worker "
             "had stored\n", adopted, adopted == 1 ? "" : "s", adopted == 1 ? "its" : "their");
  ServePoolOptions po = { 0 };
  po.essc_bin = exe;
  po.registry_path = registry;
  po.key_path = key;
  po.state_dir = state_dir;
  po.max_total = (guint) max_runs;
  po.max_per_vendor = (guint) per_vendor;
  po.deadline_s = (guint) deadline;
  po.mem_bytes = (guint64) memory << 20;
  po.cpu_s = (guint) cpu;
  po.timeout_ms = timeout_ms;
  pool = serve_pool_new (store, &po, &e);
  if (pool == NULL)
    {
      fprintf (stderr, "essc serve: %s\n", e->message);
      rc = ESSC_EXIT_USAGE;
      goto out;
    }
  ServeActionsOptions ao = { 0 };
  ao.registry_path = registry;
  ao.key_path = key;
  ao.public_dir = public_dir;
  ao.store = store;
  ao.pool = pool;
  actions = serve_actions_new (&ao, &e);
  if (actions == NULL)
    {
      fprintf (stderr, "essc serve: %s\n", e->message);
      rc = ESSC_EXIT_USAGE;
      goto out;
    }
  http = serve_http_new (actions, &e);
  if (http == NULL)
    {
      fprintf (stderr, "essc serve: %s\n", e->message);
      rc = ESSC_EXIT_INTERNAL;
      goto out;
    }
  register_routes (http, actions, public_dir);
  signal (SIGPIPE, SIG_IGN);
  ServeHttpOptions ho = { listen, tls_cert, tls_key, log };
  g_autofree char *url = NULL;
  if (!serve_http_listen (http, &ho, &url, &e))
    {
      fprintf (stderr, "essc serve: %s\n", e->message);
      rc = g_error_matches (e, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT)
               || g_error_matches (e, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED)
             ? ESSC_EXIT_USAGE
             : ESSC_EXIT_INTERNAL;
      goto out;
    }
  loop = g_main_loop_new (NULL, FALSE);
  guint term = g_unix_signal_add (SIGTERM, on_signal, loop);
  guint intr = g_unix_signal_add (SIGINT, on_signal, loop);
  serve_pool_kick (pool);
  printf ("listening on %s\n", url);
  fflush (stdout);
  g_main_loop_run (loop);
  g_source_remove (term);
  g_source_remove (intr);
  fprintf (stderr, "essc serve: stopping (%u run%s running)\n", serve_pool_running (pool),
           serve_pool_running (pool) == 1 ? "" : "s");

out:
  /* the streams and the actions are subscribed to the pool: they go first */
  serve_http_free (http);
  serve_actions_free (actions);
  serve_pool_free (pool);
  if (store != NULL)
    serve_store_close (store);
  if (loop != NULL)
    g_main_loop_unref (loop);
  if (log != stderr)
    fclose (log);
  return rc;
}
