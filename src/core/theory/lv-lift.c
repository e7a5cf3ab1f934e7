/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-lift.h>

#include <math.h>
#include <string.h>

#include <lossviz/lv-error.h>

/*
 * The NN-LIFT pipeline (docs/THEORY.md §3): moments -> decomposition -> biases -> ridge, plus the
 * evaluation helpers (optimal matching of recovered to true directions).
 */

/**
 * lv_lift_config_init:
 * @config: (out): the configuration to fill.
 *
 * Defaults: power method, automatic bias method, ridge 1e-6, 10 starts × 100 iterations,
 * Fourier only when its effective sample size reaches 1000, seed 1.
 */
void
lv_lift_config_init (LvLiftConfig *config)
{
  memset (config, 0, sizeof *config);
  config->method = LV_LIFT_METHOD_POWER;
  config->bias_method = LV_LIFT_BIAS_AUTO;
  config->ridge = 1e-6;
  config->power_starts = 10;
  config->power_iters = 100;
  config->fourier_min_ess = 1000.0;
  config->seed = 1;
}

/**
 * lv_lift_result_new:
 * @d: input dimension.
 * @k: hidden units.
 *
 * Returns: (transfer full): a zeroed result.
 */
LvLiftResult *
lv_lift_result_new (guint d, guint k)
{
  LvLiftResult *result = g_new0 (LvLiftResult, 1);

  result->d = d;
  result->k = k;
  result->a1 = g_new0 (double, (gsize) d * k);
  result->b1 = g_new0 (double, k);
  result->a2 = g_new0 (double, k);
  result->weights = g_new0 (double, k);
  result->fourier_b1 = g_new0 (double, k);
  result->fourier_ess = NAN;
  return result;
}

/**
 * lv_lift_result_free:
 * @result: (nullable): a result.
 */
void
lv_lift_result_free (LvLiftResult *result)
{
  if (result == NULL)
    return;
  g_free (result->a1);
  g_free (result->b1);
  g_free (result->a2);
  g_free (result->weights);
  g_free (result->fourier_b1);
  g_free (result);
}

/**
 * lv_lift_result_eval:
 * @result: a trained network.
 * @x: an input (d values).
 *
 * Returns: f(x) = <a2, sigma(a1^T x + b1)> + b2.
 */
double
lv_lift_result_eval (const LvLiftResult *result, const double *x)
{
  double f = result->b2;

  for (guint j = 0; j < result->k; j++)
    {
      double z = result->b1[j];

      for (guint a = 0; a < result->d; a++)
        z += result->a1[(gsize) j * result->d + a] * x[a];
      f += result->a2[j] / (1.0 + exp (-z));
    }
  return f;
}

/**
 * lv_lift_method_to_string:
 * @method: a decomposition method.
 *
 * Returns: "power" or "jennrich".
 */
const char *
lv_lift_method_to_string (LvLiftMethod method)
{
  return method == LV_LIFT_METHOD_JENNRICH ? "jennrich" : "power";
}

/**
 * lv_lift_method_from_string:
 * @text: "power" or "jennrich".
 * @out: (out): the method.
 *
 * Returns: %FALSE for an unknown name.
 */
gboolean
lv_lift_method_from_string (const char *text, LvLiftMethod *out)
{
  if (g_strcmp0 (text, "power") == 0)
    *out = LV_LIFT_METHOD_POWER;
  else if (g_strcmp0 (text, "jennrich") == 0)
    *out = LV_LIFT_METHOD_JENNRICH;
  else
    return FALSE;
  return TRUE;
}

/**
 * lv_lift_bias_method_to_string:
 * @method: a bias method.
 *
 * Returns: "auto", "fourier" or "least-squares".
 */
const char *
lv_lift_bias_method_to_string (LvLiftBiasMethod method)
{
  switch (method)
    {
    case LV_LIFT_BIAS_FOURIER: return "fourier";
    case LV_LIFT_BIAS_LEAST_SQUARES: return "least-squares";
    default: return "auto";
    }
}

