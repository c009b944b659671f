/* Temporary stubs until the parts land. */
#include "reports/report.h"
#include "reports/html.h"
gboolean report_smoke (ReportCtx *ctx);
gboolean report_rollout (ReportCtx *ctx, GError **error) { (void) error; report_section (ctx, "rollout", "Adoption"); report_smoke (ctx); return TRUE; }
gboolean report_latency (ReportCtx *ctx, GError **error) { (void) error; report_section (ctx, "latency", "Platform latency"); return TRUE; }
gboolean report_conform (ReportCtx *ctx, GError **error) { (void) error; report_section (ctx, "conformance", "Conformance"); return TRUE; }
#include "reports/gnuplot.h"
#include "reports/rdb.h"
gboolean report_smoke (ReportCtx *ctx);
gboolean report_smoke (ReportCtx *ctx)
{
  ReportPlot *p = report_plot_new ("smoke", "Smoke", "A test.", "rollout", 900, 500);
  GString *d = report_plot_data (p, "d");
  g_string_append (d, "1 2\n2 4\n3 3\n");
  report_plot_printf (p, "set title \"广东省 test_x\"\nset bmargin 4\nplot $d using 1:2 with lines title \"y\"\n");
  return report_plot_render (ctx, p);
}
