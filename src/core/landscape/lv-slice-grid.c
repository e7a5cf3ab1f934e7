/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-slice.h>

#include <math.h>
#include <string.h>

#include <cblas.h>

#include <lossviz/lv-error.h>

#include "lv-activation.h"
#include "lv-task-group-private.h"

/*
 * Evaluating the loss on a plane θ(α, β) = θ₀ + α d₁ + β d₂.
 *
 * The linearity trick: the first layer's pre-activations are affine in (α, β),
 *   Z₁(α, β) = X W₀ᵀ + α X D₁ᵀ + β X D₂ᵀ + b(α, β),
 * so the three products are computed once per data chunk (and cached for the whole slice);
 * each grid point then costs two axpys plus the rest of the network, which is evaluated by
 * lv_mlp_loss_grad() on the "tail" network (layers 1..L−1) whose parameters are a contiguous
 * suffix of the flat vector. The first layer usually dominates (inputs ≫ hidden), so this saves
 * most of the work. The naive evaluator runs lv_mlp_loss_grad() on θ(α, β) per point.
 *
 * Bit-exact centre: the chunks are LV_SLICE_CHUNK samples, P₀ comes from the same sgemm call
 * the forward pass makes, α = β = 0 adds exact zeros, and losses are summed as m · mean per
 * chunk like lv_mlp_evaluate(); so at (0, 0) both evaluators reproduce lv_mlp_evaluate().
 *
 * Parallelism and determinism: points are split into tasks on the worker pool; a point's value
 * is always summed over the same chunks in the same order by one task, so results do not depend
 * on the number of threads.
 */

/* Above this many bytes of cached products, tasks recompute them per chunk instead. */
#define CACHE_LIMIT_BYTES ((gsize) 512 << 20)
/* Bound on the per-task copies of θ(α, β). */
#define TASK_PARAMS_BYTES ((gsize) 64 << 20)

typedef struct
{
  const float *x;
  const guint32 *y;
  const float *t;
  guint n;
  float *cache; /* 3 × m × hidden floats per chunk, chunk-major; NULL when not cached */
} Split;

typedef struct
{
  const LvMlpShape *shape;
  LvMlpShape tail;
  gsize n_params, tail_offset;
  guint inputs, hidden;
  const float *center, *d1, *d2;
  gboolean naive;
  Split splits[2];
  guint n_splits;
} Plan;

typedef struct
{
  const Plan *plan;
  const double *alphas, *betas;
  LvSliceValues *values;
  GCancellable *cancellable;
  gint cancelled;
} Batch;

typedef struct
{
  Batch *batch;
  gsize first, count;
} Task;

const char *
lv_slice_directions_to_string (LvSliceDirections d)
{
  static const char *const names[] = { "filter", "pca", "interpolate" };

  return d < G_N_ELEMENTS (names) ? names[d] : "?";
}

gboolean
lv_slice_directions_from_string (const char *s, LvSliceDirections *out)
{
  for (LvSliceDirections d = LV_SLICE_DIRECTIONS_FILTER; d <= LV_SLICE_DIRECTIONS_INTERPOLATE; d++)
    if (s != NULL && g_ascii_strcasecmp (s, lv_slice_directions_to_string (d)) == 0)
      {
        *out = d;
        return TRUE;
      }
  return FALSE;
}

/**
 * lv_slice_config_init:
 * @config: (out): the configuration to fill.
 *
 * Defaults: a 21 × 21 grid over [−1, 1]², linearity trick, test split included.
 */
void
lv_slice_config_init (LvSliceConfig *config)
{
  memset (config, 0, sizeof *config);
  config->grid = 21;
  config->span = 1.0;
  config->naive = FALSE;
  config->test = TRUE;
}

static gboolean
all_finite (const float *v, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (v[i]))
      return FALSE;
  return TRUE;
}

