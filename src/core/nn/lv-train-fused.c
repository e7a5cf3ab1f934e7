/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-pausable.h>
#include <lossviz/lv-train.h>

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "lv-train-fused-bf16-kernels.h"
#include "lv-train-fused-bf16.h"
#include "lv-train-fused-kernels.h"
#include "lv-train-private.h"

/*
 * Fused training: K networks of one shape that share the minibatch order train together.
 *
 * Why: a 100→100→10 network does ~2 MFLOP per minibatch of 100 — too little for a GEMM to
 * reach its peak rate. K networks seeing the same minibatch X_b (n × d) turn the first layer
 * of all of them into one GEMM, Z₁ᵀ = [W¹…Wᴷ] · X_bᵀ ((K·h) × n), and its weight gradient into
 * another, [G¹…Gᴷ] = Δ₁ᵀ · X_b; the minibatch rows are gathered once for all K.
 *
 * Layout (the "block"): for each layer l, the weights of all K nets stacked, W_l[K][out][in],
 * then their biases b_l[K][out]. Net k's W_0 is rows k·h … of the stacked (K·h) × d matrix, so
 * the fused GEMMs read and write the parameters in place. Activations and deltas are
 * feature-major: net k's layer-l values are a contiguous w_l × n block (row per unit, column
 * per sample), so elementwise loops (bias, activation, softmax) run along samples and
 * vectorise, and the per-net products of deeper layers are plain contiguous GEMMs.
 *
 * Independent orders (lv_train_run_fused_independent(), the ensemble's default): every net
 * has its own minibatch, gathered once per block and step into K contiguous n × d blocks; the
 * first layer is then one small GEMM per net (a batched one in bf16), everything else is as
 * above. The K nets still share the block's buffers, deeper products and elementwise passes.
 *
 * bf16 (config->precision): the products take bf16 operands (lv-train-fused-bf16.c), written
 * by the kernels that make them; master weights and all elementwise work stay fp32.
 *
 * Each network keeps the arithmetic of lv_train_run_ordered() (lv_train_run() with
 * independent orders): same initialisation (its own seed), same minibatches, same loss,
 * regulariser, momentum and divergence rules. Only float
 * rounding differs (GEMM blocking, float expf instead of double exp in the softmax).
 * A network that diverges is frozen at zero (its rows of the shared GEMMs stay finite and touch
 * no other network's rows) and reported at once; the others go on.
 */

/* Buffers of one block stay below this; lv_train_fused_block_limit() shrinks K to fit. */
#define BLOCK_BUDGET_BYTES ((gsize) 512 << 20)

typedef struct
{
  LvMlpShape shape;
  guint K, L, batch, d, c;
  gboolean use_targets;
  gsize np;                           /* parameters of one net */
  gsize w_off[LV_MLP_MAX_LAYERS];     /* block offsets of W_l[K][out][in] */
  gsize b_off[LV_MLP_MAX_LAYERS];     /* block offsets of b_l[K][out] */
  gsize size;                         /* floats in the block */
  float *params, *grad, *velocity;    /* block layout; velocity NULL without momentum */
  float *acts[LV_MLP_MAX_LAYERS + 1]; /* acts[l], l = 1..L: (K·w_l) × batch, feature-major */
  float *delta, *delta_prev;          /* (K·max width) × batch */
  float *xb, *tb;
  guint32 *yb;
  float *scratch;                     /* 2 × batch: per-sample max and sum of the softmax */
  float *std_params, *std_grad;       /* one net in the standard layout (regulariser, copies) */
  double *loss;                       /* per net: summed loss of the current minibatch */
  guint *correct;                     /* per net: correct argmax of the current minibatch */
  LvFusedBf16 *bf16;                  /* the bf16 products (--precision bf16), else NULL */
  gboolean w16_stale;                 /* the bf16 weights need rounding again (see block_step) */
} Block;

/* A minibatch of n samples: one for all nets (steps 0: shared order, evaluation), or one per
 * net (independent orders), net k's rows at x + k·x_step, labels at y + k·y_step, targets at
 * t + k·t_step. With `stacked` (shared-order training) layer 0's fp32 products are one GEMM
 * for the K nets; else one per net. A stacked product's rows depend on K on some CPUs
 * (OpenBLAS's Haswell/Zen sgemm kernels round a row differently with the matrix's height), so
 * evaluation goes per net: a run's reported test loss must not depend on which runs share
 * its block (an experiment extended by more runs reproduces the runs it had). */
