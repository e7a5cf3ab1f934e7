/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include <glib/gi18n.h>

#include "lv-figure.h"
#include "lv-landscape-view-private.h"

/* The Landscape page's heatmap panel: its tooltip (α, β and the loss under the pointer) and the
 * 3-D surface that a drag turns and tilts; and the three run panels' models. */

static char *
heatmap_tooltip (LvFigure *figure, double x, double y, double width, double height,
                 gpointer user_data)
{
  LvLandscapeView *self = user_data;
  const LvPlotHeatmapModel *model = lv_landscape_figures_get_heatmap (self->figures);
  LvPlotLayout layout;
  double alpha, beta, value;

  if (gtk_toggle_button_get_active (self->surface_button) ||
      !lv_plot_heatmap_get_layout (model, width, height, &layout))
    return NULL;
  alpha = lv_plot_layout_px_to_x (&layout, x);
  beta = lv_plot_layout_px_to_y (&layout, y);
  if (!lv_landscape_figures_get_slice_value (self->figures, alpha, beta, &value))
    return NULL;
  /* Translators: tooltip of a point of the loss slice. */
  return g_markup_printf_escaped (_("α = %.3f, β = %.3f\ntraining loss %.4g"), alpha, beta,
                                  value);
}

/* ---- the 3-D surface ---- */

void
lv_landscape_view_on_surface_toggled (LvLandscapeView *self)
{
  if (gtk_toggle_button_get_active (self->surface_button))
    lv_figure_set_draw_func (self->heatmap_figure, (LvPlotDrawFunc) lv_plot_wireframe_draw,
                             &self->wireframe);
  else
    lv_figure_set_draw_func (self->heatmap_figure, (LvPlotDrawFunc) lv_plot_heatmap_draw,
                             lv_landscape_figures_get_heatmap (self->figures));
}

void
lv_landscape_view_on_drag_begin (GtkGestureDrag *gesture, double x, double y,
                                 LvLandscapeView *self)
{
  self->drag_azimuth = self->wireframe.azimuth;
  self->drag_elevation = self->wireframe.elevation;
}

/* Horizontal drags turn the surface, vertical ones tilt it (between flat and top-down). */
void
lv_landscape_view_on_drag_update (GtkGestureDrag *gesture, double dx, double dy,
                                  LvLandscapeView *self)
{
  if (!gtk_toggle_button_get_active (self->surface_button))
    return;
  self->wireframe.azimuth = self->drag_azimuth + dx * 0.01;
  self->wireframe.elevation = CLAMP (self->drag_elevation + dy * 0.01, 0.05, G_PI / 2 - 0.02);
  lv_figure_changed (self->heatmap_figure);
}

/**
 * lv_landscape_view_heatmap_init:
 * @self: the view, its template built
 *
 * Gives the heatmap, interpolation and spectrum panels their models, the heatmap its tooltip
 * and the surface its first viewpoint.
 */
void
lv_landscape_view_heatmap_init (LvLandscapeView *self)
{
  lv_figure_set_draw_func (self->heatmap_figure, (LvPlotDrawFunc) lv_plot_heatmap_draw,
                           lv_landscape_figures_get_heatmap (self->figures));
  lv_figure_set_draw_func (self->lines_figure, (LvPlotDrawFunc) lv_plot_lines_draw,
                           lv_landscape_figures_get_interpolation (self->figures));
  lv_figure_set_draw_func (self->bars_figure, (LvPlotDrawFunc) lv_plot_bars_draw,
                           lv_landscape_figures_get_spectrum (self->figures));
  lv_figure_set_tooltip_func (self->heatmap_figure, heatmap_tooltip, self, NULL);
  self->wireframe.heatmap = lv_landscape_figures_get_heatmap (self->figures);
  self->wireframe.azimuth = -0.6;
  self->wireframe.elevation = 0.6;
}
