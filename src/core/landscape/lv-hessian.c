/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-hessian.h>

#include <math.h>
#include <string.h>

#include <cblas.h>

#include <lossviz/lv-error.h>

#include "lv-activation.h"

/*
 * Exact Hessian–vector products by Pearlmutter's R-operator (Neural Computation 6, 1994):
 * R{f} = d/dr f(θ + r v) at r = 0, pushed through the forward pass (R{z}, R{a}) and then through
 * the backward pass (R{δ}, R{∇}). R{∇L} = H v exactly, at about three times a gradient's cost;
 * no step size, no cancellation error. For layer l (W_l: out × in, a_l its input):
 *
 *   forward   z = a_l W_lᵀ + b_l,        a_{l+1} = f(z)
 *   R-fwd     R z = R a_l W_lᵀ + a_l V_lᵀ + v_b,   R a_{l+1} = f'(z) ⊙ R z
 *   output    δ = ∂ℓ/∂o,                 R δ = (∂²ℓ/∂o²) R o
 *   backward  ∇W_l = δᵀ a_l,             δ_prev = (δ W_l) ⊙ f'(z_prev)
 *   R-bwd     R ∇W_l = R δᵀ a_l + δᵀ R a_l,
 *             R δ_prev = (R δ W_l + δ V_l) ⊙ f' + (δ W_l) ⊙ f'' ⊙ R z_prev
 *
 * Everything is in double. This is a separate pass from lv-mlp-template.h (which has no R
 * quantities); the tests check its gradient against lv_mlp_loss_grad_d() and its products
 * against finite differences and a brute-force Hessian.
 */

struct _LvHessian
{
  LvMlpShape shape;
  gsize n_params;
  double *params;
  LvDataset *dataset;
  gboolean use_targets;
};

struct _LvHessianWorkspace
{
  guint n_layers;
  double *x;                         /* chunk × inputs, the chunk converted to double */
  double *acts[LV_MLP_MAX_LAYERS + 1]; /* acts[l], l ≥ 1: layer outputs (logits for l = L) */
  double *racts[LV_MLP_MAX_LAYERS + 1];
  double *rz[LV_MLP_MAX_LAYERS + 1];   /* R of the pre-activation of acts[l] */
  double *delta, *rdelta, *t, *rt;     /* chunk × max width each */
};

/**
 * lv_hessian_new:
 * @shape: the network.
 * @params: its parameters (copied), lv_mlp_n_params() doubles.
 * @dataset: the training data (referenced).
 * @error: return location for an %LV_ERROR_INVALID_INPUT error.
 *
 * The Hessian of the mean training loss ∇²L(θ), L = (1/n) Σ ℓ(f(x_i; θ), y_i), not formed.
 *
 * Returns: (transfer full) (nullable): the operator, or %NULL for non-finite parameters or data
 *   that does not fit the network.
 */
LvHessian *
lv_hessian_new (const LvMlpShape *shape, const double *params, const LvDataset *dataset,
                GError **error)
{
  LvHessian *h;
  gsize np = lv_mlp_n_params (shape);
  guint outputs = shape->widths[shape->n_layers];
  gboolean use_targets = shape->loss == LV_LOSS_MSE && dataset->t_train != NULL;

  if (dataset->n_train == 0 || dataset->n_inputs != shape->widths[0])
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "the dataset (%u inputs, %u training samples) does not fit the network "
                   "(%u inputs)", dataset->n_inputs, dataset->n_train, shape->widths[0]);
      return NULL;
    }
  if (!use_targets && dataset->n_classes > outputs)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "the dataset has %u classes but the network only %u outputs",
                   dataset->n_classes, outputs);
      return NULL;
    }
  if (use_targets && outputs != 1)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "MSE on real targets needs one output (the network has %u)", outputs);
      return NULL;
    }
  for (gsize i = 0; i < np; i++)
    if (!isfinite (params[i]))
      {
        g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                     "the parameters contain NaN or Inf (a diverged run has no Hessian)");
        return NULL;
      }
  h = g_new0 (LvHessian, 1);
  h->shape = *shape;
  h->n_params = np;
  h->params = g_memdup2 (params, np * sizeof (double));
  h->dataset = lv_dataset_ref ((LvDataset *) dataset);
  h->use_targets = use_targets;
  return h;
}

/**
 * lv_hessian_free:
 * @hessian: (nullable): the operator.
 */