typedef struct
{
  const float *x;
  const guint32 *y;
  const float *t;
  gsize x_step, y_step, t_step;
  gboolean stacked;
} Batch;

static gsize
per_net_floats (const LvMlpShape *shape, guint batch, gboolean momentum, gboolean own_batch)
{
  gsize acts = 0, maxw = 0;

  for (guint l = 1; l <= shape->n_layers; l++)
    acts += shape->widths[l];
  for (guint l = 0; l <= shape->n_layers; l++)
    maxw = MAX (maxw, shape->widths[l]);
  /* With independent orders every net also holds its minibatch (inputs, targets, labels). */
  if (own_batch)
    acts += shape->widths[0] + shape->widths[shape->n_layers] + 1;
  return lv_mlp_n_params (shape) * (momentum ? 3 : 2) + (acts + 2 * maxw) * batch;
}

/**
 * lv_train_fused_block_limit:
 * @shape: the networks.
 * @batch: the minibatch size.
 * @wanted: the block size asked for (0: the default, 16).
 * @independent: for lv_train_run_fused_independent(), whose nets each hold a minibatch.
 *
 * The number of networks one fused block of this shape holds: @wanted, shrunk so that the
 * block's buffers stay under 512 MiB, at least 1, at most %LV_TRAIN_MAX_FUSED. A function of
 * its arguments only, so the grouping of runs into blocks never depends on thread count.
 *
 * Returns: the block size.
 */
guint
lv_train_fused_block_limit (const LvMlpShape *shape, guint batch, guint wanted,
                            gboolean independent)
{
  gsize per_net = per_net_floats (shape, batch, TRUE, independent) * sizeof (float);
  gsize fit = MAX (BLOCK_BUDGET_BYTES / MAX (per_net, 1), 1);

  if (wanted == 0)
    wanted = 16;
  return (guint) MIN (MIN ((gsize) wanted, fit), LV_TRAIN_MAX_FUSED);
}

static float *
falloc (gsize n)
{
  /* 64-byte aligned (a cache line, an AVX-512 vector); zeroed so no buffer holds garbage. */
  return g_aligned_alloc0 (MAX (n, 1), sizeof (float), 64);
}

static void
block_free (Block *b)
{
  g_aligned_free (b->params);
  g_aligned_free (b->grad);
  g_aligned_free (b->velocity);
  for (guint l = 1; l <= b->L; l++)
    g_aligned_free (b->acts[l]);
  g_aligned_free (b->delta);
  g_aligned_free (b->delta_prev);
  g_aligned_free (b->xb);
  g_aligned_free (b->tb);
  g_free (b->yb);
  g_aligned_free (b->scratch);
  g_free (b->std_params);
  g_free (b->std_grad);
  g_free (b->loss);
  g_free (b->correct);
  lv_fused_bf16_free (b->bf16);
}

static void
block_init (Block *b, const LvMlpShape *shape, const LvTrainConfig *config,
            const LvDataset *dataset, guint K, gboolean per_net)
{
  gsize off = 0, maxw = 0, copies = per_net ? K : 1;

  memset (b, 0, sizeof *b);
  b->shape = *shape;
  b->K = K;
  b->L = shape->n_layers;
  b->batch = MIN (config->batch, dataset->n_train);
  b->d = shape->widths[0];
  b->c = shape->widths[b->L];
  b->use_targets = shape->loss == LV_LOSS_MSE && dataset->t_train != NULL;
  b->np = lv_mlp_n_params (shape);
  for (guint l = 0; l < b->L; l++)
    {
      gsize in = shape->widths[l], out = shape->widths[l + 1];
      b->w_off[l] = off;
      off += K * out * in;
      b->b_off[l] = off;
      off += shape->bias ? K * out : 0;
    }
  b->size = off;
  for (guint l = 0; l <= b->L; l++)
    maxw = MAX (maxw, shape->widths[l]);
  b->params = falloc (b->size);
  b->grad = falloc (b->size);
  b->velocity = config->momentum > 0 ? falloc (b->size) : NULL;
  for (guint l = 1; l <= b->L; l++)
    b->acts[l] = falloc ((gsize) K * shape->widths[l] * b->batch);
  b->delta = falloc (K * maxw * b->batch);
  b->delta_prev = falloc (K * maxw * b->batch);
  b->xb = falloc (copies * b->batch * b->d);
  b->tb = b->use_targets ? falloc (copies * b->batch * b->c) : NULL;
  b->yb = g_new0 (guint32, copies * b->batch);
  b->scratch = falloc (2 * (gsize) b->batch);
  b->std_params = g_new (float, b->np);
  b->std_grad = g_new (float, b->np);
  b->loss = g_new0 (double, K);
  b->correct = g_new0 (guint, K);
  /* The ensemble validated the precision: the backend is there. */
  if (config->precision == LV_PRECISION_BF16)
    b->bf16 = lv_fused_bf16_new (shape, K, b->batch, b->size, per_net, NULL);
  b->w16_stale = TRUE;
}

