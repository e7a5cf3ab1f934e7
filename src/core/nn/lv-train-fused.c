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
 * Each network keeps the arithmetic of lv_train_run_ordered(): same initialisation (its own
 * seed), same minibatches, same loss, regulariser, momentum and divergence rules. Only float
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

static gsize
per_net_floats (const LvMlpShape *shape, guint batch, gboolean momentum)
{
  gsize acts = 0, maxw = 0;

  for (guint l = 1; l <= shape->n_layers; l++)
    acts += shape->widths[l];
  for (guint l = 0; l <= shape->n_layers; l++)
    maxw = MAX (maxw, shape->widths[l]);
  return lv_mlp_n_params (shape) * (momentum ? 3 : 2) + (acts + 2 * maxw) * batch;
}

/**
 * lv_train_fused_block_limit:
 * @shape: the networks.
 * @batch: the minibatch size.
 * @wanted: the block size asked for (0: the default, 16).
 *
 * The number of networks one fused block of this shape holds: @wanted, shrunk so that the
 * block's buffers stay under 512 MiB, at least 1, at most %LV_TRAIN_MAX_FUSED. A function of
 * its arguments only, so the grouping of runs into blocks never depends on thread count.
 *
 * Returns: the block size.
 */
guint
lv_train_fused_block_limit (const LvMlpShape *shape, guint batch, guint wanted)
{
  gsize per_net = per_net_floats (shape, batch, TRUE) * sizeof (float);
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
            const LvDataset *dataset, guint K)
{
  gsize off = 0, maxw = 0;

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
  b->xb = falloc ((gsize) b->batch * b->d);
  b->tb = b->use_targets ? falloc ((gsize) b->batch * b->c) : NULL;
  b->yb = g_new0 (guint32, b->batch);
  b->scratch = falloc (2 * (gsize) b->batch);
  b->std_params = g_new (float, b->np);
  b->std_grad = g_new (float, b->np);
  b->loss = g_new0 (double, K);
  b->correct = g_new0 (guint, K);
  /* The ensemble validated the precision: the backend is there. */
  if (config->precision == LV_PRECISION_BF16)
    b->bf16 = lv_fused_bf16_new (shape, K, b->batch, b->size, NULL);
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

/* z = W_l · input for all K nets in fp32; input is x (n × d, sample-major) for l = 0. */
static void
forward_product_f32 (Block *b, guint l, const float *input, guint n, float *z)
{
  guint in = b->shape.widths[l], out = b->shape.widths[l + 1];
  const float *w = b->params + b->w_off[l];

  if (l == 0)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) (b->K * out), (int) n, (int) in,
                 1, w, (int) in, input, (int) in, 0, z, (int) n);
  else
    for (guint k = 0; k < b->K; k++)
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) out, (int) n, (int) in, 1,
                   w + (gsize) k * out * in, (int) in, input + (gsize) k * in * n, (int) n, 0,
                   z + (gsize) k * out * n, (int) n);
}

/* acts[l+1] = act(W_l · acts[l] + b_l) for all K nets; input x is n × d, sample-major.
 * With `bf16` (and a bf16 block) the products take bf16 operands. */
static void
block_forward (Block *b, const float *x, guint n, gboolean bf16)
{
  const LvMlpShape *s = &b->shape;

  bf16 = bf16 && b->bf16 != NULL;
  /* The SGD step keeps the rounded weights current; only a fresh or reset block rounds. */
  if (bf16 && b->w16_stale)
    {
      lv_fused_bf16_load_weights (b->bf16, b->params);
      b->w16_stale = FALSE;
    }
  if (bf16)
    lv_fused_bf16_load_input (b->bf16, 0, x, n);
  for (guint l = 0; l < b->L; l++)
    {
      guint out = s->widths[l + 1];
      gboolean hidden = l + 1 < b->L;
      float *z = b->acts[l + 1];

      if (bf16)
        lv_fused_bf16_forward (b->bf16, l, b->w_off, n, z);
      else
        forward_product_f32 (b, l, l == 0 ? x : b->acts[l], n, z);
      /* A hidden layer's output is the next product's operand: rounded as it is made. */
      lv_fused_bf16_bias_activate (z, s->bias ? b->params + b->b_off[l] : NULL, b->K * out, n,
                                   hidden ? s->activation : LV_ACTIVATION_LINEAR,
                                   bf16 && hidden ? lv_fused_bf16_input (b->bf16, l + 1) : NULL);
    }
}

