/* SPDX-License-Identifier: MIT */
/*
 * The service-time file of essc bench --service-times (cli/bench_service.h):
 * which measured operations make up each request kind of the latency model,
 * and the CSV that records their sums.  Pure formatting plus one atomic
 * write; the measuring is cli/cmd_bench.c's.
 */
#include "cli/bench_service.h"
#include "base/file.h"

#include <glib/gstdio.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#define COST(field) ((int) offsetof (EsscBenchCosts, field))

/* The request kinds: the operations each costs (offsets into
 * EsscBenchCosts, ending at -1) and how the file names them. */
static const struct {
  const char *kind, *operations;
  int costs[4];
} kinds[] = {
  { "qr_verify", "qr: verify (2 signatures + status + replay)", { COST (qr_verify), -1 } },
  { "login", "channel request verify + credential verify with status",
    { COST (channel_verify), COST (credential_verify), -1 } },
  { "query", "channel request verify + three-authorisation check",
    { COST (channel_verify), COST (consent), -1 } },
  { "payment",
    "channel request verify + three-authorisation check + ledger settlement (SQLite transaction)",
    { COST (channel_verify), COST (consent), COST (settlement_sql), -1 } },
  { "status_change", "channel request verify + card loss report (status + audit)",
    { COST (channel_verify), COST (card_loss), -1 } },
};

/* Appends field to out, quoted as RFC 4180 asks when it holds a comma, a
 * quote or a line break. */
static void
csv_field (GString *out, const char *field)
{
  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (out, field);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

char *
essc_bench_service_csv (const EsscBenchCosts *costs, const char *measured)
{
  g_return_val_if_fail (costs != NULL && measured != NULL, NULL);
  GString *out = g_string_new ("kind,seconds,operations,measured\n");

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      double sum = 0;
      char number[G_ASCII_DTOSTR_BUF_SIZE];
      for (const int *c = kinds[i].costs; *c >= 0; c++)
        sum += *(const double *) ((const char *) costs + *c);
      csv_field (out, kinds[i].kind);
      g_string_append_printf (out, ",%s,", g_ascii_formatd (number, sizeof number, "%.9f", sum));
      csv_field (out, kinds[i].operations);
      g_string_append_c (out, ',');
      csv_field (out, measured);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

gboolean
essc_bench_service_check (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *shown = g_filename_display_name (path);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                 "%s: cannot write the file: its directory does not exist", shown);
  else if (g_access (dir, W_OK) != 0)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ACCES,
                 "%s: cannot write the file: its directory is not writable", shown);
  else if (g_file_test (path, G_FILE_TEST_IS_DIR))
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR,
                 "%s: cannot write the file: it is a directory", shown);
  else
    return TRUE;
  return FALSE;
}

gboolean
essc_bench_service_write (const char *path, const EsscBenchCosts *costs, GError **error)
{
  g_return_val_if_fail (path != NULL && costs != NULL, FALSE);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *measured = g_strdup_printf ("essc %s on %s %s", ESSC_VERSION,
                                               g_get_host_name (), date);
  g_autofree char *csv = essc_bench_service_csv (costs, measured);
  return base_file_write_atomic (path, csv, strlen (csv), 0644, FALSE, error);
}
