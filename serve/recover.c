/* SPDX-License-Identifier: MIT */
/*
 * Finishing the interrupted runs whose worker had stored its report (see
 * recover.h): each candidate run's results file is read, the registry's
 * reports of its channel that no run holds are compared with it, and a
 * single match finishes the run through serve_store_run_adopt.
 */
#include "serve/recover.h"

#include "base/file.h"
#include "base/time.h"
#include "conformance/json.h"
#include "registry/regdb.h"

#include <string.h>

/* As the pool reads them (serve/pool.c). */
#define FILE_MAX ((gsize) 64 << 20)

/* What a results file or a report says about the run that made it. */
typedef struct {
  gint64 started_at, ended_at;
  const char *verdict, *command;
} Made;

/* From the results file (docs/RESULTS.md): times as numbers. */
static gboolean
made_of_results (JsonObject *o, Made *m)
{
  JsonObject *iut = json_object_get_member (o, "iut") != NULL
                        && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "iut"))
                      ? json_object_get_object_member (o, "iut")
                      : NULL;
  return iut != NULL && conf_json_get_int (o, "started_at", &m->started_at, NULL)
         && conf_json_get_int (o, "ended_at", &m->ended_at, NULL)
         && conf_json_get_string (o, "verdict", &m->verdict, NULL)
         && conf_json_get_string (iut, "command", &m->command, NULL);
}

/* From a signed report (docs/CERTIFICATE.md): times as UTC text; the verdict is the
 * registry's column. */
static gboolean
made_of_report (JsonObject *o, const RegReport *r, Made *m)
{
  const char *started = NULL, *ended = NULL;
  JsonObject *iut = json_object_get_member (o, "iut") != NULL
                        && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "iut"))
                      ? json_object_get_object_member (o, "iut")
                      : NULL;
  m->verdict = r->verdict;
  return iut != NULL && conf_json_get_string (o, "started_at", &started, NULL)
         && conf_json_get_string (o, "ended_at", &ended, NULL)
         && conf_json_get_string (iut, "command", &m->command, NULL)
         && base_time_parse_utc (started, &m->started_at, NULL) == BASE_TIME_OK
         && base_time_parse_utc (ended, &m->ended_at, NULL) == BASE_TIME_OK;
}

static gboolean
same (const Made *a, const Made *b)
{
  return a->started_at == b->started_at && a->ended_at == b->ended_at
         && strcmp (a->verdict, b->verdict) == 0 && strcmp (a->command, b->command) == 0;
}

/* The file dir/ID/name, or NULL when it is missing or unreadable. */
static char *
run_file (const char *runs_dir, gint64 id, const char *name)
{
  g_autofree char *idtext = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *path = g_build_filename (runs_dir, idtext, name, NULL);
  gsize len = 0;
  return base_file_read_regular (path, FILE_MAX, &len, NULL, NULL);
}

/* The one report of the run's channel, held by no run, made by the run whose results
 * file is results; 0 when none or more than one. */
static gint64
match_report (RegDb *db, const ServeRun *run, JsonObject *results, GHashTable *held,
              GError **error)
{
  Made want;
  if (!made_of_results (results, &want))
    return 0;
  g_autoptr (GPtrArray) reports = reg_db_reports (db, run->channel_id, error);
  if (reports == NULL)
    return -1;
  gint64 found = 0;
  guint n = 0;
  for (guint i = 0; i < reports->len; i++)
    {
      const RegReport *r = g_ptr_array_index (reports, i);
      if (g_hash_table_contains (held, &r->id))
        continue;
      gsize len = 0;
      const char *bytes = g_bytes_get_data (r->bytes, &len);
      g_autoptr (JsonObject) o = bytes ? conf_json_parse_object (bytes, len, NULL) : NULL;
      Made got;
      if (o != NULL && made_of_report (o, r, &got) && same (&want, &got))
        found = r->id, n++;
    }
  return n == 1 ? found : 0;
}

gboolean
serve_recover_reports (ServeStore *store, const char *registry_path, const char *runs_dir,
                       gint64 now, guint *adopted, GError **error)
{
  if (adopted != NULL)
    *adopted = 0;
  g_autoptr (GPtrArray) runs = serve_store_runs (store, NULL, NULL, 0, error);
  if (runs == NULL)
    return FALSE;
  g_autoptr (GHashTable) held = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                       NULL);
  gboolean any = FALSE;
  for (guint i = 0; i < runs->len; i++)
    {
      const ServeRun *r = g_ptr_array_index (runs, i);
      if (r->report_id > 0)
        g_hash_table_add (held, g_memdup2 (&r->report_id, sizeof r->report_id));
      any |= r->report_id == 0 && strcmp (r->state, SERVE_RUN_INTERRUPTED) == 0;
    }
  if (!any)
    return TRUE;
  g_autoptr (RegDb) db = reg_db_open (registry_path, FALSE, error);
  if (db == NULL)
    return FALSE;
  for (guint i = 0; i < runs->len; i++)
    {
      const ServeRun *r = g_ptr_array_index (runs, i);
      if (r->report_id > 0 || strcmp (r->state, SERVE_RUN_INTERRUPTED) != 0)
        continue;
      g_autofree char *results = run_file (runs_dir, r->id, "results.json");
      g_autoptr (JsonObject) o
        = results ? conf_json_parse_object (results, strlen (results), NULL) : NULL;
      if (o == NULL)
        continue;
      gint64 report = match_report (db, r, o, held, error);
      if (report < 0)
        return FALSE;
      if (report == 0)
        continue;
      const char *verdict = json_object_get_string_member (o, "verdict");
      g_autofree char *transcript = run_file (runs_dir, r->id, "transcript.jsonl");
      g_autofree char *message = g_strdup_printf (
        "finished after a restart: the worker had stored report %" G_GINT64_FORMAT
        " before the server stopped", report);
      g_autoptr (GError) e = NULL;
      if (!serve_store_run_adopt (store, r->id, verdict, message, report, results, transcript,
                                  now, &e))
        {
          /* a results file the store refuses leaves the run interrupted */
          if (g_error_matches (e, SERVE_STORE_ERROR, SERVE_STORE_ERROR_INPUT))
            continue;
          g_propagate_error (error, g_steal_pointer (&e));
          return FALSE;
        }
      g_hash_table_add (held, g_memdup2 (&report, sizeof report));
      if (adopted != NULL)
        (*adopted)++;
    }
  return TRUE;
}
