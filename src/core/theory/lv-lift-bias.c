/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-lift.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-rng.h>

#include "lv-activation.h"

/*
 * NN-LIFT's last two steps (docs/THEORY.md §3.5–3.6): first-layer biases (Fourier phase, or the 1-D
 * least-squares fallback) and ridge regression for (a2, b2). GSL matrices, no <cblas.h>.
 */

#define FOURIER_CAP_EPS 0.25   /* angular radius of the spherical cap Omega_l */
#define LS_MAX_SAMPLES 50000   /* samples used by the bias line searches */
#define LS_GRID_LO (-6.0)
#define LS_GRID_HI 6.0
#define LS_GRID_STEP 0.25
#define LS_SWEEPS 3

/* A uniform point of the cap { |w| = 1/2, angle(w, a) <= theta_max } around the unit vector a:
 * the polar angle has density ∝ sin^{d-2}(θ), drawn by rejection; the azimuth is a uniform unit
 * vector orthogonal to a. */
static void
cap_sample (LvRng *rng, const double *a, guint d, double theta_max, double *w, double *e)
{
  double theta = 0.0, norm = 1.0, dot;

  if (d >= 2)
    {
      for (;;)
        {
          theta = theta_max * lv_rng_uniform (rng);
          if (d == 2 || lv_rng_uniform (rng) <= pow (sin (theta) / sin (theta_max), d - 2.0))
            break;
        }
      do
        {
          norm = 0.0;
          dot = 0.0;
          for (guint i = 0; i < d; i++)
            {
              e[i] = lv_rng_gaussian (rng);
              dot += e[i] * a[i];
            }
          for (guint i = 0; i < d; i++)
            {
              e[i] -= dot * a[i];
              norm += e[i] * e[i];
            }
        }
      while (norm < 1e-20);
      norm = sqrt (norm);
      if (d == 2 && lv_rng_uniform (rng) < 0.5)
        norm = -norm;
    }
  for (guint i = 0; i < d; i++)
    w[i] = 0.5 * (cos (theta) * a[i] + (d >= 2 ? sin (theta) * e[i] / norm : 0.0));
}

/**
 * lv_lift_biases_fourier:
 * @x: n × d samples from N(0, I), row-major.
 * @y: n responses.
 * @n: samples.
 * @d: dimension.
 * @k: units.
 * @a1: d × k unit directions.
 * @seed: seed of the cap samples.
 * @b1: (out): k biases, in (-pi, pi].
 * @ess: (out) (nullable): the smallest effective sample size of the importance weights.
 * @error: return location for a #GError.
 *
 * The Fourier phase estimator (docs/THEORY.md §3.5, e^{-i<w,x>} convention, |w| = 1/2, one-sided cap):
 * v = (1/n) sum ỹ_i / p(x_i) e^{-i <w_i, x_i>}, b_l = 2 (angle(v) + pi/2), reduced mod 2 pi since
 * a negative a2_l adds pi to the phase. 1/p(x) = (2 pi)^{d/2} e^{|x|²/2} only scales v, so the
 * weights are computed relative to their maximum (no overflow). Under Gaussian inputs the
 * estimator has infinite variance; @ess = (sum |w|)² / sum w² shows how few samples dominate.
 *
 * Returns: %FALSE on bad input.
 */