/* Copies net k between the standard layout (lv-mlp.h) and the block layout. */
static void
block_put (Block *b, float *block, guint k, const float *std)
{
  for (guint l = 0; l < b->L; l++)
    {
      gsize in = b->shape.widths[l], out = b->shape.widths[l + 1];
      memcpy (block + b->w_off[l] + k * out * in, std + lv_mlp_weight_offset (&b->shape, l),
              out * in * sizeof (float));
      if (b->shape.bias)
        memcpy (block + b->b_off[l] + k * out, std + lv_mlp_bias_offset (&b->shape, l),
                out * sizeof (float));
    }
}

static void
block_get (Block *b, const float *block, guint k, float *std)
{
  for (guint l = 0; l < b->L; l++)
    {
      gsize in = b->shape.widths[l], out = b->shape.widths[l + 1];
      memcpy (std + lv_mlp_weight_offset (&b->shape, l), block + b->w_off[l] + k * out * in,
              out * in * sizeof (float));
      if (b->shape.bias)
        memcpy (std + lv_mlp_bias_offset (&b->shape, l), block + b->b_off[l] + k * out,
                out * sizeof (float));
    }
}

/* z = W_l · input for all K nets in fp32; for l = 0 the input is the minibatch (n × d,
 * sample-major per net), else acts[l]. */
static void
forward_product_f32 (Block *b, guint l, const Batch *mb, guint n, float *z)
{
  guint in = b->shape.widths[l], out = b->shape.widths[l + 1];
  const float *w = b->params + b->w_off[l];
  const float *input = l == 0 ? mb->x : b->acts[l];

  if (l == 0 && !mb->stacked)
    for (guint k = 0; k < b->K; k++)
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) out, (int) n, (int) in, 1,
                   w + (gsize) k * out * in, (int) in, input + k * mb->x_step, (int) in, 0,
                   z + (gsize) k * out * n, (int) n);
  else if (l == 0)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) (b->K * out), (int) n, (int) in,
                 1, w, (int) in, input, (int) in, 0, z, (int) n);
  else
    for (guint k = 0; k < b->K; k++)
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) out, (int) n, (int) in, 1,
                   w + (gsize) k * out * in, (int) in, input + (gsize) k * in * n, (int) n, 0,
                   z + (gsize) k * out * n, (int) n);
}

/* acts[l+1] = act(W_l · acts[l] + b_l) for all K nets on the minibatch mb.
 * With `bf16` (and a bf16 block) the products take bf16 operands, the minibatch's being the
 * rounded copy orders_gather() wrote. */
static void
block_forward (Block *b, const Batch *mb, guint n, gboolean bf16)
{
  const LvMlpShape *s = &b->shape;

  bf16 = bf16 && b->bf16 != NULL;
  /* The SGD step keeps the rounded weights current; only a fresh or reset block rounds. */
  if (bf16 && b->w16_stale)
    {
      lv_fused_bf16_load_weights (b->bf16, b->params);
      b->w16_stale = FALSE;
    }
  for (guint l = 0; l < b->L; l++)
    {
      guint out = s->widths[l + 1];
      gboolean hidden = l + 1 < b->L;
      gsize ldz = n;
      /* In bf16 the product may go to a scratch with padded rows (lv-train-fused-bf16.c). */
      float *z = bf16 ? lv_fused_bf16_product_out (b->bf16, l, n, b->acts[l + 1], &ldz)
                      : b->acts[l + 1];

      /* In bf16 the product may carry its epilogue (and write the next input itself). */
      if (bf16 && lv_fused_bf16_forward (b->bf16, l, b->w_off, n, z))
        continue;
      if (!bf16)
        forward_product_f32 (b, l, mb, n, z);
      /* A hidden layer's output is the next product's operand: rounded as it is made. */
      lv_fused_bf16_bias_activate (z, ldz, s->bias ? b->params + b->b_off[l] : NULL, b->K * out, n,
                                   hidden ? s->activation : LV_ACTIVATION_LINEAR,
                                   bf16 && hidden ? lv_fused_bf16_input (b->bf16, l + 1) : NULL);
    }
}