void
lv_hessian_free (LvHessian *hessian)
{
  if (hessian == NULL)
    return;
  g_free (hessian->params);
  lv_dataset_unref (hessian->dataset);
  g_free (hessian);
}

/**
 * lv_hessian_get_n_params:
 * @hessian: the operator.
 *
 * Returns: its dimension.
 */
gsize
lv_hessian_get_n_params (const LvHessian *hessian)
{
  return hessian->n_params;
}

/**
 * lv_hessian_workspace_new:
 * @hessian: the operator.
 *
 * Returns: (transfer full): scratch space for one thread.
 */
LvHessianWorkspace *
lv_hessian_workspace_new (const LvHessian *hessian)
{
  const LvMlpShape *s = &hessian->shape;
  LvHessianWorkspace *ws = g_new0 (LvHessianWorkspace, 1);
  guint max_width = 0;
  gsize c = LV_HESSIAN_CHUNK;

  ws->n_layers = s->n_layers;
  for (guint l = 0; l <= s->n_layers; l++)
    max_width = MAX (max_width, s->widths[l]);
  ws->x = g_new (double, c * s->widths[0]);
  for (guint l = 1; l <= s->n_layers; l++)
    {
      ws->acts[l] = g_new (double, c * s->widths[l]);
      ws->racts[l] = g_new (double, c * s->widths[l]);
      ws->rz[l] = g_new (double, c * s->widths[l]);
    }
  ws->delta = g_new (double, c * max_width);
  ws->rdelta = g_new (double, c * max_width);
  ws->t = g_new (double, c * max_width);
  ws->rt = g_new (double, c * max_width);
  return ws;
}

/**
 * lv_hessian_workspace_free:
 * @ws: (nullable): scratch space.
 */
void
lv_hessian_workspace_free (LvHessianWorkspace *ws)
{
  if (ws == NULL)
    return;
  g_free (ws->x);
  for (guint l = 1; l <= ws->n_layers; l++)
    {
      g_free (ws->acts[l]);
      g_free (ws->racts[l]);
      g_free (ws->rz[l]);
    }
  g_free (ws->delta);
  g_free (ws->rdelta);
  g_free (ws->t);
  g_free (ws->rt);
  g_free (ws);
}

/* C (m × out) = A (m × in) · Wᵀ, accumulate when beta = 1. */
static void
mul_wt (const double *a, const double *w, guint m, guint in, guint out, double beta, double *c)
{
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) m, (int) out, (int) in, 1, a,
               (int) in, w, (int) in, beta, c, (int) out);
}

/*
 * Loss of one sample's logits o (k), its gradient d = s ∂ℓ/∂o and, when ro is given,
 * rd = s (∂²ℓ/∂o²) ro.
 */
static double
output_layer (LvLoss loss, const double *o, guint k, guint32 label, const float *target,
              double s, const double *ro, double *d, double *rd)
{
  double value = 0;

  switch (loss)
    {
    case LV_LOSS_CROSS_ENTROPY:
      {
        double m = o[0], sum = 0, pro = 0;
        for (guint j = 1; j < k; j++)
          m = MAX (m, o[j]);
        for (guint j = 0; j < k; j++)
          sum += exp (o[j] - m);
        value = log (sum) - (o[label] - m);
        for (guint j = 0; j < k; j++)
          {
            double p = exp (o[j] - m) / sum;
            d[j] = s * (p - (j == label ? 1 : 0));
            if (ro != NULL)
              pro += p * ro[j];
          }
        /* Softmax Hessian: diag(p) − p pᵀ. */
        if (ro != NULL)
          for (guint j = 0; j < k; j++)
            rd[j] = s * (exp (o[j] - m) / sum) * (ro[j] - pro);
        break;
      }
    case LV_LOSS_MSE:
      for (guint j = 0; j < k; j++)
        {
          double t = target != NULL ? target[j] : (j == label ? 1 : 0);
          value += 0.5 * (o[j] - t) * (o[j] - t);
          d[j] = s * (o[j] - t);
          if (ro != NULL)
            rd[j] = s * ro[j];
        }
      break;
    case LV_LOSS_HINGE:
    default:
      {
        guint best = label == 0 ? 1 : 0;
        for (guint j = 0; j < k; j++)
          {
            d[j] = 0;
            if (ro != NULL)
              rd[j] = 0; /* piecewise linear: no curvature */
            if (j != label && o[j] > o[best])
              best = j;
          }
        if (k > 1 && 1 + o[best] - o[label] > 0)
          {
            value = 1 + o[best] - o[label];
            d[best] = s;
            d[label] = -s;
          }
        break;
      }
    }
  return value;
}

