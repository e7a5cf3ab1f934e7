/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-certificate.h>

#include <math.h>
#include <stdlib.h>

/*
 * Haeffele–Vidal for two-layer ReLU networks without hidden biases on 2-D inputs
 * (docs/THEORY.md §4.4): phi(u, v) = relu(X u) v, theta = (|u|² + v²)/2, and the polar
 * Omega°(G) = sup_{|u| = 1} |<g, relu(X u)>| computed exactly by a scan over u = (cos t, sin t).
 */

#define POLAR_REL_SLACK 1e-4

/**
 * lv_relu_polar_value:
 * @x: n × 2 inputs, row-major.
 * @n: samples.
 * @g: n values, the dual direction G.
 * @angle: t, the unit direction u = (cos t, sin t).
 *
 * Returns: |<g, relu(X u_t)>|.
 */
double
lv_relu_polar_value (const double *x, gsize n, const double *g, double angle)
{
  double c = cos (angle), s = sin (angle), acc = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      double z = c * x[2 * i] + s * x[2 * i + 1];

      if (z > 0)
        acc += g[i] * z;
    }
  return fabs (acc);
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/**
 * lv_relu_polar_2d:
 * @x: n × 2 inputs, row-major.
 * @n: samples.
 * @g: n values.
 * @best_angle: (out) (nullable): the maximising t in [0, 2 pi).
 *
 * The polar sup_t |<g, relu(X u_t)>| exactly. The active set {i : x_i . u_t > 0} only changes at
 * the 2n angles where u_t is orthogonal to some x_i; between them the function is
 * |m . u_t| = |m| |cos(t − angle(m))| with m = sum over the active set of g_i x_i, whose maximum on
 * the arc is at an end or at angle(m) (or angle(m) + pi) if inside. So the scan visits every
 * breakpoint and every arc's interior candidate: no grid resolution error.
 *
 * Returns: the polar value (0 when n is 0).
 */
double
lv_relu_polar_2d (const double *x, gsize n, const double *g, double *best_angle)
{
  g_autofree double *breaks = g_new (double, 2 * n + 1);
  gsize nb = 0;
  double best = 0.0, best_t = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      double phi;

      if (x[2 * i] == 0 && x[2 * i + 1] == 0)
        continue;
      phi = atan2 (x[2 * i + 1], x[2 * i]);
      breaks[nb++] = fmod (phi + M_PI / 2 + 4 * M_PI, 2 * M_PI);
      breaks[nb++] = fmod (phi - M_PI / 2 + 4 * M_PI, 2 * M_PI);
    }
  if (nb == 0)
    breaks[nb++] = 0.0;
  qsort (breaks, nb, sizeof (double), compare_double);

  for (gsize a = 0; a < nb; a++)
    {
      double lo = breaks[a], hi = a + 1 < nb ? breaks[a + 1] : breaks[0] + 2 * M_PI;
      double mid = 0.5 * (lo + hi), c = cos (mid), s = sin (mid), mx = 0.0, my = 0.0;
      double cands[4];
      guint nc = 0;

      cands[nc++] = lo;
      for (gsize i = 0; i < n; i++)
        if (c * x[2 * i] + s * x[2 * i + 1] > 0)
          {
            mx += g[i] * x[2 * i];
            my += g[i] * x[2 * i + 1];
          }
      if (mx != 0 || my != 0)
        {
          double phi = atan2 (my, mx);

          for (int k = -2; k <= 4; k++)
            {
              double t = phi + k * M_PI;

              if (t > lo && t < hi && nc < G_N_ELEMENTS (cands))
                cands[nc++] = t;
            }
        }
      for (guint ci = 0; ci < nc; ci++)
        {
          double val = lv_relu_polar_value (x, n, g, cands[ci]);

          if (val > best)
            {
              best = val;
              best_t = fmod (cands[ci] + 2 * M_PI, 2 * M_PI);
            }
        }
    }
  if (best_angle != NULL)
    *best_angle = best_t;
  return best;
}

static double
network_output (const double *xi, const double *u, const double *v, guint r)
{
  double f = 0.0;

  for (guint l = 0; l < r; l++)
    {
      double z = u[2 * l] * xi[0] + u[2 * l + 1] * xi[1];

      if (z > 0)
        f += v[l] * z;
    }
  return f;
}

