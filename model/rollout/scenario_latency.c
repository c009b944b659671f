/* SPDX-License-Identifier: MIT */
/*
 * The [latency] group of a scenario: its keys, their defaults, the service
 * times file it names (written by `essc bench --service-times`) and the
 * rules between its fields.  Every problem is appended with its line, as
 * scenario_keys.c does for the other groups.  The group is optional: a
 * scenario without it runs no latency model.
 */
#include "model/rollout/scenario_private.h"
#include "base/names.h"

#include <math.h>
#include <string.h>

static const char *const kind_names[MODEL_N_REQ_KINDS] = {
  "qr_verify", "login", "query", "payment", "status_change",
};

const char *
model_request_kind_name (ModelRequestKind kind)
{
  return (guint) kind < MODEL_N_REQ_KINDS ? kind_names[kind] : "unknown";
}

guint
model_scenario_servers_on (const ModelServerStep *steps, guint n, gint32 day)
{
  guint servers = n > 0 ? steps[0].servers : 1;
  for (guint i = 1; i < n && steps[i].day <= day; i++)
    servers = steps[i].servers;
  return servers;
}

guint
model_day_type (gint32 day)
{
  /* 1970-01-01 was a Thursday: (day + 4) mod 7 is 0 on Sundays. */
  gint64 dow = (((gint64) day + 4) % 7 + 7) % 7;
  return dow == 0 || dow == 6 ? MODEL_WEEKEND : MODEL_WEEKDAY;
}

/* ---- defaults ------------------------------------------------------------- */

/* Hourly demand of a mobile government service: a morning peak on weekdays,
 * a flatter, later day at weekends (scenarios/README.md). */
static const double weekday_profile[24] = {
  0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 2.0, 4.0, 6.5, 8.0, 8.0, 7.0,
  6.0, 6.0, 6.5, 6.5, 6.0, 5.5, 5.0, 5.0, 4.5, 3.5, 2.0, 1.0,
};
static const double weekend_profile[24] = {
  0.8, 0.5, 0.3, 0.2, 0.2, 0.4, 1.0, 2.0, 3.5, 5.5, 7.0, 7.5,
  7.0, 6.5, 6.5, 6.5, 6.5, 6.0, 6.0, 6.0, 5.5, 4.5, 3.0, 1.5,
};

static void
set_profile (ModelLatencyParams *p, guint type, const double *w)
{
  double sum = 0;
  for (guint h = 0; h < 24; h++)
    sum += w[h];
  p->peak_hour[type] = 0;
  for (guint h = 0; h < 24; h++)
    {
      p->profile[type][h] = w[h] / sum;
      if (w[h] > w[p->peak_hour[type]])
        p->peak_hour[type] = h;
    }
}

static ModelServerStep *
one_step (guint servers)
{
  ModelServerStep *s = g_new (ModelServerStep, 1);
  *s = (ModelServerStep) { G_MININT32, servers };
  return s;
}

void
scen_latency_defaults (ModelScenario *s)
{
  ModelLatencyParams *p = &s->latency;
  p->enabled = FALSE;
  p->service_times_path = g_strdup ("data/service-times.csv");  /* as written */
  p->measured_on = g_strdup ("");
  p->hardware_factor = 1;
  p->service_cv = 1;
  static const double rates[MODEL_N_REQ_KINDS] = { 0.02, 0.05, 0.08, 0.03, 0.0002 };
  memcpy (p->rate, rates, sizeof rates);
  set_profile (p, MODEL_WEEKDAY, weekday_profile);
  set_profile (p, MODEL_WEEKEND, weekend_profile);
  p->window_minutes = 60;
  p->sample_requests = 500;
  p->national_servers = one_step (16);
  p->n_national_servers = 1;
  p->local_servers = one_step (4);
  p->n_local_servers = 1;
  p->queue_limit = 0;
  p->sla_p99 = 0.2;
  p->status_lag = 0.5;
}

void
scen_latency_free (ModelLatencyParams *p)
{
  g_free (p->service_times_path);
  g_free (p->measured_on);
  g_free (p->national_servers);
  g_free (p->local_servers);
}

/* ---- value parsers: NULL when fine, else (transfer full) the complaint ---- */

static char *
parse_number (const char *text, double lo, gboolean lo_open, double hi, double *out)
{
  double d;
  gboolean ok = model_csv_parse_double (text, &d);
  if (!ok || d < lo || (lo_open && d == lo) || d > hi)
    return g_strdup_printf ("\"%s\" is %s, expected a number in %s%g, %g]", text,
                            ok ? "out of range" : "not a number", lo_open ? "(" : "[", lo, hi);
  *out = d;
  return NULL;
}