gboolean
lv_lift_biases_fourier (const double *x, const double *y, gsize n, guint d, guint k,
                        const double *a1, guint64 seed, double *b1, double *ess, GError **error)
{
  g_autofree double *logw = g_new (double, n);
  g_autofree double *w = g_new (double, d), *e = g_new (double, d);
  double ybar = 0.0, maxlog = -G_MAXDOUBLE, min_ess = G_MAXDOUBLE;
  double theta_max = acos (1.0 - FOURIER_CAP_EPS * FOURIER_CAP_EPS / 2.0);

  if (n < 2 || d == 0 || k == 0 || k > d)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "Fourier biases: bad sizes");
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    ybar += y[i];
  ybar /= (double) n;
  for (gsize i = 0; i < n; i++)
    {
      double r2 = 0.0;

      for (guint a = 0; a < d; a++)
        r2 += x[i * d + a] * x[i * d + a];
      logw[i] = 0.5 * r2;
      maxlog = MAX (maxlog, logw[i]);
    }
  for (guint l = 0; l < k; l++)
    {
      LvRng rng;
      double re = 0.0, im = 0.0, s1 = 0.0, s2 = 0.0, phase, b;

      lv_rng_init (&rng, lv_seed_mix (seed, 0xf0, l));
      for (gsize i = 0; i < n; i++)
        {
          double weight = (y[i] - ybar) * exp (logw[i] - maxlog), wx = 0.0;

          cap_sample (&rng, a1 + (gsize) l * d, d, theta_max, w, e);
          for (guint a = 0; a < d; a++)
            wx += w[a] * x[i * d + a];
          re += weight * cos (wx);
          im -= weight * sin (wx);
          s1 += fabs (weight);
          s2 += weight * weight;
        }
      min_ess = MIN (min_ess, s2 > 0 ? s1 * s1 / s2 : 0.0);
      phase = atan2 (im, re);
      b = 2.0 * (phase + M_PI / 2.0);
      b = remainder (b, 2.0 * M_PI); /* in [-pi, pi] */
      b1[l] = b;
    }
  if (ess != NULL)
    *ess = min_ess;
  return TRUE;
}

/*
 * Least-squares state for the bias line searches: H~ = [sigma(P + b) 1] (rows × (k+1)), with
 * G = H~^T H~ and r = H~^T y kept up to date one column at a time, so trying a new b_l costs
 * O(rows (k + 1)); the residual of the best (a2, b2) is y^T y − r^T G^{-1} r.
 */
typedef struct
{
  gsize rows;
  guint k;
  const double *proj; /* rows × k: a_l . x_i */
  const double *y;
  double yy;
  double *h;          /* rows × (k + 1) */
  gsl_matrix *g;
  gsl_vector *r;
  gsl_matrix *work;
  gsl_vector *sol;
} LineSearch;

static void
ls_set_column (LineSearch *ls, guint l, double b)
{
  guint m = ls->k + 1;

  for (gsize i = 0; i < ls->rows; i++)
    ls->h[i * m + l] = lv_logistic_stable (ls->proj[i * ls->k + l] + b);
  for (guint c = 0; c < m; c++)
    {
      double s = 0.0;

      for (gsize i = 0; i < ls->rows; i++)
        s += ls->h[i * m + l] * ls->h[i * m + c];
      gsl_matrix_set (ls->g, l, c, s);
      gsl_matrix_set (ls->g, c, l, s);
    }
  {
    double s = 0.0;

    for (gsize i = 0; i < ls->rows; i++)
      s += ls->h[i * m + l] * ls->y[i];
    gsl_vector_set (ls->r, l, s);
  }
}

static double
ls_residual (LineSearch *ls)
{
  guint m = ls->k + 1;
  double fit = 0.0;

  gsl_matrix_memcpy (ls->work, ls->g);
  /* A tiny relative ridge keeps G positive definite when two columns nearly coincide. */
  for (guint c = 0; c < m; c++)
    gsl_matrix_set (ls->work, c, c, gsl_matrix_get (ls->work, c, c) * (1.0 + 1e-10) + 1e-12);
  if (gsl_linalg_cholesky_decomp1 (ls->work) != GSL_SUCCESS ||
      gsl_linalg_cholesky_solve (ls->work, ls->r, ls->sol) != GSL_SUCCESS)
    return G_MAXDOUBLE;
  for (guint c = 0; c < m; c++)
    fit += gsl_vector_get (ls->r, c) * gsl_vector_get (ls->sol, c);
  return ls->yy - fit;
}

static double
ls_try (LineSearch *ls, guint l, double b)
{
  ls_set_column (ls, l, b);
  return ls_residual (ls);
}

/* Sets up the line-search state on the first rows of the data: projections P = X A_1, the
 * constant column of H~, and G, r for all-zero biases. Frees nothing: see ls_clear. */