/* Loss (into b->loss, b->correct) and, when `with_delta`, dLoss/dlogits into b->delta. */
static void
block_loss (Block *b, const Batch *mb, guint n, gboolean with_delta)
{
  for (guint k = 0; k < b->K; k++)
    {
      const float *z = b->acts[b->L] + (gsize) k * b->c * n;
      float *dz = with_delta ? b->delta + (gsize) k * b->c * n : NULL;

      b->loss[k] = lv_fused_loss (b->shape.loss, z, b->c, n, mb->y + k * mb->y_step,
                                  mb->t != NULL ? mb->t + k * mb->t_step : NULL, dz, b->scratch,
                                  &b->correct[k]);
    }
}

/* Layer l's weight gradient (into b->grad) and, for l > 0, the delta of its input (into
 * b->delta_prev), in fp32. */
static void
backward_products_f32 (Block *b, guint l, const Batch *mb, guint n)
{
  guint in = b->shape.widths[l], out = b->shape.widths[l + 1];
  const float *w = b->params + b->w_off[l];
  float *gw = b->grad + b->w_off[l];

  if (l == 0 && !mb->stacked)
    {
      for (guint k = 0; k < b->K; k++)
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) out, (int) in, (int) n, 1,
                     b->delta + (gsize) k * out * n, (int) n, mb->x + k * mb->x_step, (int) in,
                     0, gw + (gsize) k * out * in, (int) in);
      return;
    }
  if (l == 0)
    {
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) (b->K * out), (int) in,
                   (int) n, 1, b->delta, (int) n, mb->x, (int) in, 0, gw, (int) in);
      return;
    }
  for (guint k = 0; k < b->K; k++)
    {
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) out, (int) in, (int) n, 1,
                   b->delta + (gsize) k * out * n, (int) n, b->acts[l] + (gsize) k * in * n,
                   (int) n, 0, gw + (gsize) k * out * in, (int) in);
      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) in, (int) n, (int) out, 1,
                   w + (gsize) k * out * in, (int) in, b->delta + (gsize) k * out * n, (int) n,
                   0, b->delta_prev + (gsize) k * in * n, (int) n);
    }
}

/* The same in bf16: the layer inputs and weights were rounded by block_forward, the deltas
 * below the top by lv_fused_activation_backward. */
static void
backward_products_bf16 (Block *b, guint l, guint n)
{
  if (l + 1 == b->L)
    lv_fused_bf16_load_delta (b->bf16, l, b->delta, n);
  lv_fused_bf16_weight_grad (b->bf16, l, n, b->grad + b->w_off[l]);
  if (l > 0)
    lv_fused_bf16_input_grad (b->bf16, l, b->w_off, n, b->delta_prev);
}

/* Gradients of the mean minibatch loss of all K nets into b->grad (block layout), after
 * block_forward (b, mb, n, TRUE). */
