/* SPDX-License-Identifier: MIT */
/*
 * Two run databases compared (compare.h): each opened and checked as essc
 * report opens one (reports/reader.c), their replication_outcome rows
 * matched by (quantity, scope, code, date), the intervals of the
 * differences computed with base/stats, the verdicts and the worst days
 * read side by side.
 */
#include "reports/compare.h"

#include "reports/reader.h"

#include <math.h>
#include <string.h>

typedef sqlite3_stmt Stmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stmt, sqlite3_finalize)

/* One database's values of one outcome, by replication (NAN: none). */
typedef struct {
  char *quantity, *scope, *date;
  gint64 code;
  GArray *values;
} Series;

static void
series_free (gpointer p)
{
  Series *s = p;
  g_free (s->quantity);
  g_free (s->scope);
  g_free (s->date);
  g_array_unref (s->values);
  g_free (s);
}

static char *
series_key (const char *quantity, const char *scope, gint64 code, const char *date)
{
  return g_strdup_printf ("%s\x1f%s\x1f%" G_GINT64_FORMAT "\x1f%s", quantity, scope, code, date);
}

/* Opens path as a run database (essc report's checks); the caller clears
 * ctx whatever the result. */
static gboolean
open_run (ReportCtx *ctx, const char *path, GError **error)
{
  ReportOptions o = { .db_path = path, .out_dir = "", .quiet = TRUE, .no_plots = TRUE };
  report_ctx_init (ctx, &o);
  if (!report_reader_open (ctx, error))
    return FALSE;
  if (!ctx->has_run || !report_reader_has_rows (ctx, "replication_outcome"))
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: not a run database of essc sim "
                   "with its replications' outcomes (no rows in run or replication_outcome)",
                   path);
      return FALSE;
    }
  return TRUE;
}

/* Every outcome of a database, by key. */
static GHashTable *
read_outcomes (ReportCtx *ctx, guint reps, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (ctx, "SELECT quantity, scope, code, date, "
                                                "replication, value FROM replication_outcome",
                                                error);
  if (st == NULL)
    return NULL;
  GHashTable *all = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, series_free);
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      const char *q = report_reader_text (st, 0), *scope = report_reader_text (st, 1);
      const char *date = report_reader_text (st, 3);
      gint64 code = sqlite3_column_int64 (st, 2), rep = sqlite3_column_int64 (st, 4);
      if (rep < 0 || rep >= reps)
        {
          g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: replication_outcome: "
                       "replication %" G_GINT64_FORMAT " of a run of %u replications",
                       ctx->db_path, rep, reps);
          g_hash_table_unref (all);
          return NULL;
        }
      g_autofree char *key = series_key (q, scope, code, date);
      Series *s = g_hash_table_lookup (all, key);
      if (s == NULL)
        {
          s = g_new0 (Series, 1);
          s->quantity = g_strdup (q);
          s->scope = g_strdup (scope);
          s->date = g_strdup (date);
          s->code = code;
          s->values = g_array_sized_new (FALSE, FALSE, sizeof (double), reps);
          double nan = NAN;
          for (guint i = 0; i < reps; i++)
            g_array_append_val (s->values, nan);
          g_hash_table_insert (all, g_steal_pointer (&key), s);
        }
      g_array_index (s->values, double, rep) = report_reader_double (st, 5);
    }
  if (!ok)
    return g_hash_table_unref (all), NULL;
  return all;
}

/* The finite values of v, in replication order. */
static GArray *
finite_values (const GArray *v)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < v->len; i++)
    if (isfinite (g_array_index (v, double, i)))
      g_array_append_val (out, g_array_index (v, double, i));
  return out;
}

/* Names of the provinces (city table) and platforms (latency_platform). */
static GHashTable *
read_names (ReportCtx *ctx, const char *sql, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (ctx, sql, error);
  if (st == NULL)
    return NULL;
  GHashTable *names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      gint64 *code = g_new (gint64, 1);
      *code = sqlite3_column_int64 (st, 0);
      g_hash_table_replace (names, code, g_strdup (report_reader_text (st, 1)));
    }
  if (!ok)
    return g_hash_table_unref (names), NULL;
  return names;
}

