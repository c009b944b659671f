/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: `essc export` on a file (reports/export.h): the
 * checks on opening (kind, empty, views, triggers, generated columns and
 * virtual tables refused, quick check), then every table in CSV and the
 * whole database in JSON, each into memory.  A refused database must say
 * why, naming the file; an export must not fail to write to memory; and the
 * JSON of a database that exports must be JSON json-glib reads (NUL,
 * invalid UTF-8 and control characters in a hostile file's text included).
 *
 * SQLite may leave a journal or WAL beside a database it opens; those of the
 * last input are removed first.  Seeds: the rundb harness's small run,
 * sweep, calibration and conformance databases and its recursive view, an
 * e-card store, and a run-kind file of edge values (NUL, invalid UTF-8,
 * infinities, int64 bounds, a table without a key).
 */
#include "reports/export.h"
#include "tests/fuzz/harness.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
remove_beside (const char *path, const char *suffix)
{
  g_autofree char *other = g_strconcat (path, suffix, NULL);
  g_remove (other);
}

/* A stream into memory; *buf and *len are set on fclose. */
static FILE *
memory (char **buf, size_t *len)
{
  FILE *f = open_memstream (buf, len);
  if (f == NULL)
    abort ();
  return f;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_file ("export.db", data, size);
  remove_beside (path, "-journal");
  remove_beside (path, "-wal");
  remove_beside (path, "-shm");

  g_autoptr (GError) error = NULL;
  g_autoptr (ReportExport) x = report_export_open (path, &error);
  if (x == NULL)
    {
      if (error == NULL || strstr (error->message, path) == NULL)
        abort ();
      return 0;
    }
  const GPtrArray *tables = report_export_tables (x);
  for (guint i = 0; i < tables->len; i++)
    {
      char *buf = NULL;
      size_t len = 0;
      FILE *f = memory (&buf, &len);
      gboolean ok = report_export_csv (x, tables->pdata[i], f, "memory", &error);
      fclose (f);
      free (buf);
      if (!ok && g_error_matches (error, REPORT_EXPORT_ERROR, REPORT_EXPORT_ERROR_WRITE))
        abort ();
      g_clear_error (&error);
    }
  char *buf = NULL;
  size_t len = 0;
  FILE *f = memory (&buf, &len);
  gboolean ok = report_export_json (x, path, (const ReportExportTable *const *) tables->pdata,
                                    tables->len, f, "memory", &error);
  fclose (f);
  if (ok)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) e = NULL;
      if (!json_parser_load_from_data (parser, buf, (gssize) len, &e))
        {
          fprintf (stderr, "export's JSON does not parse: %s\n", e->message);
          abort ();
        }
    }
  else if (g_error_matches (error, REPORT_EXPORT_ERROR, REPORT_EXPORT_ERROR_WRITE))
    abort ();
  free (buf);
  return 0;
}
