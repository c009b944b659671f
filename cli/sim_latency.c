/* SPDX-License-Identifier: MIT */
/*
 * The latency part of `essc sim`'s summary (see sim_latency.h).
 */
#include "cli/sim_latency.h"

#include "base/text.h"

#include "model/rollout/latency.h"
#include "model/rollout/scenario_csv.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>

/* Pads a UTF-8 text to width columns (one column a character). */
static void
print_padded (const char *text, int width)
{
  int cols = (int) g_utf8_strlen (text, -1);
  /* CJK characters take two columns in a terminal. */
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_unichar_iswide (g_utf8_get_char (p)))
      cols++;
  printf ("%s%*s", text, MAX (width - cols, 0) + 1, "");
}

static void
print_ms (double seconds)
{
  if (seconds < 1)
    printf ("%9.2f ms", seconds * 1e3);
  else
    printf ("%9.2f s ", seconds);
}

static void
print_propagation (const ModelLatencyResult *lat)
{
  const SimHistogram *h = lat->propagation;
  printf ("\nstatus propagation (loss reported -> every verifier refuses the card; ESSC-STD "
          "CARD-13: p99 <= %.0f s):\n", MODEL_STATUS_PROPAGATION_BOUND);
  if (sim_histogram_count (h) == 0)
    {
      printf ("  no status change was simulated\n");
      return;
    }
  double p99 = sim_histogram_quantile (h, 0.99);
  g_autofree char *samples = base_text_group_double ((double) sim_histogram_count (h), 0);
  printf ("  %s samples: p50 %.3f s, p95 %.3f s, p99 %.3f s, max %.3f s: %s\n",
          samples, sim_histogram_quantile (h, 0.5),
          sim_histogram_quantile (h, 0.95), p99, sim_histogram_max (h),
          p99 <= MODEL_STATUS_PROPAGATION_BOUND ? "held" : "NOT HELD");
}

/* A rate in requests per second in 12 columns: one decimal, two significant
 * digits below 1 (a small platform's peak). */
static void
print_rate (double v)
{
  if (v >= 1 || v == 0)
    {
      g_autofree char *grouped = base_text_group_double (v, 1);
      printf (" %12s", grouped);
    }
  else
    printf (" %12.2g", v);
}

/* The requests per second one server completes in month m of platform p:
 * 1 / the mean service time of the busiest day's mix, mean over the
 * replications with demand (as the run database's capacity_plan); NAN
 * without demand. */
static double
server_rate (const ModelLatencyResult *lat, guint p, guint m)
{
  double sum = 0;
  guint n = 0;
  for (guint rep = 0; rep < lat->n_reps; rep++)
    {
      gsize i = ((gsize) p * lat->n_months + m) * lat->n_reps + rep;
      if (lat->plan_rate[i] > 0)
        sum += lat->plan_service[i], n++;
    }
  return n > 0 && sum > 0 ? n / sum : NAN;
}

static void
print_plan (const ModelScenario *sc, const ModelLatencyResult *lat)
{
  const ModelLatencyParams *lp = &sc->latency;
  printf ("\ncapacity plan: the fewest servers keeping p99 <= %g ms with at most 0.1%% lost on a "
          "month's\nbusiest day (most over replications), for each platform its month of most "
          "servers (of\nseveral, the one of the highest peak; every month is in the run "
          "database):\n", lp->sla_p99 * 1e3);
  printf ("  a server is one worker serving one request at a time, each taking its kind's "
          "service time\n  (measured x hardware factor %g, below): it completes 1 / (the mean "
          "service time of the\n  platform's request mix on that day) requests per second\n",
          lp->hardware_factor);
  printf ("  %-32s %14s %8s %9s %12s %12s\n", "platform", "servers needed", "in month",
          "scheduled", "peak req/s", "req/s/server");
  for (guint p = 0; p < lat->n_platforms; p++)
    {
      /* The month of most servers (most over the replications; of
       * several, the one of the highest peak, then the first), and its peak
       * (most over the replications that planned it: capacity_plan's
       * servers_max and peak_rate). */
      guint32 most = 0;
      guint at = 0;
      gboolean impossible = FALSE;
      double peak = 0;
      for (guint m = 0; m < lat->n_months; m++)
        {
          guint32 need = 0;
          double rate = 0;
          for (guint rep = 0; rep < lat->n_reps; rep++)
            {
              gsize i = ((gsize) p * lat->n_months + m) * lat->n_reps + rep;
              impossible |= lat->plan[i] == 0 && lat->plan_rate[i] > 0;
              need = MAX (need, lat->plan[i]);
              if (lat->plan[i] > 0)
                rate = MAX (rate, lat->plan_rate[i]);
            }
          if (need > most || (need == most && need > 0 && rate > peak))
            most = need, at = m, peak = rate;
        }
      g_autofree char *name = model_latency_platform_name (sc, p);
      char date[11];
      base_time_format_date (lat->start + (gint32) lat->month_day[at], date);
      printf ("  ");
      print_padded (name, 32);
      if (most == 0)
        printf ("%14s %8s", impossible ? "none can" : "-", "");
      else
        printf ("%14u %8.7s", most, date);
      printf (" %9u", model_latency_servers_on (sc, p, lat->start + (gint32) lat->month_day[at]));
      if (most == 0)
        printf (" %12s %12s", "", "");
      else
        {
          print_rate (peak);
          print_rate (server_rate (lat, p, at));
        }
      printf ("%s\n", impossible ? "  (SLA below the service time itself in some month)" : "");
    }
}

