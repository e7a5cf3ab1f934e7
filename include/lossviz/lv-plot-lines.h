/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-plot.h>

G_BEGIN_DECLS

/**
 * LvPlotCurve:
 * @label: (nullable): legend text; curves without a label get no legend entry
 * @x: (array length=n): x values (borrowed)
 * @y: (array length=n): y values (borrowed)
 * @n: number of points
 * @color: category palette index, or %LV_PLOT_COLOR_AUTO for the curve's position
 * @style: stroke style
 * @show_points: draw a dot at every point too
 *
 * One curve. A non-finite point breaks the curve into pieces instead of drawing garbage.
 */
typedef struct
{
  const char *label;
  const double *x;
  const double *y;
  gsize n;
  int color;
  LvPlotLineStyle style;
  gboolean show_points;
} LvPlotCurve;

/**
 * LvPlotLinesModel:
 * @common: title, caption, axis titles, theme
 * @curves: (array length=n_curves): the curves
 * @n_curves: number of curves
 * @points: (array length=n_points): labelled markers (local minima, …)
 * @n_points: number of markers
 * @hlines: (array length=n_hlines): horizontal reference lines (y = 0, the level 1, …)
 * @n_hlines: number of horizontal lines
 * @vlines: (array length=n_vlines): vertical reference lines
 * @n_vlines: number of vertical lines
 * @x_log: log10 x axis
 * @y_log: log10 y axis
 * @x_fixed: use [@x_min, @x_max]
 * @x_min: fixed x lower limit
 * @x_max: fixed x upper limit
 * @y_fixed: use [@y_min, @y_max]
 * @y_min: fixed y lower limit
 * @y_max: fixed y upper limit
 *
 * A line plot: Θ_k(u) curves, g(z) curves, certificates against a level, interpolations.
 */
typedef struct
{
  LvPlotCommon common;
  const LvPlotCurve *curves;
  gsize n_curves;
  const LvPlotPoint *points;
  gsize n_points;
  const LvPlotRefLine *hlines;
  gsize n_hlines;
  const LvPlotRefLine *vlines;
  gsize n_vlines;
  gboolean x_log, y_log;
  gboolean x_fixed;
  double x_min, x_max;
  gboolean y_fixed;
  double y_min, y_max;
} LvPlotLinesModel;

void     lv_plot_lines_draw       (cairo_t                *cr,
                                   const LvPlotLinesModel *model,
                                   double                  width,
                                   double                  height);
gboolean lv_plot_lines_get_layout (const LvPlotLinesModel *model,
                                   double                  width,
                                   double                  height,
                                   LvPlotLayout           *layout);
gboolean lv_plot_lines_write_csv  (const LvPlotLinesModel *model,
                                   const char             *path,
                                   GError                **error);

G_END_DECLS
