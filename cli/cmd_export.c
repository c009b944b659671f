/* SPDX-License-Identifier: MIT */
/*
 * essc export: the tables of any database essc writes as CSV or JSON
 * (reports/export.h; docs/EXPORT.md).  This file chooses the outputs:
 * standard output, one file, or one file per table in a folder, each
 * written through a temporary file renamed into place when complete
 * (base/file.h), so a failure leaves no half file.  Everything that can be
 * refused (the database, the tables, the options, the output's folder) is
 * refused before anything is written.  Exit status: 0 done, 2 usage or
 * input error, 3 an output that could not be written.
 */
#include "cli/cli.h"

#include "base/file.h"
#include "base/text.h"
#include "reports/export.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define CMD "export"

/* A table name that is also a safe file name (TABLE.csv in a folder). */
static gboolean
file_name_ok (const char *name)
{
  if (name[0] == '\0' || name[0] == '.')
    return FALSE;
  for (const char *c = name; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '_' && *c != '-' && *c != '.')
      return FALSE;
  return TRUE;
}

/* An error of the export: the database's (2) or the output's (3). */
static int
failed (GError *error)
{
  fprintf (stderr, "essc " CMD ": %s\n", error->message);
  return g_error_matches (error, REPORT_EXPORT_ERROR, REPORT_EXPORT_ERROR_WRITE)
         ? ESSC_EXIT_INTERNAL : ESSC_EXIT_USAGE;
}

/* An output that cannot be started (a missing or unwritable folder, a
 * name that is a folder, link or device): the user's to fix. */
static int
out_failed (GError *error)
{
  fprintf (stderr, "essc " CMD ": %s\n", error->message);
  return ESSC_EXIT_USAGE;
}

/* --list: each table's rows and columns. */
static int
list_tables (ReportExport *x, const char *db, const ReportExportTable *const *tables, guint n)
{
  int width = 5;
  for (guint i = 0; i < n; i++)
    width = MAX (width, (int) strlen (tables[i]->name));
  g_autoptr (GString) out = g_string_new (NULL);
  g_string_append_printf (out, "%s: %s, application_id 0x%08" G_GINT64_MODIFIER "x, %u table%s\n",
                          db, base_db_kind_describe (report_export_kind (x)),
                          report_export_application_id (x) & 0xffffffff, n, n == 1 ? "" : "s");
  g_string_append_printf (out, "%-*s %12s  %s\n", width, "table", "rows", "columns");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;
      gint64 rows = 0;
      if (!report_export_count (x, tables[i], &rows, &error))
        return failed (error);
      g_autofree char *columns = g_strjoinv (", ", tables[i]->columns);
      g_string_append_printf (out, "%-*s %12" G_GINT64_FORMAT "  %s\n", width, tables[i]->name,
                              rows, columns);
    }
  fputs (out->str, stdout);
  return ESSC_EXIT_OK;
}

/* TRUE when path is the file at db (the same inode: the name, a link). */
static gboolean
same_file (const char *path, const char *db)
{
  GStatBuf a, b;
  return g_stat (path, &a) == 0 && g_stat (db, &b) == 0 && a.st_dev == b.st_dev
         && a.st_ino == b.st_ino;
}

/* One table's CSV, or the JSON of them all, to path ("-": standard output). */
static int
write_one (ReportExport *x, const char *db, gboolean json, const ReportExportTable *const *tables,
           guint n, const char *path)
{
  if (strcmp (path, "-") != 0 && same_file (path, db))
    return essc_cli_usage_error (CMD, "--out %s: is the database itself: not replaced", path);
  g_autoptr (GError) error = NULL;
  g_autoptr (BaseFileOut) out = base_file_out_new (path, 0644, &error);
  if (out == NULL)
    return out_failed (error);
  const char *name = strcmp (path, "-") == 0 ? "standard output" : path;
  FILE *stream = base_file_out_stream (out);
  gboolean ok = json ? report_export_json (x, db, tables, n, stream, name, &error)
                     : report_export_csv (x, tables[0], stream, name, &error);
  if (!ok)
    return failed (error);
  if (!base_file_out_commit (out, FALSE, &error))
    {
      fprintf (stderr, "essc " CMD ": %s\n", error->message);
      return ESSC_EXIT_INTERNAL;
    }
  return ESSC_EXIT_OK;
}