/**
 * lv_lift_whitening_to_string:
 * @whitening: a whitening choice.
 *
 * Returns: "none", "m2" or "tensor-slice".
 */
const char *
lv_lift_whitening_to_string (LvLiftWhitening whitening)
{
  switch (whitening)
    {
    case LV_LIFT_WHITEN_M2: return "m2";
    case LV_LIFT_WHITEN_SLICE: return "tensor-slice";
    default: return "none";
    }
}

/*
 * Minimum-cost assignment (Hungarian algorithm with potentials, O(k³)): row i gets column
 * assign[i]. cost is k × k row-major.
 */
static void
hungarian (const double *cost, guint k, guint *assign)
{
  g_autofree double *u = g_new0 (double, k + 1), *v = g_new0 (double, k + 1);
  g_autofree double *minv = g_new (double, k + 1);
  g_autofree guint *p = g_new0 (guint, k + 1), *way = g_new0 (guint, k + 1);
  g_autofree gboolean *used = g_new (gboolean, k + 1);

  for (guint i = 1; i <= k; i++)
    {
      guint j0 = 0;

      p[0] = i;
      for (guint j = 0; j <= k; j++)
        {
          minv[j] = G_MAXDOUBLE;
          used[j] = FALSE;
        }
      do
        {
          guint i0 = p[j0], j1 = 0;
          double delta = G_MAXDOUBLE;

          used[j0] = TRUE;
          for (guint j = 1; j <= k; j++)
            if (!used[j])
              {
                double cur = cost[(i0 - 1) * k + (j - 1)] - u[i0] - v[j];

                if (cur < minv[j])
                  {
                    minv[j] = cur;
                    way[j] = j0;
                  }
                if (minv[j] < delta)
                  {
                    delta = minv[j];
                    j1 = j;
                  }
              }
          for (guint j = 0; j <= k; j++)
            if (used[j])
              {
                u[p[j]] += delta;
                v[j] -= delta;
              }
            else
              minv[j] -= delta;
          j0 = j1;
        }
      while (p[j0] != 0);
      do
        {
          guint j1 = way[j0];

          p[j0] = p[j1];
          j0 = j1;
        }
      while (j0 != 0);
    }
  for (guint j = 1; j <= k; j++)
    assign[p[j] - 1] = j - 1;
}

/**
 * lv_lift_match:
 * @a_true: d × k true directions (column-major).
 * @a_est: d × k estimated directions.
 * @d: dimension.
 * @k: units.
 * @match: (out) (nullable): k indices; true unit j is matched with estimate match[j].
 * @cosines: (out) (nullable): k values |cos(a_j, â_match[j])|.
 *
 * The matching of estimates to true units that maximises the total |cosine| (the sign and order
 * of tensor components are arbitrary).
 */
void
lv_lift_match (const double *a_true, const double *a_est, guint d, guint k, guint *match,
               double *cosines)
{
  g_autofree double *cosm = g_new (double, (gsize) k * k);
  g_autofree double *cost = g_new (double, (gsize) k * k);
  g_autofree guint *assign = g_new (guint, k);

  for (guint i = 0; i < k; i++)
    for (guint j = 0; j < k; j++)
      {
        double dot = 0.0, ni = 0.0, nj = 0.0;

        for (guint a = 0; a < d; a++)
          {
            dot += a_true[(gsize) i * d + a] * a_est[(gsize) j * d + a];
            ni += a_true[(gsize) i * d + a] * a_true[(gsize) i * d + a];
            nj += a_est[(gsize) j * d + a] * a_est[(gsize) j * d + a];
          }
        cosm[i * k + j] = ni > 0 && nj > 0 ? fabs (dot) / sqrt (ni * nj) : 0.0;
        cost[i * k + j] = 1.0 - cosm[i * k + j];
      }
  hungarian (cost, k, assign);
  for (guint i = 0; i < k; i++)
    {
      if (match != NULL)
        match[i] = assign[i];
      if (cosines != NULL)
        cosines[i] = cosm[i * k + assign[i]];
    }
}

