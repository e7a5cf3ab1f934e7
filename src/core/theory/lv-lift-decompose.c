/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-lift.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-rng.h>

#include "lv-activation.h"

/*
 * Tensor decompositions of NN-LIFT (THEORY.md §3.4): the span of A_1 from the mode-1 unfolding,
 * whitening + tensor power method with deflation, and Jennrich's simultaneous diagonalisation.
 * Also the population moments of a teacher (Gauss–Hermite), used by tests and the view.
 *
 * This translation unit uses GSL matrices and therefore not <cblas.h>.
 */

#define HERMITE_NODES 96
#define WHITEN_DRAWS 512
#define JENNRICH_DRAWS 16

/**
 * lv_lift_logistic_derivative_mean:
 * @order: derivative order, 0..3.
 * @mean: mean of z.
 * @sd: standard deviation of z (0 gives the derivative at @mean).
 *
 * E[sigma^(order)(z)] for z ~ N(@mean, @sd²), by a 96-node Gauss–Hermite rule (the logistic
 * derivatives are entire-ish and bounded, so the rule converges fast).
 *
 * Returns: the expectation, NAN if the quadrature could not be set up.
 */
double
lv_lift_logistic_derivative_mean (guint order, double mean, double sd)
{
  gsl_integration_fixed_workspace *ws;
  const double *nodes, *w;
  double sum = 0.0;

  if (!(sd > 0))
    return lv_logistic_derivative (order, mean);
  ws = gsl_integration_fixed_alloc (gsl_integration_fixed_hermite, HERMITE_NODES, mean,
                                    1.0 / (2.0 * sd * sd), 0.0, 0.0);
  if (ws == NULL)
    return NAN;
  nodes = gsl_integration_fixed_nodes (ws);
  w = gsl_integration_fixed_weights (ws);
  for (guint i = 0; i < HERMITE_NODES; i++)
    sum += w[i] * lv_logistic_derivative (order, nodes[i]);
  gsl_integration_fixed_free (ws);
  return sum / (sd * sqrt (2.0 * M_PI));
}

/**
 * lv_lift_population_moments:
 * @teacher: a two-layer logistic teacher.
 * @tensor: (out): d³ values, T = E[y S_3(x)] = sum a2_j E[s'''(a_j.x + b_j)] a_j^(x)3.
 * @m2: (out) (nullable): d² values, M_2 = E[y S_2(x)] = sum a2_j E[s''(a_j.x + b_j)] a_j a_j^T.
 *
 * The exact (infinite-sample) cross-moments by Stein's identity, with a_j.x + b_j ~ N(b_j, |a_j|²).
 */
void
lv_lift_population_moments (const LvTeacher *teacher, double *tensor, double *m2)
{
  guint d = teacher->d;

  memset (tensor, 0, sizeof (double) * d * d * d);
  if (m2 != NULL)
    memset (m2, 0, sizeof (double) * d * d);
  for (guint j = 0; j < teacher->k; j++)
    {
      const double *a = teacher->a1 + (gsize) j * d;
      double norm = 0.0, l3, l2;

      for (guint i = 0; i < d; i++)
        norm += a[i] * a[i];
      norm = sqrt (norm);
      l3 = teacher->a2[j] * lv_lift_logistic_derivative_mean (3, teacher->b1[j], norm);
      l2 = teacher->a2[j] * lv_lift_logistic_derivative_mean (2, teacher->b1[j], norm);
      for (guint p = 0; p < d; p++)
        for (guint q = 0; q < d; q++)
          {
            if (m2 != NULL)
              m2[p * d + q] += l2 * a[p] * a[q];
            for (guint r = 0; r < d; r++)
              tensor[((gsize) p * d + q) * d + r] += l3 * a[p] * a[q] * a[r];
          }
    }
}

/**
 * lv_tensor_multilinear:
 * @tensor: d³ symmetric tensor.
 * @d: its dimension.
 * @w: d × k matrix, column-major.
 * @k: columns of @w.
 * @out: (out): k³ values, T(W, W, W)_{ijl} = sum T_abc W_ai W_bj W_cl.
 *
 * Multilinear map of a symmetric tensor by three mode products (d³k + d²k² + dk³ operations).
 */
