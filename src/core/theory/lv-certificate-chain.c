/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-certificate.h>

#include <math.h>

/*
 * The degree story of Haeffele–Vidal (docs/THEORY.md §4.2, §4.5): the scalar depth-L chain and its
 * local minima for any regulariser degree q, the mapping degree of a network, and per-unit
 * zero-slice detection at the end of training.
 */

/**
 * lv_chain_g:
 * @z: the product w_1 ⋯ w_L.
 * @y: the target.
 * @lambda: regularisation weight.
 * @depth: L, the number of factors.
 * @q: the regulariser's degree.
 *
 * The depth-L chain F(w) = 1/2 (y − prod w_l)² + lambda sum |w_l|^q reduced to its balanced
 * slice (at local minima all |w_l| are equal): g(z) = 1/2 (y − z)² + lambda L |z|^{q/L}.
 *
 * Returns: g(z).
 */
double
lv_chain_g (double z, double y, double lambda, guint depth, double q)
{
  return 0.5 * (y - z) * (y - z) + lambda * depth * pow (fabs (z), q / depth);
}

/* h(z) = g'(z) on z > 0 for y > 0 (written for |y|): z − |y| + lambda q z^{p−1}. */
static double
chain_slope (double z, double ay, double lambda, double q, double p)
{
  return z - ay + lambda * q * pow (z, p - 1.0);
}

static double
bisect (double lo, double hi, double ay, double lambda, double q, double p)
{
  /* Invariant: slope(lo) < 0 < slope(hi). */
  for (int it = 0; it < 200 && hi - lo > 1e-15 * MAX (1.0, hi); it++)
    {
      double mid = 0.5 * (lo + hi);

      if (chain_slope (mid, ay, lambda, q, p) < 0)
        lo = mid;
      else
        hi = mid;
    }
  return 0.5 * (lo + hi);
}

/**
 * lv_chain_local_minima:
 * @y: the target.
 * @lambda: regularisation weight (> 0).
 * @depth: L >= 1.
 * @q: the regulariser's degree (> 0).
 * @z: (out) (array fixed-size=2): the local minimisers of g, ascending in |z|.
 * @g: (out) (array fixed-size=2) (nullable): g at each.
 *
 * All local minima of lv_chain_g(), exactly. With p = q/L and y > 0 (y < 0 by symmetry) g
 * decreases on z < 0, so minima lie in [0, y]; on z > 0, g' = h(z) = z − y + lambda q z^{p−1}:
 * - p < 1: z = 0 is a local minimum (the penalty's slope is infinite there); h is convex with its
 *   minimum at z_c = (lambda q (1 − p))^{1/(2−p)}, so a second minimum exists iff z_c < y and
 *   h(z_c) < 0, at the larger root of h (bisection on (z_c, y]).
 * - p = 1: the lasso, z* = max(y − lambda L, 0).
 * - p > 1: h is increasing from −y to h(y) > 0: one root in (0, y), and z = 0 is not a minimum.
 *
 * Returns: the number of local minima (1 or 2), or 0 for invalid arguments.
 */
guint
lv_chain_local_minima (double y, double lambda, guint depth, double q, double *z, double *g)
{
  double p, ay = fabs (y), s = y < 0 ? -1.0 : 1.0;
  guint count = 0;

  if (depth == 0 || !(lambda > 0) || !(q > 0) || !isfinite (y) || !isfinite (lambda) ||
      !isfinite (q))
    return 0;
  p = q / depth;
  if (ay == 0)
    z[count++] = 0.0;
  else if (p < 1)
    {
      double zc = pow (lambda * q * (1.0 - p), 1.0 / (2.0 - p));

      z[count++] = 0.0;
      if (zc < ay && chain_slope (zc, ay, lambda, q, p) < 0)
        z[count++] = s * bisect (zc, ay, ay, lambda, q, p);
    }
  else if (p == 1)
    z[count++] = s * MAX (ay - lambda * depth, 0.0);
  else
    z[count++] = s * bisect (0.0, ay, ay, lambda, q, p);
  if (g != NULL)
    for (guint i = 0; i < count; i++)
      g[i] = lv_chain_g (z[i], y, lambda, depth, q);
  return count;
}

/**
 * lv_degree_is_balanced:
 * @q: the regulariser's degree.
 * @degree: the mapping's degree.
 *
 * Returns: whether q equals the mapping degree (within 1e-9), the condition of docs/THEORY.md §4.5.
 */
gboolean
lv_degree_is_balanced (double q, guint degree)
{
  return fabs (q - degree) <= 1e-9;
}

/**
 * lv_mlp_mapping_degree:
 * @shape: a network.
 *
 * Returns: the number of weight layers on an input–output path. The network is positively
 * homogeneous of this degree in its weights only without hidden biases and with relu/linear
 * activations; the number is still the degree the regulariser must match.
 */
guint
lv_mlp_mapping_degree (const LvMlpShape *shape)
{
  return shape->n_layers;
}

/**
 * lv_mlp_unit_status:
 * @shape: a network.
 * @params: its parameters.
 * @rel_tol: a norm counts as zero below @rel_tol times the largest unit norm.
 * @units: (out) (transfer full): one status per hidden unit, layer by layer.
 *
 * Per-unit zero/dead detection at the end of training: a unit's slice is its incoming weights
 * (and bias) and its outgoing weights. A zero slice at a local minimum of a balanced problem
 * certifies a global minimum (docs/THEORY.md §4.2).
 *
 * Returns: the number of hidden units.
 */
guint
lv_mlp_unit_status (const LvMlpShape *shape, const float *params, double rel_tol,
                    LvUnitStatus **units)
{
  guint total = 0, idx = 0;
  double scale = 0.0, tol;
  LvUnitStatus *out;

  for (guint l = 0; l + 1 < shape->n_layers; l++)
    total += shape->widths[l + 1];
  out = g_new0 (LvUnitStatus, MAX (total, 1));
  for (guint l = 0; l + 1 < shape->n_layers; l++)
    {
      guint fan_in = shape->widths[l], width = shape->widths[l + 1];
      guint fan_out = shape->widths[l + 2];
      const float *w_in = params + lv_mlp_weight_offset (shape, l);
      const float *w_out = params + lv_mlp_weight_offset (shape, l + 1);
      const float *b_in = shape->bias ? params + lv_mlp_bias_offset (shape, l) : NULL;

      for (guint j = 0; j < width; j++, idx++)
        {
          double sum_in = 0.0, sum_out = 0.0;

          for (guint i = 0; i < fan_in; i++)
            sum_in += (double) w_in[(gsize) j * fan_in + i] * w_in[(gsize) j * fan_in + i];
          if (b_in != NULL)
            sum_in += (double) b_in[j] * b_in[j];
          for (guint o = 0; o < fan_out; o++)
            sum_out += (double) w_out[(gsize) o * width + j] * w_out[(gsize) o * width + j];
          out[idx].layer = l;
          out[idx].unit = j;
          out[idx].in_norm = sqrt (sum_in);
          out[idx].out_norm = sqrt (sum_out);
          scale = MAX (scale, MAX (out[idx].in_norm, out[idx].out_norm));
        }
    }
  tol = rel_tol * scale;
  for (guint i = 0; i < total; i++)
    {
      gboolean in_zero = out[i].in_norm <= tol, out_zero = out[i].out_norm <= tol;

      out[i].zero = in_zero && out_zero;
      out[i].dead = in_zero || out_zero;
    }
  *units = out;
  return total;
}