/* The targets of A in words, by name. */
static GHashTable *
read_targets (ReportCtx *ctx, GPtrArray *order, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (ctx, "SELECT target, description, margin_unit, "
                                                "by_date, share FROM target ORDER BY rowid",
                                                error);
  if (st == NULL)
    return NULL;
  GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      g_ptr_array_add (order, g_strdup (report_reader_text (st, 0)));
      /* description, unit, and a short name: ">= 10% by DATE", "mobile payment by DATE" */
      const char *name = report_reader_text (st, 0);
      g_autofree char *shortname = NULL;
      if (sqlite3_column_type (st, 4) != SQLITE_NULL)
        shortname = g_strdup_printf (">= %g%% by %s", 100 * report_reader_double (st, 4),
                                     report_reader_text (st, 3));
      else
        shortname = g_strdup_printf ("%s by %s", strcmp (name, "mobile_payment") == 0
                                                     ? "mobile payment"
                                                     : strcmp (name, "unified_settlement") == 0
                                                           ? "unified settlement" : name,
                                     report_reader_text (st, 3));
      g_hash_table_replace (t, g_strdup (name),
                            g_strdup_printf ("%s\x1f%s\x1f%s", report_reader_text (st, 1),
                                             report_reader_text (st, 2), shortname));
    }
  if (!ok)
    return g_hash_table_unref (t), NULL;
  return t;
}

/* The words of a row. */
static void
describe (ReportCompareRow *r, GHashTable *targets, GHashTable *provinces, GHashTable *platforms)
{
  if (strcmp (r->scope, "nation") == 0)
    r->where = g_strdup ("national");
  else
    {
      const char *name = g_hash_table_lookup (strcmp (r->scope, "province") == 0 ? provinces
                                                                                 : platforms,
                                              &r->code);
      r->where = name != NULL ? g_strdup (name)
                              : g_strdup_printf ("%s %" G_GINT64_FORMAT, r->scope, r->code);
    }
  const char *colon = strchr (r->quantity, ':');
  const char *t = colon ? g_hash_table_lookup (targets, colon + 1) : NULL;
  g_auto (GStrv) words = t ? g_strsplit (t, "\x1f", 3) : NULL;
  const char *what = words && words[1] && words[2] ? words[2] : colon ? colon + 1 : "";
  const char *unit = words && words[1] ? words[1] : "";
  if (strcmp (r->quantity, "holders") == 0)
    r->label = g_strdup_printf ("holders on %s", r->date);
  else if (strcmp (r->quantity, "share") == 0)
    r->label = g_strdup_printf ("share on %s (%%)", r->date);
  else if (g_str_has_prefix (r->quantity, "met:"))
    r->label = g_strdup_printf ("P(met): %s", what);
  else if (g_str_has_prefix (r->quantity, "margin:"))
    r->label = g_strdup_printf ("margin: %s (%s)", what,
                                strcmp (unit, "days") == 0 ? "days" : "pp");
  else if (g_str_has_prefix (r->quantity, "cities_meeting:"))
    r->label = g_strdup_printf ("cities meeting: %s", what);
  else if (strcmp (r->quantity, "worst_p99_ms") == 0)
    r->label = g_strdup ("worst-day p99 of a replication (ms)");
  else if (strcmp (r->quantity, "peak_servers") == 0)
    r->label = g_strdup ("peak servers (capacity plan)");
  else
    r->label = g_strdup (r->quantity);
}

static int
rank (const ReportCompareRow *r)
{
  static const char *const order[] = { "holders", "share", "met:", "margin:", "cities_meeting:",
                                       "worst_p99_ms", "peak_servers" };
  int scope = strcmp (r->scope, "nation") == 0 ? 0 : strcmp (r->scope, "province") == 0 ? 1 : 2;
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (g_str_has_prefix (r->quantity, order[i]))
      return scope * 100 + (int) i;
  return scope * 100 + 99;
}

static int
cmp_rows (gconstpointer pa, gconstpointer pb)
{
  const ReportCompareRow *a = *(ReportCompareRow *const *) pa;
  const ReportCompareRow *b = *(ReportCompareRow *const *) pb;
  int ra = rank (a), rb = rank (b);
  if (ra != rb)
    return ra < rb ? -1 : 1;
  if (a->code != b->code)
    return a->code < b->code ? -1 : 1;
  int d = strcmp (a->date, b->date);
  return d != 0 ? d : strcmp (a->quantity, b->quantity);
}