static void
block_backward (Block *b, const Batch *mb, guint n)
{
  const LvMlpShape *s = &b->shape;

  gboolean bias_done = FALSE; /* this layer's bias gradient came with the delta */

  for (guint l = b->L; l-- > 0;)
    {
      guint in = s->widths[l], out = s->widths[l + 1];

      if (b->bf16 != NULL)
        backward_products_bf16 (b, l, n);
      else
        backward_products_f32 (b, l, mb, n);
      if (s->bias && !bias_done)
        lv_fused_row_sums (b->delta, b->K * out, n, b->grad + b->b_off[l]);
      bias_done = FALSE;
      if (l > 0)
        {
          float *tmp;

          gsize ld = n;
          LvBf16 *d16 = b->bf16 ? lv_fused_bf16_delta (b->bf16, l - 1, n, &ld) : NULL;

          /* A layer output kept only in bf16 (a ReLU layer): mask, round and bias gradient
           * of the layer below in one pass. */
          if (b->bf16 != NULL && lv_fused_bf16_output_only_bf16 (b->bf16, l - 1))
            {
              lv_fused_bf16_relu_backward_rows (b->delta_prev, lv_fused_bf16_input (b->bf16, l),
                                                (gsize) b->K * in, n, ld, d16,
                                                s->bias ? b->grad + b->b_off[l - 1] : NULL);
              bias_done = s->bias;
            }
          else
            lv_fused_bf16_activation_backward (b->delta_prev, b->acts[l], (gsize) b->K * in, n,
                                               s->activation, d16, ld);
          tmp = b->delta;
          b->delta = b->delta_prev;
          b->delta_prev = tmp;
        }
    }
}

/* Adds the regulariser's gradient of net k; goes through the standard layout so the one
 * implementation in lv-regularizer.c serves both trainers. */
static void
block_add_regularizer (Block *b, const LvRegularizer *reg, guint k)
{
  block_get (b, b->params, k, b->std_params);
  memset (b->std_grad, 0, b->np * sizeof (float));
  lv_regularizer_apply (reg, &b->shape, b->std_params, b->std_grad);
  for (guint l = 0; l < b->L; l++)
    {
      gsize in = b->shape.widths[l], out = b->shape.widths[l + 1];
      lv_fused_axpy (b->grad + b->w_off[l] + k * out * in,
                     b->std_grad + lv_mlp_weight_offset (&b->shape, l), out * in);
      if (b->shape.bias)
        lv_fused_axpy (b->grad + b->b_off[l] + k * out,
                       b->std_grad + lv_mlp_bias_offset (&b->shape, l), out);
    }
}

/* The SGD step of net k; returns its squared gradient norm. */
static double
block_step (Block *b, guint k, float lr, float mu)
{
  double sq = 0;

  for (guint l = 0; l < b->L; l++)
    {
      gsize in = b->shape.widths[l], out = b->shape.widths[l + 1];
      gsize segs[2][2] = { { b->w_off[l] + k * out * in, out * in },
                           { b->b_off[l] + k * out, b->shape.bias ? out : 0 } };

      for (guint i = 0; i < 2; i++)
        if (segs[i][1] > 0)
          {
            /* The bf16 copy may have padded rows (layer 0's weights: lv-train-fused-bf16.c). */
            gsize row = 1, ld = 1;
            LvBf16 *p16 = b->bf16 ? lv_fused_bf16_param_copy (b->bf16, segs[i][0], &row, &ld)
                                  : NULL;

            sq += lv_fused_bf16_sgd (b->params + segs[i][0], b->grad + segs[i][0],
                                     b->velocity ? b->velocity + segs[i][0] : NULL, segs[i][1],
                                     lr, mu, p16, row, ld);
          }
    }
  return sq;
}

typedef struct
{
  guint n_nets;
  LvRunState *states;
  float *const *params;
  gboolean *active;
  LvNetEndFunc end_func;
  gpointer user_data;
} Outcome;

/* Ends net k in `state`: copies its parameters out, freezes it at zero, notifies. */
static void
end_net (Block *b, Outcome *o, guint k, LvRunState state)
{
  block_get (b, b->params, k, o->params[k]);
  o->states[k] = state;
  o->active[k] = FALSE;
  if (state != LV_RUN_FINISHED)
    {
      memset (b->std_params, 0, b->np * sizeof (float));
      block_put (b, b->params, k, b->std_params);
      b->w16_stale = TRUE;
      if (b->velocity != NULL)
        block_put (b, b->velocity, k, b->std_params);
    }
  if (o->end_func != NULL)
    o->end_func (k, state, o->user_data);
}

