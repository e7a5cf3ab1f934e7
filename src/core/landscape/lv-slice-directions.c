/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-slice.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-rng.h>

/*
 * Directions of a slice: filter-normalised Gaussian, PCA of a trajectory, and the directions
 * towards other trained minima. This file uses GSL (eigen) and therefore not <cblas.h>.
 */

static double
norm_sq (const float *v, gsize n)
{
  double s = 0;
  for (gsize i = 0; i < n; i++)
    s += (double) v[i] * v[i];
  return s;
}

/**
 * lv_slice_direction_filter:
 * @shape: the network.
 * @center: the trained parameters θ₀.
 * @seed: the direction's seed.
 * @keep_bias: give biases random entries too (normalised together with their unit's weights);
 *   otherwise the direction's biases are zero.
 * @direction: (out): lv_mlp_n_params() floats.
 * @error: return location for an error.
 *
 * A random Gaussian direction with filter normalisation (Li et al. 2018): each unit's row of
 * incoming weights (with its bias when @keep_bias) is rescaled to the norm of the same row of
 * @center, which removes the scale invariance of ReLU networks from the picture.
 *
 * Row j of layer l draws from its own stream lv_seed_mix (seed, 2 l, j) (its bias from
 * lv_seed_mix (seed, 2 l + 1, j)), so the direction does not depend on the network's size:
 * networks of different widths share the values of the units they have in common, and their
 * slices are comparable.
 *
 * Returns: %TRUE, or %FALSE when @center is not finite.
 */
gboolean
lv_slice_direction_filter (const LvMlpShape *shape, const float *center, guint64 seed,
                           gboolean keep_bias, float *direction, GError **error)
{
  gsize np = lv_mlp_n_params (shape);

  for (gsize i = 0; i < np; i++)
    if (!isfinite (center[i]))
      {
        g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                     "the trained parameters contain NaN or Inf");
        return FALSE;
      }
  for (guint l = 0; l < shape->n_layers; l++)
    {
      guint in = shape->widths[l], out = shape->widths[l + 1];
      gsize woff = lv_mlp_weight_offset (shape, l), boff = lv_mlp_bias_offset (shape, l);

      for (guint j = 0; j < out; j++)
        {
          const float *w = center + woff + (gsize) j * in;
          float *d = direction + woff + (gsize) j * in;
          float *db = shape->bias ? direction + boff + j : NULL;
          gboolean with_bias = shape->bias && keep_bias;
          double target, current, scale;
          LvRng rng;

          lv_rng_init (&rng, lv_seed_mix (seed, 2 * (guint64) l, j));
          for (guint i = 0; i < in; i++)
            d[i] = (float) lv_rng_gaussian (&rng);
          if (db != NULL)
            {
              lv_rng_init (&rng, lv_seed_mix (seed, 2 * (guint64) l + 1, j));
              *db = with_bias ? (float) lv_rng_gaussian (&rng) : 0.0f;
            }
          target = norm_sq (w, in) + (with_bias ? (double) center[boff + j] * center[boff + j] : 0);
          current = norm_sq (d, in) + (with_bias ? (double) *db * *db : 0);
          scale = current > 0 ? sqrt (target / current) : 0;
          for (guint i = 0; i < in; i++)
            d[i] = (float) (d[i] * scale);
          if (with_bias)
            *db = (float) (*db * scale);
        }
    }
  return TRUE;
}

/* Fills M (m × np, double) with checkpoint − center and returns it. */
static double *
centered_checkpoints (gsize np, const float *center, const float *checkpoints, guint m)
{
  double *M = g_new (double, (gsize) m * np);

  for (guint k = 0; k < m; k++)
    for (gsize i = 0; i < np; i++)
      M[(gsize) k * np + i] = (double) checkpoints[(gsize) k * np + i] - center[i];
  return M;
}