/* The three first-layer products of one chunk: [X W₀ᵀ | X D₁ᵀ | X D₂ᵀ], each m × hidden. */
static void
chunk_products (const Plan *plan, const float *x, guint m, float *out)
{
  const float *mats[3] = { plan->center, plan->d1, plan->d2 };
  gsize block = (gsize) m * plan->hidden;

  for (guint k = 0; k < 3; k++)
    {
      if (mats[k] == NULL)
        {
          memset (out + k * block, 0, block * sizeof (float));
          continue;
        }
      /* Same call as the forward pass's first layer, so P₀ is bit-identical to it. */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) m, (int) plan->hidden,
                   (int) plan->inputs, 1, x, (int) plan->inputs, mats[k], (int) plan->inputs, 0,
                   out + k * block, (int) plan->hidden);
    }
}

static void
plan_clear (Plan *plan)
{
  for (guint s = 0; s < plan->n_splits; s++)
    g_clear_pointer (&plan->splits[s].cache, g_free);
}

/* The network, the slice's vectors and the data must fit together and be finite. */
static gboolean
check_plan_inputs (const LvMlpShape *shape, const float *center, const float *d1,
                   const float *d2, const LvDataset *ds, gboolean use_targets, GError **error)
{
  guint L = shape->n_layers, outputs = shape->widths[L];
  gsize np;

  if (L < 2 || center == NULL || d1 == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "a slice needs a network with a hidden layer, a centre and a direction");
      return FALSE;
    }
  if (ds->n_inputs != shape->widths[0] || ds->n_train == 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "the dataset (%u inputs, %u training samples) does not fit the network "
                   "(%u inputs)", ds->n_inputs, ds->n_train, shape->widths[0]);
      return FALSE;
    }
  if (!use_targets && ds->n_classes > outputs)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "the dataset has %u classes but the network only %u outputs", ds->n_classes,
                   outputs);
      return FALSE;
    }
  if (use_targets && outputs != 1)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "MSE on real targets needs one output (the network has %u)", outputs);
      return FALSE;
    }
  np = lv_mlp_n_params (shape);
  if (!all_finite (center, np) || !all_finite (d1, np) || (d2 != NULL && !all_finite (d2, np)))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "the slice's centre or directions contain NaN or Inf");
      return FALSE;
    }
  return TRUE;
}

/* Caches every chunk's first-layer products of each split that fits CACHE_LIMIT_BYTES (and
 * whose allocation succeeds); the others are recomputed per chunk by the tasks. */
static void
plan_cache_products (Plan *plan)
{
  for (guint s = 0; s < plan->n_splits; s++)
    {
      Split *split = &plan->splits[s];
      gsize bytes = (gsize) split->n * plan->hidden * 3 * sizeof (float);

      if (bytes > CACHE_LIMIT_BYTES)
        continue;
      split->cache = g_try_malloc (bytes);
      if (split->cache == NULL)
        continue;
      for (guint start = 0; start < split->n; start += LV_SLICE_CHUNK)
        {
          guint m = MIN (LV_SLICE_CHUNK, split->n - start);
          chunk_products (plan, split->x + (gsize) start * plan->inputs, m,
                          split->cache + (gsize) start * plan->hidden * 3);
        }
    }
}

static gboolean
plan_init (Plan *plan, const LvMlpShape *shape, const float *center, const float *d1,
           const float *d2, const LvDataset *ds, gboolean naive, gboolean test, GError **error)
{
  guint L = shape->n_layers;
  gboolean use_targets = shape->loss == LV_LOSS_MSE && ds->t_train != NULL;

  memset (plan, 0, sizeof *plan);
  if (!check_plan_inputs (shape, center, d1, d2, ds, use_targets, error))
    return FALSE;
  plan->shape = shape;
  plan->n_params = lv_mlp_n_params (shape);
  plan->center = center;
  plan->d1 = d1;
  plan->d2 = d2;
  plan->naive = naive;
  plan->inputs = shape->widths[0];
  plan->hidden = shape->widths[1];
  plan->tail_offset = lv_mlp_weight_offset (shape, 1);
  /* Layers 1..L−1 as a network of their own; its flat layout is the suffix of θ's. */
  plan->tail = *shape;
  plan->tail.n_layers = L - 1;
  for (guint l = 0; l + 1 <= L; l++)
    plan->tail.widths[l] = shape->widths[l + 1];
  plan->tail.widths[L] = 0;

  plan->splits[plan->n_splits++] = (Split) { ds->x_train, ds->y_train,
                                             use_targets ? ds->t_train : NULL, ds->n_train, NULL };
  if (test && ds->n_test > 0)
    plan->splits[plan->n_splits++] = (Split) { ds->x_test, ds->y_test,
                                               use_targets ? ds->t_test : NULL, ds->n_test, NULL };
  if (!naive)
    plan_cache_products (plan);
  return TRUE;
}

