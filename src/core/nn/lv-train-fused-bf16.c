/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include "lv-train-fused-bf16.h"

#include <string.h>

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
 *
 * Padding of layer 0's products: oneDNN 2.6's brgemm kernels run a 400 × 100 × 100 product in
 * 19–20 µs with a reduction of k = 100 and in 12–14 µs with k = 128 (the depth of an AMX tile
 * is 32 bf16), but only on dense operands — a strided one sends the call to a ~5× slower
 * kernel. So on CPUs where oneDNN runs AMX (lv_gemm_bf16_reduction_tile () == 32; elsewhere
 * the zeros would only be multiplied, and the layouts below degenerate to the dense ones) the
 * reduction is padded *logically*, with zeros stored once at allocation and
 * never overwritten (they change no sum; results are bit-identical, docs/PERFORMANCE.md):
 *  - forward, over features: W_0's copy has rows of ld_x = d rounded up to 32, the minibatch
 *    x_f is n rows of ld_x;
 *  - weight gradient, over samples (full minibatches): layer 0's delta (delta0) has rows of
 *    ld_n = batch rounded up to 32, the minibatch x_s is ld_n rows of d per net. A shorter last
 *    minibatch reduces over its n samples (the dense `delta`, x_s's first n rows).
 * The deeper layers are not padded: their operands would need padding rows between the nets
 * of every elementwise pass, or strides oneDNN serves slowly, for ~2 µs per step.
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
  gsize ld_n, ld_x;                   /* padded row lengths: samples, input features */
  LvBf16 *w;                          /* the parameter block, rounded (but W_0) */
  LvBf16 *w0;                         /* W_0 rounded, K·h rows of ld_x */
  LvBf16 *in[LV_MLP_MAX_LAYERS];      /* layer inputs l ≥ 1, rounded */
  LvBf16 *x_f, *x_s;                  /* the minibatch: rows of ld_x; ld_n rows of d per net */
  LvBf16 *delta;                      /* the current delta, rounded, rows of n */
  LvBf16 *delta0;                     /* layer 0's delta of a full minibatch, rows of ld_n */
  float *z0;                          /* layer 0's product of a full minibatch, rows of ld_n */
  guint epilogue[LV_MLP_MAX_LAYERS];  /* of each forward product: LvGemmBf16Epilogue flags */
  Slot slots[LV_MLP_MAX_LAYERS][N_OPS][2];
};

/* n rounded up to a whole number of tiles (lv_gemm_bf16_reduction_tile ()). */
static gsize
tile_depth (gsize n, gsize tile)
{
  return (n + tile - 1) / tile * tile;
}

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
  gsize tile;

  if (!lv_bf16_available (error))
    return NULL;
  f = g_new0 (LvFusedBf16, 1);
  f->shape = *shape;
  f->K = K;
  f->batch = batch;
  f->per_net = per_net;
  f->block_size = block_size;
  tile = lv_gemm_bf16_reduction_tile ();
  f->ld_n = tile_depth (batch, tile);
  f->ld_x = tile_depth (shape->widths[0], tile);
  f->w = balloc (block_size);
  f->w0 = balloc ((gsize) K * shape->widths[1] * f->ld_x);
  f->x_f = balloc ((gsize) (per_net ? K : 1) * f->ld_n * f->ld_x);
  f->x_s = balloc ((gsize) (per_net ? K : 1) * f->ld_n * shape->widths[0]);
  f->delta0 = balloc ((gsize) K * shape->widths[1] * f->ld_n);
  f->z0 = g_aligned_alloc0 ((gsize) K * shape->widths[1] * f->ld_n, sizeof (float), 64);
  for (guint l = 1; l < shape->n_layers; l++)
    f->in[l] = balloc ((gsize) K * shape->widths[l] * batch);
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
  g_aligned_free (f->w0);
  for (guint l = 1; l < f->shape.n_layers; l++)
    g_aligned_free (f->in[l]);
  g_aligned_free (f->delta);
  g_aligned_free (f->delta0);
  g_aligned_free (f->z0);
  g_aligned_free (f->x_f);
  g_aligned_free (f->x_s);
  g_free (f);
}