/* Each table's CSV to DIR/TABLE.csv; the folder is made when missing (not
 * its parents). */
static int
write_folder (ReportExport *x, const char *db, const char *dir,
              const ReportExportTable *const *tables, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *file = g_strconcat (tables[i]->name, ".csv", NULL);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      if (file_name_ok (tables[i]->name) && same_file (path, db))
        return essc_cli_usage_error (CMD, "--out %s: %s is the database itself: not replaced",
                                     dir, path);
    }
  for (guint i = 0; i < n; i++)
    if (!file_name_ok (tables[i]->name))
      {
        g_autofree char *shown = base_text_printable (tables[i]->name, strlen (tables[i]->name),
                                                      64);
        return essc_cli_usage_error (CMD, "table '%s' cannot name a file in %s (letters, digits, "
                                     "'_', '-', '.'): export it alone with --table to standard "
                                     "output or --format json", shown, dir);
      }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      if (g_file_test (dir, G_FILE_TEST_EXISTS))
        return essc_cli_usage_error (CMD, "--out %s: exists and is not a folder (several tables "
                                     "in CSV are written one file per table into a folder)",
                                     dir);
      if (g_mkdir (dir, 0755) != 0)
        {
          int e = errno;
          fprintf (stderr, "essc " CMD ": %s: cannot make the folder: %s\n", dir, g_strerror (e));
          return e == ENOENT || e == ENOTDIR || e == EACCES ? ESSC_EXIT_USAGE
                                                            : ESSC_EXIT_INTERNAL;
        }
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *file = g_strconcat (tables[i]->name, ".csv", NULL);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      int status = write_one (x, db, FALSE, &tables[i], 1, path);
      if (status != ESSC_EXIT_OK)
        return status;
    }
  return ESSC_EXIT_OK;
}

