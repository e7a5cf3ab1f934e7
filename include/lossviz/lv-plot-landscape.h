/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-hessian-slq.h>
#include <lossviz/lv-plot.h>

#include <lossviz/lv-index-survey.h>

G_BEGIN_DECLS

/*
 * LvLandscapeFigures — the models behind the Landscape page (heatmap of the slice, 1-D
 * interpolation, Hessian spectrum, index vs loss) and the arrays they borrow. Built on the
 * main thread from the landscape probes' results (lv-landscape-probe.h, lv-index-survey.h);
 * drawn by the app's figure widgets and by export. No GTK: the CLI can build them too.
 */

typedef struct _LvLandscapeFigures LvLandscapeFigures;

typedef enum {
  LV_INDEX_AXIS_INDEX,
  LV_INDEX_AXIS_MIN_EIGENVALUE,
} LvIndexAxis;

LvLandscapeFigures *lv_landscape_figures_new   (void);
void                lv_landscape_figures_free  (LvLandscapeFigures *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvLandscapeFigures, lv_landscape_figures_free)

void lv_landscape_figures_set_theme    (LvLandscapeFigures *self,
                                        const LvPlotTheme  *theme);
void lv_landscape_figures_set_log      (LvLandscapeFigures *self,
                                        gboolean            log_color);
void lv_landscape_figures_clear_run    (LvLandscapeFigures *self,
                                        const char         *empty_text);
void lv_landscape_figures_set_slice    (LvLandscapeFigures *self,
                                        guint               hidden,
                                        guint               run,
                                        LvSliceDirections   kind,
                                        const LvSliceGrid  *grid,
                                        const double       *path_x,
                                        const double       *path_y,
                                        guint               n_path,
                                        guint               partner,
                                        guint               partner2);
void lv_landscape_figures_set_interpolation (LvLandscapeFigures *self,
                                             guint               run,
                                             guint               partner,
                                             const double       *t,
                                             const double       *train,
                                             const double       *test,
                                             guint               n);
void lv_landscape_figures_set_spectrum (LvLandscapeFigures      *self,
                                        const LvHessianSpectrum *spectrum);
void lv_landscape_figures_set_index    (LvLandscapeFigures *self,
                                        const LvIndexPoint *points,
                                        guint               n_points,
                                        LvIndexAxis         axis,
                                        const char         *caption);

void lv_landscape_figures_set_density  (LvLandscapeFigures *self,
                                        const LvHessianSlq *slq);
void lv_landscape_figures_set_show_density (LvLandscapeFigures *self,
                                            gboolean            show);
const LvPlotLinesModel   *lv_landscape_figures_get_density       (LvLandscapeFigures *self);
const LvPlotHeatmapModel *lv_landscape_figures_get_heatmap       (LvLandscapeFigures *self);
const LvPlotLinesModel   *lv_landscape_figures_get_interpolation (LvLandscapeFigures *self);
const LvPlotBarsModel    *lv_landscape_figures_get_spectrum      (LvLandscapeFigures *self);
const LvPlotScatterModel *lv_landscape_figures_get_index         (LvLandscapeFigures *self);
const LvIndexPoint       *lv_landscape_figures_index_point       (LvLandscapeFigures *self,
                                                                  guint               series,
                                                                  gsize               index);
gboolean                  lv_landscape_figures_get_slice_value   (LvLandscapeFigures *self,
                                                                  double              alpha,
                                                                  double              beta,
                                                                  double             *value);

void  lv_plot_slice_heatmap_init (LvPlotHeatmapModel *model,
                                  const double       *values,
                                  guint               n,
                                  double              span);
guint lv_plot_slice_landmarks    (const LvSliceGrid  *grid,
                                  const char         *trained,
                                  const char         *grid_min,
                                  const char         *both,
                                  LvPlotPoint        *points);

gboolean lv_landscape_figures_export (LvLandscapeFigures  *self,
                                      const char          *path,
                                      double               width,
                                      double               height,
                                      GError             **error);

G_END_DECLS