/*
 * Mean loss of one chunk at (α, β) from the chunk's products: axpys, activation, tail network.
 * The loops are split by activation so the compiler vectorises them (a branch per element in
 * ReLU mispredicts half the time and would cost more than the arithmetic); each element still
 * sees exactly the operations, in the order, of the scalar formula.
 */
static double
tail_loss (const Plan *plan, const float *theta, const float *prod, guint m, float alpha,
           float beta, const guint32 *y, const float *t, guint *correct, float *h,
           LvMlpWorkspace *ws)
{
  /* A local width: the build has -fno-strict-aliasing, so plan->hidden would be reloaded after
   * every store to h, which also keeps these loops from vectorising. */
  guint hidden = plan->hidden;
  gsize block = (gsize) m * hidden;
  const float *p0 = prod, *p1 = prod + block, *p2 = prod + 2 * block;
  const float *bias = plan->shape->bias ? theta + lv_mlp_bias_offset (plan->shape, 0) : NULL;

  for (guint i = 0; i < m; i++)
    {
      gsize row = (gsize) i * hidden;
      float *hr = h + row;
      for (guint j = 0; j < hidden; j++)
        {
          float z = p0[row + j] + alpha * p1[row + j];
          hr[j] = z + beta * p2[row + j];
        }
      if (bias != NULL)
        for (guint j = 0; j < hidden; j++)
          hr[j] += bias[j];
    }
  switch (plan->shape->activation)
    {
    case LV_ACTIVATION_RELU:
      /* z > 0 ? z : +0 as a bit mask: same values (NaN and −0 give +0), no branch. */
      for (gsize k = 0; k < block; k++)
        {
          float v = h[k];
          guint32 bits;
          memcpy (&bits, &v, sizeof bits);
          bits &= -(guint32) (v > 0);
          memcpy (&v, &bits, sizeof bits);
          h[k] = v;
        }
      break;
    case LV_ACTIVATION_TANH:
    case LV_ACTIVATION_LOGISTIC:
      for (gsize k = 0; k < block; k++)
        h[k] = lv_activation_apply_f (plan->shape->activation, h[k]);
      break;
    case LV_ACTIVATION_LINEAR:
    default:
      break;
    }
  return lv_mlp_loss_grad (&plan->tail, theta + plan->tail_offset, h, y, t, m, NULL, correct, ws);
}

/* One task's buffers, allocated once per task (never per chunk or point). */
typedef struct
{
  float *thetas;     /* count × n_params: θ(α, β) of each point */
  double *totals;    /* per point: summed loss over the split so far */
  guint *correct;    /* per point: correct predictions so far */
  LvMlpWorkspace *ws;
  float *h;          /* chunk × hidden: first-layer activations (linearity trick) */
  float *prod_buf;   /* a chunk's products when the split has no cache; made on first use */
} TaskScratch;

static void
task_scratch_init (TaskScratch *sc, const Task *task)
{
  const Plan *plan = task->batch->plan;

  sc->thetas = g_new (float, task->count * plan->n_params);
  sc->totals = g_new (double, task->count);
  sc->correct = g_new (guint, task->count);
  sc->h = NULL;
  sc->prod_buf = NULL;
  if (plan->naive)
    sc->ws = lv_mlp_workspace_new (plan->shape, LV_SLICE_CHUNK);
  else
    {
      sc->ws = lv_mlp_workspace_new (&plan->tail, LV_SLICE_CHUNK);
      sc->h = g_new (float, (gsize) LV_SLICE_CHUNK * plan->hidden);
    }
}