/**
 * lv_relu2_objective:
 * @x: n × 2 inputs, row-major.
 * @y: n targets.
 * @n: samples.
 * @u: r × 2 first-layer weights (row l: unit l).
 * @v: r output weights.
 * @r: width.
 * @lambda: regularisation weight.
 * @residual: (out) (nullable): n values y − f(x).
 *
 * Returns: 1/(2n) sum (y − f)² + lambda/2 sum (|u_l|² + v_l²).
 */
double
lv_relu2_objective (const double *x, const double *y, gsize n, const double *u,
                    const double *v, guint r, double lambda, double *residual)
{
  double loss = 0.0, reg = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      double res = y[i] - network_output (x + 2 * i, u, v, r);

      if (residual != NULL)
        residual[i] = res;
      loss += res * res;
    }
  for (guint l = 0; l < r; l++)
    reg += u[2 * l] * u[2 * l] + u[2 * l + 1] * u[2 * l + 1] + v[l] * v[l];
  return n > 0 ? 0.5 * loss / (double) n + 0.5 * lambda * reg : 0.5 * lambda * reg;
}

/**
 * lv_relu2_gradient:
 * @x: n × 2 inputs.
 * @y: n targets.
 * @n: samples (> 0).
 * @u: r × 2 weights.
 * @v: r output weights.
 * @r: width.
 * @lambda: regularisation weight.
 * @grad_u: (out): r × 2.
 * @grad_v: (out): r.
 *
 * Gradient of lv_relu2_objective() (relu'(0) taken as 0).
 *
 * Returns: the objective.
 */
double
lv_relu2_gradient (const double *x, const double *y, gsize n, const double *u, const double *v,
                   guint r, double lambda, double *grad_u, double *grad_v)
{
  g_autofree double *res = g_new (double, MAX (n, 1));
  double f = lv_relu2_objective (x, y, n, u, v, r, lambda, res);

  for (guint l = 0; l < r; l++)
    {
      double gu0 = 0.0, gu1 = 0.0, gv = 0.0;

      for (gsize i = 0; i < n; i++)
        {
          double z = u[2 * l] * x[2 * i] + u[2 * l + 1] * x[2 * i + 1];

          if (z > 0)
            {
              gv -= res[i] * z;
              gu0 -= res[i] * v[l] * x[2 * i];
              gu1 -= res[i] * v[l] * x[2 * i + 1];
            }
        }
      grad_u[2 * l] = gu0 / (double) n + lambda * u[2 * l];
      grad_u[2 * l + 1] = gu1 / (double) n + lambda * u[2 * l + 1];
      grad_v[l] = gv / (double) n + lambda * v[l];
    }
  return f;
}

/**
 * lv_relu2_certify:
 * @x: n × 2 inputs.
 * @y: n targets.
 * @n: samples (> 0).
 * @u: r × 2 weights.
 * @v: r output weights.
 * @r: width (may be 0: the empty network).
 * @lambda: regularisation weight (> 0).
 * @polar: (out) (nullable): Omega°(G) with G = −(1/lambda) grad_f loss = (y − f) / (n lambda).
 * @best_angle: (out) (nullable): the direction of the unit to add when the test fails.
 *
 * Condition (ii) of the certificate (docs/THEORY.md §4.2, §4.4): Omega°(G) <= 1 (1e-4 relative slack).
 * It proves global optimality only at a stationary point; the caller checks stationarity.
 *
 * Returns: whether Omega°(G) <= 1.
 */
gboolean
lv_relu2_certify (const double *x, const double *y, gsize n, const double *u, const double *v,
                  guint r, double lambda, double *polar, double *best_angle)
{
  g_autofree double *g = g_new (double, MAX (n, 1));
  double value;

  lv_relu2_objective (x, y, n, u, v, r, lambda, g);
  for (gsize i = 0; i < n; i++)
    g[i] /= (double) n * lambda;
  value = lv_relu_polar_2d (x, n, g, best_angle);
  if (polar != NULL)
    *polar = value;
  return value <= 1.0 + POLAR_REL_SLACK;
}
