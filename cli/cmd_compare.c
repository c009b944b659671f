/* SPDX-License-Identifier: MIT */
/*
 * essc compare A.db B.db: the differences between two runs (B minus A) as a
 * terminal table, and with --out a page with overlaid figures
 * (reports/compare.h): the nation's verdicts and the provinces whose
 * verdict changed, national outcomes (holders and shares on the target
 * dates, the targets' probabilities, margins and cities meeting them),
 * provinces' holders and shares (--provinces), each platform's worst day and
 * capacity.  Every difference has an interval at --level: paired by
 * replication when the runs share the seed (common random numbers), and
 * unpaired (Welch) always.  Exit status: 0 compared, 2 a database that is
 * not a run database of this essc or bad usage.
 */
#include "cli/cli.h"
#include "reports/compare.h"

#include "base/text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The decimals of a row's numbers. */
static int
row_decimals (const ReportCompareRow *r)
{
  if (strcmp (r->quantity, "holders") == 0 || strcmp (r->quantity, "peak_servers") == 0
      || g_str_has_prefix (r->quantity, "margin:unified")
      || g_str_has_prefix (r->quantity, "margin:mobile"))
    return 0;
  return g_str_has_prefix (r->quantity, "met:") ? 2 : 1;
}

/* v with decimals, digits grouped, a sign when signed. */
static char *
grouped (double v, int decimals, gboolean sign)
{
  g_autofree char *g = base_text_group_double (v, decimals);
  return sign && v >= 0 && g[0] != '-' ? g_strconcat ("+", g, NULL) : g_steal_pointer (&g);
}

/* "[lo .. hi]" with decimals, or "-" when there is no interval. */
static char *
interval (const BaseStatsDiff *d, int decimals)
{
  if (isnan (d->lo) || isnan (d->hi))
    return g_strdup ("-");
  g_autofree char *lo = grouped (d->lo, decimals, TRUE), *hi = grouped (d->hi, decimals, TRUE);
  return g_strdup_printf ("[%s .. %s]", lo, hi);
}

static void
print_row (const ReportCompareRow *r, gboolean with_where, gboolean paired)
{
  int k = row_decimals (r);
  g_autofree char *what = with_where ? g_strdup_printf ("%s: %s", r->where, r->label)
                                     : g_strdup (r->label);
  g_autofree char *pi = interval (&r->paired, k), *ui = interval (&r->unpaired, k);
  printf ("  ");
  essc_cli_print_padded (what, 44);
  g_autofree char *a = grouped (r->mean_a, k, FALSE), *b = grouped (r->mean_b, k, FALSE);
  g_autofree char *d = grouped (r->mean_b - r->mean_a, k, TRUE);
  printf ("%15s %15s %13s  %-30s %s\n", a, b, d, paired ? pi : "-", ui);
}