static void
task_scratch_clear (TaskScratch *sc)
{
  g_free (sc->thetas);
  g_free (sc->totals);
  g_free (sc->correct);
  lv_mlp_workspace_free (sc->ws);
  g_free (sc->h);
  g_free (sc->prod_buf);
}

/* θ(α, β) = θ₀ + α d₁ (+ β d₂) of each of the task's points. */
static inline void
task_thetas (const Task *task, float *thetas)
{
  const Batch *batch = task->batch;
  const Plan *plan = batch->plan;
  gsize np = plan->n_params;

  for (gsize p = 0; p < task->count; p++)
    {
      float a = (float) batch->alphas[task->first + p];
      float b = batch->betas != NULL ? (float) batch->betas[task->first + p] : 0.0f;
      float *theta = thetas + p * np;
      for (gsize i = 0; i < np; i++)
        {
          float v = plan->center[i] + a * plan->d1[i];
          theta[i] = plan->d2 != NULL ? v + b * plan->d2[i] : v;
        }
    }
}

/* The chunk's first-layer products: cached, or computed into the scratch buffer; NULL for the
 * naive evaluator. */
static inline const float *
chunk_products_of (const Plan *plan, const Split *split, guint start, guint m, const float *x,
                   TaskScratch *sc)
{
  if (plan->naive)
    return NULL;
  if (split->cache != NULL)
    return split->cache + (gsize) start * plan->hidden * 3;
  if (sc->prod_buf == NULL)
    sc->prod_buf = g_new (float, (gsize) LV_SLICE_CHUNK * plan->hidden * 3);
  chunk_products (plan, x, m, sc->prod_buf);
  return sc->prod_buf;
}

/* Adds the loss and correct count of one chunk of m samples at every point of the task. */
static inline void
task_chunk (const Task *task, TaskScratch *sc, const float *x, const guint32 *y, const float *t,
            const float *prod, guint m)
{
  const Batch *batch = task->batch;
  const Plan *plan = batch->plan;

  for (gsize p = 0; p < task->count; p++)
    {
      guint c = 0;
      double loss;
      const float *theta = sc->thetas + p * plan->n_params;

      if (plan->naive)
        loss = lv_mlp_loss_grad (plan->shape, theta, x, y, t, m, NULL, &c, sc->ws);
      else
        loss = tail_loss (plan, theta, prod, m, (float) batch->alphas[task->first + p],
                          batch->betas ? (float) batch->betas[task->first + p] : 0.0f,
                          y, t, &c, sc->h, sc->ws);
      /* Same accumulation as lv_mlp_evaluate(). */
      sc->totals[p] += m * loss;
      sc->correct[p] += c;
    }
}

/* Sums the task's points over every chunk of one split, in order; stops (and marks the batch
 * cancelled) when the cancellable fires. */
static inline void
task_split (const Task *task, TaskScratch *sc, const Split *split)
{
  Batch *batch = task->batch;
  const Plan *plan = batch->plan;
  guint outputs = plan->shape->widths[plan->shape->n_layers];

  memset (sc->totals, 0, task->count * sizeof (double));
  memset (sc->correct, 0, task->count * sizeof (guint));
  for (guint start = 0; start < split->n; start += LV_SLICE_CHUNK)
    {
      guint m = MIN (LV_SLICE_CHUNK, split->n - start);
      const float *x = split->x + (gsize) start * plan->inputs;
      const float *t = split->t ? split->t + (gsize) start * outputs : NULL;

      if (g_cancellable_is_cancelled (batch->cancellable))
        {
          g_atomic_int_set (&batch->cancelled, 1);
          break;
        }
      task_chunk (task, sc, x, split->y + start, t,
                  chunk_products_of (plan, split, start, m, x, sc), m);
    }
}

/* Mean loss and accuracy of split s (0: train, 1: test) into the batch's values. */
static void
task_store (const Task *task, const TaskScratch *sc, guint s, const Split *split)
{
  for (gsize p = 0; p < task->count; p++)
    {
      LvSliceValues *v = &task->batch->values[task->first + p];
      if (s == 0)
        {
          v->train_loss = sc->totals[p] / split->n;
          v->train_accuracy = (double) sc->correct[p] / split->n;
        }
      else
        {
          v->test_loss = sc->totals[p] / split->n;
          v->test_accuracy = (double) sc->correct[p] / split->n;
        }
    }
}