int
essc_cmd_export (int argc, char **argv)
{
  g_auto (GStrv) names = NULL;
  g_autofree char *format = NULL;
  g_autofree char *out = NULL;
  gboolean list = FALSE;
  const GOptionEntry entries[] = {
    { "table", 't', 0, G_OPTION_ARG_STRING_ARRAY, &names,
      "a table to export (repeat for several; default: every table)", "T" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "csv (default) or json", "FORMAT" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      "a file (JSON; CSV of one table), or a folder (CSV: TABLE.csv each); default: standard "
      "output", "FILE|DIR" },
    { "list", 'l', 0, G_OPTION_ARG_NONE, &list,
      "list the tables with their rows and columns, and export nothing", NULL },
    { NULL },
  };
  if (!essc_cli_parse (&argc, &argv, CMD, "DATABASE",
                       "Writes the tables of a database essc wrote (a run, sweep, calibration\n"
                       "or conformance database, the registry, an e-card store) as CSV or JSON.\n"
                       "The database is read only; a file that is not SQLite, damaged, of\n"
                       "another program, or that holds views, triggers, generated columns or\n"
                       "virtual tables is refused. Rows come in primary-key order (rowid order\n"
                       "for a table without a key), so a database always gives the same bytes.\n"
                       "\n"
                       "CSV (RFC 4180): a header of column names, records ending CR LF,\n"
                       "fields quoted when they hold a comma, quote, CR or LF or are empty:\n"
                       "an empty field is NULL, \"\" the empty text. Integers exactly; REAL as\n"
                       "%.17g (reads back to the same double; inf, -inf); BLOB as lowercase\n"
                       "hex; text as stored (UTF-8). One table goes to standard output or\n"
                       "--out FILE (an existing folder: FOLDER/TABLE.csv); several need\n"
                       "--out DIR, made if missing (not its parents), one TABLE.csv each.\n"
                       "\n"
                       "JSON: one document, one row a line:\n"
                       "  {\"database\": PATH, \"kind\": KIND, \"application_id\": N,\n"
                       "   \"tables\": {TABLE: {\"columns\": [...], \"types\": [...],\n"
                       "                      \"order\": [...], \"rows\": [[...], ...]}}}\n"
                       "NULL as null; integers and REAL as numbers (a REAL always with \".\" or\n"
                       "an exponent; an infinity as null); BLOB as a hex string; text as a\n"
                       "string (U+0000 as \\u0000), or {\"text_hex\": HEX} when not UTF-8.\n"
                       "KIND: store, run, sweep, calibration, conformance or registry.\n"
                       "\n"
                       "Rows are streamed, never held whole. A file is written under a\n"
                       "temporary name and renamed into place when complete: a failure leaves\n"
                       "no half file (docs/EXPORT.md).\n"
                       "Exit status: 0 done, 2 usage or input error (the database, a table it\n"
                       "lacks, an output folder that is missing), 3 an output that could not\n"
                       "be written.",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc != 2)
    return essc_cli_usage_error (CMD, "expected one DATABASE");
  gboolean json = FALSE;
  if (format != NULL && strcmp (format, "json") == 0)
    json = TRUE;
  else if (format != NULL && strcmp (format, "csv") != 0)
    {
      g_autofree char *shown = base_text_printable (format, strlen (format), 32);
      return essc_cli_usage_error (CMD, "--format: '%s': expected csv or json", shown);
    }
  if (list && (out != NULL || format != NULL))
    return essc_cli_usage_error (CMD, "--list prints the tables on standard output: no --out "
                                 "or --format with it");
  if (out != NULL && out[0] == '\0')
    return essc_cli_usage_error (CMD, "--out: an empty name");

  const char *db = argv[1];
  g_autoptr (GError) error = NULL;
  g_autoptr (ReportExport) x = report_export_open (db, &error);
  if (x == NULL)
    return failed (error);

  /* the tables: each named one, once, or all */
  g_autoptr (GPtrArray) tables = g_ptr_array_new ();
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      const ReportExportTable *t = report_export_table (x, names[i]);
      g_autofree char *shown = base_text_printable (names[i], strlen (names[i]), 64);
      if (t == NULL)
        {
          g_autofree char *have = report_export_table_names (x);
          fprintf (stderr, "essc " CMD ": %s: no table '%s' (its tables: %s)\n", db, shown, have);
          return ESSC_EXIT_USAGE;
        }
      for (guint j = 0; j < tables->len; j++)
        if (tables->pdata[j] == t)
          return essc_cli_usage_error (CMD, "--table %s: given twice", shown);
      g_ptr_array_add (tables, (gpointer) t);
    }
  if (names == NULL)
    for (guint i = 0; i < report_export_tables (x)->len; i++)
      g_ptr_array_add (tables, report_export_tables (x)->pdata[i]);
  const ReportExportTable *const *picked = (const ReportExportTable *const *) tables->pdata;

  if (list)
    return list_tables (x, db, picked, tables->len);
  if (json)
    return write_one (x, db, TRUE, picked, tables->len, out != NULL ? out : "-");
  /* CSV: one named table to a file, standard output or into a folder;
   * otherwise one file per table into a folder */
  if (names != NULL && tables->len == 1)
    {
      if (out != NULL && g_file_test (out, G_FILE_TEST_IS_DIR))
        return write_folder (x, db, out, picked, 1);
      return write_one (x, db, FALSE, picked, 1, out != NULL ? out : "-");
    }
  if (out == NULL)
    return essc_cli_usage_error (CMD, "%s: %u tables in CSV need --out DIR (one file TABLE.csv "
                                 "per table), or one --table T for standard output, or "
                                 "--format json", db, tables->len);
  if (strcmp (out, "-") == 0)
    return essc_cli_usage_error (CMD, "--out -: several tables in CSV cannot go to standard "
                                 "output (one --table T, or --format json)");
  return write_folder (x, db, out, picked, tables->len);
}