/* Mean test loss and accuracy of every net over the test split, in minibatch-sized chunks. */
static void
block_evaluate (Block *b, const LvDataset *ds, double *loss, double *accuracy)
{
  for (guint k = 0; k < b->K; k++)
    loss[k] = accuracy[k] = 0;
  for (guint start = 0; start < ds->n_test; start += b->batch)
    {
      guint n = MIN (b->batch, ds->n_test - start);

      Batch mb = { ds->x_test + (gsize) start * b->d, ds->y_test + start,
                   b->use_targets ? ds->t_test + (gsize) start * b->c : NULL, 0, 0, 0, FALSE };

      block_forward (b, &mb, n, FALSE);
      block_loss (b, &mb, n, FALSE);
      for (guint k = 0; k < b->K; k++)
        {
          loss[k] += b->loss[k];
          accuracy[k] += b->correct[k];
        }
    }
  for (guint k = 0; k < b->K; k++)
    {
      loss[k] /= ds->n_test;
      accuracy[k] /= ds->n_test;
    }
}

/*
 * Where the minibatches come from: one order shared by the block (a generator of its own), or
 * one per net, drawn by the generator that initialised the net, continuing after the
 * initialisation exactly as lv_train_run() does with its single generator.
 */
typedef struct
{
  gboolean per_net;
  guint n;          /* generators and orders: 1 or K */
  guint n_train;
  LvRng *rngs;
  guint32 *orders;  /* n permutations of the training set, each reshuffled every epoch */
} Orders;

static void
orders_init (Orders *o, guint K, gboolean per_net, const guint64 *seeds, guint64 order_seed,
             guint n_train)
{
  o->per_net = per_net;
  o->n = per_net ? K : 1;
  o->n_train = n_train;
  o->rngs = g_new (LvRng, o->n);
  o->orders = g_new (guint32, (gsize) o->n * n_train);
  for (guint k = 0; k < o->n; k++)
    {
      lv_rng_init (&o->rngs[k], per_net ? seeds[k] : order_seed);
      for (guint i = 0; i < n_train; i++)
        o->orders[(gsize) k * n_train + i] = i;
    }
}

static void
orders_clear (Orders *o)
{
  g_free (o->rngs);
  g_free (o->orders);
}

static void
orders_shuffle (Orders *o)
{
  for (guint k = 0; k < o->n; k++)
    lv_rng_shuffle (&o->rngs[k], o->orders + (gsize) k * o->n_train, o->n_train);
}

/* Gathers the minibatch [start, start + n) of every order into the block's buffers (once per
 * block and step: net k's rows at k·batch·d); a bf16 block takes the inputs straight into its
 * rounded copy (b->xb is then not written). */
static Batch
orders_gather (Orders *o, Block *b, const LvDataset *ds, guint start, guint n)
{
  Batch mb = { b->xb, b->yb, b->use_targets ? b->tb : NULL, 0, 0, 0, !o->per_net };

  for (guint k = 0; k < o->n; k++)
    lv_train_gather_batch (ds, o->orders + (gsize) k * o->n_train, start, n, b->c,
                           b->bf16 != NULL ? NULL : b->xb + (gsize) k * b->batch * b->d,
                           b->yb + (gsize) k * b->batch,
                           b->use_targets ? b->tb + (gsize) k * b->batch * b->c : NULL);
  if (b->bf16 != NULL)
    lv_fused_bf16_gather_minibatch (b->bf16, ds->x_train, o->orders + start, o->n_train, n);
  if (o->per_net)
    {
      mb.x_step = (gsize) b->batch * b->d;
      mb.y_step = b->batch;
      mb.t_step = (gsize) b->batch * b->c;
    }
  return mb;
}

/* The running state of a block's training, for its per-epoch helpers. */
typedef struct
{
  Block b;
  Orders orders;
  Outcome o;
  const LvTrainConfig *config;
  const LvDataset *dataset;
  guint n_active;
  double *loss_sum, *norm_sum, *test_loss, *test_acc;
  double *reference; /* each net's first minibatch loss: the scale divergence is judged by */
} Training;

/* Ends net k as diverged. */
static void
diverge (Training *t, guint k)
{
  end_net (&t->b, &t->o, k, LV_RUN_DIVERGED);
  t->n_active--;
}

