/* SPDX-License-Identifier: MIT */
/*
 * The rollout part's maps (rollout.h): for each target, the cities at their
 * longitude and latitude, sized by their cardholders and coloured by the
 * probability of meeting the target, over the outlines of the provinces and
 * their short names.  The outlines and label points come from the run
 * database's province_border and province_label tables (essc sim copies
 * them from model/rollout/borders.h: Natural Earth, simplified); the
 * divisions whose cities the run has are drawn in a darker grey than the
 * others (Taiwan, Hong Kong and Macao, which the city table lacks, and a
 * small run's neighbours).  A database without the tables (written before
 * they were added) gets the cities alone, and the caption says so; a
 * province of the city table without an outline is drawn without one, named
 * in the caption and in a warning.
 */
#include "reports/rollout.h"

#include "reports/gnuplot.h"
#include "reports/reader.h"

#include <math.h>
#include <string.h>

typedef sqlite3_stmt Stmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stmt, sqlite3_finalize)

#define BORDER_COLOUR "#8c8c8c"  /* divisions of the city table */
#define OTHER_COLOUR "#c4c4c4"   /* the other divisions */
#define LABEL_COLOUR "#2b2b2b"
#define OTHER_LABEL_COLOUR "#8a8a8a"

/* The outlines and names of the divisions, as datablock bodies. */
typedef struct {
  GString *own, *other;              /* rings "lon lat" lines, a blank line between rings */
  GString *own_labels, *other_labels; /* "lon lat "short name"" lines */
  GString *missing;                  /* "北京市 (110000), ..." of provinces without an outline */
  guint n_missing;
  double lon0, lon1, lat0, lat1;     /* extent of the own outlines (INFINITY, -INFINITY: none) */
  gboolean have_outlines;            /* province_border has rows */
} Borders;

static void
borders_clear (Borders *b)
{
  g_string_free (b->own, TRUE);
  g_string_free (b->other, TRUE);
  g_string_free (b->own_labels, TRUE);
  g_string_free (b->other_labels, TRUE);
  g_string_free (b->missing, TRUE);
}

/* A name fit for a gnuplot string in a datablock. */
static char *
plain (const char *text)
{
  char *s = g_strdup (text);
  g_strdelimit (s, "\"\\\r\n\t", ' ');
  return s;
}

/* The provinces of the city table: code -> name; their codes in order in
 * *order. */
static GHashTable *
read_city_provinces (ReportCtx *ctx, GArray *order, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT province_code, MIN (province) FROM city GROUP BY province_code "
           "ORDER BY province_code", error);
  if (st == NULL)
    return NULL;
  g_autoptr (GHashTable) h = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      gint64 c = sqlite3_column_int64 (st, 0);
      g_array_append_val (order, c);
      g_hash_table_insert (h, g_memdup2 (&c, sizeof c), g_strdup (report_reader_text (st, 1)));
    }
  return ok ? g_steal_pointer (&h) : NULL;
}

static gboolean
read_outlines (ReportCtx *ctx, GHashTable *own, GHashTable *outlined, Borders *b, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT province, ring, lon, lat FROM province_border ORDER BY province, ring, seq",
      error);
  if (st == NULL)
    return FALSE;
  gint64 code = -1, ring = -1;
  GString *to = NULL;
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      gint64 c = sqlite3_column_int64 (st, 0), r = sqlite3_column_int64 (st, 1);
      double lon = report_reader_double (st, 2), lat = report_reader_double (st, 3);
      if (c != code || r != ring)
        {
          gboolean mine = g_hash_table_contains (own, &c);
          to = mine ? b->own : b->other;
          if (to->len > 0)
            g_string_append_c (to, '\n');  /* a blank line: the next ring */
          code = c, ring = r;
          if (!g_hash_table_contains (outlined, &c))
            g_hash_table_add (outlined, g_memdup2 (&c, sizeof c));
        }
      if (!isfinite (lon) || !isfinite (lat))
        continue;
      g_string_append_printf (to, "%.6f %.6f\n", lon, lat);
      if (to == b->own)
        {
          b->lon0 = MIN (b->lon0, lon), b->lon1 = MAX (b->lon1, lon);
          b->lat0 = MIN (b->lat0, lat), b->lat1 = MAX (b->lat1, lat);
        }
    }
  return ok;
}

