/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-plot.h>

G_BEGIN_DECLS

/**
 * LvPlotHistSeries:
 * @label: legend text, e.g. "n = 50"
 * @values: (array length=n_values): the values (borrowed); non-finite ones are skipped
 * @n_values: number of values
 * @n_diverged: runs that diverged, reported in the legend ("3 diverged")
 * @color: category palette index, or %LV_PLOT_COLOR_AUTO for the series' position
 *
 * One distribution of a histogram figure (one network size, one Λ, …).
 */
typedef struct
{
  const char *label;
  const double *values;
  gsize n_values;
  guint n_diverged;
  int color;
} LvPlotHistSeries;

/**
 * LvPlotHistMode:
 * @LV_PLOT_HIST_OVERLAY: all series on one axis, translucent bars
 * @LV_PLOT_HIST_RIDGELINE: one overlapping row per series (joy plot)
 * @LV_PLOT_HIST_SMALL_MULTIPLES: one separate row per series, each scaled to its own maximum
 *
 * How several series share the plot.
 */
typedef enum {
  LV_PLOT_HIST_OVERLAY,
  LV_PLOT_HIST_RIDGELINE,
  LV_PLOT_HIST_SMALL_MULTIPLES,
} LvPlotHistMode;

/**
 * LvPlotHistogramModel:
 * @common: title, caption, axis titles, theme
 * @series: (array length=n_series): the series
 * @n_series: number of series
 * @n_bins: number of shared bins; 0 picks a number from the sample size
 * @mode: overlay, ridgeline or small multiples
 * @density: %TRUE for probability density (each series integrates to 1), %FALSE for counts
 * @x_fixed: use [@x_min, @x_max] instead of the data range
 * @x_min: fixed lower x limit
 * @x_max: fixed upper x limit
 * @bands: (array length=n_bands): shaded x intervals (e.g. the band [−E₀, −E∞])
 * @n_bands: number of bands
 * @ref_lines: (array length=n_ref_lines): vertical labelled lines (−E_k, an NN-LIFT marker, …)
 * @n_ref_lines: number of lines
 * @x_log: bins of equal width in log10 x on a log axis (non-positive values are not drawn),
 *   for losses spanning decades: small networks' 0.2 and large ones' 0.002 each keep their
 *   shape instead of the large ones piling into one bin at 0
 * @band_inset: when the first band is only a sliver of the axis, magnify it in a strip above
 *   the plot (its lines and labels readable, joined to the sliver by callouts)
 *
 * A histogram figure. Bins are shared by all series and cover the finite values (or the fixed
 * range); values outside a fixed range are not drawn.
 */
typedef struct
{
  LvPlotCommon common;
  const LvPlotHistSeries *series;
  gsize n_series;
  guint n_bins;
  LvPlotHistMode mode;
  gboolean density;
  gboolean x_fixed;
  double x_min, x_max;
  const LvPlotBand *bands;
  gsize n_bands;
  const LvPlotRefLine *ref_lines;
  gsize n_ref_lines;
  gboolean x_log;
  gboolean band_inset;
} LvPlotHistogramModel;

/**
 * LvPlotHistHit:
 * @series: index of the series under the pointer
 * @bin: bin index
 * @bin_lo: left edge of the bin
 * @bin_hi: right edge of the bin
 * @count: number of the series' values in the bin
 *
 * What lv_plot_histogram_hit_test() found.
 */
typedef struct
{
  guint series;
  guint bin;
  double bin_lo, bin_hi;
  guint count;
} LvPlotHistHit;

void     lv_plot_histogram_draw       (cairo_t                    *cr,
                                       const LvPlotHistogramModel *model,
                                       double                      width,
                                       double                      height);
gboolean lv_plot_histogram_hit_test   (const LvPlotHistogramModel *model,
                                       double                      width,
                                       double                      height,
                                       double                      x,
                                       double                      y,
                                       LvPlotHistHit              *hit);
gboolean lv_plot_histogram_get_layout (const LvPlotHistogramModel *model,
                                       double                      width,
                                       double                      height,
                                       LvPlotLayout               *layout);
gboolean lv_plot_histogram_write_csv  (const LvPlotHistogramModel *model,
                                       const char                 *path,
                                       GError                    **error);

G_END_DECLS
