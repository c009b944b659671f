/* SPDX-License-Identifier: MIT */
/*
 * Run estimates (scenario_estimate.h).  Memory: the engine keeps every
 * city's daily state for the whole run once, plus each replication's daily
 * series; time grows with replication-city-days and falls with the jobs
 * running replications at once.  Constants from `/usr/bin/time essc sim`
 * on national-2019.ini (367 cities) stretched to 3 and 30 years and to 1, 2
 * and 4 replications, on the 2-core reference machine (scenarios/README.md).
 */
#include "model/rollout/scenario_estimate.h"

#include <math.h>
#include <unistd.h>

#define BASE_BYTES 10.0e6             /* the program, its tables, the cities */
#define BYTES_PER_CITY_DAY 280.0      /* the run's daily state of one city */
#define BYTES_PER_REPLICATION_CITY_DAY 27.0   /* a replication's series kept */
#define SECONDS_PER_REPLICATION_CITY_DAY 3.0e-5

void
model_run_estimate (const ModelScenario *s, guint replications, guint jobs,
                    ModelRunEstimate *out)
{
  g_return_if_fail (s != NULL && out != NULL);
  double days = (double) s->end - (double) s->start + 1.0;
  double cities = s->cities != NULL ? (double) s->cities->n_cities : 367.0;
  guint r = MAX (replications, 1), j = CLAMP (jobs, 1, r);
  out->days = (guint64) days;
  out->replications = r;
  out->jobs = j;
  out->memory_bytes = BASE_BYTES + days * cities * (BYTES_PER_CITY_DAY
                                                    + BYTES_PER_REPLICATION_CITY_DAY * r);
  out->seconds = SECONDS_PER_REPLICATION_CITY_DAY * days * cities * ceil ((double) r / j);
}

double
model_run_memory_limit (void)
{
  long pages = sysconf (_SC_PHYS_PAGES), size = sysconf (_SC_PAGESIZE);
  if (pages <= 0 || size <= 0)
    return 8.0 * 1024 * 1024 * 1024;
  return (double) pages * (double) size / 2.0;
}

static char *
bytes_text (double b)
{
  if (b >= 1024.0 * 1024 * 1024)
    return g_strdup_printf ("%.1f GiB", b / (1024.0 * 1024 * 1024));
  return g_strdup_printf ("%.0f MiB", ceil (b / (1024.0 * 1024)));
}

static char *
seconds_text (double s)
{
  if (s >= 2 * 3600.0)
    return g_strdup_printf ("%.1f h", s / 3600.0);
  if (s >= 120.0)
    return g_strdup_printf ("%.0f min", ceil (s / 60.0));
  return g_strdup_printf ("%.0f s", ceil (s));
}

char *
model_run_estimate_text (const ModelRunEstimate *e)
{
  g_autofree char *m = bytes_text (e->memory_bytes), *t = seconds_text (e->seconds);
  return g_strdup_printf ("about %s of memory and %s (%" G_GUINT64_FORMAT " days, %u "
                          "replication%s on %u job%s)", m, t, e->days, e->replications,
                          e->replications == 1 ? "" : "s", e->jobs, e->jobs == 1 ? "" : "s");
}

char *
model_run_estimate_refusal (const ModelRunEstimate *e)
{
  double mem_limit = model_run_memory_limit ();
  g_autofree char *what = model_run_estimate_text (e);
  if (e->memory_bytes > mem_limit)
    {
      g_autofree char *limit = bytes_text (mem_limit);
      return g_strdup_printf ("the run would need %s: more than %s (half this machine's "
                              "memory); shorten it or pass --force", what, limit);
    }
  if (e->seconds > MODEL_RUN_SECONDS_LIMIT)
    return g_strdup_printf ("the run would take %s: more than 24 h; shorten it, add --jobs "
                            "or pass --force", what);
  return NULL;
}
