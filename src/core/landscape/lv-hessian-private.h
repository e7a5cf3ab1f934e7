/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gsl/gsl_matrix.h>
#include <lossviz/lv-hessian.h>

G_BEGIN_DECLS

/* Shared by the extreme-eigenvalue Lanczos and stochastic Lanczos quadrature
 * (lv-hessian-spectrum.c). */
gboolean lv_hessian_lanczos_run (const LvHessian *hessian, LvHessianWorkspace *ws, double *Q,
                                 guint steps, double *w, double *alpha, double *beta,
                                 guint *m_out, GCancellable *cancellable, GError **error);

/* The m × m symmetric tridiagonal matrix of a Lanczos run (diagonal @a, off-diagonal @b). */
gsl_matrix *lv_hessian_tridiagonal (const double *a, const double *b, guint m);

G_END_DECLS