/* Forward and R-forward through layer l for a chunk of m samples (R only when v is given). */
static inline void
forward_layer (const LvHessian *h, LvHessianWorkspace *ws, guint l, guint m, const double *v)
{
  const LvMlpShape *sh = &h->shape;
  const double *p = h->params;
  guint in = sh->widths[l], out = sh->widths[l + 1];
  const double *a = l == 0 ? ws->x : ws->acts[l];
  double *z = ws->acts[l + 1], *rz = ws->rz[l + 1], *ra = ws->racts[l + 1];
  gboolean hidden = l + 1 < sh->n_layers;

  mul_wt (a, p + lv_mlp_weight_offset (sh, l), m, in, out, 0, z);
  if (v != NULL)
    {
      mul_wt (a, v + lv_mlp_weight_offset (sh, l), m, in, out, 0, rz);
      if (l > 0)
        mul_wt (ws->racts[l], p + lv_mlp_weight_offset (sh, l), m, in, out, 1, rz);
    }
  for (guint i = 0; i < m; i++)
    for (guint j = 0; j < out; j++)
      {
        gsize q = (gsize) i * out + j;
        if (sh->bias)
          {
            z[q] += p[lv_mlp_bias_offset (sh, l) + j];
            if (v != NULL)
              rz[q] += v[lv_mlp_bias_offset (sh, l) + j];
          }
        if (hidden)
          z[q] = lv_activation_apply_d (sh->activation, z[q]);
        if (v != NULL)
          ra[q] = hidden ? lv_activation_prime_d (sh->activation, z[q]) * rz[q] : rz[q];
      }
}

/* Output layer: δ and R δ of the chunk's samples; returns their summed loss. */
static inline double
output_deltas (const LvHessian *h, LvHessianWorkspace *ws, guint start, guint m,
               const double *v)
{
  const LvMlpShape *sh = &h->shape;
  const LvDataset *ds = h->dataset;
  guint L = sh->n_layers, k = sh->widths[L];
  double s = 1.0 / ds->n_train, total = 0;

  for (guint i = 0; i < m; i++)
    {
      guint32 label = ds->y_train != NULL ? ds->y_train[start + i] : 0;
      const float *t = h->use_targets ? ds->t_train + (gsize) (start + i) * k : NULL;
      total += output_layer (sh->loss, ws->acts[L] + (gsize) i * k, k, label, t, s,
                             v != NULL ? ws->racts[L] + (gsize) i * k : NULL,
                             ws->delta + (gsize) i * k,
                             v != NULL ? ws->rdelta + (gsize) i * k : NULL);
    }
  return total;
}

/* Adds layer l's weight and bias gradient (δ) into grad and their R (R δ) into hv. */
static inline void
accumulate_layer (const LvHessian *h, LvHessianWorkspace *ws, guint l, guint m,
                  const double *v, double *grad, double *hv)
{
  const LvMlpShape *sh = &h->shape;
  guint in = sh->widths[l], out = sh->widths[l + 1];
  const double *a = l == 0 ? ws->x : ws->acts[l];
  gsize wo = lv_mlp_weight_offset (sh, l);

  if (grad != NULL)
    cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) out, (int) in, (int) m, 1,
                 ws->delta, (int) out, a, (int) in, 1, grad + wo, (int) in);
  if (v != NULL)
    {
      cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) out, (int) in, (int) m, 1,
                   ws->rdelta, (int) out, a, (int) in, 1, hv + wo, (int) in);
      if (l > 0)
        cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) out, (int) in, (int) m,
                     1, ws->delta, (int) out, ws->racts[l], (int) in, 1, hv + wo, (int) in);
    }
  if (sh->bias)
    {
      gsize bo = lv_mlp_bias_offset (sh, l);
      for (guint i = 0; i < m; i++)
        for (guint j = 0; j < out; j++)
          {
            if (grad != NULL)
              grad[bo + j] += ws->delta[(gsize) i * out + j];
            if (v != NULL)
              hv[bo + j] += ws->rdelta[(gsize) i * out + j];
          }
    }
}

