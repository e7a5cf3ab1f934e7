/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-plot.h>

G_BEGIN_DECLS

/**
 * LvPlotScatterSeries:
 * @label: legend text
 * @x: (array length=n): x values (borrowed)
 * @y: (array length=n): y values (borrowed)
 * @n: number of points
 * @color: category palette index, or %LV_PLOT_COLOR_AUTO for the series' position
 *
 * One colour of points. Points with a non-finite coordinate are skipped.
 */
typedef struct
{
  const char *label;
  const double *x;
  const double *y;
  gsize n;
  int color;
} LvPlotScatterSeries;

/**
 * LvPlotScatterModel:
 * @common: title, caption, axis titles, theme
 * @series: (array length=n_series): the series
 * @n_series: number of series
 * @show_pearson: append "r = …" (Pearson correlation of the finite points) to each legend entry
 * @diagonal: draw the line y = x
 * @x_log: log10 x axis (non-positive x are skipped)
 * @y_log: log10 y axis (non-positive y are skipped)
 * @y_integer: y only takes whole values (e.g. a Hessian index): integer ticks only
 *
 * A scatter plot, e.g. train loss against test loss per size.
 */
typedef struct
{
  LvPlotCommon common;
  const LvPlotScatterSeries *series;
  gsize n_series;
  gboolean show_pearson;
  gboolean diagonal;
  gboolean x_log, y_log;
  gboolean y_integer;
} LvPlotScatterModel;

/**
 * LvPlotScatterHit:
 * @series: series index
 * @index: point index inside the series
 * @x: the point's x
 * @y: the point's y
 *
 * What lv_plot_scatter_hit_test() found.
 */
typedef struct
{
  guint series;
  gsize index;
  double x, y;
} LvPlotScatterHit;

void     lv_plot_scatter_draw       (cairo_t                  *cr,
                                     const LvPlotScatterModel *model,
                                     double                    width,
                                     double                    height);
gboolean lv_plot_scatter_hit_test   (const LvPlotScatterModel *model,
                                     double                    width,
                                     double                    height,
                                     double                    x,
                                     double                    y,
                                     LvPlotScatterHit         *hit);
gboolean lv_plot_scatter_get_layout (const LvPlotScatterModel *model,
                                     double                    width,
                                     double                    height,
                                     LvPlotLayout             *layout);
gboolean lv_plot_scatter_write_csv  (const LvPlotScatterModel *model,
                                     const char               *path,
                                     GError                  **error);

G_END_DECLS