void
essc_sim_print_latency (const ModelScenario *sc, const ModelRolloutResult *r)
{
  const ModelLatencyResult *lat = r->latency;
  if (lat == NULL)
    return;
  const ModelLatencyParams *lp = &sc->latency;
  const guint nd = lat->n_days;
  printf ("\nplatform latency (peak window of %.0f min each day; mean over replications; "
          "SLA p99 <= %g ms):\n", lp->window_minutes, lp->sla_p99 * 1e3);
  printf ("  %-32s %7s %10s %6s %12s %6s  %s\n", "platform", "servers", "worst day", "load",
          "p99", "SLA", "days over SLA");
  g_autofree double *p99 = g_new (double, nd);
  g_autofree double *load = g_new (double, nd);
  g_autofree double *req = g_new (double, nd);
  guint over_platforms = 0;
  for (guint p = 0; p < lat->n_platforms; p++)
    {
      double worst_p99;
      int worst = model_latency_worst_day (lat, p, 0, &worst_p99);
      guint base = p * MODEL_LAT_N_METRICS;
      sim_series_set_summarise (lat->day, base + MODEL_LAT_P99, 0, 0.05, 0.95, p99, NULL, NULL);
      sim_series_set_summarise (lat->day, base + MODEL_LAT_LOAD, 0, 0.05, 0.95, load, NULL, NULL);
      sim_series_set_summarise (lat->day, base + MODEL_LAT_REQUESTS, 0, 0.05, 0.95, req, NULL,
                                NULL);
      guint over = 0, active = 0;
      for (guint d = 0; d < nd; d++)
        if (req[d] > 0)
          active++, over += p99[d] > lp->sla_p99;
      g_autofree char *name = model_latency_platform_name (sc, p);
      printf ("  ");
      print_padded (name, 32);
      if (worst < 0)
        {
          printf ("%7u %10s\n", model_latency_servers_on (sc, p, sc->end), "no demand");
          continue;
        }
      char date[11];
      base_time_format_date (lat->start + worst, date);
      printf ("%7u %10s %6.3f ", model_latency_servers_on (sc, p, lat->start + worst), date,
              load[worst]);
      print_ms (worst_p99);
      printf (" %6s  %u of %u\n", worst_p99 <= lp->sla_p99 ? "held" : "BROKEN", over, active);
      over_platforms += worst_p99 > lp->sla_p99;
    }
  printf ("  the SLA held on every day at %u of %u platforms\n",
          lat->n_platforms - over_platforms, lat->n_platforms);
  print_propagation (lat);
  if (lat->planned)
    print_plan (sc, lat);
  printf ("\nservice times (mean): measured by essc bench (%s) x hardware factor %g:\n",
          lp->measured_on, lp->hardware_factor);
  for (guint k = 0; k < MODEL_N_REQ_KINDS; k++)
    printf ("  %-14s %9.3f ms measured  %9.3f ms in the model  (a server: %8.1f req/s)\n",
            model_request_kind_name ((ModelRequestKind) k), lp->measured[k] * 1e3,
            lp->measured[k] * lp->hardware_factor * 1e3,
            1 / (lp->measured[k] * lp->hardware_factor));
}
