/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include "lv-train-fused-bf16.h"

/*
 * Which products: with a shared minibatch, layer 0 is one GEMM for all K nets, W_0 being the
 * stacked (K·h) × d matrix; with one minibatch per net (independent orders) it is a batched
 * GEMM, as the deeper layers always are: batch K, one small product per net.
 * A primitive depends on n, so each (layer, product) keeps the two it meets: the full
 * minibatch and the last, shorter one.
 *
 * A ReLU hidden layer's output is kept in bf16 only (the next product's operand): without
 * biases the forward product itself applies the ReLU and stores bf16 (oneDNN post-ops, free);
 * with biases the trainer's bias+ReLU pass writes the bf16 copy alone. Its backward pass takes
 * the ReLU mask from that copy (a rounded positive float stays positive). Other activations
 * keep the fp32 output (their derivatives read the fp32 values).
 */

enum { OP_FORWARD, OP_WEIGHT_GRAD, OP_INPUT_GRAD, N_OPS };

typedef struct
{
  guint n;
  LvGemmBf16 *gemm;
} Slot;

struct _LvFusedBf16
{
  LvMlpShape shape;
  guint K, batch;
  gboolean per_net;                   /* one minibatch per net */
  gsize block_size;
  LvBf16 *w;                          /* the parameter block, rounded */
  LvBf16 *in[LV_MLP_MAX_LAYERS];      /* layer inputs, rounded */
  LvBf16 *delta;                      /* the current delta, rounded */
  guint epilogue[LV_MLP_MAX_LAYERS];  /* of each forward product: LvGemmBf16Epilogue flags */
  Slot slots[LV_MLP_MAX_LAYERS][N_OPS][2];
};

static LvBf16 *
balloc (gsize n)
{
  return g_aligned_alloc0 (MAX (n, 1), sizeof (LvBf16), 64);
}

LvFusedBf16 *
lv_fused_bf16_new (const LvMlpShape *shape, guint K, guint batch, gsize block_size,
                   gboolean per_net, GError **error)
{
  LvFusedBf16 *f;
  guint maxw = 0;

  if (!lv_bf16_available (error))
    return NULL;
  f = g_new0 (LvFusedBf16, 1);
  f->shape = *shape;
  f->K = K;
  f->batch = batch;
  f->per_net = per_net;
  f->block_size = block_size;
  f->w = balloc (block_size);
  for (guint l = 0; l < shape->n_layers; l++)
    f->in[l] = balloc ((gsize) (l == 0 && !per_net ? 1 : K) * shape->widths[l] * batch);
  for (guint l = 0; l <= shape->n_layers; l++)
    maxw = MAX (maxw, shape->widths[l]);
  for (guint l = 0; l < shape->n_layers; l++)
    {
      gboolean hidden = l + 1 < shape->n_layers;

      if (hidden && !shape->bias && shape->activation == LV_ACTIVATION_RELU)
        f->epilogue[l] = LV_GEMM_BF16_RELU | LV_GEMM_BF16_DST_BF16;
    }
  f->delta = balloc ((gsize) K * maxw * batch);
  return f;
}

void
lv_fused_bf16_free (LvFusedBf16 *f)
{
  if (f == NULL)
    return;
  for (guint l = 0; l < LV_MLP_MAX_LAYERS; l++)
    for (guint op = 0; op < N_OPS; op++)
      for (guint i = 0; i < 2; i++)
        lv_gemm_bf16_free (f->slots[l][op][i].gemm);
  g_aligned_free (f->w);
  for (guint l = 0; l < f->shape.n_layers; l++)
    g_aligned_free (f->in[l]);
  g_aligned_free (f->delta);
  g_free (f);
}

