/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the databases `essc report` reads (reports/report.h).
 * The input is written as FUZZ_TMPDIR/run.db and given to report_build, the
 * whole report as `essc report --no-plots` builds it: the reader's checks
 * (reports/reader.c: application id, quick_check, which tables, the schema
 * and stamp), then every part the database holds reads its rows into the
 * page's tables and the figures' data (reports/rollout.c and the forecast,
 * latency.c, sweep.c, calibration.c, conform.c), and the page is written
 * into FUZZ_TMPDIR.  No figure is drawn: no_plots keeps gnuplot from ever
 * being started, after the figures' data are read.  A refused database
 * must say why; a report that is written must name its page, which exists.
 * A run database is then compared with itself (`essc compare`,
 * reports/compare.h: every outcome, verdict and worst day read from both,
 * the page written): a refusal must say why, and a comparison of a file
 * with itself must be paired with every difference 0.
 *
 * SQLite may leave a journal or WAL beside a database it opens; those of the
 * last input are removed first, so each input is read alone.  Seeds: small
 * databases of `essc sim` (with and without the latency model, a capacity
 * plan and a posterior), `essc sweep`, `essc calibrate`, `essc backtest` and
 * `essc conform --db`, each on a two-city, three-week scenario, VACUUMed to
 * 512-byte pages.
 */
#include "reports/compare.h"
#include "reports/report.h"
#include "tests/fuzz/harness.h"

#include <math.h>

#include <glib/gstdio.h>
#include <stdlib.h>

static void
remove_beside (const char *path, const char *suffix)
{
  g_autofree char *other = g_strconcat (path, suffix, NULL);
  g_remove (other);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_file ("run.db", data, size);
  remove_beside (path, "-journal");
  remove_beside (path, "-wal");
  remove_beside (path, "-shm");

  ReportOptions opt = {
    .db_path = path,
    .out_dir = fuzz_tmpdir (),
    .gnuplot_timeout = 1,
    .quiet = TRUE,
    .no_plots = TRUE,
  };
  g_autofree char *index = NULL;
  guint n_warnings = 0;
  g_autoptr (GError) error = NULL;
  if (!report_build (&opt, &index, &n_warnings, &error))
    {
      if (error == NULL || error->message[0] == '\0')
        abort ();
      return 0;
    }
  if (index == NULL || !g_file_test (index, G_FILE_TEST_IS_REGULAR))
    abort ();

  g_autoptr (ReportComparison) c = report_compare_load (path, path, 0.9, &error);
  if (c == NULL)
    {
      if (error == NULL || error->message[0] == '\0')
        abort ();
      return 0;
    }
  if (!c->paired && c->seed_a != NULL)
    abort ();
  for (guint i = 0; i < c->rows->len; i++)
    {
      const ReportCompareRow *r = c->rows->pdata[i];
      if (isfinite (r->mean_a) && r->mean_a != r->mean_b)
        abort ();
      if (isfinite (r->paired.diff) && r->paired.diff != 0)
        abort ();
    }
  g_autofree char *out = g_build_filename (fuzz_tmpdir (), "compare", NULL);
  opt.out_dir = out;
  g_autofree char *page = NULL;
  g_clear_error (&error);
  if (!report_compare_page (c, &opt, &page, &n_warnings, &error)
      && (error == NULL || error->message[0] == '\0'))
    abort ();
  return 0;
}
