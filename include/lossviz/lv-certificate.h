/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <lossviz/lv-mlp.h>
#include <lossviz/lv-rng.h>

G_BEGIN_DECLS

/*
 * Haeffele–Vidal global-optimality certificates for positively homogeneous factorisations
 * (docs/THEORY.md §4).
 */

/* ---- Matrix factorisation (lv-certificate-mf.c) -------------------------------------------
 * F(U, V) = 1/2 |Y − U V^T|_F² + lambda/2 (|U|_F² + |V|_F²).
 * Y is m × n, U is m × r, V is n × r, all row-major doubles.
 */

/**
 * LvMfCertificate:
 * @objective: F(U, V).
 * @gradient_norm: Frobenius norm of the gradient (dF/dU, dF/dV).
 * @residual_norm: spectral norm |Y − U V^T|_2 (the polar Omega°(G) times lambda).
 * @stationary: @gradient_norm is within the tolerance asked for.
 * @certified: stationary and @residual_norm <= lambda (within 1e-6 relative): a global minimum.
 * @rank: numerical rank of U V^T.
 * @m, @n: sizes of Y.
 * @top_left: (array length=m): top left singular vector of the residual.
 * @top_right: (array length=n): top right singular vector of the residual.
 *
 * The certificate of docs/THEORY.md §4.3; when it fails, (top_left, top_right) is the unit to add.
 */
typedef struct {
  double   objective;
  double   gradient_norm;
  double   residual_norm;
  gboolean stationary;
  gboolean certified;
  guint    rank;
  guint    m;
  guint    n;
  double  *top_left;
  double  *top_right;
} LvMfCertificate;

double   lv_mf_objective (const double *y, guint m, guint n, const double *u, const double *v,
                          guint r, double lambda);
double   lv_mf_gradient (const double *y, guint m, guint n, const double *u, const double *v,
                         guint r, double lambda, double *grad_u, double *grad_v);
gboolean lv_mf_closed_form (const double *y, guint m, guint n, double lambda, double *z,
                            double *objective, guint *rank, GError **error);
void     lv_mf_init_random (LvRng *rng, guint m, guint n, guint r, double scale, double *u,
                            double *v);
guint    lv_mf_descend (const double *y, guint m, guint n, double *u, double *v, guint r,
                        double lambda, guint max_iters, double grad_tol, double *step);
gboolean lv_mf_certify (const double *y, guint m, guint n, const double *u, const double *v,
                        guint r, double lambda, double grad_tol, LvMfCertificate *cert,
                        GError **error);
void     lv_mf_certificate_clear (LvMfCertificate *cert);
void     lv_mf_add_unit (const LvMfCertificate *cert, const double *u, const double *v, guint r,
                         double eps, double *u_out, double *v_out);
double   lv_matrix_spectral_norm (const double *a, guint m, guint n, GError **error);

/* ---- Two-layer ReLU networks on 2-D inputs, no hidden biases (lv-certificate-relu.c) -------
 * f(x) = sum_i v_i relu(u_i . x), loss 1/(2N) sum (y − f)², regulariser lambda/2 sum(|u_i|² + v_i²).
 */

double   lv_relu_polar_value (const double *x, gsize n, const double *g, double angle);
double   lv_relu_polar_2d (const double *x, gsize n, const double *g, double *best_angle);
double   lv_relu2_objective (const double *x, const double *y, gsize n, const double *u,
                             const double *v, guint r, double lambda, double *residual);
double   lv_relu2_gradient (const double *x, const double *y, gsize n, const double *u,
                            const double *v, guint r, double lambda, double *grad_u,
                            double *grad_v);
gboolean lv_relu2_certify (const double *x, const double *y, gsize n, const double *u,
                           const double *v, guint r, double lambda, double *polar,
                           double *best_angle);

/* ---- The degree story (lv-certificate-chain.c) ----------------------------------------------- */

double   lv_chain_g (double z, double y, double lambda, guint depth, double q);
guint    lv_chain_local_minima (double y, double lambda, guint depth, double q, double *z,
                                double *g);
gboolean lv_degree_is_balanced (double q, guint degree);
guint    lv_mlp_mapping_degree (const LvMlpShape *shape);

/**
 * LvUnitStatus:
 * @layer: hidden layer (0-based).
 * @unit: unit within the layer.
 * @in_norm: norm of the unit's incoming weights (and bias).
 * @out_norm: norm of its outgoing weights.
 * @zero: the whole slice (incoming and outgoing) is zero: at a local minimum of a balanced
 *   problem this certifies global optimality (docs/THEORY.md §4.2).
 * @dead: the unit contributes nothing (one of the two sides is zero).
 */
typedef struct {
  guint    layer;
  guint    unit;
  double   in_norm;
  double   out_norm;
  gboolean zero;
  gboolean dead;
} LvUnitStatus;

guint    lv_mlp_unit_status (const LvMlpShape *shape, const float *params, double rel_tol,
                             LvUnitStatus **units);

G_END_DECLS