static void
row_free (gpointer p)
{
  ReportCompareRow *r = p;
  g_free (r->quantity);
  g_free (r->scope);
  g_free (r->date);
  g_free (r->label);
  g_free (r->where);
  g_free (r);
}

static void
verdict_free (gpointer p)
{
  ReportCompareVerdict *v = p;
  g_free (v->target);
  g_free (v->description);
  g_free (v->verdict_a);
  g_free (v->verdict_b);
  g_free (v);
}

static void
change_free (gpointer p)
{
  ReportCompareChange *c = p;
  g_free (c->target);
  g_free (c->province);
  g_free (c->verdict_a);
  g_free (c->verdict_b);
  g_free (c);
}

static void
worst_free (gpointer p)
{
  ReportCompareWorst *w = p;
  g_free (w->name);
  g_free (w->day_a);
  g_free (w->day_b);
  g_free (w);
}

void
report_comparison_free (ReportComparison *c)
{
  if (c == NULL)
    return;
  g_free (c->path_a);
  g_free (c->path_b);
  g_free (c->name_a);
  g_free (c->name_b);
  g_free (c->seed_a);
  g_free (c->seed_b);
  g_ptr_array_unref (c->rows);
  g_ptr_array_unref (c->verdicts);
  g_ptr_array_unref (c->changes);
  g_ptr_array_unref (c->worst);
  g_ptr_array_unref (c->only);
  g_free (c);
}

/* The outcomes of both, matched. */
static void
match_rows (ReportComparison *c, GHashTable *a, GHashTable *b, GHashTable *targets,
            GHashTable *provinces, GHashTable *platforms)
{
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, a);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      const Series *sa = value, *sb = g_hash_table_lookup (b, key);
      if (sb == NULL)
        {
          g_ptr_array_add (c->only, g_strdup_printf ("%s %s %" G_GINT64_FORMAT " %s: in A only",
                                                     sa->quantity, sa->scope, sa->code,
                                                     sa->date));
          continue;
        }
      ReportCompareRow *r = g_new0 (ReportCompareRow, 1);
      r->quantity = g_strdup (sa->quantity);
      r->scope = g_strdup (sa->scope);
      r->date = g_strdup (sa->date);
      r->code = sa->code;
      describe (r, targets, provinces, platforms);
      g_autoptr (GArray) fa = finite_values (sa->values), fb = finite_values (sb->values);
      r->n_a = fa->len;
      r->n_b = fb->len;
      r->mean_a = base_stats_mean ((double *) fa->data, fa->len, NULL);
      r->mean_b = base_stats_mean ((double *) fb->data, fb->len, NULL);
      r->unpaired = base_stats_diff_welch ((double *) fa->data, fa->len, (double *) fb->data,
                                           fb->len, c->level);
      r->paired = (BaseStatsDiff) { NAN, NAN, NAN, NAN, 0 };
      if (c->paired)
        {
          /* pairs: the replications both have, by number */
          g_autoptr (GArray) pa = g_array_new (FALSE, FALSE, sizeof (double));
          g_autoptr (GArray) pb = g_array_new (FALSE, FALSE, sizeof (double));
          for (guint i = 0; i < c->n_pairs; i++)
            {
              double x = g_array_index (sa->values, double, i);
              double y = g_array_index (sb->values, double, i);
              if (isfinite (x) && isfinite (y))
                {
                  g_array_append_val (pa, x);
                  g_array_append_val (pb, y);
                }
            }
          r->paired = base_stats_diff_paired ((double *) pa->data, (double *) pb->data, pa->len,
                                              c->level);
        }
      g_ptr_array_add (c->rows, r);
    }
  g_hash_table_iter_init (&it, b);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (!g_hash_table_contains (a, key))
      {
        const Series *sb = value;
        g_ptr_array_add (c->only, g_strdup_printf ("%s %s %" G_GINT64_FORMAT " %s: in B only",
                                                   sb->quantity, sb->scope, sb->code, sb->date));
      }
  g_ptr_array_sort (c->rows, cmp_rows);
  g_ptr_array_sort (c->only, (GCompareFunc) g_strcmp0);
}