/* Loss (into b->loss, b->correct) and, when `with_delta`, dLoss/dlogits into b->delta. */
static void
block_loss (Block *b, const guint32 *labels, const float *targets, guint n, gboolean with_delta)
{
  for (guint k = 0; k < b->K; k++)
    {
      const float *z = b->acts[b->L] + (gsize) k * b->c * n;
      float *dz = with_delta ? b->delta + (gsize) k * b->c * n : NULL;

      b->loss[k] = lv_fused_loss (b->shape.loss, z, b->c, n, labels, targets, dz, b->scratch,
                                  &b->correct[k]);
    }
}

/* Layer l's weight gradient (into b->grad) and, for l > 0, the delta of its input (into
 * b->delta_prev), in fp32. */
static void
backward_products_f32 (Block *b, guint l, const float *x, guint n)
{
  guint in = b->shape.widths[l], out = b->shape.widths[l + 1];
  const float *w = b->params + b->w_off[l];
  float *gw = b->grad + b->w_off[l];

  if (l == 0)
    {
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) (b->K * out), (int) in,
                   (int) n, 1, b->delta, (int) n, x, (int) in, 0, gw, (int) in);
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
 * block_forward (b, x, n, TRUE). */
static void
block_backward (Block *b, const float *x, guint n)
{
  const LvMlpShape *s = &b->shape;

  for (guint l = b->L; l-- > 0;)
    {
      guint in = s->widths[l], out = s->widths[l + 1];

      if (b->bf16 != NULL)
        backward_products_bf16 (b, l, n);
      else
        backward_products_f32 (b, l, x, n);
      if (s->bias)
        lv_fused_row_sums (b->delta, b->K * out, n, b->grad + b->b_off[l]);
      if (l > 0)
        {
          float *tmp;

          lv_fused_bf16_activation_backward (b->delta_prev, b->acts[l], (gsize) b->K * in * n,
                                             s->activation,
                                             b->bf16 ? lv_fused_bf16_delta (b->bf16) : NULL);
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
          sq += lv_fused_bf16_sgd (b->params + segs[i][0], b->grad + segs[i][0],
                                   b->velocity ? b->velocity + segs[i][0] : NULL, segs[i][1],
                                   lr, mu,
                                   b->bf16 ? lv_fused_bf16_weights (b->bf16) + segs[i][0] : NULL);
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

      block_forward (b, ds->x_test + (gsize) start * b->d, n, FALSE);
      block_loss (b, ds->y_test + start,
                  b->use_targets ? ds->t_test + (gsize) start * b->c : NULL, n, FALSE);
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
  Block b;
  LvRng order_rng;
  g_autofree guint32 *order = NULL;
  g_autofree gboolean *active = g_new (gboolean, n_nets);
  g_autofree double *loss_sum = g_new (double, n_nets);
  g_autofree double *norm_sum = g_new (double, n_nets);
  g_autofree double *test_loss = g_new (double, n_nets);
  g_autofree double *test_acc = g_new (double, n_nets);
  g_autofree double *reference = g_new (double, n_nets); /* first minibatch losses */
  Outcome o = { n_nets, states, params, active, end_func, user_data };
  guint n_active = n_nets;

  g_return_if_fail (n_nets >= 1 && n_nets <= LV_TRAIN_MAX_FUSED && dataset->n_train > 0);

  block_init (&b, shape, config, dataset, n_nets);
  for (guint k = 0; k < n_nets; k++)
    {
      LvRng rng;
      lv_rng_init (&rng, seeds[k]);
      lv_mlp_init_params (shape, config->init, &rng, b.std_params);
      block_put (&b, b.params, k, b.std_params);
      active[k] = TRUE;
      states[k] = LV_RUN_RUNNING;
      reference[k] = NAN;
    }
  order = g_new (guint32, dataset->n_train);
  for (guint i = 0; i < dataset->n_train; i++)
    order[i] = i;
  lv_rng_init (&order_rng, order_seed);

  for (guint epoch = 0; epoch < config->epochs && n_active > 0; epoch++)
    {
      float lr = (float) (config->lr / (1.0 + config->lr_decay * epoch));
      float mu = (float) config->momentum;
      guint n_batches = 0;

      for (guint k = 0; k < n_nets; k++)
        loss_sum[k] = norm_sum[k] = 0;
      lv_rng_shuffle (&order_rng, order, dataset->n_train);
      for (guint start = 0; start < dataset->n_train && n_active > 0; start += b.batch)
        {
          guint n = MIN (b.batch, dataset->n_train - start);

          if (lv_pausable_checkpoint (cancellable))
            {
              for (guint k = 0; k < n_nets; k++)
                if (active[k])
                  end_net (&b, &o, k, LV_RUN_CANCELLED);
              goto out;
            }
          lv_train_gather_batch (dataset, order, start, n, b.c, b.xb, b.yb,
                                 b.use_targets ? b.tb : NULL);
          block_forward (&b, b.xb, n, TRUE);
          block_loss (&b, b.yb, b.use_targets ? b.tb : NULL, n, TRUE);
          block_backward (&b, b.xb, n);
          for (guint k = 0; k < n_nets; k++)
            {
              double sq, loss = b.loss[k] / n;

              if (!active[k])
                continue;
              if (config->reg.lambda > 0)
                block_add_regularizer (&b, &config->reg, k);
              if (!isfinite (loss))
                {
                  end_net (&b, &o, k, LV_RUN_DIVERGED);
                  n_active--;
                  continue;
                }
              if (isnan (reference[k]))
                reference[k] = loss;
              sq = block_step (&b, k, lr, mu);
              if (!isfinite (sq))
                {
                  end_net (&b, &o, k, LV_RUN_DIVERGED);
                  n_active--;
                  continue;
                }
              loss_sum[k] += loss * n;
              norm_sum[k] += sqrt (sq);
            }
          n_batches++;
        }

      for (guint k = 0; k < n_nets; k++)
        if (active[k])
          {
            block_get (&b, b.params, k, b.std_params);
            if (!lv_train_all_finite (b.std_params, b.np))
              {
                end_net (&b, &o, k, LV_RUN_DIVERGED);
                n_active--;
              }
          }
      if (dataset->n_test > 0 && n_active > 0)
        block_evaluate (&b, dataset, test_loss, test_acc);
      for (guint k = 0; k < n_nets; k++)
        {
          LvEpochStats stats;

          if (!active[k])
            continue;
          stats.train_loss = loss_sum[k] / dataset->n_train;
          stats.grad_norm = norm_sum[k] / n_batches;
          stats.test_loss = dataset->n_test > 0 ? test_loss[k] : NAN;
          stats.test_accuracy = dataset->n_test > 0 ? test_acc[k] : NAN;
          if (lv_train_loss_diverged (stats.train_loss, reference[k]) ||
              (dataset->n_test > 0 && lv_train_loss_diverged (stats.test_loss, reference[k])))
            {
              end_net (&b, &o, k, LV_RUN_DIVERGED);
              n_active--;
              continue;
            }
          if (epoch_func != NULL)
            epoch_func (k, epoch, &stats, user_data);
        }
    }
  for (guint k = 0; k < n_nets; k++)
    if (active[k])
      end_net (&b, &o, k, LV_RUN_FINISHED);
out:
  block_free (&b);
}
