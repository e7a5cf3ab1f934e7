/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-hessian.h>

G_BEGIN_DECLS

/* Shared by the extreme-eigenvalue Lanczos and stochastic Lanczos quadrature
 * (lv-hessian-spectrum.c). */
gboolean lv_hessian_lanczos_run (const LvHessian *hessian, LvHessianWorkspace *ws, double *Q,
                                 guint steps, double *w, double *alpha, double *beta,
                                 guint *m_out, GCancellable *cancellable, GError **error);

G_END_DECLS