void
lv_tensor_multilinear (const double *tensor, guint d, const double *w, guint k, double *out)
{
  g_autofree double *t1 = g_new0 (double, (gsize) d * d * k); /* [a][b][l] */
  g_autofree double *t2 = g_new0 (double, (gsize) d * k * k); /* [a][j][l] */

  for (guint a = 0; a < d; a++)
    for (guint b = 0; b < d; b++)
      for (guint c = 0; c < d; c++)
        {
          double v = tensor[((gsize) a * d + b) * d + c];

          for (guint l = 0; l < k; l++)
            t1[((gsize) a * d + b) * k + l] += v * w[(gsize) l * d + c];
        }
  for (guint a = 0; a < d; a++)
    for (guint b = 0; b < d; b++)
      for (guint j = 0; j < k; j++)
        {
          double wb = w[(gsize) j * d + b];

          for (guint l = 0; l < k; l++)
            t2[((gsize) a * k + j) * k + l] += wb * t1[((gsize) a * d + b) * k + l];
        }
  memset (out, 0, sizeof (double) * k * k * k);
  for (guint a = 0; a < d; a++)
    for (guint i = 0; i < k; i++)
      {
        double wa = w[(gsize) i * d + a];

        for (guint jl = 0; jl < k * k; jl++)
          out[(gsize) i * k * k + jl] += wa * t2[(gsize) a * k * k + jl];
      }
}

/* T(I, I, t) for a k³ tensor: k × k symmetric matrix. */
static void
tensor_slice (const double *t, guint k, const double *v, double *out)
{
  for (guint i = 0; i < k; i++)
    for (guint j = 0; j < k; j++)
      {
        double s = 0.0;

        for (guint l = 0; l < k; l++)
          s += t[((gsize) i * k + j) * k + l] * v[l];
        out[i * k + j] = s;
      }
}

/* Tensor power iteration t ← T(I, t, t) / ‖T(I, t, t)‖, @iters times or until the image
 * vanishes (then @t stays the last unit vector). @slice (k × k) and @next (k) are scratch. */
static void
power_iterate (const double *t3, guint k, guint iters, double *t, double *slice, double *next)
{
  for (guint it = 0; it < iters; it++)
    {
      double norm = 0.0;

      tensor_slice (t3, k, t, slice);
      for (guint i = 0; i < k; i++)
        {
          next[i] = 0.0;
          for (guint l = 0; l < k; l++)
            next[i] += slice[i * k + l] * t[l];
          norm += next[i] * next[i];
        }
      norm = sqrt (norm);
      if (!(norm > 1e-300))
        break;
      for (guint i = 0; i < k; i++)
        t[i] = next[i] / norm;
    }
}

/* T(t, t, t), through the slice T(I, I, t) (@slice, k × k, is scratch). */
static double
cubic_form (const double *t3, guint k, const double *t, double *slice)
{
  double val = 0.0;

  tensor_slice (t3, k, t, slice);
  for (guint i = 0; i < k; i++)
    for (guint l = 0; l < k; l++)
      val += t[i] * slice[i * k + l] * t[l];
  return val;
}

static void
random_unit (LvRng *rng, double *v, guint k)
{
  double norm = 0.0;

  do
    {
      norm = 0.0;
      for (guint i = 0; i < k; i++)
        {
          v[i] = lv_rng_gaussian (rng);
          norm += v[i] * v[i];
        }
    }
  while (norm < 1e-12);
  norm = sqrt (norm);
  for (guint i = 0; i < k; i++)
    v[i] /= norm;
}

/* Symmetric eigen-decomposition, eigenvalues sorted by decreasing value (or |value|). */
static gboolean
symmetric_eigen (const double *m, guint n, gboolean by_magnitude, double *values,
                 double *vectors /* n × n column-major: column i = eigenvector i */)
{
  gsl_matrix *a = gsl_matrix_alloc (n, n), *evec = gsl_matrix_alloc (n, n);
  gsl_vector *eval = gsl_vector_alloc (n);
  gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc (n);
  int status;

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      gsl_matrix_set (a, i, j, 0.5 * (m[i * n + j] + m[j * n + i]));
  status = gsl_eigen_symmv (a, eval, evec, ws);
  if (status == GSL_SUCCESS)
    status = gsl_eigen_symmv_sort (eval, evec, by_magnitude ? GSL_EIGEN_SORT_ABS_DESC
                                                            : GSL_EIGEN_SORT_VAL_DESC);
  if (status == GSL_SUCCESS)
    for (guint i = 0; i < n; i++)
      {
        values[i] = gsl_vector_get (eval, i);
        for (guint r = 0; r < n; r++)
          vectors[(gsize) i * n + r] = gsl_matrix_get (evec, r, i);
      }
  gsl_eigen_symmv_free (ws);
  gsl_vector_free (eval);
  gsl_matrix_free (evec);
  gsl_matrix_free (a);
  return status == GSL_SUCCESS;
}

