/* SPDX-License-Identifier: MIT */
/*
 * essc report: plots and an HTML page from a run, conformance, sweep or
 * calibration database (reports/report.h).  Exit status: 0 written
 * (figures gnuplot could not draw are listed on the page and on stderr), 2
 * a database that cannot be read or a directory that cannot be written, or
 * bad usage.
 */
#include "cli/cli.h"
#include "reports/report.h"

#include <stdio.h>
#include <string.h>

int
essc_cmd_report (int argc, char **argv)
{
  g_autofree char *out = NULL;
  double timeout = 60;
  gboolean quiet = FALSE, no_plots = FALSE;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      "output directory (default: the database's name without .db, plus -report)", "DIR" },
    { "gnuplot-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout,
      "seconds gnuplot may take per figure before it is stopped (default 60)", "S" },
    { "no-plots", 0, 0, G_OPTION_ARG_NONE, &no_plots,
      "write the tables only: draw no figure (gnuplot is not started)", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no progress on stderr", NULL },
    { NULL },
  };
  if (!essc_cli_parse (&argc, &argv, "report", "DATABASE",
                       "Writes DIR/index.html and the figures (SVG and PNG, drawn by gnuplot) of\n"
                       "a run database (essc sim), a conformance database (essc conform --db),\n"
                       "a sweep database (essc sweep) or a calibration database (essc calibrate,\n"
                       "essc backtest).\n"
                       "Every figure and number comes from the database. Without gnuplot\n"
                       "(Debian package gnuplot-nox), or with --no-plots, the tables are\n"
                       "still written. The environment variable ESSC_GNUPLOT names another\n"
                       "gnuplot program to run (default: gnuplot, found in PATH).\n"
                       "Exit status: 0 written, 2 unreadable database, unwritable directory\n"
                       "or usage error.",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc != 2)
    return essc_cli_usage_error ("report", "expected one DATABASE");
  if (!(timeout > 0 && timeout <= 3600))
    return essc_cli_usage_error ("report", "--gnuplot-timeout: expected seconds in (0, 3600]");
  if (out == NULL)
    {
      const char *db = argv[1];
      g_autofree char *stem = g_str_has_suffix (db, ".db") ? g_strndup (db, strlen (db) - 3)
                                                           : g_strdup (db);
      out = g_strdup_printf ("%s-report", stem);
    }
  ReportOptions opt = { argv[1], out, timeout, quiet, no_plots };
  g_autoptr (GError) error = NULL;
  g_autofree char *index = NULL;
  guint warnings = 0;
  if (!report_build (&opt, &index, &warnings, &error))
    {
      fprintf (stderr, "essc report: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  printf ("report: %s%s\n", index, warnings ? " (with warnings: see the page)" : "");
  return ESSC_EXIT_OK;
}