/* The Gram matrix M Mᵀ (m × m) of the centred checkpoints. */
static gsl_matrix *
gram_matrix (const double *M, guint m, gsize np)
{
  gsl_matrix *gram = gsl_matrix_alloc (m, m);

  for (guint a = 0; a < m; a++)
    for (guint b = 0; b <= a; b++)
      {
        double s = 0;
        for (gsize i = 0; i < np; i++)
          s += M[(gsize) a * np + i] * M[(gsize) b * np + i];
        gsl_matrix_set (gram, a, b, s);
        gsl_matrix_set (gram, b, a, s);
      }
  return gram;
}

/* Eigenvalues of @gram (destroyed) in descending order into @vals, eigenvectors into @vecs. */
static gboolean
sorted_eigen (gsl_matrix *gram, gsl_vector *vals, gsl_matrix *vecs, GError **error)
{
  gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc (gram->size1);
  int status = gsl_eigen_symmv (gram, vals, vecs, ws);

  if (status == GSL_SUCCESS)
    status = gsl_eigen_symmv_sort (vals, vecs, GSL_EIGEN_SORT_VAL_DESC);
  gsl_eigen_symmv_free (ws);
  if (status != GSL_SUCCESS)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "PCA eigensolver failed: %s",
                   gsl_strerror (status));
      return FALSE;
    }
  return TRUE;
}

/* Direction k: u = Mᵀ v_k / sqrt(λ_k) (a unit eigenvector of Mᵀ M, in the np-double scratch
 * @u), scaled so that the farthest checkpoint projects to 1 along it. */
static void
principal_direction (const double *M, guint m, gsize np, const gsl_matrix *vecs, guint k,
                     double lambda, double *u, float *d)
{
  double extent = 0;

  memset (u, 0, np * sizeof (double));
  for (guint a = 0; a < m; a++)
    {
      double va = gsl_matrix_get (vecs, a, k);
      for (gsize i = 0; i < np; i++)
        u[i] += va * M[(gsize) a * np + i];
    }
  for (gsize i = 0; i < np; i++)
    u[i] /= sqrt (lambda);
  for (guint a = 0; a < m; a++)
    {
      double proj = 0;
      for (gsize i = 0; i < np; i++)
        proj += u[i] * M[(gsize) a * np + i];
      extent = MAX (extent, fabs (proj));
    }
  for (gsize i = 0; i < np; i++)
    d[i] = (float) (u[i] * extent);
}

/**
 * lv_slice_directions_pca:
 * @shape: the network.
 * @center: the final parameters θ₀.
 * @checkpoints: (array): @n_checkpoints × lv_mlp_n_params() floats, e.g. one per epoch.
 * @n_checkpoints: at least 2.
 * @d1: (out): the first principal direction.
 * @d2: (out): the second.
 * @explained: (out) (array fixed-size=2) (nullable): fraction of the trajectory's squared
 *   distance from θ₀ that each direction explains.
 * @error: return location for an error.
 *
 * The top-2 principal directions of the training trajectory (Li et al. 2018, §7): of the
 * matrix M whose rows are checkpoint − θ₀. Parameters far outnumber checkpoints, so the
 * eigenvectors come from the small Gram matrix M Mᵀ (gsl_eigen_symmv) and are mapped back by
 * Mᵀ. Each direction is scaled so that the farthest checkpoint projects to 1 along it: a span of
 * 1 covers the trajectory.
 *
 * Returns: %TRUE, or %FALSE when the trajectory does not span two dimensions.
 */