/*
 * span(A_1): the top-k left singular vectors of the d × d² unfolding T_(1), i.e. the top-k
 * eigenvectors of the d × d Gram matrix T_(1) T_(1)^T. U is d × k column-major.
 */
static gboolean
tensor_span (const double *tensor, guint d, guint k, double *u, GError **error)
{
  g_autofree double *gram = g_new0 (double, (gsize) d * d);
  g_autofree double *values = g_new (double, d);
  g_autofree double *vectors = g_new (double, (gsize) d * d);
  gsize dd = (gsize) d * d;

  for (guint a = 0; a < d; a++)
    for (guint b = a; b < d; b++)
      {
        double s = 0.0;

        for (gsize i = 0; i < dd; i++)
          s += tensor[a * dd + i] * tensor[b * dd + i];
        gram[a * d + b] = gram[b * d + a] = s;
      }
  if (!symmetric_eigen (gram, d, FALSE, values, vectors) || !(values[k - 1] > 0))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                   "the moment tensor has rank < %u: cannot find the span of the directions", k);
      return FALSE;
    }
  memcpy (u, vectors, sizeof (double) * d * k);
  return TRUE;
}

/* Least-squares tensor weights for fixed unit directions: (G)_{jl} = (a_j.a_l)³. */
static gboolean
fit_weights (const double *tensor, guint d, guint k, const double *a1, double *weights)
{
  gsl_matrix *g = gsl_matrix_alloc (k, k);
  gsl_vector *rhs = gsl_vector_alloc (k), *sol = gsl_vector_alloc (k);
  gsl_permutation *perm = gsl_permutation_alloc (k);
  g_autofree double *t1 = g_new (double, k * k * k);
  int sign, status;

  lv_tensor_multilinear (tensor, d, a1, k, t1);
  for (guint j = 0; j < k; j++)
    {
      gsl_vector_set (rhs, j, t1[((gsize) j * k + j) * k + j]);
      for (guint l = 0; l < k; l++)
        {
          double c = 0.0;

          for (guint i = 0; i < d; i++)
            c += a1[(gsize) j * d + i] * a1[(gsize) l * d + i];
          gsl_matrix_set (g, j, l, c * c * c);
        }
    }
  status = gsl_linalg_LU_decomp (g, perm, &sign);
  if (status == GSL_SUCCESS)
    status = gsl_linalg_LU_solve (g, perm, rhs, sol);
  for (guint j = 0; j < k; j++)
    weights[j] = status == GSL_SUCCESS ? gsl_vector_get (sol, j) : NAN;
  gsl_permutation_free (perm);
  gsl_vector_free (sol);
  gsl_vector_free (rhs);
  gsl_matrix_free (g);
  return status == GSL_SUCCESS;
}

/* Normalise the columns of B (k-dim, column-major), map them through U and orient them so
 * the tensor weights are positive (the sign of a_j is free: sigma(-t) = 1 - sigma(t)). */
static gboolean
finish_directions (const double *tensor, guint d, guint k, const double *u, const double *b,
                   double *a1, double *weights, GError **error)
{
  for (guint j = 0; j < k; j++)
    {
      double norm = 0.0;

      for (guint i = 0; i < d; i++)
        {
          double s = 0.0;

          for (guint l = 0; l < k; l++)
            s += u[(gsize) l * d + i] * b[(gsize) j * k + l];
          a1[(gsize) j * d + i] = s;
          norm += s * s;
        }
      norm = sqrt (norm);
      if (!(norm > 0) || !isfinite (norm))
        {
          g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                       "tensor decomposition produced a degenerate direction");
          return FALSE;
        }
      for (guint i = 0; i < d; i++)
        a1[(gsize) j * d + i] /= norm;
    }
  if (!fit_weights (tensor, d, k, a1, weights))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                   "recovered directions are linearly dependent");
      return FALSE;
    }
  for (guint j = 0; j < k; j++)
    if (weights[j] < 0)
      {
        weights[j] = -weights[j];
        for (guint i = 0; i < d; i++)
          a1[(gsize) j * d + i] = -a1[(gsize) j * d + i];
      }
  return TRUE;
}

