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
 * Tensor decompositions of NN-LIFT (docs/THEORY.md §3.4): the span of A_1 from the mode-1 unfolding,
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

/* The common start of both decompositions: checks 1 <= k <= d, finds U = span(A_1) (d × k)
 * and the reduced tensor T_k = T(U, U, U) (k³). */
static gboolean
reduce_to_span (const double *tensor, guint d, guint k, double **u, double **tk, GError **error)
{
  if (k == 0 || k > d)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "need 1 <= k <= d (k=%u, d=%u)", k,
                   d);
      return FALSE;
    }
  *u = g_new (double, (gsize) d * k);
  if (!tensor_span (tensor, d, k, *u, error))
    return FALSE;
  *tk = g_new (double, (gsize) k * k * k);
  lv_tensor_multilinear (tensor, d, *u, k, *tk);
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
 * Whitening + tensor power method with deflation (docs/THEORY.md §3.4). Whitening needs a matrix
 * A diag(c) A^T with all c_j of one sign. M_2 has c_j = a2_j E[s''], which vanishes for zero-bias
 * units (s'' is odd) and has mixed signs for mixed-sign biases, so it is only one candidate:
 * the others are slices T(I, I, theta) = A diag(lambda_j a_j.theta) A^T for random theta. All
 * candidates are projected onto span(A) (from the unfolding of T) and the best-conditioned
 * definite one wins; by Sylvester's law of inertia, definiteness there means same-sign c_j.
 *
 * Returns: %FALSE if no definite whitening matrix exists or a linear-algebra step fails.
 */
/*
 * The whitening matrix: U^T M_2 U when M_2 is given and definite on the scale of the tensor,
 * else (or if better conditioned) the best of WHITEN_DRAWS random slices T_k(I, I, theta).
 * Returns its eigenpairs in @values / @vectors (k, k × k) and which candidate won, or
 * LV_LIFT_WHITEN_NONE when none is definite.
 */
static LvLiftWhitening
choose_whitening (const double *tk, const double *u, const double *m2, guint d, guint k,
                  LvRng *rng, double *values, double *vectors)
{
  g_autofree double *cand = g_new (double, (gsize) k * k);
  g_autofree double *cand_values = g_new (double, k);
  g_autofree double *cand_vectors = g_new (double, (gsize) k * k);
  g_autofree double *theta = g_new (double, k);
  double best_score = 0.0;
  LvLiftWhitening used = LV_LIFT_WHITEN_NONE;

  if (m2 != NULL)
    {
      double tnorm = 0.0;

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
      for (gsize i = 0; i < (gsize) k * k * k; i++)
        tnorm += tk[i] * tk[i];
      best_score = whitening_score (cand, k, values, vectors);
      /* An (almost) zero M_2, e.g. all-zero biases, would look "definite" from rounding
       * noise: demand eigenvalues on the scale of the tensor. */
      if (fabs (values[k - 1]) < 1e-6 * sqrt (tnorm))
        best_score = 0.0;
      if (best_score > 0)
        used = LV_LIFT_WHITEN_M2;
    }
  for (guint r = 0; r < WHITEN_DRAWS; r++)
    {
      double score;

      random_unit (rng, theta, k);
      tensor_slice (tk, k, theta, cand);
      score = whitening_score (cand, k, cand_values, cand_vectors);
      if (score > best_score)
        {
          best_score = score;
          used = LV_LIFT_WHITEN_SLICE;
          memcpy (values, cand_values, sizeof (double) * k);
          memcpy (vectors, cand_vectors, sizeof (double) * k * k);
        }
    }
  return best_score > 0 ? used : LV_LIFT_WHITEN_NONE;
}

/*
 * The tensor power method with deflation on the whitened tensor T_k(W, W, W), W = Q |γ|^{-1/2}
 * (Q, γ: @vectors, @values of the whitening matrix). Component j, un-whitened
 * (b_j = Q |γ|^{1/2} v_j), goes to column j of @b (k × k, column-major).
 */