static gboolean
read_labels (ReportCtx *ctx, GHashTable *own, Borders *b, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT province, short_name, lon, lat FROM province_label ORDER BY province", error);
  if (st == NULL)
    return FALSE;
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      gint64 c = sqlite3_column_int64 (st, 0);
      double lon = report_reader_double (st, 2), lat = report_reader_double (st, 3);
      if (!isfinite (lon) || !isfinite (lat))
        continue;
      g_autofree char *name = plain (report_reader_text (st, 1));
      g_string_append_printf (g_hash_table_contains (own, &c) ? b->own_labels : b->other_labels,
                              "%.6f %.6f \"%s\"\n", lon, lat, name);
    }
  return ok;
}

/* Reads the outlines and labels (when the database has them) and which
 * provinces of the city table have no outline. */
static gboolean
read_borders (ReportCtx *ctx, Borders *b, GError **error)
{
  *b = (Borders) { g_string_new (NULL), g_string_new (NULL), g_string_new (NULL),
                   g_string_new (NULL), g_string_new (NULL), 0,
                   INFINITY, -INFINITY, INFINITY, -INFINITY, FALSE };
  g_autoptr (GArray) order = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GHashTable) own = read_city_provinces (ctx, order, error);
  if (own == NULL)
    return FALSE;
  g_autoptr (GHashTable) outlined = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                           NULL);
  b->have_outlines = report_reader_has_rows (ctx, "province_border");
  if (b->have_outlines && !read_outlines (ctx, own, outlined, b, error))
    return FALSE;
  if (report_reader_has_rows (ctx, "province_label") && !read_labels (ctx, own, b, error))
    return FALSE;
  if (!b->have_outlines)
    return TRUE;
  for (guint i = 0; i < order->len; i++)
    {
      gint64 c = g_array_index (order, gint64, i);
      if (g_hash_table_contains (outlined, &c))
        continue;
      g_autofree char *name = plain (g_hash_table_lookup (own, &c));
      g_string_append_printf (b->missing, "%s%s (%06" G_GINT64_FORMAT ")",
                              b->n_missing++ ? ", " : "", name, c);
    }
  return TRUE;
}