static char *
parse_profile (const char *text, ModelLatencyParams *p, guint type)
{
  g_auto (GStrv) items = g_strsplit (text, ",", -1);
  double w[24];
  guint n = g_strv_length (items);
  if (n != 24)
    return g_strdup_printf ("%u values, expected 24 hourly weights (hours 0..23) separated "
                            "by commas", n);
  double sum = 0;
  for (guint h = 0; h < 24; h++)
    {
      const char *item = g_strstrip (items[h]);
      if (!model_csv_parse_double (item, &w[h]) || w[h] < 0)
        return g_strdup_printf ("hour %u: \"%s\" is not a weight, expected a number >= 0", h,
                                item);
      sum += w[h];
    }
  if (!(sum > 0))
    return g_strdup ("every weight is zero, expected some demand in the day");
  set_profile (p, type, w);
  return NULL;
}

/* "N" or "N, DATE:N, ...": the servers from the start, then from each date. */
static char *
parse_servers (const char *text, ModelServerStep **steps, guint *n_steps)
{
  g_auto (GStrv) items = g_strsplit (text, ",", -1);
  g_autoptr (GArray) a = g_array_new (FALSE, FALSE, sizeof (ModelServerStep));
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      ModelServerStep step = { G_MININT32, 0 };
      const char *count = item;
      g_autofree char *date = NULL;
      guint64 u;
      if (i > 0)
        {
          const char *colon = strchr (item, ':');
          if (colon == NULL)
            return g_strdup_printf ("item %u \"%s\" is not DATE:SERVERS, expected SERVERS, "
                                    "YYYY-MM-DD:SERVERS, ...", i + 1, item);
          date = g_strstrip (g_strndup (item, (gsize) (colon - item)));
          count = colon + 1;
          if (!model_csv_parse_date (date, &step.day))
            return g_strdup_printf ("item %u: \"%s\" is not a date, expected YYYY-MM-DD",
                                    i + 1, date);
          if (a->len > 1 && step.day <= g_array_index (a, ModelServerStep, a->len - 1).day)
            return g_strdup_printf ("item %u: %s is not after the previous date, expected "
                                    "dates in increasing order", i + 1, date);
        }
      if (!model_csv_parse_uint (count, 100000, &u) || u == 0)
        return g_strdup_printf ("item %u: \"%s\" is not a number of servers, expected a "
                                "whole number 1..100000", i + 1, count);
      step.servers = (guint) u;
      g_array_append_val (a, step);
    }
  g_free (*steps);
  *n_steps = a->len;
  *steps = (ModelServerStep *) (void *) g_array_free (g_steal_pointer (&a), FALSE);
  return NULL;
}

static const char *const service_columns[] = { "kind", "seconds", "operations", "measured",
                                               NULL };

/* Loads the measured service times; NULL when fine. */
static char *
load_service_times (ModelLatencyParams *p)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelCsv) csv = model_csv_read (p->service_times_path, service_columns,
                                             MODEL_SCENARIO_ERROR, &error);
  if (csv == NULL)
    return g_strdup_printf ("cannot load the service times: %s", error->message);
  gboolean seen[MODEL_N_REQ_KINDS] = { FALSE };
  for (guint i = 0; i < csv->rows->len; i++)
    {
      const ModelCsvRow *row = csv->rows->pdata[i];
      int k = base_name_index (kind_names, MODEL_N_REQ_KINDS, row->fields[0]);
      double d;
      if (k < 0 || seen[k])
        return g_strdup_printf ("%s:%u: column kind: \"%s\" is %s, expected each of "
                                "qr_verify, login, query, payment, status_change once",
                                p->service_times_path, row->line, row->fields[0],
                                k < 0 ? "unknown" : "given twice");
      if (!model_csv_parse_double (row->fields[1], &d) || !(d > 0) || d > 60)
        return g_strdup_printf ("%s:%u: column seconds: \"%s\" is not a service time, "
                                "expected seconds in (0, 60]", p->service_times_path,
                                row->line, row->fields[1]);
      seen[k] = TRUE;
      p->measured[k] = d;
      if (i == 0)
        {
          g_free (p->measured_on);
          p->measured_on = g_strdup (row->fields[3]);
        }
    }
  for (guint k = 0; k < MODEL_N_REQ_KINDS; k++)
    if (!seen[k])
      return g_strdup_printf ("%s: no row for kind %s, expected one row per request kind",
                              p->service_times_path, kind_names[k]);
  return NULL;
}

/* ---- the group --------------------------------------------------------- */