static void
power_deflate (const double *tk, guint k, const double *values, const double *vectors,
               const LvLiftConfig *config, LvRng *rng, double *b)
{
  g_autofree double *w = g_new (double, (gsize) k * k);
  g_autofree double *tw = g_new (double, (gsize) k * k * k);
  g_autofree double *slice = g_new0 (double, (gsize) k * k);
  g_autofree double *t = g_new (double, k), *best_t = g_new (double, k), *next = g_new (double, k);

  for (guint i = 0; i < k; i++)
    for (guint r = 0; r < k; r++)
      w[(gsize) i * k + r] = vectors[(gsize) i * k + r] / sqrt (fabs (values[i]));
  lv_tensor_multilinear (tk, k, w, k, tw);

  for (guint j = 0; j < k; j++)
    {
      double best_val = -G_MAXDOUBLE, mu;

      for (guint s = 0; s < MAX (config->power_starts, 1u); s++)
        {
          double val;

          random_unit (rng, t, k);
          power_iterate (tw, k, config->power_iters, t, slice, next);
          val = cubic_form (tw, k, t, slice);
          if (val > best_val)
            {
              best_val = val;
              memcpy (best_t, t, sizeof (double) * k);
            }
        }
      memcpy (t, best_t, sizeof (double) * k);
      power_iterate (tw, k, config->power_iters, t, slice, next);
      mu = cubic_form (tw, k, t, slice);
      for (guint p = 0; p < k; p++)
        for (guint q = 0; q < k; q++)
          for (guint r = 0; r < k; r++)
            tw[((gsize) p * k + q) * k + r] -= mu * t[p] * t[q] * t[r];
      for (guint r = 0; r < k; r++)
        {
          double s = 0.0;

          for (guint i = 0; i < k; i++)
            s += vectors[(gsize) i * k + r] * sqrt (fabs (values[i])) * t[i];
          b[(gsize) j * k + r] = s;
        }
    }
}

gboolean
lv_lift_decompose_power (const double *tensor, const double *m2, guint d, guint k,
                         const LvLiftConfig *config, double *a1, double *weights,
                         LvLiftWhitening *whitening, GError **error)
{
  g_autofree double *u = NULL, *tk = NULL, *values = NULL, *vectors = NULL, *b = NULL;
  LvLiftWhitening used;
  LvRng rng;

  if (!reduce_to_span (tensor, d, k, &u, &tk, error))
    return FALSE;
  lv_rng_init (&rng, lv_seed_mix (config->seed, 0x70, k));

  values = g_new0 (double, k);
  vectors = g_new0 (double, (gsize) k * k);
  used = choose_whitening (tk, u, m2, d, k, &rng, values, vectors);
  if (used == LV_LIFT_WHITEN_NONE)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                   "no definite whitening matrix found (M_2 and %d tensor slices are indefinite);"
                   " use the Jennrich method", WHITEN_DRAWS);
      return FALSE;
    }
  b = g_new (double, (gsize) k * k);
  power_deflate (tk, k, values, vectors, config, &rng, b);
  if (whitening != NULL)
    *whitening = used;
  return finish_directions (tensor, d, k, u, b, a1, weights, error);
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
 * Jennrich's simultaneous diagonalisation (docs/THEORY.md §3.4): with U the span of the unfolding and
 * T_k = T(U, U, U), the eigenvectors of M_a M_b^{-1} (M_x = T_k(I, I, t_x)) are the columns of
 * U^T A_1 up to scale. Several random pairs (t_a, t_b) are tried and the one whose eigenvalues
 * are best separated (and least complex) is kept, since a near-tie mixes two directions.
 *
 * Returns: %FALSE if every pair gave a singular M_b or a failed eigen-solve.
 */
/* GSL objects of one Jennrich run (k × k). */
typedef struct
{
  gsl_matrix *lu, *x;
  gsl_vector *col, *sol;
  gsl_permutation *perm;
  gsl_vector_complex *eval;
  gsl_matrix_complex *evec;
  gsl_eigen_nonsymmv_workspace *eigen;
} JennrichWork;

static void
jennrich_work_init (JennrichWork *w, guint k)
{
  w->lu = gsl_matrix_alloc (k, k);
  w->x = gsl_matrix_alloc (k, k);
  w->col = gsl_vector_alloc (k);
  w->sol = gsl_vector_alloc (k);
  w->perm = gsl_permutation_alloc (k);
  w->eval = gsl_vector_complex_alloc (k);
  w->evec = gsl_matrix_complex_alloc (k, k);
  w->eigen = gsl_eigen_nonsymmv_alloc (k);
}

static void
jennrich_work_clear (JennrichWork *w)
{
  gsl_eigen_nonsymmv_free (w->eigen);
  gsl_matrix_complex_free (w->evec);
  gsl_vector_complex_free (w->eval);
  gsl_permutation_free (w->perm);
  gsl_vector_free (w->sol);
  gsl_vector_free (w->col);
  gsl_matrix_free (w->x);
  gsl_matrix_free (w->lu);
}