gboolean
report_rollout_map (ReportCtx *ctx, const ReportRolloutTarget *tg, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT c.lon, c.lat, d.cardholders, t.probability, c.name FROM city AS c "
           "LEFT JOIN city_day AS d ON d.city = c.code AND d.date = ?1 "
           "LEFT JOIN city_target AS t ON t.city = c.code AND t.target = ?2 "
           "ORDER BY d.cardholders DESC, c.code", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, tg->by_date, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, tg->name, -1, SQLITE_STATIC);
  g_autoptr (GString) known = g_string_new (NULL), unknown = g_string_new (NULL);
  g_autoptr (GString) names = g_string_new (NULL);
  guint n = 0;
  double lon0 = INFINITY, lon1 = -INFINITY, lat0 = INFINITY, lat1 = -INFINITY, top = NAN;
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      double lon = report_reader_double (st, 0), lat = report_reader_double (st, 1);
      double card = report_reader_double (st, 2), prob = report_reader_double (st, 3);
      if (!isfinite (lon) || !isfinite (lat))
        continue;
      if (isnan (top))
        top = card;  /* the largest comes first */
      /* Area proportional to the cardholders; the smallest still visible. */
      double size = 0.4 + 4.2 * (card > 0 && top > 0 ? sqrt (card / top) : 0);
      GString *b = isfinite (prob) ? known : unknown;
      g_string_append_printf (b, "%.6f %.6f %.4f", lon, lat, size);
      report_plot_put (b, prob);
      g_string_append_c (b, '\n');
      g_autofree char *city = plain (report_reader_text (st, 4));
      g_string_append_printf (names, "%.6f %.6f %.4f \"%s\"\n", lon, lat, size, city);
      n++;
      lon0 = MIN (lon0, lon), lon1 = MAX (lon1, lon);
      lat0 = MIN (lat0, lat), lat1 = MAX (lat1, lat);
    }
  if (!ok)
    return FALSE;
  g_autofree char *name = g_strdup_printf ("map-%s", tg->suffix);
  if (!isfinite (lon0))
    {
      report_warn (ctx, "figure %s left out: the city table has no coordinates", name);
      return TRUE;
    }
  Borders bd;
  if (!read_borders (ctx, &bd, error))
    {
      borders_clear (&bd);
      return FALSE;
    }
  gboolean outlines = bd.own->len > 0;
  /* The extent: the cities and the outlines of their provinces. */
  if (outlines)
    {
      lon0 = MIN (lon0, bd.lon0), lon1 = MAX (lon1, bd.lon1);
      lat0 = MIN (lat0, bd.lat0), lat1 = MAX (lat1, bd.lat1);
    }
  double pad_lon = MAX (outlines ? 0.5 : 1.0, (outlines ? 0.02 : 0.04) * (lon1 - lon0));
  double pad_lat = MAX (outlines ? 0.5 : 1.0, (outlines ? 0.02 : 0.04) * (lat1 - lat0));
  /* Room on the right for the names of a few cities. */
  lon0 -= pad_lon, lon1 += n <= 15 ? MAX (3.0, 0.12 * (lon1 - lon0)) : pad_lon;
  lat0 -= pad_lat, lat1 += pad_lat;
  /* A degree of longitude is cos(latitude) of a degree of latitude. */
  double ratio = (lat1 - lat0) / ((lon1 - lon0) * cos ((lat0 + lat1) / 2 * G_PI / 180));
  /* 1280 pixels wide; about 1050 of them for the map itself, the rest for
   * the axes and the colour box; the height follows the map's shape. */
  int height = (int) CLAMP (1050 * ratio + 230, 640, 1400);
  g_autofree char *label = report_rollout_target_label (tg);
  g_autofree char *title = g_strdup_printf ("Cities: probability of meeting the target of %s",
                                            label);
  g_autoptr (GString) caption = g_string_new (NULL);
  g_string_append_printf (
      caption, "Each city at its longitude and latitude, its point's size growing as the square "
               "root of its physical cardholders on %s (so that its area follows their number), "
               "its colour the share of the replications in which its e-card holders reached "
               "%g%% of its cardholders by %s (red 0, yellow 0.5, green 1). ",
      tg->by_date, 100 * tg->share, tg->by_date);
  if (outlines)
    g_string_append (
        caption, "Grey lines: the outlines of the provincial-level divisions with their short "
                 "names, darker for those whose cities the run has, lighter for the others "
                 "(for the whole country: Taiwan, Hong Kong and Macao, which the city table "
                 "does not hold and the run does not simulate). The outlines are Natural "
                 "Earth's (1:50m, public domain), simplified to 0.05 degree, as essc sim "
                 "copied them into the run database (its tables province_border and "
                 "province_label): a guide to where a city is, not an authoritative map of "
                 "boundaries. ");
  else if (bd.have_outlines)
    g_string_append (caption, "No province of the city table has an outline in the run "
                              "database: the cities alone trace the country. ");
  else
    g_string_append (caption, "The run database holds no province outlines (it was written by "
                              "an essc before they were added; rerun essc sim to have them): "
                              "the cities alone trace the country. ");
  if (bd.n_missing > 0)
    {
      g_string_append_printf (caption, "No outline for %u province%s of the city table: %s; "
                                       "%s cities are drawn without one. ", bd.n_missing,
                              bd.n_missing == 1 ? "" : "s", bd.missing->str,
                              bd.n_missing == 1 ? "its" : "their");
      report_warn (ctx, "figure %s: no outline for %s in province_border; drawn without", name,
                   bd.missing->str);
    }
  g_string_append (caption, "The axes are scaled to the ground at the middle latitude.");
  g_autoptr (ReportPlot) p = report_plot_new (name, title, caption->str, "adoption", 1280,
                                              height);
  g_string_append (report_plot_data (p, "c"), known->len ? known->str : "NaN NaN 1 NaN\n");
  g_autofree char *qt = report_plot_quote (title);
  report_plot_printf (p, "set title %s font \",14\"\nset xlabel \"longitude (°E)\"\n"
                         "set ylabel \"latitude (°N)\"\nset xrange [%g:%g]\nset yrange [%g:%g]\n"
                         "set size ratio %g\nset grid lc rgb '#eeeeee'\nset bmargin 7\n"
                         "set clip two\n"
                         "set palette defined (0 '#d73027', 0.5 '#fee08b', 1 '#1a9850')\n"
                         "set cbrange [0:1]\nset cbtics 0,0.25,1\n"
                         "set cblabel \"probability of meeting the target\"\n"
                         "set style textbox opaque fillcolor rgb '#50ffffff' noborder "
                         "margins 0.6,0.3\n"
                         "set key at screen 0.45, screen 0.03 center bottom horizontal samplen 2 "
                         "spacing 1.5 width 2\n",
                      qt, lon0, lon1, lat0, lat1, ratio);
  report_plot_printf (p, "plot ");
  if (bd.other->len > 0)
    {
      g_string_append (report_plot_data (p, "o"), bd.other->str);
      report_plot_printf (p, "$o with lines lw 0.7 lc rgb '%s' notitle, \\\n  ", OTHER_COLOUR);
    }
  if (outlines)
    {
      g_string_append (report_plot_data (p, "b"), bd.own->str);
      report_plot_printf (p, "$b with lines lw 0.9 lc rgb '%s' notitle, \\\n  ", BORDER_COLOUR);
    }
  report_plot_printf (p, "$c using 1:2:3:4 with points pt 7 ps variable lc palette "
                         "notitle, \\\n  $c using 1:2:3 with points pt 6 ps variable lw 0.6 "
                         "lc rgb '#444444' notitle");
  if (unknown->len > 0)
    g_string_append (report_plot_data (p, "u"), unknown->str);
  if (unknown->len > 0)
    report_plot_printf (p, ", \\\n  $u using 1:2:3 with points pt 7 ps variable lc rgb "
                           "'#aaaaaa' title \"no target data\"");
  /* The divisions' names over the points, on a faint white box. */
  if (bd.other_labels->len > 0)
    {
      g_string_append (report_plot_data (p, "lo"), bd.other_labels->str);
      report_plot_printf (p, ", \\\n  $lo using 1:2:3 with labels boxed center font \",11\" "
                             "tc rgb '%s' noenhanced notitle", OTHER_LABEL_COLOUR);
    }
  if (bd.own_labels->len > 0)
    {
      g_string_append (report_plot_data (p, "lb"), bd.own_labels->str);
      report_plot_printf (p, ", \\\n  $lb using 1:2:3 with labels boxed center font \",11\" "
                             "tc rgb '%s' noenhanced notitle", LABEL_COLOUR);
    }
  /* A few cities are named; the country's would hide each other. */
  if (n <= 15)
    {
      g_string_append (report_plot_data (p, "l"), names->str);
      report_plot_printf (p, ", \\\n  $l using 1:2:4 with labels left offset 1.6,0.9 "
                             "noenhanced notitle");
    }
  if (outlines)
    report_plot_printf (p, ", \\\n  keyentry with lines lw 0.9 lc rgb '%s' "
                           "title \"province border\"", BORDER_COLOUR);
  /* Reference sizes for the legend. */
  static const double refs[] = { 1e6, 5e6, 2e7 };
  guint shown = 0;
  for (guint i = 0; i < G_N_ELEMENTS (refs); i++)
    if (top > 0 && refs[i] <= top * 1.05)
      {
        report_plot_printf (p, ", \\\n  keyentry with points pt 6 ps %.4f lw 0.6 lc rgb "
                               "'#444444' title \"%g million cardholders\"",
                            0.4 + 4.2 * sqrt (refs[i] / top), refs[i] / 1e6);
        shown++;
      }
  if (shown == 0 && top > 0)
    report_plot_printf (p, ", \\\n  keyentry with points pt 6 ps 4.6 lw 0.6 lc rgb '#444444' "
                           "title \"%.0f cardholders\"", top);
  report_plot_printf (p, "\n");
  report_plot_render (ctx, g_steal_pointer (&p));
  borders_clear (&bd);
  return TRUE;
}