/* The nation's verdicts of one database, by target: "verdict\x1fp\x1fcities". */
static GHashTable *
read_verdicts (ReportCtx *ctx, const char *scope, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT target, code, verdict, probability, "
                                          "cities_meeting FROM target_verdict WHERE scope = "
                                          "'%s'", scope);
  g_autoptr (Stmt) st = report_reader_prepare (ctx, sql, error);
  if (st == NULL)
    return NULL;
  GHashTable *v = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    g_hash_table_replace (v, g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT,
                                              report_reader_text (st, 0),
                                              (gint64) sqlite3_column_int64 (st, 1)),
                          g_strdup_printf ("%s\x1f%.17g\x1f%.17g", report_reader_text (st, 2),
                                           report_reader_double (st, 3),
                                           report_reader_double (st, 4)));
  if (!ok)
    return g_hash_table_unref (v), NULL;
  return v;
}

static gboolean
compare_verdicts (ReportComparison *c, ReportCtx *a, ReportCtx *b, const GPtrArray *order,
                  GHashTable *targets, GHashTable *provinces, GError **error)
{
  g_autoptr (GHashTable) na = read_verdicts (a, "nation", error);
  g_autoptr (GHashTable) nb = na ? read_verdicts (b, "nation", error) : NULL;
  g_autoptr (GHashTable) pa = nb ? read_verdicts (a, "province", error) : NULL;
  g_autoptr (GHashTable) pb = pa ? read_verdicts (b, "province", error) : NULL;
  if (pb == NULL)
    return FALSE;
  for (guint i = 0; i < order->len; i++)
    {
      const char *target = order->pdata[i];
      g_autofree char *key = g_strdup_printf ("%s\x1f" "0", target);
      const char *va = g_hash_table_lookup (na, key), *vb = g_hash_table_lookup (nb, key);
      if (va == NULL || vb == NULL)
        continue;
      g_auto (GStrv) xa = g_strsplit (va, "\x1f", 3), xb = g_strsplit (vb, "\x1f", 3);
      g_auto (GStrv) words = g_strsplit (g_hash_table_lookup (targets, target), "\x1f", 3);
      ReportCompareVerdict *v = g_new0 (ReportCompareVerdict, 1);
      v->target = g_strdup (target);
      v->description = g_strdup (words[0]);
      v->verdict_a = g_strdup (xa[0]);
      v->verdict_b = g_strdup (xb[0]);
      v->probability_a = g_ascii_strtod (xa[1], NULL);
      v->probability_b = g_ascii_strtod (xb[1], NULL);
      v->cities_a = g_ascii_strtod (xa[2], NULL);
      v->cities_b = g_ascii_strtod (xb[2], NULL);
      g_ptr_array_add (c->verdicts, v);
    }
  /* provinces whose verdict changed, in target then code order */
  g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (pa), (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < order->len; i++)
    for (GList *l = keys; l != NULL; l = l->next)
      {
        g_auto (GStrv) k = g_strsplit (l->data, "\x1f", 2);
        if (strcmp (k[0], order->pdata[i]) != 0)
          continue;
        const char *vb = g_hash_table_lookup (pb, l->data);
        g_auto (GStrv) xa = g_strsplit (g_hash_table_lookup (pa, l->data), "\x1f", 2);
        g_auto (GStrv) xb = vb ? g_strsplit (vb, "\x1f", 2) : NULL;
        if (xb == NULL || strcmp (xa[0], xb[0]) == 0)
          continue;
        ReportCompareChange *ch = g_new0 (ReportCompareChange, 1);
        ch->target = g_strdup (k[0]);
        ch->code = g_ascii_strtoll (k[1], NULL, 10);
        const char *name = g_hash_table_lookup (provinces, &ch->code);
        ch->province = g_strdup (name ? name : k[1]);
        ch->verdict_a = g_strdup (xa[0]);
        ch->verdict_b = g_strdup (xb[0]);
        g_ptr_array_add (c->changes, ch);
      }
  return TRUE;
}