/* Pinned to a 64-byte boundary: with the default 16, this function's speed moved by ±7 % (slice
 * grid, digits, measured) with the size of the code before it (loop placement across fetch
 * boundaries), so an edit elsewhere in this file could slow the hot loop. */
__attribute__ ((aligned (64))) static void
run_task (gpointer data)
{
  Task *task = data;
  Batch *batch = task->batch;
  const Plan *plan = batch->plan;
  TaskScratch sc;

  task_scratch_init (&sc, task);
  task_thetas (task, sc.thetas);
  for (guint s = 0; s < plan->n_splits && !g_atomic_int_get (&batch->cancelled); s++)
    {
      task_split (task, &sc, &plan->splits[s]);
      task_store (task, &sc, s, &plan->splits[s]);
    }
  task_scratch_clear (&sc);
  g_free (task);
}

/* Evaluates the points, in tasks on @pool (or inline without one), and waits for them all. */
static gboolean
plan_evaluate (const Plan *plan, const double *alphas, const double *betas, gsize n_points,
               LvWorkerPool *pool, LvSliceValues *values, GCancellable *cancellable,
               GError **error)
{
  Batch batch = { plan, alphas, betas, values, cancellable, 0 };
  LvTaskGroup group;
  guint threads = pool != NULL ? lv_worker_pool_get_n_threads (pool) : 1;
  gsize max_block = MAX (1, TASK_PARAMS_BYTES / (plan->n_params * sizeof (float)));
  /* About four tasks per thread balances the load; the split never changes a value. */
  gsize block = CLAMP ((n_points + 4 * threads - 1) / (4 * threads), 1, MIN (64, max_block));

  for (gsize i = 0; i < n_points; i++)
    values[i] = (LvSliceValues) { NAN, NAN, NAN, NAN };
  lv_task_group_init (&group, pool);
  for (gsize first = 0; first < n_points; first += block)
    {
      Task *task = g_new (Task, 1);
      task->batch = &batch;
      task->first = first;
      task->count = MIN (block, n_points - first);
      lv_task_group_push (&group, run_task, task);
    }
  lv_task_group_join (&group);

  if (batch.cancelled || g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_CANCELLED, "the slice was cancelled");
      return FALSE;
    }
  return TRUE;
}

/**
 * lv_slice_evaluate_points:
 * @shape: the network (at least one hidden layer).
 * @center: θ₀, lv_mlp_n_params() floats.
 * @d1: the α direction.
 * @d2: (nullable): the β direction; %NULL for a line (then @betas is ignored).
 * @dataset: the data; its train split always, its test split when @test.
 * @alphas: (array length=n_points): α of every point.
 * @betas: (array length=n_points) (nullable): β of every point.
 * @n_points: number of points.
 * @naive: full forward pass per point instead of the linearity trick.
 * @test: also evaluate the test split.
 * @pool: (nullable): workers; %NULL evaluates on the calling thread. Must not be called from a
 *   task of the same pool (it waits for its own tasks).
 * @values: (out) (array length=n_points): the results.
 * @cancellable: (nullable): checked once per data chunk.
 * @error: return location for an error (%LV_ERROR_INVALID_INPUT, %LV_ERROR_CANCELLED).
 *
 * Losses and accuracies at arbitrary points θ₀ + α d₁ + β d₂, e.g. a line through two minima.
 *
 * Returns: %TRUE on success.
 */
gboolean
lv_slice_evaluate_points (const LvMlpShape *shape, const float *center, const float *d1,
                          const float *d2, const LvDataset *dataset, const double *alphas,
                          const double *betas, gsize n_points, gboolean naive, gboolean test,
                          LvWorkerPool *pool, LvSliceValues *values, GCancellable *cancellable,
                          GError **error)
{
  Plan plan;
  gboolean ok;

  for (gsize i = 0; i < n_points; i++)
    if (!isfinite (alphas[i]) || (d2 != NULL && betas != NULL && !isfinite (betas[i])))
      {
        g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "slice coordinates must be finite");
        return FALSE;
      }
  if (!plan_init (&plan, shape, center, d1, d2, dataset, naive, test, error))
    return FALSE;
  ok = plan_evaluate (&plan, alphas, d2 != NULL ? betas : NULL, n_points, pool, values,
                      cancellable, error);
  plan_clear (&plan);
  return ok;
}

