/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <lossviz/lv-rng.h>
#include <lossviz/lv-teacher.h>
#include <lossviz/lv-worker-pool.h>

G_BEGIN_DECLS

/*
 * NN-LIFT (Janzamin, Sedghi, Anandkumar; docs/THEORY.md §3): train a two-layer logistic network on
 * Gaussian inputs x ~ N(0, I_d) by a tensor decomposition of the cross-moment E[y S_3(x)].
 *
 * Tensors are dense d × d × d arrays of doubles, index (a, b, c) at a*d*d + b*d + c, always
 * symmetric. Direction matrices are d × k column-major (column j at a1 + j*d), as in LvTeacher.
 */

/**
 * LvLiftMethod:
 * @LV_LIFT_METHOD_POWER: whitening + tensor power method with deflation (the paper's route).
 * @LV_LIFT_METHOD_JENNRICH: Jennrich's simultaneous diagonalisation (needs no same-sign matrix).
 */
typedef enum {
  LV_LIFT_METHOD_POWER,
  LV_LIFT_METHOD_JENNRICH,
} LvLiftMethod;

/**
 * LvLiftBiasMethod:
 * @LV_LIFT_BIAS_AUTO: the Fourier method when its importance weights leave an effective sample
 *   size worth using, else the least-squares fallback (docs/THEORY.md §3.5).
 * @LV_LIFT_BIAS_FOURIER: the paper's Fourier phase estimator.
 * @LV_LIFT_BIAS_LEAST_SQUARES: 1-D least-squares search for each bias along its direction.
 */
typedef enum {
  LV_LIFT_BIAS_AUTO,
  LV_LIFT_BIAS_FOURIER,
  LV_LIFT_BIAS_LEAST_SQUARES,
} LvLiftBiasMethod;

/**
 * LvLiftWhitening:
 * @LV_LIFT_WHITEN_NONE: not whitened (Jennrich).
 * @LV_LIFT_WHITEN_M2: whitened with the second-order moment E[y S_2(x)].
 * @LV_LIFT_WHITEN_SLICE: whitened with a definite slice T(I, I, theta) of the third-order
 *   moment (used when M_2 is indefinite or ill-conditioned, e.g. zero-bias units: E[s''] = 0).
 */
typedef enum {
  LV_LIFT_WHITEN_NONE,
  LV_LIFT_WHITEN_M2,
  LV_LIFT_WHITEN_SLICE,
} LvLiftWhitening;

/**
 * LvLiftConfig:
 * @method: the decomposition.
 * @bias_method: how the first-layer biases are estimated.
 * @ridge: the second layer's ridge parameter (docs/THEORY.md §3.6).
 * @power_starts: random starts per component of the power method.
 * @power_iters: power iterations per start (and again for the winner).
 * @fourier_min_ess: %LV_LIFT_BIAS_AUTO uses the Fourier method only when the importance weights'
 *   effective sample size is at least this.
 * @seed: seed of every random choice (starts, contractions, Fourier caps).
 */
typedef struct {
  LvLiftMethod     method;
  LvLiftBiasMethod bias_method;
  double           ridge;
  guint            power_starts;
  guint            power_iters;
  double           fourier_min_ess;
  guint64          seed;
} LvLiftConfig;

/**
 * LvLiftResult:
 * @d, @k: dimensions.
 * @a1: d × k recovered unit directions (column-major).
 * @b1: k first-layer biases.
 * @a2: k output weights.
 * @b2: output bias.
 * @weights: k tensor weights lambda_j of T = sum lambda_j a_j^(x)3 (for the recovered signs).
 * @method: the decomposition actually used (the power method falls back to Jennrich when no
 *   definite whitening matrix exists).
 * @whitening: the matrix the power method whitened with.
 * @bias_method: the bias estimator actually used (never %LV_LIFT_BIAS_AUTO).
 * @fourier_ess: effective sample size of the Fourier importance weights (smallest over units).
 * @fourier_b1: k biases from the Fourier method, kept for comparison whichever method was used.
 *
 * A trained network f(x) = <a2, sigma(a1^T x + b1)> + b2.
 */
typedef struct {
  guint            d;
  guint            k;
  double          *a1;
  double          *b1;
  double          *a2;
  double           b2;
  double          *weights;
  LvLiftMethod     method;
  LvLiftWhitening  whitening;
  LvLiftBiasMethod bias_method;
  double           fourier_ess;
  double          *fourier_b1;
} LvLiftResult;

void          lv_lift_config_init (LvLiftConfig *config);
LvLiftResult *lv_lift_result_new (guint d, guint k);
void          lv_lift_result_free (LvLiftResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvLiftResult, lv_lift_result_free)
double        lv_lift_result_eval (const LvLiftResult *result, const double *x);

const char   *lv_lift_method_to_string (LvLiftMethod method);
gboolean      lv_lift_method_from_string (const char *text, LvLiftMethod *out);
const char   *lv_lift_bias_method_to_string (LvLiftBiasMethod method);
const char   *lv_lift_whitening_to_string (LvLiftWhitening whitening);

/* Score functions of N(0, I) (lv-lift-moments.c). */
void   lv_lift_s3_contract_itt (const double *x, const double *t, guint d, double *out);
double lv_lift_s3_contract_ttt (const double *x, const double *t, guint d);
gboolean lv_lift_estimate_moments (const double *x, const double *y, gsize n, guint d,
                                   LvWorkerPool *pool, double *tensor, double *m2,
                                   GError **error);

/* Population moments and logistic expectations (lv-lift-decompose.c). */
double lv_lift_logistic_derivative_mean (guint order, double mean, double sd);
void   lv_lift_population_moments (const LvTeacher *teacher, double *tensor, double *m2);

/* Tensor algebra and decompositions (lv-lift-decompose.c). */
void     lv_tensor_multilinear (const double *tensor, guint d, const double *w, guint k,
                                double *out);
gboolean lv_lift_decompose_power (const double *tensor, const double *m2, guint d, guint k,
                                  const LvLiftConfig *config, double *a1, double *weights,
                                  LvLiftWhitening *whitening, GError **error);
gboolean lv_lift_decompose_jennrich (const double *tensor, guint d, guint k,
                                     const LvLiftConfig *config, double *a1, double *weights,
                                     GError **error);

/* Biases and second layer (lv-lift-bias.c). */
gboolean lv_lift_biases_fourier (const double *x, const double *y, gsize n, guint d, guint k,
                                 const double *a1, guint64 seed, double *b1, double *ess,
                                 GError **error);
gboolean lv_lift_biases_least_squares (const double *x, const double *y, gsize n, guint d,
                                       guint k, const double *a1, double *b1, GError **error);
gboolean lv_lift_ridge (const double *x, const double *y, gsize n, guint d, guint k,
                        const double *a1, const double *b1, double ridge, double *a2,
                        double *b2, GError **error);

/* The whole pipeline and its evaluation (lv-lift.c). */
LvLiftResult *lv_lift_fit (const double *x, const double *y, gsize n, guint d, guint k,
                           const LvLiftConfig *config, LvWorkerPool *pool, GError **error);
void          lv_lift_match (const double *a_true, const double *a_est, guint d, guint k,
                             guint *match, double *cosines);

G_END_DECLS
