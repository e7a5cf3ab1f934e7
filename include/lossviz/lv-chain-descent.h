/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Gradient descent on the depth-L scalar chain F(w) = 1/2 (y − w_1 ⋯ w_L)² + lambda Σ |w_l|^q
 * and its Haeffele–Vidal certificate (docs/THEORY.md §4.2, §4.5). Together with lv_chain_g() and
 * lv_chain_local_minima() (lv-certificate.h) this is the "degree" demo: descent from a small
 * start stalls at the spurious minimum z = 0 when q < L and is certified global when q = L.
 */

/**
 * LvChainCertState:
 * @LV_CHAIN_CERT_NOT_STATIONARY: descent has not reached a stationary point yet.
 * @LV_CHAIN_CERT_HOLDS: q = L, stationary, and the polar |y − z| / (lambda L) <= 1: the point
 *   is a global minimum.
 * @LV_CHAIN_CERT_FAILS: q = L, stationary (at w = 0), polar > 1: growing every factor equally
 *   with sign(z) = sign(y) decreases F.
 * @LV_CHAIN_CERT_UNBALANCED_LOW: q < L: zero is always a local minimum and the polar test says
 *   nothing (the regulariser wins for small slices).
 * @LV_CHAIN_CERT_UNBALANCED_HIGH: q > L: the induced regulariser degenerates (λ drops out of the
 *   first-order test), so no certificate exists either.
 *
 * The outcome of lv_chain_certify().
 */
typedef enum {
  LV_CHAIN_CERT_NOT_STATIONARY,
  LV_CHAIN_CERT_HOLDS,
  LV_CHAIN_CERT_FAILS,
  LV_CHAIN_CERT_UNBALANCED_LOW,
  LV_CHAIN_CERT_UNBALANCED_HIGH,
} LvChainCertState;

double           lv_chain_objective (const double *w, guint depth, double y, double lambda,
                                     double q, double *grad);
double           lv_chain_product (const double *w, guint depth);
guint            lv_chain_descend (double *w, guint depth, double y, double lambda, double q,
                                   guint max_iters, double grad_tol, double *step);
gboolean         lv_chain_is_stationary (const double *w, guint depth, double y, double lambda,
                                         double q, double grad_tol);
LvChainCertState lv_chain_certify (const double *w, guint depth, double y, double lambda,
                                   double q, double grad_tol, double *polar);

G_END_DECLS
