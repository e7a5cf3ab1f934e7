/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-plot.h>

G_BEGIN_DECLS

/**
 * LvPlotHeatmapModel:
 * @common: title, caption, axis titles (α, β), theme
 * @values: (array): @nx × @ny values, row-major with one row per y: `values[j * nx + i]` is the
 *   value at (x_i, y_j); non-finite values are drawn as empty cells
 * @nx: grid points along x (≥ 2)
 * @ny: grid points along y (≥ 2)
 * @x_min: x of the first grid column
 * @x_max: x of the last grid column
 * @y_min: y of the first grid row
 * @y_max: y of the last grid row
 * @colormap: viridis or cividis
 * @log_color: colour by log10 of the value (non-positive values become empty cells)
 * @n_contours: number of automatic, evenly spaced contour levels (in colour space); 0 for none
 * @contour_levels: (array length=n_contour_levels) (nullable): explicit levels, override @n_contours
 * @n_contour_levels: number of explicit levels
 * @path_x: (array length=n_path) (nullable): trajectory x (borrowed)
 * @path_y: (array length=n_path) (nullable): trajectory y
 * @n_path: trajectory length
 * @points: (array length=n_points): labelled markers (trained point, grid minimum, …)
 * @n_points: number of markers
 * @colorbar_label: (nullable): title of the colour bar, e.g. "train loss"
 *
 * A scalar field on a regular grid: a loss slice over (α, β). Each grid point is drawn as a
 * cell centred on it.
 */
typedef struct
{
  LvPlotCommon common;
  const double *values;
  guint nx, ny;
  double x_min, x_max, y_min, y_max;
  LvPlotColormap colormap;
  gboolean log_color;
  guint n_contours;
  const double *contour_levels;
  gsize n_contour_levels;
  const double *path_x;
  const double *path_y;
  gsize n_path;
  const LvPlotPoint *points;
  gsize n_points;
  const char *colorbar_label;
} LvPlotHeatmapModel;

void     lv_plot_heatmap_draw       (cairo_t                  *cr,
                                     const LvPlotHeatmapModel *model,
                                     double                    width,
                                     double                    height);
gboolean lv_plot_heatmap_get_layout (const LvPlotHeatmapModel *model,
                                     double                    width,
                                     double                    height,
                                     LvPlotLayout             *layout);
gboolean lv_plot_heatmap_value_range (const LvPlotHeatmapModel *model,
                                      double                   *lo,
                                      double                   *hi);
gboolean lv_plot_heatmap_write_csv  (const LvPlotHeatmapModel *model,
                                     const char               *path,
                                     GError                  **error);

GArray  *lv_plot_contour_segments   (const double *values,
                                     guint         nx,
                                     guint         ny,
                                     double        x_min,
                                     double        x_max,
                                     double        y_min,
                                     double        y_max,
                                     double        level);

G_END_DECLS