/* One minibatch for every active net: forward, backward, regulariser, SGD step. */
static void
train_step (Training *t, guint start, float lr, float mu)
{
  Block *b = &t->b;
  guint n = MIN (b->batch, t->dataset->n_train - start);
  Batch mb = orders_gather (&t->orders, b, t->dataset, start, n);

  block_forward (b, &mb, n, TRUE);
  block_loss (b, &mb, n, TRUE);
  block_backward (b, &mb, n);
  for (guint k = 0; k < b->K; k++)
    {
      double sq, loss = b->loss[k] / n;

      if (!t->o.active[k])
        continue;
      if (t->config->reg.lambda > 0)
        block_add_regularizer (b, &t->config->reg, k);
      if (!isfinite (loss))
        {
          diverge (t, k);
          continue;
        }
      if (isnan (t->reference[k]))
        t->reference[k] = loss;
      sq = block_step (b, k, lr, mu);
      if (!isfinite (sq))
        {
          diverge (t, k);
          continue;
        }
      t->loss_sum[k] += loss * n;
      t->norm_sum[k] += sqrt (sq);
    }
}

/* After an epoch: divergence checks, evaluation, per-net statistics. */
static void
end_epoch (Training *t, guint epoch, guint n_batches, LvNetEpochFunc epoch_func,
           gpointer user_data)
{
  Block *b = &t->b;
  const LvDataset *ds = t->dataset;

  for (guint k = 0; k < b->K; k++)
    if (t->o.active[k])
      {
        block_get (b, b->params, k, b->std_params);
        if (!lv_train_all_finite (b->std_params, b->np))
          diverge (t, k);
      }
  if (ds->n_test > 0 && t->n_active > 0)
    block_evaluate (b, ds, t->test_loss, t->test_acc);
  for (guint k = 0; k < b->K; k++)
    {
      LvEpochStats stats;

      if (!t->o.active[k])
        continue;
      stats.train_loss = t->loss_sum[k] / ds->n_train;
      stats.grad_norm = t->norm_sum[k] / n_batches;
      stats.test_loss = ds->n_test > 0 ? t->test_loss[k] : NAN;
      stats.test_accuracy = ds->n_test > 0 ? t->test_acc[k] : NAN;
      /* A loss that grew far past its start (or is not finite) is a diverged run, never a
       * "finished" one with a test loss of 1e21 (lv_train_loss_diverged). */
      if (lv_train_loss_diverged (stats.train_loss, t->reference[k]) ||
          (ds->n_test > 0 && lv_train_loss_diverged (stats.test_loss, t->reference[k])))
        {
          diverge (t, k);
          continue;
        }
      if (epoch_func != NULL)
        epoch_func (k, epoch, &stats, user_data);
    }
}

/* Initial parameters: net k from a generator seeded with seeds[k] (in per-net mode, the
 * generator that then draws its orders). */
static void
init_nets (Training *t, const guint64 *seeds, LvRunState *states)
{
  Block *b = &t->b;

  for (guint k = 0; k < b->K; k++)
    {
      LvRng local, *rng = t->orders.per_net ? &t->orders.rngs[k] : &local;

      if (!t->orders.per_net)
        lv_rng_init (&local, seeds[k]);
      lv_mlp_init_params (&b->shape, t->config->init, rng, b->std_params);
      block_put (b, b->params, k, b->std_params);
      t->o.active[k] = TRUE;
      states[k] = LV_RUN_RUNNING;
    }
}

static void
train_block (const LvMlpShape *shape, const LvTrainConfig *config, const LvDataset *dataset,
             guint n_nets, const guint64 *seeds, gboolean per_net, guint64 order_seed,
             float *const *params, LvRunState *states, LvNetEpochFunc epoch_func,
             LvNetEndFunc end_func, gpointer user_data, GCancellable *cancellable)
{
  g_autofree gboolean *active = g_new (gboolean, n_nets);
  g_autofree double *sums = g_new0 (double, 5 * (gsize) n_nets);
  Training t = { .o = { n_nets, states, params, active, end_func, user_data },
                 .config = config, .dataset = dataset, .n_active = n_nets,
                 .loss_sum = sums, .norm_sum = sums + n_nets, .test_loss = sums + 2 * n_nets,
                 .test_acc = sums + 3 * n_nets, .reference = sums + 4 * n_nets };

  for (guint k = 0; k < n_nets; k++)
    t.reference[k] = NAN;

  block_init (&t.b, shape, config, dataset, n_nets, per_net);
  orders_init (&t.orders, n_nets, per_net, seeds, order_seed, dataset->n_train);
  init_nets (&t, seeds, states);
  for (guint epoch = 0; epoch < config->epochs && t.n_active > 0; epoch++)
    {
      float lr = (float) (config->lr / (1.0 + config->lr_decay * epoch));
      guint n_batches = 0;

      memset (sums, 0, 2 * (gsize) n_nets * sizeof (double));
      orders_shuffle (&t.orders);
      for (guint start = 0; start < dataset->n_train && t.n_active > 0; start += t.b.batch)
        {
          if (lv_pausable_checkpoint (cancellable))
            {
              for (guint k = 0; k < n_nets; k++)
                if (active[k])
                  end_net (&t.b, &t.o, k, LV_RUN_CANCELLED);
              goto out;
            }
          train_step (&t, start, lr, (float) config->momentum);
          n_batches++;
        }
      end_epoch (&t, epoch, n_batches, epoch_func, user_data);
    }
  for (guint k = 0; k < n_nets; k++)
    if (active[k])
      end_net (&t.b, &t.o, k, LV_RUN_FINISHED);
out:
  orders_clear (&t.orders);
  block_free (&t.b);
}