/**
 * lv_slice_grid_free:
 * @grid: (nullable): a grid.
 *
 * Frees the grid and its arrays.
 */
void
lv_slice_grid_free (LvSliceGrid *grid)
{
  if (grid == NULL)
    return;
  g_free (grid->train_loss);
  g_free (grid->train_accuracy);
  g_free (grid->test_loss);
  g_free (grid->test_accuracy);
  g_free (grid);
}

static double *
dup_values (const double *v, gsize n)
{
  return v != NULL ? g_memdup2 (v, n * sizeof (double)) : NULL;
}

/**
 * lv_slice_grid_copy:
 * @grid: a grid.
 *
 * Returns: (transfer full): a deep copy, e.g. to keep a progressive snapshot.
 */
LvSliceGrid *
lv_slice_grid_copy (const LvSliceGrid *grid)
{
  LvSliceGrid *copy = g_new (LvSliceGrid, 1);
  gsize n = (gsize) grid->grid * grid->grid;

  *copy = *grid;
  copy->train_loss = dup_values (grid->train_loss, n);
  copy->train_accuracy = dup_values (grid->train_accuracy, n);
  copy->test_loss = dup_values (grid->test_loss, n);
  copy->test_accuracy = dup_values (grid->test_accuracy, n);
  return copy;
}

/**
 * lv_slice_grid_coord:
 * @grid: a grid.
 * @index: 0..grid−1.
 *
 * Returns: the coordinate (α or β) of grid line @index.
 */
double
lv_slice_grid_coord (const LvSliceGrid *grid, guint index)
{
  if (index == grid->grid - 1)
    return grid->span; /* exact end point, not −span + 2 span rounded */
  return -grid->span + 2.0 * grid->span * index / (grid->grid - 1);
}

static double *
nan_array (gsize n)
{
  double *v = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    v[i] = NAN;
  return v;
}

/* Grid size and span of a grid request. */
static gboolean
check_grid_span (const LvSliceConfig *config, GError **error)
{
  guint G = config->grid;

  if (G < 2 || G > LV_SLICE_MAX_GRID)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "grid %u is outside 2..%u", G,
                   LV_SLICE_MAX_GRID);
      return FALSE;
    }
  if (!isfinite (config->span) || config->span <= 0 || config->span > 1e6)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "span %g is outside (0, 1e6]",
                   config->span);
      return FALSE;
    }
  return TRUE;
}

/* Grid size, span and the second direction of a grid request. */
static gboolean
check_grid_config (const LvSliceConfig *config, const float *d2, GError **error)
{
  if (!check_grid_span (config, error))
    return FALSE;
  if (d2 == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "a grid needs two directions");
      return FALSE;
    }
  return TRUE;
}

/* A G × G grid of NANs (test arrays only with a test split). */
static LvSliceGrid *
nan_grid (guint G, double span, gboolean with_test)
{
  LvSliceGrid *grid = g_new0 (LvSliceGrid, 1);
  gsize total = (gsize) G * G;

  grid->grid = G;
  grid->span = span;
  grid->train_loss = nan_array (total);
  grid->train_accuracy = nan_array (total);
  if (with_test)
    {
      grid->test_loss = nan_array (total);
      grid->test_accuracy = nan_array (total);
    }
  return grid;
}

/**
 * lv_slice_grid_new_nan:
 * @config: the grid's size and span (checked as lv_slice_grid_compute() does)
 * @with_test: whether the grid has test arrays
 * @error: return location for a #GError
 *
 * A grid of @config's size with every value NaN (not evaluated yet) at stride 1, for callers
 * that fill it themselves (the CLI's MPI ranks).
 *
 * Returns: (transfer full) (nullable): the grid, or %NULL with @error set.
 */