int
essc_cmd_compare (int argc, char **argv)
{
  g_autofree char *out = NULL;
  double level = 0.9;
  gboolean provinces = FALSE, no_plots = FALSE, quiet = FALSE;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      "also write a page with the tables and overlaid figures to DIR/index.html", "DIR" },
    { "level", 0, 0, G_OPTION_ARG_DOUBLE, &level,
      "confidence level of the intervals of the differences (default 0.9)", "L" },
    { "provinces", 0, 0, G_OPTION_ARG_NONE, &provinces,
      "also print every province's holders and share on the target dates (the page always "
      "has them)", NULL },
    { "no-plots", 0, 0, G_OPTION_ARG_NONE, &no_plots, "with --out: the tables only", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no progress on stderr", NULL },
    { NULL },
  };
  if (!essc_cli_parse (&argc, &argv, "compare", "A.db B.db",
                       "Compares two run databases of essc sim, B minus A: the nation's verdict\n"
                       "on each target and the provinces whose verdict changed; national holders\n"
                       "and shares on the target dates, each target's probability, margin and\n"
                       "cities meeting it; provinces (--provinces); each platform's worst-day\n"
                       "p99 and the capacity plan's peak servers.  Each difference of means has\n"
                       "an interval at --level: paired by replication when both runs have the\n"
                       "same seed (replication i of each draws from the same random streams, so\n"
                       "the differences B_i - A_i vary less than the runs do), and Welch's\n"
                       "unpaired interval always.  Run both with --replications 10 or more.\n"
                       "--out draws its figures with gnuplot (ESSC_GNUPLOT names another\n"
                       "gnuplot program, as for essc report).\n"
                       "Exit status: 0 compared, 2 unreadable database or usage error.",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc != 3)
    return essc_cli_usage_error ("compare", "expected two run databases A.db B.db");
  if (!(level >= 0.5 && level <= 0.999))
    return essc_cli_usage_error ("compare", "--level: expected a confidence level from 0.5 to "
                                 "0.999");
  g_autoptr (GError) error = NULL;
  g_autoptr (ReportComparison) c = report_compare_load (argv[1], argv[2], level, &error);
  if (c == NULL)
    {
      fprintf (stderr, "essc compare: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  printf ("essc compare: B - A\n  A = %s: scenario %s, seed %s, %u replication%s\n"
          "  B = %s: scenario %s, seed %s, %u replication%s\n", c->path_a, c->name_a,
          c->seed_a, c->reps_a, c->reps_a == 1 ? "" : "s", c->path_b, c->name_b, c->seed_b,
          c->reps_b, c->reps_b == 1 ? "" : "s");
  if (c->paired)
    printf ("paired by replication: the same seed, %u pairs (common random numbers)\n",
            c->n_pairs);
  else
    printf ("not paired: the seeds differ, so only unpaired (Welch) intervals\n");
  printf ("intervals: %.0f%% confidence intervals of the difference of the means (t, n - 1 "
          "degrees of freedom paired; Welch-Satterthwaite unpaired)\n", 100 * level);

  printf ("\nverdicts of the nation (docs/RUNDB.md, \"Verdicts\"):\n  %-48s %-18s %-18s %s\n",
          "target", "A (probability)", "B (probability)", "cities meeting it A -> B");
  for (guint i = 0; i < c->verdicts->len; i++)
    {
      const ReportCompareVerdict *v = c->verdicts->pdata[i];
      g_autofree char *a = g_strdup_printf ("%s (%.2f)", v->verdict_a, v->probability_a);
      g_autofree char *b = g_strdup_printf ("%s (%.2f)", v->verdict_b, v->probability_b);
      printf ("  %-48s %-18s %-18s %.1f -> %.1f%s\n", v->description, a, b, v->cities_a,
              v->cities_b, strcmp (v->verdict_a, v->verdict_b) != 0 ? "  CHANGED" : "");
    }
  if (c->changes->len == 0)
    printf ("  no province's verdict changed\n");
  else
    {
      printf ("  provinces whose verdict changed (%u):\n", c->changes->len);
      for (guint i = 0; i < c->changes->len; i++)
        {
          const ReportCompareChange *ch = c->changes->pdata[i];
          printf ("    %-18s %06" G_GINT64_FORMAT " ", ch->target, ch->code);
          essc_cli_print_padded (ch->province, 16);
          printf ("%s -> %s\n", ch->verdict_a, ch->verdict_b);
        }
    }

  g_autofree char *pcol = g_strdup_printf ("%.0f%% paired", 100 * level);
  g_autofree char *ucol = g_strdup_printf ("%.0f%% unpaired", 100 * level);
  const char *scopes[] = { "nation", "province", "platform" };
  const char *titles[] = { "national outcomes", "provinces", "platforms" };
  for (guint s = 0; s < G_N_ELEMENTS (scopes); s++)
    {
      if (s == 1 && !provinces)
        continue;
      gboolean header = FALSE;
      for (guint i = 0; i < c->rows->len; i++)
        {
          const ReportCompareRow *r = c->rows->pdata[i];
          if (strcmp (r->scope, scopes[s]) != 0)
            continue;
          if (!header)
            printf ("\n%s:\n  %-44s %15s %15s %13s  %-30s %s\n", titles[s], "outcome", "A", "B",
                    "B - A", pcol, ucol);
          header = TRUE;
          print_row (r, s > 0, c->paired);
        }
    }
  if (c->worst->len > 0)
    {
      printf ("\nworst days (the day of the highest p99, mean over the replications) and the "
              "capacity plan:\n"
              "  %-34s %-12s %10s   %-12s %10s   %s\n", "platform", "A worst day", "p99 ms",
              "B worst day", "p99 ms", "peak servers A -> B");
      for (guint i = 0; i < c->worst->len; i++)
        {
          const ReportCompareWorst *w = c->worst->pdata[i];
          g_autofree char *servers = isnan (w->servers_a) && isnan (w->servers_b)
              ? g_strdup ("(no plan)")
              : g_strdup_printf ("%.0f -> %.0f", w->servers_a, w->servers_b);
          printf ("  ");
          essc_cli_print_padded (w->name, 34);
          printf ("%-12s %10.2f   %-12s %10.2f   %s\n", w->day_a, w->p99_ms_a, w->day_b,
                  w->p99_ms_b, servers);
        }
    }
  for (guint i = 0; i < c->only->len; i++)
    printf ("left out (%s)\n", (const char *) c->only->pdata[i]);
  if (out != NULL)
    {
      ReportOptions opt = { .db_path = argv[1], .out_dir = out, .gnuplot_timeout = 60,
                            .quiet = quiet, .no_plots = no_plots };
      g_autofree char *index = NULL;
      guint warnings = 0;
      if (!report_compare_page (c, &opt, &index, &warnings, &error))
        {
          fprintf (stderr, "essc compare: %s\n", error->message);
          return ESSC_EXIT_USAGE;
        }
      printf ("\npage: %s%s\n", index, warnings ? " (with warnings: see the page)" : "");
    }
  return ESSC_EXIT_OK;
}