/**
 * lv_train_run_fused:
 * @shape: the shape of every network.
 * @config: optimiser and regulariser.
 * @dataset: training data.
 * @n_nets: networks in the block, 1..%LV_TRAIN_MAX_FUSED (see lv_train_fused_block_limit()).
 * @seeds: (array length=n_nets): net k is initialised from @seeds[k], as lv_train_run_ordered().
 * @order_seed: the shared minibatch order, as in lv_train_run_ordered().
 * @params: (array length=n_nets): net k's final parameters are written to @params[k]
 *   (lv_mlp_n_params floats each).
 * @states: (out) (array length=n_nets): each net's final state.
 * @epoch_func: (nullable): per net and epoch.
 * @end_func: (nullable): once per net, when its state is final (a diverged net ends early).
 * @user_data: for the callbacks.
 * @cancellable: (nullable): checked before every minibatch; an #LvPausable also pauses there.
 *
 * Trains @n_nets networks on one minibatch sequence at once (see the comment at the top of
 * lv-train-fused.c). Net k's result equals lv_train_run_ordered (shape, config, dataset,
 * seeds[k], order_seed, …) within float rounding.
 */
void
lv_train_run_fused (const LvMlpShape *shape, const LvTrainConfig *config,
                    const LvDataset *dataset, guint n_nets, const guint64 *seeds,
                    guint64 order_seed, float *const *params, LvRunState *states,
                    LvNetEpochFunc epoch_func, LvNetEndFunc end_func, gpointer user_data,
                    GCancellable *cancellable)
{
  g_return_if_fail (n_nets >= 1 && n_nets <= LV_TRAIN_MAX_FUSED && dataset->n_train > 0);

  train_block (shape, config, dataset, n_nets, seeds, FALSE, order_seed, params, states,
               epoch_func, end_func, user_data, cancellable);
}

/**
 * lv_train_run_fused_independent:
 * @shape: the shape of every network.
 * @config: optimiser and regulariser.
 * @dataset: training data.
 * @n_nets: networks in the block, 1..%LV_TRAIN_MAX_FUSED.
 * @seeds: (array length=n_nets): net k's seed, for its initialisation and its minibatch order.
 * @params, @states, @epoch_func, @end_func, @user_data, @cancellable: as lv_train_run_fused().
 *
 * Trains @n_nets networks with independent minibatch orders in one block: every net draws its
 * initialisation and then its orders from one generator seeded with @seeds[k], so net k's
 * result equals lv_train_run (shape, config, dataset, seeds[k], …) within float rounding.
 * Each step gathers every net's minibatch once; the first layer's products are one small
 * GEMM per net (batched in bf16), the deeper layers as in the shared-order block.
 */
void
lv_train_run_fused_independent (const LvMlpShape *shape, const LvTrainConfig *config,
                                const LvDataset *dataset, guint n_nets, const guint64 *seeds,
                                float *const *params, LvRunState *states,
                                LvNetEpochFunc epoch_func, LvNetEndFunc end_func,
                                gpointer user_data, GCancellable *cancellable)
{
  g_return_if_fail (n_nets >= 1 && n_nets <= LV_TRAIN_MAX_FUSED && dataset->n_train > 0);

  train_block (shape, config, dataset, n_nets, seeds, TRUE, 0, params, states, epoch_func,
               end_func, user_data, cancellable);
}