gboolean
lv_slice_directions_pca (const LvMlpShape *shape, const float *center, const float *checkpoints,
                         guint n_checkpoints, float *d1, float *d2, double *explained,
                         GError **error)
{
  gsize np = lv_mlp_n_params (shape);
  guint m = n_checkpoints;
  g_autofree double *M = NULL;
  g_autofree double *u = NULL;
  gsl_matrix *gram = NULL, *vecs = NULL;
  gsl_vector *vals = NULL;
  double trace = 0;
  gboolean ok = FALSE;

  if (m < 2)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "PCA directions need at least 2 checkpoints (got %u)", m);
      return FALSE;
    }
  M = centered_checkpoints (np, center, checkpoints, m);
  for (gsize i = 0; i < (gsize) m * np; i++)
    if (!isfinite (M[i]))
      {
        g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                     "the trajectory contains NaN or Inf");
        return FALSE;
      }
  gram = gram_matrix (M, m, np);
  vecs = gsl_matrix_alloc (m, m);
  vals = gsl_vector_alloc (m);
  if (!sorted_eigen (gram, vals, vecs, error))
    goto out;
  for (guint k = 0; k < m; k++)
    trace += MAX (0, gsl_vector_get (vals, k));
  if (!(gsl_vector_get (vals, 0) > 0) || !(gsl_vector_get (vals, 1) > 1e-12 * trace))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "the trajectory does not span two dimensions (too few distinct checkpoints)");
      goto out;
    }
  u = g_new (double, np);
  for (guint k = 0; k < 2; k++)
    {
      double lambda = gsl_vector_get (vals, k);

      principal_direction (M, m, np, vecs, k, lambda, u, k == 0 ? d1 : d2);
      if (explained != NULL)
        explained[k] = trace > 0 ? lambda / trace : NAN;
    }
  ok = TRUE;

out:
  gsl_vector_free (vals);
  gsl_matrix_free (vecs);
  gsl_matrix_free (gram);
  return ok;
}

/**
 * lv_slice_directions_between:
 * @n_params: length of the vectors.
 * @center: the first trained minimum θ_A.
 * @a: the second minimum θ_B.
 * @b: (nullable): a third minimum θ_C.
 * @d1: (out): θ_B − θ_A.
 * @d2: (out) (nullable): θ_C − θ_A (needed when @b is given).
 *
 * Directions of the line through two minima, or of the plane through three: (1, 0) is θ_B and
 * (0, 1) is θ_C, so a span a little above 1 shows all three and the barriers between them.
 */
void
lv_slice_directions_between (gsize n_params, const float *center, const float *a,
                             const float *b, float *d1, float *d2)
{
  for (gsize i = 0; i < n_params; i++)
    {
      d1[i] = a[i] - center[i];
      if (b != NULL && d2 != NULL)
        d2[i] = b[i] - center[i];
    }
}

/**
 * lv_slice_project:
 * @n_params: length of the vectors.
 * @center: θ₀.
 * @d1: the α direction.
 * @d2: (nullable): the β direction.
 * @point: a parameter vector, e.g. a checkpoint.
 * @alpha: (out): its α.
 * @beta: (out): its β (0 without @d2).
 *
 * The least-squares coordinates of @point − θ₀ in the plane spanned by @d1 and @d2 (which need
 * not be orthogonal): where a trajectory passes over a slice.
 *
 * Returns: %FALSE when the directions are degenerate (zero or parallel).
 */
gboolean
lv_slice_project (gsize n_params, const float *center, const float *d1, const float *d2,
                  const float *point, double *alpha, double *beta)
{
  double g11 = 0, g12 = 0, g22 = 0, r1 = 0, r2 = 0, det;

  for (gsize i = 0; i < n_params; i++)
    {
      double r = (double) point[i] - center[i];
      g11 += (double) d1[i] * d1[i];
      r1 += (double) d1[i] * r;
      if (d2 != NULL)
        {
          g12 += (double) d1[i] * d2[i];
          g22 += (double) d2[i] * d2[i];
          r2 += (double) d2[i] * r;
        }
    }
  if (d2 == NULL)
    {
      if (!(g11 > 0))
        return FALSE;
      *alpha = r1 / g11;
      *beta = 0;
      return TRUE;
    }
  det = g11 * g22 - g12 * g12;
  if (!(det > 1e-12 * g11 * g22))
    return FALSE;
  *alpha = (g22 * r1 - g12 * r2) / det;
  *beta = (g11 * r2 - g12 * r1) / det;
  return TRUE;
}