/* Whether layer 0's weight gradient reduces over the padded ld_n samples (full minibatches). */
static gboolean
padded_samples (LvFusedBf16 *f, guint l, guint n)
{
  return l == 0 && n == f->batch;
}

/* Whether layer 0's forward product runs over ld_n samples into z0: a full minibatch whose
 * product goes to the trainer's bias + ReLU pass, which reads it once and keeps only the bf16
 * copy (the padding samples' columns are computed and never read). */
static gboolean
padded_product (LvFusedBf16 *f, guint l, guint n)
{
  return l == 0 && n == f->batch && f->epilogue[0] == 0 && f->ld_n > n &&
         lv_fused_bf16_output_only_bf16 (f, 0);
}

/* The operands' layouts of product `op` of layer l for n samples (see the top comment): element
 * strides (batch, row, column) of the logical A, B and C, all dense. */
static LvGemmBf16Layout
layout_for (LvFusedBf16 *f, guint l, guint op, guint n)
{
  gsize in = f->shape.widths[l], out = f->shape.widths[l + 1], ldn = f->ld_n, ldx = f->ld_x;
  gboolean stacked = l == 0 && !f->per_net;
  guint batch = stacked ? 1 : f->K, rows = stacked ? f->K * out : out;
  /* Net k's x_s starts at k·ld_n·d; one block (stacked) is dense with n rows. */
  gsize xs_net = stacked ? (gsize) n * in : ldn * in;

  switch (op)
    {
    case OP_FORWARD: /* (rows × in) · (in × n); l = 0: W_0 and x_f with rows of ld_x */
      if (padded_product (f, l, n))
        return (LvGemmBf16Layout) { batch, rows, (guint) ldn, (guint) ldx,
                                    { rows * ldx, ldx, 1 }, { ldn * ldx, 1, ldx },
                                    { rows * ldn, ldn, 1 }, 0 };
      if (l == 0)
        return (LvGemmBf16Layout) { batch, rows, n, (guint) ldx, { rows * ldx, ldx, 1 },
                                    { n * ldx, 1, ldx }, { rows * n, n, 1 }, f->epilogue[l] };
      return (LvGemmBf16Layout) { batch, rows, n, (guint) in, { rows * in, in, 1 },
                                  { in * n, n, 1 }, { rows * n, n, 1 }, f->epilogue[l] };
    case OP_WEIGHT_GRAD: /* (rows × n) · (n × in): delta · x_s, or delta · inputᵀ */
      if (padded_samples (f, l, n))
        return (LvGemmBf16Layout) { batch, rows, (guint) in, (guint) ldn,
                                    { rows * ldn, ldn, 1 }, { ldn * in, in, 1 },
                                    { rows * in, in, 1 }, 0 };
      if (l == 0)
        return (LvGemmBf16Layout) { batch, rows, (guint) in, n, { rows * n, n, 1 },
                                    { xs_net, in, 1 }, { rows * in, in, 1 }, 0 };
      return (LvGemmBf16Layout) { batch, rows, (guint) in, n, { rows * n, n, 1 },
                                  { in * n, 1, n }, { rows * in, in, 1 }, 0 };
    default: /* (in × out) · (out × n), W stored out × in */
      return (LvGemmBf16Layout) { batch, (guint) in, n, (guint) out, { out * in, 1, in },
                                  { out * n, n, 1 }, { in * n, n, 1 }, 0 };
    }
}

/* The primitive of product `op` of layer l for n samples, built on first use. */
static LvGemmBf16 *
gemm_for (LvFusedBf16 *f, guint l, guint op, guint n)
{
  Slot *slot = &f->slots[l][op][n == f->batch ? 0 : 1];
  LvGemmBf16Layout layout;
  g_autoptr(GError) error = NULL;

  if (slot->gemm != NULL && slot->n == n)
    return slot->gemm;
  lv_gemm_bf16_free (slot->gemm);
  slot->n = n;
  layout = layout_for (f, l, op, n);
  slot->gemm = lv_gemm_bf16_new_layout (&layout, &error);
  /* lv_fused_bf16_new() checked the backend: a shape it then refuses is a bug. */
  if (slot->gemm == NULL)
    g_error ("%s", error->message);
  return slot->gemm;
}