/* Conditioning score of a symmetric k × k matrix as a whitening matrix: min|γ| / max|γ| when
 * every eigenvalue has the same sign (definite), else 0. */
static double
whitening_score (const double *m, guint k, double *values, double *vectors)
{
  double lo = G_MAXDOUBLE, hi = 0.0;
  gboolean pos = TRUE, neg = TRUE;

  if (!symmetric_eigen (m, k, TRUE, values, vectors))
    return 0.0;
  for (guint i = 0; i < k; i++)
    {
      pos = pos && values[i] > 0;
      neg = neg && values[i] < 0;
      lo = MIN (lo, fabs (values[i]));
      hi = MAX (hi, fabs (values[i]));
    }
  return (pos || neg) && hi > 0 ? lo / hi : 0.0;
}

/**
 * lv_lift_decompose_power:
 * @tensor: d³ moment tensor T^.
 * @m2: (nullable): d² second-order moment M^_2.
 * @d: dimension.
 * @k: components (1..d).
 * @config: starts, iterations and seed.
 * @a1: (out): d × k unit directions (column-major).
 * @weights: (out): k tensor weights.
 * @whitening: (out) (nullable): which matrix was used for whitening.
 * @error: return location for a #GError.
 *
 * Whitening + tensor power method with deflation (THEORY.md §3.4). Whitening needs a matrix
 * A diag(c) A^T with all c_j of one sign. M_2 has c_j = a2_j E[s''], which vanishes for zero-bias
 * units (s'' is odd) and has mixed signs for mixed-sign biases, so it is only one candidate:
 * the others are slices T(I, I, theta) = A diag(lambda_j a_j.theta) A^T for random theta. All
 * candidates are projected onto span(A) (from the unfolding of T) and the best-conditioned
 * definite one wins; by Sylvester's law of inertia, definiteness there means same-sign c_j.
 *
 * Returns: %FALSE if no definite whitening matrix exists or a linear-algebra step fails.
 */