/**
 * lv_lift_fit:
 * @x: n × d inputs from N(0, I), row-major.
 * @y: n responses.
 * @n: samples.
 * @d: input dimension (1..128).
 * @k: hidden units (1..d).
 * @config: (nullable): the configuration (%NULL: defaults).
 * @pool: (nullable): worker pool for the moment accumulation.
 * @error: return location for a #GError.
 *
 * Trains a two-layer logistic network by NN-LIFT: cross-moments with centred y, tensor
 * decomposition, first-layer biases, ridge regression for the second layer. With the power
 * method, when no definite whitening matrix exists, the decomposition falls back to Jennrich
 * (recorded in the result's @method).
 *
 * Returns: (transfer full): the network, or %NULL with @error set.
 */
LvLiftResult *
lv_lift_fit (const double *x, const double *y, gsize n, guint d, guint k,
             const LvLiftConfig *config, LvWorkerPool *pool, GError **error)
{
  LvLiftConfig defaults;
  g_autoptr(LvLiftResult) result = NULL;
  g_autofree double *tensor = NULL, *m2 = NULL;
  gboolean ok;

  if (config == NULL)
    {
      lv_lift_config_init (&defaults);
      config = &defaults;
    }
  if (d == 0 || d > 128 || k == 0 || k > d || n < 2)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "NN-LIFT needs 1 <= k <= d <= 128 and n >= 2 (d=%u, k=%u, n=%" G_GSIZE_FORMAT
                   ")", d, k, n);
      return NULL;
    }
  result = lv_lift_result_new (d, k);
  tensor = g_new (double, (gsize) d * d * d);
  m2 = g_new (double, (gsize) d * d);
  if (!lv_lift_estimate_moments (x, y, n, d, pool, tensor, m2, error))
    return NULL;

  result->method = config->method;
  if (config->method == LV_LIFT_METHOD_POWER)
    {
      g_autoptr(GError) local = NULL;

      ok = lv_lift_decompose_power (tensor, m2, d, k, config, result->a1, result->weights,
                                    &result->whitening, &local);
      if (!ok)
        {
          g_message ("power method unavailable (%s); falling back to Jennrich", local->message);
          result->method = LV_LIFT_METHOD_JENNRICH;
          result->whitening = LV_LIFT_WHITEN_NONE;
        }
    }
  if (result->method == LV_LIFT_METHOD_JENNRICH &&
      !lv_lift_decompose_jennrich (tensor, d, k, config, result->a1, result->weights, error))
    return NULL;

  /* The Fourier estimate is cheap (O(n k d)); computing it even when unused reports its ESS. */
  if (!lv_lift_biases_fourier (x, y, n, d, k, result->a1, lv_seed_mix (config->seed, 0xb1, 0),
                               result->fourier_b1, &result->fourier_ess, error))
    return NULL;
  result->bias_method = config->bias_method;
  if (result->bias_method == LV_LIFT_BIAS_AUTO)
    result->bias_method = result->fourier_ess >= config->fourier_min_ess
                          ? LV_LIFT_BIAS_FOURIER : LV_LIFT_BIAS_LEAST_SQUARES;
  if (result->bias_method == LV_LIFT_BIAS_FOURIER)
    memcpy (result->b1, result->fourier_b1, sizeof (double) * k);
  else if (!lv_lift_biases_least_squares (x, y, n, d, k, result->a1, result->b1, error))
    return NULL;

  if (!lv_lift_ridge (x, y, n, d, k, result->a1, result->b1, config->ridge, result->a2,
                      &result->b2, error))
    return NULL;
  return g_steal_pointer (&result);
}