static const char *const keys[] = {
  "enabled", "service_times", "hardware_factor", "service_cv",
  "rate.qr_verify", "rate.login", "rate.query", "rate.payment", "rate.status_change",
  "profile.weekday", "profile.weekend", "window_minutes", "sample_requests",
  "national_servers", "local_servers", "queue_limit", "sla_p99_ms", "status_lag_s",
};

static char *
parse_key (const char *key, const char *text, ModelLatencyParams *p)
{
  double d;
  guint64 u;
  char *why = NULL;
  if (*text == '\0')
    return g_strdup ("empty value, expected a value or the key left out for its default");
  if (strcmp (key, "enabled") == 0)
    {
      if (strcmp (text, "true") != 0 && strcmp (text, "false") != 0)
        return g_strdup_printf ("\"%s\" is not a boolean, expected true or false", text);
      p->enabled = strcmp (text, "true") == 0;
    }
  else if (strcmp (key, "service_times") == 0)
    {
      g_free (p->service_times_path);
      p->service_times_path = g_strdup (text);  /* looked up when loaded */
    }
  else if (strcmp (key, "hardware_factor") == 0)
    why = parse_number (text, 0, TRUE, 1e6, &p->hardware_factor);
  else if (strcmp (key, "service_cv") == 0)
    why = parse_number (text, 0, TRUE, 10, &p->service_cv);
  else if (g_str_has_prefix (key, "rate."))
    {
      int k = base_name_index (kind_names, MODEL_N_REQ_KINDS, key + 5);
      g_assert (k >= 0);
      why = parse_number (text, 0, FALSE, 1000, &p->rate[k]);
    }
  else if (strcmp (key, "profile.weekday") == 0)
    why = parse_profile (text, p, MODEL_WEEKDAY);
  else if (strcmp (key, "profile.weekend") == 0)
    why = parse_profile (text, p, MODEL_WEEKEND);
  else if (strcmp (key, "window_minutes") == 0)
    why = parse_number (text, 1, FALSE, 60, &p->window_minutes);
  else if (strcmp (key, "sample_requests") == 0)
    {
      if (!model_csv_parse_uint (text, 10000000, &u) || u < 100)
        return g_strdup_printf ("\"%s\" is not a sample size, expected a whole number "
                                "100..10000000", text);
      p->sample_requests = (guint) u;
    }
  else if (strcmp (key, "national_servers") == 0)
    why = parse_servers (text, &p->national_servers, &p->n_national_servers);
  else if (strcmp (key, "local_servers") == 0)
    why = parse_servers (text, &p->local_servers, &p->n_local_servers);
  else if (strcmp (key, "queue_limit") == 0)
    {
      if (!model_csv_parse_uint (text, 1000000, &u))
        return g_strdup_printf ("\"%s\" is not a queue limit, expected a whole number "
                                "0..1000000 (0: unbounded)", text);
      p->queue_limit = (guint) u;
    }
  else if (strcmp (key, "sla_p99_ms") == 0)
    {
      why = parse_number (text, 0, TRUE, 1e7, &d);
      if (why == NULL)
        p->sla_p99 = d / 1000;
    }
  else if (strcmp (key, "status_lag_s") == 0)
    why = parse_number (text, 0, FALSE, 86400, &p->status_lag);
  return why;
}

void
scen_latency_parse (ScenCheck *check, ModelScenario *s)
{
  ModelLatencyParams *p = &s->latency;
  guint group_line = scen_group_line (check, "latency");
  if (group_line == 0)
    return;
  p->enabled = TRUE;
  guint path_line = group_line;
  for (guint i = 0; i < check->entries->len; i++)
    {
      const ScenEntry *e = check->entries->pdata[i];
      if (strcmp (e->group, "latency") != 0)
        continue;
      if (base_name_index (keys, G_N_ELEMENTS (keys), e->key) < 0)
        {
          g_autofree char *known = g_strjoinv (", ", (char **) keys);
          scen_problem (check, e->line, e->group, e->key, "unknown key, expected one of %s",
                        known);
          continue;
        }
      if (strcmp (e->key, "service_times") == 0)
        path_line = e->line;
      g_autofree char *why = parse_key (e->key, e->value, p);
      if (why != NULL)
        scen_problem (check, e->line, e->group, e->key, "%s", why);
    }
  if (!p->enabled
      || !scen_data_path (check, s, path_line, "latency", "service_times", &p->service_times_path))
    return;
  g_autofree char *why = load_service_times (p);
  if (why != NULL)
    scen_problem (check, path_line, "latency", "service_times", "%s", why);
}