/* Each platform's worst day and peak servers, into w (a: side 0, b: 1). */
static gboolean
read_worst (ReportComparison *c, ReportCtx *ctx, int side, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT COALESCE (p.province_code, 0), p.name, (SELECT d.date FROM latency_day AS d "
           "WHERE d.platform = p.platform AND d.p99 IS NOT NULL ORDER BY d.p99 DESC, d.date "
           "LIMIT 1), (SELECT MAX (d.p99) FROM latency_day AS d WHERE d.platform = "
           "p.platform), (SELECT MAX (servers_max) FROM capacity_plan AS k WHERE k.platform = "
           "p.platform) FROM latency_platform AS p ORDER BY p.platform", error);
  if (st == NULL)
    return FALSE;
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      gint64 code = sqlite3_column_int64 (st, 0);
      ReportCompareWorst *w = NULL;
      for (guint i = 0; i < c->worst->len && w == NULL; i++)
        if (((ReportCompareWorst *) c->worst->pdata[i])->code == code)
          w = c->worst->pdata[i];
      if (w == NULL)
        {
          w = g_new0 (ReportCompareWorst, 1);
          w->code = code;
          w->name = g_strdup (report_reader_text (st, 1));
          w->day_a = g_strdup ("");
          w->day_b = g_strdup ("");
          w->p99_ms_a = w->p99_ms_b = w->servers_a = w->servers_b = NAN;
          g_ptr_array_add (c->worst, w);
        }
      char **day = side == 0 ? &w->day_a : &w->day_b;
      g_free (*day);
      *day = g_strdup (report_reader_text (st, 2));
      *(side == 0 ? &w->p99_ms_a : &w->p99_ms_b) = 1000 * report_reader_double (st, 3);
      *(side == 0 ? &w->servers_a : &w->servers_b) = report_reader_double (st, 4);
    }
  return ok;
}

ReportComparison *
report_compare_load (const char *path_a, const char *path_b, double level, GError **error)
{
  ReportCtx a, b;
  gboolean ok_a = open_run (&a, path_a, error);
  gboolean ok_b = ok_a && open_run (&b, path_b, error);
  if (!ok_b)
    {
      report_ctx_clear (&a);
      if (ok_a)
        report_ctx_clear (&b);
      return NULL;
    }
  g_autoptr (ReportComparison) c = g_new0 (ReportComparison, 1);
  c->path_a = g_strdup (path_a);
  c->path_b = g_strdup (path_b);
  c->level = level;
  c->rows = g_ptr_array_new_with_free_func (row_free);
  c->verdicts = g_ptr_array_new_with_free_func (verdict_free);
  c->changes = g_ptr_array_new_with_free_func (change_free);
  c->worst = g_ptr_array_new_with_free_func (worst_free);
  c->only = g_ptr_array_new_with_free_func (g_free);
  c->name_a = report_reader_run_value (&a, "scenario_name");
  c->name_b = report_reader_run_value (&b, "scenario_name");
  c->seed_a = report_reader_run_value (&a, "seed");
  c->seed_b = report_reader_run_value (&b, "seed");
  g_autofree char *ra = report_reader_run_value (&a, "replications");
  g_autofree char *rb = report_reader_run_value (&b, "replications");
  guint64 reps_a = 0, reps_b = 0;
  gboolean ok = TRUE;
  if (!g_ascii_string_to_unsigned (ra ? ra : "", 10, 1, 1000000, &reps_a, NULL)
      || !g_ascii_string_to_unsigned (rb ? rb : "", 10, 1, 1000000, &reps_b, NULL))
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: damaged run database (run."
                   "replications is not a number from 1 to 1000000)", ra ? path_b : path_a);
      ok = FALSE;
    }
  c->reps_a = (guint) reps_a;
  c->reps_b = (guint) reps_b;
  c->paired = c->seed_a != NULL && g_strcmp0 (c->seed_a, c->seed_b) == 0;
  c->n_pairs = c->paired ? MIN (c->reps_a, c->reps_b) : 0;
  g_autoptr (GHashTable) oa = ok ? read_outcomes (&a, c->reps_a, error) : NULL;
  g_autoptr (GHashTable) ob = oa ? read_outcomes (&b, c->reps_b, error) : NULL;
  g_autoptr (GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) targets = ob ? read_targets (&a, order, error) : NULL;
  g_autoptr (GHashTable) provinces = targets ? read_names (
      &a, "SELECT province_code, MIN (province) FROM city GROUP BY province_code", error) : NULL;
  g_autoptr (GHashTable) platforms = provinces ? read_names (
      &a, "SELECT COALESCE (province_code, 0), name FROM latency_platform", error) : NULL;
  ok = platforms != NULL
       && compare_verdicts (c, &a, &b, order, targets, provinces, error)
       && read_worst (c, &a, 0, error) && read_worst (c, &b, 1, error);
  if (ok)
    match_rows (c, oa, ob, targets, provinces, platforms);
  report_ctx_clear (&a);
  report_ctx_clear (&b);
  return ok ? g_steal_pointer (&c) : NULL;
}
