/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-plot.h>

G_BEGIN_DECLS

/**
 * LvPlotBarSeries:
 * @label: (nullable): legend text
 * @values: (array length=n): one value per category (borrowed); non-finite ones are skipped
 * @n: number of values (extra categories beyond @n are empty)
 * @color: category palette index, or %LV_PLOT_COLOR_AUTO for the series' position
 *
 * One group member of a bar chart.
 */
typedef struct
{
  const char *label;
  const double *values;
  gsize n;
  int color;
} LvPlotBarSeries;

/**
 * LvPlotBarsModel:
 * @common: title, caption, axis titles, theme
 * @categories: (array length=n_categories) (nullable): x labels; %NULL numbers them 1, 2, …
 * @n_categories: number of categories (0: the longest series' length)
 * @series: (array length=n_series): the series, drawn as grouped bars
 * @n_series: number of series
 * @stem: draw stems with a dot instead of bars (eigenvalue spectra)
 * @hlines: (array length=n_hlines): horizontal reference lines
 * @n_hlines: number of lines
 * @y_fixed: use [@y_min, @y_max]
 * @y_min: fixed lower y limit
 * @y_max: fixed upper y limit
 *
 * A grouped bar or stem chart: eigenvalue spectra, |cos| of true vs recovered directions.
 */
typedef struct
{
  LvPlotCommon common;
  const char *const *categories;
  gsize n_categories;
  const LvPlotBarSeries *series;
  gsize n_series;
  gboolean stem;
  const LvPlotRefLine *hlines;
  gsize n_hlines;
  gboolean y_fixed;
  double y_min, y_max;
} LvPlotBarsModel;

void     lv_plot_bars_draw       (cairo_t               *cr,
                                  const LvPlotBarsModel *model,
                                  double                 width,
                                  double                 height);
gboolean lv_plot_bars_get_layout (const LvPlotBarsModel *model,
                                  double                 width,
                                  double                 height,
                                  LvPlotLayout          *layout);
gboolean lv_plot_bars_write_csv  (const LvPlotBarsModel *model,
                                  const char            *path,
                                  GError               **error);

G_END_DECLS