/* w->eval, w->evec = the eigen-decomposition of X = M_a M_b^{-1}; FALSE when M_b is singular
 * or a solve fails. X is found from M_b^T X^T = M_a^T column by column (M_b is symmetric). */
static gboolean
ratio_eigen (JennrichWork *w, const double *ma, const double *mb, guint k)
{
  int sign, status;

  for (guint i = 0; i < k; i++)
    for (guint j = 0; j < k; j++)
      gsl_matrix_set (w->lu, i, j, mb[i * k + j]);
  status = gsl_linalg_LU_decomp (w->lu, w->perm, &sign);
  if (status != GSL_SUCCESS || fabs (gsl_linalg_LU_det (w->lu, sign)) < 1e-300)
    return FALSE;
  for (guint r = 0; r < k && status == GSL_SUCCESS; r++)
    {
      for (guint j = 0; j < k; j++)
        gsl_vector_set (w->col, j, ma[r * k + j]);
      status = gsl_linalg_LU_solve (w->lu, w->perm, w->col, w->sol);
      for (guint j = 0; j < k; j++)
        gsl_matrix_set (w->x, r, j, gsl_vector_get (w->sol, j));
    }
  if (status != GSL_SUCCESS)
    return FALSE;
  gsl_eigen_nonsymmv_params (1, w->eigen);
  return gsl_eigen_nonsymmv (w->x, w->eval, w->evec, w->eigen) == GSL_SUCCESS;
}

/* How well the eigenvalues are separated: (min gap of real parts − max |imaginary part|) / max
 * |eigenvalue|; 1 for k = 1; −G_MAXDOUBLE when the eigenvalues are not usable. */
static double
separation_score (const gsl_vector_complex *eval, guint k)
{
  double score = G_MAXDOUBLE, scale = 0.0, imag = 0.0;

  for (guint i = 0; i < k; i++)
    {
      gsl_complex zi = gsl_vector_complex_get (eval, i);

      scale = MAX (scale, hypot (GSL_REAL (zi), GSL_IMAG (zi)));
      imag = MAX (imag, fabs (GSL_IMAG (zi)));
    }
  if (!(scale > 0) || !isfinite (scale))
    return -G_MAXDOUBLE;
  for (guint i = 0; i < k; i++)
    for (guint j = i + 1; j < k; j++)
      {
        gsl_complex zi = gsl_vector_complex_get (eval, i), zj = gsl_vector_complex_get (eval, j);

        score = MIN (score, fabs (GSL_REAL (zi) - GSL_REAL (zj)));
      }
  return k == 1 ? 1.0 : (score - imag) / scale;
}

gboolean
lv_lift_decompose_jennrich (const double *tensor, guint d, guint k, const LvLiftConfig *config,
                            double *a1, double *weights, GError **error)
{
  g_autofree double *u = NULL, *tk = NULL, *ma = NULL, *mb = NULL, *ta = NULL, *tb = NULL;
  g_autofree double *best = NULL;
  double best_score = -1.0;
  JennrichWork w;
  LvRng rng;

  if (!reduce_to_span (tensor, d, k, &u, &tk, error))
    return FALSE;
  lv_rng_init (&rng, lv_seed_mix (config->seed, 0x71, k));
  ma = g_new (double, (gsize) k * k);
  mb = g_new (double, (gsize) k * k);
  ta = g_new (double, k);
  tb = g_new (double, k);
  best = g_new (double, (gsize) k * k);

  jennrich_work_init (&w, k);
  for (guint draw = 0; draw < JENNRICH_DRAWS; draw++)
    {
      double score;

      random_unit (&rng, ta, k);
      random_unit (&rng, tb, k);
      tensor_slice (tk, k, ta, ma);
      tensor_slice (tk, k, tb, mb);
      if (!ratio_eigen (&w, ma, mb, k))
        continue;
      score = separation_score (w.eval, k);
      if (score > best_score)
        {
          best_score = score;
          for (guint i = 0; i < k; i++)
            for (guint r = 0; r < k; r++)
              best[(gsize) i * k + r] = GSL_REAL (gsl_matrix_complex_get (w.evec, r, i));
        }
    }
  jennrich_work_clear (&w);
  if (best_score < 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                   "simultaneous diagonalisation failed for every random contraction");
      return FALSE;
    }
  return finish_directions (tensor, d, k, u, best, a1, weights, error);
}
