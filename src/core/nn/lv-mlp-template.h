/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Forward and backward passes of LvMlp, written once for both precisions.
 *
 * This file is included by lv-mlp-f32.c (float: training, with cblas_sgemm) and lv-mlp-f64.c
 * (double: gradient checks, Hessians, slices, with cblas_dgemm), each of which defines:
 *   REAL          the scalar type
 *   GEMM          cblas_sgemm or cblas_dgemm
 *   WORKSPACE     the workspace typedef, WORKSPACE_STRUCT its struct tag
 *   FN(name)      the public function name for `name`
 *   EXP, LOG      the libm functions of that precision
 * so the two versions can never drift apart (GSL's "templates_on.h" idea, made local). The
 * activations come from lv-activation.h, shared with every other pass that evaluates them.
 */

#include "lv-activation.h"

struct WORKSPACE_STRUCT
{
  LvMlpShape shape;
  guint max_batch;
  REAL *acts[LV_MLP_MAX_LAYERS + 1]; /* acts[l], l = 1..n_layers: outputs of layer l-1 */
  REAL *delta;                       /* n × max width: gradient w.r.t. a layer's pre-activation */
  REAL *delta_prev;
};

WORKSPACE *
FN (workspace_new) (const LvMlpShape *shape, guint max_batch)
{
  WORKSPACE *ws = g_new0 (WORKSPACE, 1);
  guint max_width = 0;

  ws->shape = *shape;
  ws->max_batch = MAX (max_batch, 1);
  for (guint l = 0; l <= shape->n_layers; l++)
    max_width = MAX (max_width, shape->widths[l]);
  for (guint l = 1; l <= shape->n_layers; l++)
    ws->acts[l] = g_new (REAL, (gsize) ws->max_batch * shape->widths[l]);
  ws->delta = g_new (REAL, (gsize) ws->max_batch * max_width);
  ws->delta_prev = g_new (REAL, (gsize) ws->max_batch * max_width);
  return ws;
}

guint
FN (workspace_get_max_batch) (WORKSPACE *ws)
{
  return ws->max_batch;
}

void
FN (workspace_free) (WORKSPACE *ws)
{
  if (ws == NULL)
    return;
  for (guint l = 1; l <= ws->shape.n_layers; l++)
    g_free (ws->acts[l]);
  g_free (ws->delta);
  g_free (ws->delta_prev);
  g_free (ws);
}

/* acts[l+1] = act(acts[l] · W_l^T + b_l); the last layer stays linear (logits). */
static void
FN (forward) (const LvMlpShape *shape, const REAL *params, const REAL *x, guint n, WORKSPACE *ws)
{
  const REAL *input = x;

  for (guint l = 0; l < shape->n_layers; l++)
    {
      guint in = shape->widths[l], out = shape->widths[l + 1];
      const REAL *w = params + lv_mlp_weight_offset (shape, l);
      REAL *z = ws->acts[l + 1];
      gboolean hidden = l + 1 < shape->n_layers;

      GEMM (CblasRowMajor, CblasNoTrans, CblasTrans, (int) n, (int) out, (int) in, 1, input,
            (int) in, w, (int) in, 0, z, (int) out);
      if (shape->bias)
        {
          const REAL *b = params + lv_mlp_bias_offset (shape, l);
          for (guint i = 0; i < n; i++)
            for (guint j = 0; j < out; j++)
              z[(gsize) i * out + j] += b[j];
        }
      if (hidden && shape->activation != LV_ACTIVATION_LINEAR)
        for (gsize i = 0; i < (gsize) n * out; i++)
          z[i] = lv_activation_apply (shape->activation, z[i]);
      input = z;
    }
}

/*
 * Loss of one sample's logits o (length k) and, in d, its gradient scaled by `scale` (1/n).
 * Sums in double whatever REAL is, so the float path reports losses as accurately as it can.
 */
static double
FN (sample_loss) (LvLoss loss, const REAL *o, guint k, guint32 label, const REAL *target,
                  REAL scale, REAL *d)
{
  double value = 0;

  switch (loss)
    {
    case LV_LOSS_CROSS_ENTROPY:
      {
        REAL m = o[0];
        double sum = 0;
        for (guint j = 1; j < k; j++)
          m = MAX (m, o[j]);
        for (guint j = 0; j < k; j++)
          sum += exp ((double) (o[j] - m));
        value = log (sum) - (double) (o[label] - m);
        if (d != NULL)
          for (guint j = 0; j < k; j++)
            d[j] = scale * ((REAL) (exp ((double) (o[j] - m)) / sum) - (j == label ? 1 : 0));
        break;
      }
    case LV_LOSS_MSE:
      for (guint j = 0; j < k; j++)
        {
          REAL t = target != NULL ? target[j] : (j == label ? 1 : 0);
          REAL e = o[j] - t;
          value += 0.5 * (double) e * (double) e;
          if (d != NULL)
            d[j] = scale * e;
        }
      break;
    case LV_LOSS_HINGE:
    default:
      {
        /* Crammer–Singer: max(0, 1 + max_{j≠y} o_j − o_y). */
        guint best = label == 0 ? 1 : 0;
        for (guint j = 0; j < k; j++)
          if (j != label && o[j] > o[best])
            best = j;
        if (d != NULL)
          for (guint j = 0; j < k; j++)
            d[j] = 0;
        if (k > 1 && 1 + o[best] - o[label] > 0)
          {
            value = 1 + (double) o[best] - (double) o[label];
            if (d != NULL)
              {
                d[best] = scale;
                d[label] = -scale;
              }
          }
        break;
      }
    }
  return value;
}

double
FN (loss_grad) (const LvMlpShape *shape, const REAL *params, const REAL *x, const guint32 *labels,
                const REAL *targets, guint n, REAL *grad, guint *correct, WORKSPACE *ws)
{
  guint L = shape->n_layers, k = shape->widths[L];
  REAL *logits = ws->acts[L];
  REAL scale = (REAL) 1 / (REAL) n;
  double total = 0;
  guint n_correct = 0;

  g_return_val_if_fail (n > 0 && n <= ws->max_batch, NAN);

  FN (forward) (shape, params, x, n, ws);

  for (guint i = 0; i < n; i++)
    {
      const REAL *o = logits + (gsize) i * k;
      guint32 label = labels != NULL ? labels[i] : 0;
      guint arg = 0;

      total += FN (sample_loss) (shape->loss, o, k, label, targets ? targets + (gsize) i * k : NULL,
                                 scale, grad ? ws->delta + (gsize) i * k : NULL);
      for (guint j = 1; j < k; j++)
        if (o[j] > o[arg])
          arg = j;
      n_correct += (arg == label);
    }
  if (correct != NULL)
    *correct = n_correct;
  if (grad == NULL)
    return total / n;

  /* Backward: delta holds dLoss/dZ_l for the current layer, row per sample. */
  for (guint l = L; l-- > 0;)
    {
      guint in = shape->widths[l], out = shape->widths[l + 1];
      const REAL *input = l == 0 ? x : ws->acts[l];
      const REAL *w = params + lv_mlp_weight_offset (shape, l);
      REAL *gw = grad + lv_mlp_weight_offset (shape, l);

      GEMM (CblasRowMajor, CblasTrans, CblasNoTrans, (int) out, (int) in, (int) n, 1, ws->delta,
            (int) out, input, (int) in, 0, gw, (int) in);
      if (shape->bias)
        {
          REAL *gb = grad + lv_mlp_bias_offset (shape, l);
          for (guint j = 0; j < out; j++)
            gb[j] = 0;
          for (guint i = 0; i < n; i++)
            for (guint j = 0; j < out; j++)
              gb[j] += ws->delta[(gsize) i * out + j];
        }
      if (l > 0)
        {
          REAL *tmp;
          GEMM (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) n, (int) in, (int) out, 1,
                ws->delta, (int) out, w, (int) in, 0, ws->delta_prev, (int) in);
          if (shape->activation != LV_ACTIVATION_LINEAR)
            for (gsize i = 0; i < (gsize) n * in; i++)
              ws->delta_prev[i] *= lv_activation_prime (shape->activation, input[i]);
          tmp = ws->delta;
          ws->delta = ws->delta_prev;
          ws->delta_prev = tmp;
        }
    }
  return total / n;
}