static void
ls_init (LineSearch *ls, const double *x, const double *y, gsize n, guint d, guint k,
         const double *a1, double *proj, double *h)
{
  guint m = k + 1;
  double ysum = 0.0;

  ls->rows = MIN (n, (gsize) LS_MAX_SAMPLES);
  ls->k = k;
  ls->y = y;
  for (gsize i = 0; i < ls->rows; i++)
    {
      for (guint l = 0; l < k; l++)
        {
          double s = 0.0;

          for (guint a = 0; a < d; a++)
            s += a1[(gsize) l * d + a] * x[i * d + a];
          proj[i * k + l] = s;
        }
      h[i * m + k] = 1.0;
      ls->yy += y[i] * y[i];
    }
  ls->proj = proj;
  ls->h = h;
  ls->g = gsl_matrix_alloc (m, m);
  ls->work = gsl_matrix_alloc (m, m);
  ls->r = gsl_vector_alloc (m);
  ls->sol = gsl_vector_alloc (m);
  gsl_matrix_set (ls->g, k, k, (double) ls->rows);
  for (gsize i = 0; i < ls->rows; i++)
    ysum += y[i];
  gsl_vector_set (ls->r, k, ysum);
  for (guint l = 0; l < k; l++)
    ls_set_column (ls, l, 0.0);
}

static void
ls_clear (LineSearch *ls)
{
  gsl_vector_free (ls->sol);
  gsl_vector_free (ls->r);
  gsl_matrix_free (ls->work);
  gsl_matrix_free (ls->g);
}

/* The best b_l with the other biases fixed: the grid on [LS_GRID_LO, LS_GRID_HI], then
 * golden-section search within one grid step of the best grid point. Leaves column l of the
 * state at the returned value. */
static double
ls_search_bias (LineSearch *ls, guint l, double current)
{
  const double phi = (sqrt (5.0) - 1.0) / 2.0;
  double best = G_MAXDOUBLE, best_b = current, lo, hi, c1, c2, f1, f2, b_l;

  for (double b = LS_GRID_LO; b <= LS_GRID_HI + 1e-9; b += LS_GRID_STEP)
    {
      double f = ls_try (ls, l, b);

      if (f < best)
        {
          best = f;
          best_b = b;
        }
    }
  lo = best_b - LS_GRID_STEP;
  hi = best_b + LS_GRID_STEP;
  c1 = hi - phi * (hi - lo);
  c2 = lo + phi * (hi - lo);
  f1 = ls_try (ls, l, c1);
  f2 = ls_try (ls, l, c2);
  while (hi - lo > 1e-5)
    {
      if (f1 < f2)
        {
          hi = c2;
          c2 = c1;
          f2 = f1;
          c1 = hi - phi * (hi - lo);
          f1 = ls_try (ls, l, c1);
        }
      else
        {
          lo = c1;
          c1 = c2;
          f1 = f2;
          c2 = lo + phi * (hi - lo);
          f2 = ls_try (ls, l, c2);
        }
    }
  b_l = 0.5 * (lo + hi);
  if (ls_try (ls, l, b_l) > best)
    {
      b_l = best_b;
      ls_set_column (ls, l, best_b);
    }
  return b_l;
}

/**
 * lv_lift_biases_least_squares:
 * @x: n × d samples, row-major.
 * @y: n responses.
 * @n: samples (at most the first 50000 are used).
 * @d: dimension.
 * @k: units.
 * @a1: d × k unit directions.
 * @b1: (out): k biases.
 * @error: return location for a #GError.
 *
 * The fallback of docs/THEORY.md §3.5 (our suggestion, not in the paper): with the directions fixed,
 * each b_l is found by a 1-D search along a_l — a grid on [-6, 6] then golden-section
 * refinement — of the residual of the best linear fit of y on [sigma(A^T x + b) 1]. The k
 * searches are swept three times (coordinate descent on a variable-projection objective).
 *
 * Returns: %FALSE on bad input or a failed factorisation.
 */