gboolean
lv_lift_decompose_power (const double *tensor, const double *m2, guint d, guint k,
                         const LvLiftConfig *config, double *a1, double *weights,
                         LvLiftWhitening *whitening, GError **error)
{
  g_autofree double *u = g_new (double, (gsize) d * k);
  g_autofree double *tk = g_new (double, (gsize) k * k * k);
  g_autofree double *cand = g_new (double, (gsize) k * k);
  g_autofree double *values = g_new (double, k), *vectors = g_new (double, (gsize) k * k);
  g_autofree double *best_values = g_new (double, k);
  g_autofree double *best_vectors = g_new (double, (gsize) k * k);
  g_autofree double *w = g_new (double, (gsize) k * k);
  g_autofree double *tw = g_new (double, (gsize) k * k * k);
  g_autofree double *b = g_new0 (double, (gsize) k * k);
  g_autofree double *t = g_new (double, k), *best_t = g_new (double, k), *next = g_new (double, k);
  g_autofree double *theta = g_new (double, k);
  double best_score = 0.0;
  LvLiftWhitening used = LV_LIFT_WHITEN_NONE;
  LvRng rng;

  if (k == 0 || k > d)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "need 1 <= k <= d (k=%u, d=%u)", k,
                   d);
      return FALSE;
    }
  if (!tensor_span (tensor, d, k, u, error))
    return FALSE;
  lv_tensor_multilinear (tensor, d, u, k, tk);
  lv_rng_init (&rng, lv_seed_mix (config->seed, 0x70, k));

  if (m2 != NULL)
    {
      /* U^T M_2 U */
      for (guint i = 0; i < k; i++)
        for (guint j = 0; j < k; j++)
          {
            double s = 0.0;

            for (guint p = 0; p < d; p++)
              for (guint q = 0; q < d; q++)
                s += u[(gsize) i * d + p] * m2[p * d + q] * u[(gsize) j * d + q];
            cand[i * k + j] = s;
          }
      double tnorm = 0.0;

      for (gsize i = 0; i < (gsize) k * k * k; i++)
        tnorm += tk[i] * tk[i];
      best_score = whitening_score (cand, k, best_values, best_vectors);
      /* An (almost) zero M_2, e.g. all-zero biases, would look "definite" from rounding
       * noise: demand eigenvalues on the scale of the tensor. */
      if (fabs (best_values[k - 1]) < 1e-6 * sqrt (tnorm))
        best_score = 0.0;
      if (best_score > 0)
        used = LV_LIFT_WHITEN_M2;
    }
  for (guint r = 0; r < WHITEN_DRAWS; r++)
    {
      double score;

      random_unit (&rng, theta, k);
      tensor_slice (tk, k, theta, cand);
      score = whitening_score (cand, k, values, vectors);
      if (score > best_score)
        {
          best_score = score;
          used = LV_LIFT_WHITEN_SLICE;
          memcpy (best_values, values, sizeof (double) * k);
          memcpy (best_vectors, vectors, sizeof (double) * k * k);
        }
    }
  if (!(best_score > 0))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                   "no definite whitening matrix found (M_2 and %d tensor slices are indefinite);"
                   " use the Jennrich method", WHITEN_DRAWS);
      return FALSE;
    }

  /* W = Q |γ|^{-1/2} in the k-dim span; the whitened tensor is T_k(W, W, W). */
  for (guint i = 0; i < k; i++)
    for (guint r = 0; r < k; r++)
      w[(gsize) i * k + r] = best_vectors[(gsize) i * k + r] / sqrt (fabs (best_values[i]));
  lv_tensor_multilinear (tk, k, w, k, tw);

  for (guint j = 0; j < k; j++)
    {
      double best_val = -G_MAXDOUBLE, mu;

      for (guint s = 0; s < MAX (config->power_starts, 1u); s++)
        {
          double val;

          random_unit (&rng, t, k);
          power_iterate (tw, k, config->power_iters, t, b, next);
          val = cubic_form (tw, k, t, b);
          if (val > best_val)
            {
              best_val = val;
              memcpy (best_t, t, sizeof (double) * k);
            }
        }
      memcpy (t, best_t, sizeof (double) * k);
      power_iterate (tw, k, config->power_iters, t, b, next);
      mu = cubic_form (tw, k, t, b);
      /* Deflate, and un-whiten this component: b_j = Q |γ|^{1/2} v_j. */
      for (guint p = 0; p < k; p++)
        for (guint q = 0; q < k; q++)
          for (guint r = 0; r < k; r++)
            tw[((gsize) p * k + q) * k + r] -= mu * t[p] * t[q] * t[r];
      memcpy (best_t, t, sizeof (double) * k);
      for (guint r = 0; r < k; r++)
        {
          double s = 0.0;

          for (guint i = 0; i < k; i++)
            s += best_vectors[(gsize) i * k + r] * sqrt (fabs (best_values[i])) * best_t[i];
          theta[r] = s;
        }
      memcpy (vectors + (gsize) j * k, theta, sizeof (double) * k);
    }
  if (whitening != NULL)
    *whitening = used;
  return finish_directions (tensor, d, k, u, vectors, a1, weights, error);
}

/**
 * lv_lift_decompose_jennrich:
 * @tensor: d³ moment tensor T^.
 * @d: dimension.
 * @k: components (1..d).
 * @config: the seed of the random contractions.
 * @a1: (out): d × k unit directions (column-major).
 * @weights: (out): k tensor weights.
 * @error: return location for a #GError.
 *
 * Jennrich's simultaneous diagonalisation (THEORY.md §3.4): with U the span of the unfolding and
 * T_k = T(U, U, U), the eigenvectors of M_a M_b^{-1} (M_x = T_k(I, I, t_x)) are the columns of
 * U^T A_1 up to scale. Several random pairs (t_a, t_b) are tried and the one whose eigenvalues
 * are best separated (and least complex) is kept, since a near-tie mixes two directions.
 *
 * Returns: %FALSE if every pair gave a singular M_b or a failed eigen-solve.
 */
