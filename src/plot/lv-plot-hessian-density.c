/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <lossviz/lv-plot-hessian-density.h>

#include <math.h>

#include <glib/gi18n-lib.h>

/* Dynamic range shown below the peak: 8 decades, enough for the bulk near zero and the few
 * outliers PyHessian-style plots show, without the curve diving to the smoothing's 1e-300. */
#define DECADES 1e-8

struct _LvPlotHessianDensity
{
  double *x, *y;
  char *caption;
  double floor;
  LvPlotCurve curve;
  LvPlotRefLine zero;
  LvPlotLinesModel model;
};

LvPlotHessianDensity *
lv_plot_hessian_density_new (const double *grid, const double *density, gsize n,
                             const char *caption, const LvPlotTheme *theme)
{
  LvPlotHessianDensity *self = g_new0 (LvPlotHessianDensity, 1);
  double peak = 0.0;

  self->x = g_memdup2 (grid, n * sizeof (double));
  self->y = g_new (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    if (isfinite (density[i]))
      peak = MAX (peak, density[i]);
  self->floor = peak > 0 ? peak * DECADES : 1e-300;
  for (gsize i = 0; i < n; i++)
    self->y[i] = isfinite (density[i]) ? MAX (density[i], self->floor) : NAN;
  self->caption = g_strdup (caption);
  self->curve = (LvPlotCurve) { NULL, self->x, self->y, n, LV_PLOT_COLOR_AUTO,
                                LV_PLOT_LINE_SOLID, FALSE };
  self->zero = (LvPlotRefLine) { 0.0, NULL, LV_PLOT_LINE_DASHED, LV_PLOT_COLOR_AUTO };
  self->model.common.theme = theme;
  self->model.common.title = _("Hessian eigenvalue density");
  self->model.common.caption = self->caption;
  self->model.common.x_label = _("eigenvalue λ");
  self->model.common.y_label = _("density (log scale)");
  self->model.curves = &self->curve;
  self->model.n_curves = n > 0 ? 1 : 0;
  self->model.vlines = &self->zero;
  self->model.n_vlines = n > 0 && grid[0] < 0 && grid[n - 1] > 0 ? 1 : 0;
  self->model.y_log = TRUE;
  self->model.y_fixed = peak > 0;
  self->model.y_min = self->floor;
  self->model.y_max = 2 * peak;
  return self;
}

void
lv_plot_hessian_density_free (LvPlotHessianDensity *self)
{
  if (self == NULL)
    return;
  g_free (self->x);
  g_free (self->y);
  g_free (self->caption);
  g_free (self);
}

const LvPlotLinesModel *
lv_plot_hessian_density_get_model (LvPlotHessianDensity *self)
{
  return &self->model;
}

double
lv_plot_hessian_density_floor (LvPlotHessianDensity *self)
{
  return self->floor;
}