/* δ and R δ from layer l's output back to its input (l > 0): T = δ W, R T = R δ W + δ V; then
 * through the activation of layer l's input. */
static inline void
backpropagate_layer (const LvHessian *h, LvHessianWorkspace *ws, guint l, guint m,
                     const double *v)
{
  const LvMlpShape *sh = &h->shape;
  guint in = sh->widths[l], out = sh->widths[l + 1];
  const double *a = ws->acts[l];
  const double *w = h->params + lv_mlp_weight_offset (sh, l);
  gsize wo = lv_mlp_weight_offset (sh, l);

  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) m, (int) in, (int) out, 1,
               ws->delta, (int) out, w, (int) in, 0, ws->t, (int) in);
  if (v != NULL)
    {
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) m, (int) in, (int) out,
                   1, ws->rdelta, (int) out, w, (int) in, 0, ws->rt, (int) in);
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) m, (int) in, (int) out,
                   1, ws->delta, (int) out, v + wo, (int) in, 1, ws->rt, (int) in);
    }
  for (gsize q = 0; q < (gsize) m * in; q++)
    {
      double y = a[q], d1 = lv_activation_prime_d (sh->activation, y);
      ws->delta[q] = ws->t[q] * d1;
      if (v != NULL)
        ws->rdelta[q] = ws->rt[q] * d1 + ws->t[q] * lv_activation_second_d (sh->activation, y) * ws->rz[l][q];
    }
}

/*
 * One chunk of m samples: adds s ∇ℓ into grad and, when v is given, s ∇²ℓ v into hv
 * (s = 1/n_total). Returns the chunk's summed loss.
 */
static double
chunk_pass (const LvHessian *h, LvHessianWorkspace *ws, guint start, guint m, const double *v,
            double *grad, double *hv)
{
  const LvMlpShape *sh = &h->shape;
  const LvDataset *ds = h->dataset;
  guint L = sh->n_layers, in0 = sh->widths[0];
  double total;

  for (gsize i = 0; i < (gsize) m * in0; i++)
    ws->x[i] = ds->x_train[(gsize) start * in0 + i];

  for (guint l = 0; l < L; l++)
    forward_layer (h, ws, l, m, v);
  total = output_deltas (h, ws, start, m, v);
  for (guint l = L; l-- > 0;)
    {
      accumulate_layer (h, ws, l, m, v, grad, hv);
      if (l > 0)
        backpropagate_layer (h, ws, l, m, v);
    }
  return total;
}

static double
full_pass (const LvHessian *h, LvHessianWorkspace *ws, const double *v, double *grad,
           double *hv)
{
  double total = 0;

  if (grad != NULL)
    memset (grad, 0, h->n_params * sizeof (double));
  if (hv != NULL)
    memset (hv, 0, h->n_params * sizeof (double));
  for (guint start = 0; start < h->dataset->n_train; start += LV_HESSIAN_CHUNK)
    total += chunk_pass (h, ws, start, MIN (LV_HESSIAN_CHUNK, h->dataset->n_train - start), v,
                         grad, hv);
  return total / h->dataset->n_train;
}

/**
 * lv_hessian_gradient:
 * @hessian: the operator.
 * @ws: this thread's scratch space.
 * @grad: (out) (nullable): ∇L, lv_hessian_get_n_params() doubles.
 *
 * The full-batch mean training loss and its gradient, in double.
 *
 * Returns: L(θ).
 */
double
lv_hessian_gradient (const LvHessian *hessian, LvHessianWorkspace *ws, double *grad)
{
  return full_pass (hessian, ws, NULL, grad, NULL);
}

/**
 * lv_hessian_vector_product:
 * @hessian: the operator.
 * @ws: this thread's scratch space.
 * @v: a vector of lv_hessian_get_n_params() doubles.
 * @hv: (out): ∇²L(θ) v.
 *
 * One exact Hessian–vector product over the whole training set (R-operator). For ReLU and
 * hinge, the second derivatives at the kinks are taken as 0 (the Hessian almost everywhere).
 *
 * Returns: L(θ), computed on the way.
 */
double
lv_hessian_vector_product (const LvHessian *hessian, LvHessianWorkspace *ws, const double *v,
                           double *hv)
{
  return full_pass (hessian, ws, v, NULL, hv);
}
