/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-plot-lines.h>

G_BEGIN_DECLS

/**
 * LvPlotHessianDensity:
 *
 * The figure of a Hessian eigenvalue density (stochastic Lanczos quadrature) on a log density
 * axis: one curve over λ, values below 1e-8 of the peak held at that floor (a log axis has no
 * zero), a vertical line at λ = 0. Owns copies of the data; the model stays valid until freed.
 */
typedef struct _LvPlotHessianDensity LvPlotHessianDensity;

LvPlotHessianDensity   *lv_plot_hessian_density_new       (const double      *grid,
                                                           const double      *density,
                                                           gsize              n,
                                                           const char        *caption,
                                                           const LvPlotTheme *theme);
void                    lv_plot_hessian_density_free      (LvPlotHessianDensity *self);
const LvPlotLinesModel *lv_plot_hessian_density_get_model (LvPlotHessianDensity *self);
double                  lv_plot_hessian_density_floor     (LvPlotHessianDensity *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvPlotHessianDensity, lv_plot_hessian_density_free)

G_END_DECLS