LvBf16 *
lv_fused_bf16_param_copy (LvFusedBf16 *f, gsize off, gsize *row, gsize *ld)
{
  gsize d = f->shape.widths[0], w0_size = (gsize) f->K * f->shape.widths[1] * d;

  /* W_0 is the block's first segment (lv-train-fused.c's layout); off is a row start. */
  if (off < w0_size)
    {
      *row = d;
      *ld = f->ld_x;
      return f->w0 + off / d * f->ld_x;
    }
  *row = *ld = 1;
  return f->w + off;
}

LvBf16 *
lv_fused_bf16_input (LvFusedBf16 *f, guint l)
{
  g_return_val_if_fail (l > 0, NULL);
  return f->in[l];
}

LvBf16 *
lv_fused_bf16_delta (LvFusedBf16 *f, guint l, guint n, gsize *ld)
{
  *ld = padded_samples (f, l, n) ? f->ld_n : n;
  return padded_samples (f, l, n) ? f->delta0 : f->delta;
}

float *
lv_fused_bf16_product_out (LvFusedBf16 *f, guint l, guint n, float *z, gsize *ldz)
{
  *ldz = padded_product (f, l, n) ? f->ld_n : n;
  return padded_product (f, l, n) ? f->z0 : z;
}

void
lv_fused_bf16_load_weights (LvFusedBf16 *f, const float *params)
{
  gsize d = f->shape.widths[0], w0_rows = (gsize) f->K * f->shape.widths[1];

  lv_bf16_from_f32 (f->w, params, f->block_size);
  for (gsize r = 0; r < w0_rows; r++)
    lv_bf16_from_f32 (f->w0 + r * f->ld_x, params + r * d, d);
}

void
lv_fused_bf16_gather_minibatch (LvFusedBf16 *f, const float *x, const guint32 *order,
                                gsize order_step, guint n)
{
  gsize d = f->shape.widths[0];

  /* Straight from the training set's rows into bf16: no fp32 copy of the minibatch. Net k's
   * n rows at k·ld_n·ld_x in x_f for a padded product (k·n·ld_x else: dense for the batched
   * product either way), at k·ld_n·d in x_s. */
  gsize xf_net = padded_product (f, 0, n) ? f->ld_n : n;

  for (guint k = 0; k < (f->per_net ? f->K : 1); k++)
    for (guint i = 0; i < n; i++)
      {
        LvBf16 *row = f->x_f + ((gsize) k * xf_net + i) * f->ld_x;

        lv_bf16_from_f32 (row, x + order[k * order_step + i] * d, d);
        memcpy (f->x_s + ((gsize) k * f->ld_n + i) * d, row, d * sizeof (LvBf16));
      }
}

void
lv_fused_bf16_load_delta (LvFusedBf16 *f, guint l, const float *delta, guint n)
{
  gsize rows = (gsize) f->K * f->shape.widths[l + 1], ld;
  LvBf16 *d16 = lv_fused_bf16_delta (f, l, n, &ld);

  for (gsize r = 0; r < rows; r++)
    lv_bf16_from_f32 (d16 + r * ld, delta + r * n, n);
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

  lv_gemm_bf16_run_to (gemm_for (f, l, OP_FORWARD, n), l == 0 ? f->w0 : f->w + w_off[l],
                       l == 0 ? f->x_f : f->in[l],
                       done ? (gpointer) f->in[l + 1] : (gpointer) z);
  return done;
}

void
lv_fused_bf16_weight_grad (LvFusedBf16 *f, guint l, guint n, float *gw)
{
  gsize ld;
  LvBf16 *d16 = lv_fused_bf16_delta (f, l, n, &ld);

  lv_gemm_bf16_run (gemm_for (f, l, OP_WEIGHT_GRAD, n), d16, l == 0 ? f->x_s : f->in[l], gw);
}

void
lv_fused_bf16_input_grad (LvFusedBf16 *f, guint l, const gsize *w_off, guint n,
                          float *delta_prev)
{
  lv_gemm_bf16_run (gemm_for (f, l, OP_INPUT_GRAD, n), f->w + w_off[l], f->delta, delta_prev);
}