/* The primitive of product `op` of layer l for n samples, built on first use. */
static LvGemmBf16 *
gemm_for (LvFusedBf16 *f, guint l, guint op, guint n)
{
  Slot *slot = &f->slots[l][op][n == f->batch ? 0 : 1];
  guint in = f->shape.widths[l], out = f->shape.widths[l + 1];
  gboolean stacked = l == 0 && !f->per_net;
  guint batch = stacked ? 1 : f->K, rows = stacked ? f->K * out : out;
  g_autoptr(GError) error = NULL;

  if (slot->gemm != NULL && slot->n == n)
    return slot->gemm;
  lv_gemm_bf16_free (slot->gemm);
  slot->n = n;
  switch (op)
    {
    case OP_FORWARD: /* (rows × in) · (in × n); x is stored n × d */
      slot->gemm = lv_gemm_bf16_new_epilogue (batch, FALSE, l == 0, rows, n, in, f->epilogue[l],
                                              &error);
      break;
    case OP_WEIGHT_GRAD: /* (rows × n) · (n × in); acts are stored in × n */
      slot->gemm = lv_gemm_bf16_new (batch, FALSE, l > 0, rows, in, n, &error);
      break;
    default: /* (in × out) · (out × n), W stored out × in */
      slot->gemm = lv_gemm_bf16_new (batch, TRUE, FALSE, in, n, out, &error);
      break;
    }
  /* lv_fused_bf16_new() checked the backend: a shape it then refuses is a bug. */
  if (slot->gemm == NULL)
    g_error ("%s", error->message);
  return slot->gemm;
}

LvBf16 *
lv_fused_bf16_weights (LvFusedBf16 *f)
{
  return f->w;
}

LvBf16 *
lv_fused_bf16_input (LvFusedBf16 *f, guint l)
{
  return f->in[l];
}

LvBf16 *
lv_fused_bf16_delta (LvFusedBf16 *f)
{
  return f->delta;
}

void
lv_fused_bf16_load_weights (LvFusedBf16 *f, const float *params)
{
  lv_bf16_from_f32 (f->w, params, f->block_size);
}

void
lv_fused_bf16_gather_minibatch (LvFusedBf16 *f, const float *x, const guint32 *order,
                                gsize order_step, guint n)
{
  gsize d = f->shape.widths[0];

  /* Straight from the training set's rows into bf16: no fp32 copy of the minibatch. Packed:
   * net k's n rows at k·n·d, as the batched product expects. */
  for (guint k = 0; k < (f->per_net ? f->K : 1); k++)
    for (guint i = 0; i < n; i++)
      lv_bf16_from_f32 (f->in[0] + ((gsize) k * n + i) * d, x + order[k * order_step + i] * d,
                        d);
}

void
lv_fused_bf16_load_delta (LvFusedBf16 *f, guint l, const float *delta, guint n)
{
  lv_bf16_from_f32 (f->delta, delta, (gsize) f->K * f->shape.widths[l + 1] * n);
}

gboolean
lv_fused_bf16_output_only_bf16 (LvFusedBf16 *f, guint l)
{
  return l + 1 < f->shape.n_layers && f->shape.activation == LV_ACTIVATION_RELU;
}

gboolean
lv_fused_bf16_forward (LvFusedBf16 *f, guint l, const gsize *w_off, guint n, float *z)
{
  gboolean done = f->epilogue[l] != 0;

  lv_gemm_bf16_run_to (gemm_for (f, l, OP_FORWARD, n), f->w + w_off[l], f->in[l],
                       done ? (gpointer) f->in[l + 1] : (gpointer) z);
  return done;
}

void
lv_fused_bf16_weight_grad (LvFusedBf16 *f, guint l, guint n, float *gw)
{
  lv_gemm_bf16_run (gemm_for (f, l, OP_WEIGHT_GRAD, n), f->delta, f->in[l], gw);
}

void
lv_fused_bf16_input_grad (LvFusedBf16 *f, guint l, const gsize *w_off, guint n,
                          float *delta_prev)
{
  lv_gemm_bf16_run (gemm_for (f, l, OP_INPUT_GRAD, n), f->w + w_off[l], f->delta, delta_prev);
}