LvSliceGrid *
lv_slice_grid_new_nan (const LvSliceConfig *config, gboolean with_test, GError **error)
{
  LvSliceGrid *grid;

  if (!check_grid_span (config, error))
    return NULL;
  grid = nan_grid (config->grid, config->span, with_test);
  grid->stride = 1;
  return grid;
}

/* The points new at stride s (all of them at the coarsest stride): their coordinates and grid
 * indices; returns how many. */
static gsize
level_points (const LvSliceGrid *grid, guint s, guint stride, double *alphas, double *betas,
              guint *index)
{
  guint G = grid->grid;
  gsize n = 0;

  for (guint j = 0; j < G; j += s)
    for (guint i = 0; i < G; i += s)
      {
        /* Skip the points an earlier (coarser) level already computed. */
        if (s < stride && i % (2 * s) == 0 && j % (2 * s) == 0)
          continue;
        alphas[n] = lv_slice_grid_coord (grid, i);
        betas[n] = lv_slice_grid_coord (grid, j);
        index[n++] = j * G + i;
      }
  return n;
}

static void
store_level (LvSliceGrid *grid, const LvSliceValues *values, const guint *index, gsize n)
{
  for (gsize p = 0; p < n; p++)
    {
      grid->train_loss[index[p]] = values[p].train_loss;
      grid->train_accuracy[index[p]] = values[p].train_accuracy;
      if (grid->test_loss != NULL)
        {
          grid->test_loss[index[p]] = values[p].test_loss;
          grid->test_accuracy[index[p]] = values[p].test_accuracy;
        }
    }
}

/**
 * lv_slice_grid_compute:
 * @shape: the network (at least one hidden layer).
 * @center: θ₀.
 * @d1: the α direction.
 * @d2: the β direction.
 * @dataset: the data.
 * @config: grid size, span, evaluator.
 * @pool: (nullable): workers (see lv_slice_evaluate_points()).
 * @progress: (nullable): called after each refinement level.
 * @user_data: for @progress.
 * @cancellable: (nullable): stops between data chunks.
 * @error: return location for an error.
 *
 * The loss on the grid α, β ∈ [−span, span]², computed progressively: first every point whose
 * indices are multiples of a stride s (a coarse grid of at least 5 × 5 when possible), then the
 * points new at s/2, and so on down to 1, calling @progress after each level so a view can draw
 * the coarse picture at once.
 *
 * Returns: (transfer full) (nullable): the grid, or %NULL with @error set.
 */
LvSliceGrid *
lv_slice_grid_compute (const LvMlpShape *shape, const float *center, const float *d1,
                       const float *d2, const LvDataset *dataset, const LvSliceConfig *config,
                       LvWorkerPool *pool, LvSliceProgressFunc progress, gpointer user_data,
                       GCancellable *cancellable, GError **error)
{
  g_autoptr(LvSliceGrid) grid = NULL;
  guint G = config->grid, stride = 1, n_levels = 1, level = 0;
  gsize total = (gsize) G * G;
  g_autofree double *alphas = NULL, *betas = NULL;
  g_autofree guint *index = NULL;
  g_autofree LvSliceValues *values = NULL;
  Plan plan;

  if (!check_grid_config (config, d2, error))
    return NULL;
  if (!plan_init (&plan, shape, center, d1, d2, dataset, config->naive, config->test, error))
    return NULL;

  grid = nan_grid (G, config->span, plan.n_splits > 1);
  while ((G - 1) / (stride * 2) >= 4)
    {
      stride *= 2;
      n_levels++;
    }
  alphas = g_new (double, total);
  betas = g_new (double, total);
  index = g_new (guint, total);
  values = g_new (LvSliceValues, total);

  for (guint s = stride; s >= 1; s /= 2)
    {
      gsize n = level_points (grid, s, stride, alphas, betas, index);

      if (!plan_evaluate (&plan, alphas, betas, n, pool, values, cancellable, error))
        {
          plan_clear (&plan);
          return NULL;
        }
      store_level (grid, values, index, n);
      grid->stride = s;
      level++;
      if (progress != NULL)
        progress (grid, level, n_levels, user_data);
    }
  plan_clear (&plan);
  return g_steal_pointer (&grid);
}