gboolean
lv_lift_decompose_jennrich (const double *tensor, guint d, guint k, const LvLiftConfig *config,
                            double *a1, double *weights, GError **error)
{
  g_autofree double *u = g_new (double, (gsize) d * k);
  g_autofree double *tk = g_new (double, (gsize) k * k * k);
  g_autofree double *ma = g_new (double, (gsize) k * k), *mb = g_new (double, (gsize) k * k);
  g_autofree double *ta = g_new (double, k), *tb = g_new (double, k);
  g_autofree double *best = g_new (double, (gsize) k * k);
  double best_score = -1.0;
  gsl_matrix *lu = gsl_matrix_alloc (k, k), *x = gsl_matrix_alloc (k, k);
  gsl_vector *col = gsl_vector_alloc (k), *sol = gsl_vector_alloc (k);
  gsl_permutation *perm = gsl_permutation_alloc (k);
  gsl_vector_complex *eval = gsl_vector_complex_alloc (k);
  gsl_matrix_complex *evec = gsl_matrix_complex_alloc (k, k);
  gsl_eigen_nonsymmv_workspace *ws = gsl_eigen_nonsymmv_alloc (k);
  LvRng rng;

  if (k == 0 || k > d)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "need 1 <= k <= d (k=%u, d=%u)", k,
                   d);
      goto out;
    }
  if (!tensor_span (tensor, d, k, u, error))
    goto out;
  lv_tensor_multilinear (tensor, d, u, k, tk);
  lv_rng_init (&rng, lv_seed_mix (config->seed, 0x71, k));

  for (guint draw = 0; draw < JENNRICH_DRAWS; draw++)
    {
      int sign, status;
      double score = G_MAXDOUBLE, scale = 0.0, imag = 0.0;

      random_unit (&rng, ta, k);
      random_unit (&rng, tb, k);
      tensor_slice (tk, k, ta, ma);
      tensor_slice (tk, k, tb, mb);
      /* X = M_a M_b^{-1}: solve M_b^T X^T = M_a^T column by column (M_b is symmetric). */
      for (guint i = 0; i < k; i++)
        for (guint j = 0; j < k; j++)
          gsl_matrix_set (lu, i, j, mb[i * k + j]);
      status = gsl_linalg_LU_decomp (lu, perm, &sign);
      if (status != GSL_SUCCESS || fabs (gsl_linalg_LU_det (lu, sign)) < 1e-300)
        continue;
      for (guint r = 0; r < k && status == GSL_SUCCESS; r++)
        {
          for (guint j = 0; j < k; j++)
            gsl_vector_set (col, j, ma[r * k + j]);
          status = gsl_linalg_LU_solve (lu, perm, col, sol);
          for (guint j = 0; j < k; j++)
            gsl_matrix_set (x, r, j, gsl_vector_get (sol, j));
        }
      if (status != GSL_SUCCESS)
        continue;
      gsl_eigen_nonsymmv_params (1, ws);
      if (gsl_eigen_nonsymmv (x, eval, evec, ws) != GSL_SUCCESS)
        continue;
      for (guint i = 0; i < k; i++)
        {
          gsl_complex zi = gsl_vector_complex_get (eval, i);

          scale = MAX (scale, hypot (GSL_REAL (zi), GSL_IMAG (zi)));
          imag = MAX (imag, fabs (GSL_IMAG (zi)));
        }
      if (!(scale > 0) || !isfinite (scale))
        continue;
      for (guint i = 0; i < k; i++)
        for (guint j = i + 1; j < k; j++)
          {
            gsl_complex zi = gsl_vector_complex_get (eval, i), zj = gsl_vector_complex_get (eval, j);

            score = MIN (score, fabs (GSL_REAL (zi) - GSL_REAL (zj)));
          }
      if (k == 1)
        score = 1.0;
      else
        score = (score - imag) / scale;
      if (score > best_score)
        {
          best_score = score;
          for (guint i = 0; i < k; i++)
            for (guint r = 0; r < k; r++)
              best[(gsize) i * k + r] = GSL_REAL (gsl_matrix_complex_get (evec, r, i));
        }
    }
  if (best_score < 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                   "simultaneous diagonalisation failed for every random contraction");
      goto out;
    }
  if (!finish_directions (tensor, d, k, u, best, a1, weights, error))
    goto out;
  best_score = G_MAXDOUBLE; /* success marker */

out:
  gsl_eigen_nonsymmv_free (ws);
  gsl_matrix_complex_free (evec);
  gsl_vector_complex_free (eval);
  gsl_permutation_free (perm);
  gsl_vector_free (sol);
  gsl_vector_free (col);
  gsl_matrix_free (x);
  gsl_matrix_free (lu);
  return best_score == G_MAXDOUBLE;
}