gboolean
lv_lift_biases_least_squares (const double *x, const double *y, gsize n, guint d, guint k,
                              const double *a1, double *b1, GError **error)
{
  LineSearch ls = { 0 };
  g_autofree double *proj = NULL, *h = NULL;
  gsize rows = MIN (n, (gsize) LS_MAX_SAMPLES);
  gboolean ok = TRUE;

  if (n < 2 || d == 0 || k == 0 || k > d)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "least-squares biases: bad sizes");
      return FALSE;
    }
  proj = g_new (double, rows * k);
  h = g_new (double, rows * (k + 1));
  ls_init (&ls, x, y, n, d, k, a1, proj, h);
  for (guint l = 0; l < k; l++)
    b1[l] = 0.0;
  for (guint sweep = 0; sweep < LS_SWEEPS; sweep++)
    for (guint l = 0; l < k; l++)
      b1[l] = ls_search_bias (&ls, l, b1[l]);
  for (guint l = 0; l < k; l++)
    ok = ok && isfinite (b1[l]);
  if (!ok)
    g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "least-squares bias search failed");
  ls_clear (&ls);
  return ok;
}

/**
 * lv_lift_ridge:
 * @x: n × d samples, row-major.
 * @y: n responses.
 * @n: samples.
 * @d: dimension.
 * @k: units.
 * @a1: d × k directions.
 * @b1: k biases.
 * @ridge: the ridge parameter lambda >= 0 (not applied to b2).
 * @a2: (out): k output weights.
 * @b2: (out): output bias.
 * @error: return location for a #GError.
 *
 * docs/THEORY.md §3.6: (a2, b2) = (H~^T H~ / n + lambda diag(1, …, 1, 0))^{-1} H~^T y / n with
 * H~ = [sigma(A^T x + b) 1].
 *
 * Returns: %FALSE if the system is singular or the input is bad.
 */
gboolean
lv_lift_ridge (const double *x, const double *y, gsize n, guint d, guint k, const double *a1,
               const double *b1, double ridge, double *a2, double *b2, GError **error)
{
  guint m = k + 1;
  gsl_matrix *g;
  gsl_vector *r, *sol;
  gsl_permutation *perm;
  g_autofree double *hrow = g_new (double, m);
  int sign, status;

  if (n == 0 || d == 0 || k == 0 || !(ridge >= 0) || !isfinite (ridge))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "ridge regression: bad sizes or ridge parameter");
      return FALSE;
    }
  g = gsl_matrix_calloc (m, m);
  r = gsl_vector_calloc (m);
  sol = gsl_vector_alloc (m);
  perm = gsl_permutation_alloc (m);
  for (gsize i = 0; i < n; i++)
    {
      for (guint l = 0; l < k; l++)
        {
          double s = b1[l];

          for (guint a = 0; a < d; a++)
            s += a1[(gsize) l * d + a] * x[i * d + a];
          hrow[l] = lv_logistic_stable (s);
        }
      hrow[k] = 1.0;
      for (guint p = 0; p < m; p++)
        {
          *gsl_vector_ptr (r, p) += hrow[p] * y[i] / (double) n;
          for (guint q = 0; q < m; q++)
            *gsl_matrix_ptr (g, p, q) += hrow[p] * hrow[q] / (double) n;
        }
    }
  for (guint l = 0; l < k; l++)
    *gsl_matrix_ptr (g, l, l) += ridge;
  status = gsl_linalg_LU_decomp (g, perm, &sign);
  if (status == GSL_SUCCESS && fabs (gsl_linalg_LU_det (g, sign)) > 0)
    status = gsl_linalg_LU_solve (g, perm, r, sol);
  else if (status == GSL_SUCCESS)
    status = GSL_ESING;
  if (status == GSL_SUCCESS)
    {
      for (guint l = 0; l < k; l++)
        a2[l] = gsl_vector_get (sol, l);
      *b2 = gsl_vector_get (sol, k);
    }
  else
    g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                 "ridge regression system is singular (use a positive ridge)");
  gsl_permutation_free (perm);
  gsl_vector_free (sol);
  gsl_vector_free (r);
  gsl_matrix_free (g);
  return status == GSL_SUCCESS;
}
