/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include "lv-spinglass-sym.h"
#include "lv-gemm-bf16.h"
#include "lv-task-group-private.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-memory-budget.h>
#include <lossviz/lv-rng.h>
#include <lossviz/lv-worker-pool.h>

/*
 * Descent on the sphere from many random starts (docs/THEORY.md §1.1, §2.1).
 *
 * Fixed disorder runs on the symmetric storage with one lane group whose GEMMs are split
 * across the pool (lv-spinglass-lanes.c); what follows is the per-run-disorder path, where
 * every task draws its own couplings.
 *
 * Batching. Starts of one disorder draw are grouped in tasks of consecutive run indices; a
 * task advances up to CHUNK starts ("lanes") together, so every step is one GEMM (unfolding ×
 * monomials of all active starts). With gradient descent a lane whose run has converged is
 * refilled at once with the task's next run, so the GEMMs stay wide instead of thinning to a
 * few slow starts (the step counts have a long tail: at Λ = 100 the median run takes ~430
 * steps, the slowest of 1000 ~6000). The SGD phase moves all lanes in lock-step (they share
 * the coupling part of each step), so SGD tasks are exactly CHUNK runs and are not refilled.
 * Task sizes depend only on the number of runs, lanes are refilled in run order, and each
 * run's start depends only on (seed, p, Λ, run): results do not depend on --threads.
 *
 * Precision. With LV_SPIN_GLASS_MIXED the bulk of the descent uses the float unfolding (sgemm
 * is ~2.3× dgemm on this hardware) until |g| < FLOAT_SWITCH √Λ, far above float's noise floor;
 * the rest of the descent and every reported number use double. The state vectors are double
 * throughout; only the gradient is evaluated in float during the first phase.
 */

#define CHUNK 50
/* Gradient descent: runs are split into GD_TASKS tasks (of at least CHUNK runs), each with up
 * to GD_LANES lanes while their monomial workspace stays under GD_WORK_BYTES. Wider GEMMs are
 * faster (p = 3, Λ = 100, 1000 runs, one thread: 50 lanes 18 s, 100–128 lanes 13–14 s of CPU);
 * four tasks keep two cores evenly busy and refill each lane about twice. */
#define GD_TASKS 4
#define GD_LANES 128
#define GD_WORK_BYTES (64u << 20)
/* |g| / √Λ below which a start leaves the float phase. */
#define FLOAT_SWITCH 2e-5

/**
 * lv_spin_glass_default_eta:
 * @p: order.
 *
 * The step that puts η λ_max ≈ 1.96 at the threshold for every p, as η = 0.2 does for p = 3:
 * there the tangent Hessian spectrum is [0, 4 √(p(p−1))], so η = 0.2 √(6 / (p (p − 1))).
 *
 * Returns: the default projected-descent step for order @p.
 */
double
lv_spin_glass_default_eta (guint p)
{
  return 0.2 * sqrt (6.0 / (p * (p - 1.0)));
}

/**
 * lv_spin_glass_config_init:
 * @config: (out): configuration to fill.
 * @p: order.
 * @lambda: number of spins.
 *
 * Defaults: 100 runs of projected GD, fixed disorder, seed 1, η from
 * lv_spin_glass_default_eta(), tolerance 1e-5 on |g|, 20000 steps, P = 4 SGD parts with the
 * reference code's schedule (γ_t = 0.3/(1 + 0.0015 t), 500 P steps), index for Λ ≤ 300,
 * mixed precision.
 */
void
lv_spin_glass_config_init (LvSpinGlassConfig *config, guint p, guint lambda)
{
  memset (config, 0, sizeof *config);
  config->p = p;
  config->lambda = lambda;
  config->runs = 100;
  config->method = LV_SPIN_GLASS_GD;
  config->disorder = LV_SPIN_GLASS_DISORDER_FIXED;
  config->seed = 1;
  config->n_threads = 0;
  config->eta = p >= 2 ? lv_spin_glass_default_eta (p) : 0.2;
  config->tol = 1e-5;
  config->max_steps = 20000;
  config->n_parts = 4;
  config->sgd_gamma0 = 0.3;
  config->sgd_decay = 0.0015;
  config->sgd_steps_per_part = 500;
  config->compute_index = lambda <= LV_SPIN_GLASS_INDEX_MAX_N;
  config->precision = LV_SPIN_GLASS_MIXED;
}

/**
 * lv_spin_glass_config_check:
 * @config: a configuration.
 * @error: return location for a #GError (%LV_ERROR_INVALID_INPUT).
 *
 * Returns: %TRUE when every field is in range and the couplings fit the memory limit.
 */
gboolean
lv_spin_glass_config_check (const LvSpinGlassConfig *config, GError **error)
{
  guint parts = config->method == LV_SPIN_GLASS_SGD ? config->n_parts : 0;
  guint64 bytes;

#define BAD(...) G_STMT_START { \
    g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, __VA_ARGS__); return FALSE; \
  } G_STMT_END
  if (config->p < LV_SPIN_GLASS_P_MIN || config->p > LV_SPIN_GLASS_P_MAX)
    BAD ("p = %u is outside 2..5", config->p);
  if (config->lambda < LV_SPIN_GLASS_N_MIN || config->lambda > LV_SPIN_GLASS_N_MAX)
    BAD ("lambda = %u is outside %u..%u", config->lambda, LV_SPIN_GLASS_N_MIN,
         LV_SPIN_GLASS_N_MAX);
  if (config->runs < 1 || config->runs > 1000000)
    BAD ("runs = %u is outside 1..1000000", config->runs);
  if (!(config->eta > 0.0 && config->eta <= 10.0))
    BAD ("eta = %g is outside (0, 10]", config->eta);
  /* The CLI's --tol range, closed (issue 16: no value passes one and fails the other). */
  if (!(config->tol > 0.0 && config->tol <= 1e6))
    BAD ("tolerance %g is outside (0, 1e6]", config->tol);
  if (config->max_steps < 1)
    BAD ("max-steps must be at least 1");
  if (config->method == LV_SPIN_GLASS_SGD && (config->n_parts < 1 || config->n_parts > 64))
    BAD ("parts = %u is outside 1..64", config->n_parts);
  if (config->method == LV_SPIN_GLASS_SGD &&
      (!(config->sgd_gamma0 > 0.0 && config->sgd_gamma0 <= 10.0) ||
       !(config->sgd_decay >= 0.0 && config->sgd_decay < 1e3)))
    BAD ("SGD step schedule out of range");
  /* bf16 needs the oneDNN backend (its message says when this build has none). */
  if (config->precision == LV_SPIN_GLASS_BF16 && !lv_bf16_available (error))
    return FALSE;
  if (config->compute_index && config->lambda > LV_SPIN_GLASS_INDEX_MAX_N)
    BAD ("the Hessian index is computed only for lambda <= %u", LV_SPIN_GLASS_INDEX_MAX_N);
  bytes = config->disorder == LV_SPIN_GLASS_DISORDER_PER_RUN
            ? lv_spin_glass_storage_bytes (config->p, config->lambda, parts, config->precision)
            : lv_sg_sym_bytes (config->p, config->lambda, parts, config->precision) +
              (config->compute_index ? lv_spin_glass_storage_bytes (config->p, config->lambda,
                                                                    0, LV_SPIN_GLASS_DOUBLE)
                                     : 0);
  if (bytes > LV_SPIN_GLASS_MAX_BYTES)
    BAD ("p = %u, lambda = %u needs %.2f GiB of couplings (limit %.0f GiB)", config->p,
         config->lambda, bytes / 1073741824.0, LV_SPIN_GLASS_MAX_BYTES / 1073741824.0);
#undef BAD
  /* Against this process's memory too: with per-run disorder every worker holds a draw. */
  {
    guint threads = config->n_threads > 0 ? config->n_threads : MAX (1, g_get_num_processors ());
    guint draws = config->disorder == LV_SPIN_GLASS_DISORDER_PER_RUN ? MIN (threads, config->runs)
                                                                      : 1;
    g_autofree char *what = g_strdup_printf ("p = %u, lambda = %u (%u coupling draw%s)",
                                             config->p, config->lambda, draws,
                                             draws > 1 ? "s" : "");
    return lv_memory_check (what, (double) bytes * draws, error);
  }
}

/* Seeds: one family per (seed, p, Λ); tag 1 = start points, tag 2 = couplings. */
static guint64
family_seed (const LvSpinGlassConfig *config)
{
  return lv_seed_mix (config->seed, config->p, config->lambda);
}

static guint64
coupling_seed (const LvSpinGlassConfig *config, guint run)
{
  return lv_seed_mix (family_seed (config), 2,
                      config->disorder == LV_SPIN_GLASS_DISORDER_FIXED ? 0 : (guint64) run + 1);
}

typedef struct
{
  const LvSpinGlassConfig *config;
  const LvSpinGlass *fixed;     /* shared draw, or NULL for per-run disorder */
  LvSpinGlassRun *runs;
  LvSpinGlassRunFunc on_run;
  gpointer user_data;
  GCancellable *cancellable;
  GMutex lock;
  GError *error;                /* first failure */
  LvSpinGlassStats stats;
} Shared;

typedef struct
{
  Shared *shared;
  guint first;
  guint count;      /* runs of the task */
} ChunkTask;

typedef enum { PHASE_SGD, PHASE_FLOAT, PHASE_DOUBLE, PHASE_DONE } Phase;

typedef struct
{
  const LvSpinGlass *sg;
  const LvSpinGlassConfig *config;
  guint n, count;   /* count = lanes */
  guint next, end;  /* the task's next run to load and its end */
  double *s;        /* count × n: lane b at s + b n (double state) */
  Phase *phase;     /* PHASE_DONE also marks an empty lane */
  guint *steps;
  guint *run;       /* run index of each lane */
  guint *ids;       /* packed column → start */
  double *pd, *gd, *wd;
  float *pf, *gf, *wf;
  double flops, float_flops;
  gint64 usec;
} Chunk;

static void
renormalise (double *s, guint n)
{
  double norm2 = 0.0, scale;

  for (guint i = 0; i < n; i++)
    norm2 += s[i] * s[i];
  scale = sqrt (n / norm2);
  for (guint i = 0; i < n; i++)
    s[i] *= scale;
}

/* Gathers the starts in @phase into the packed matrix, contracts (part −1 = full couplings,
 * double or float), and returns the number of packed columns. */
static guint
contract_phase (Chunk *c, Phase phase, gboolean use_float, int part)
{
  guint n = c->n, m = 0;
  gint64 t0;

  for (guint b = 0; b < c->count; b++)
    if (c->phase[b] == phase)
      c->ids[m++] = b;
  if (m == 0)
    return 0;
  for (guint k = 0; k < m; k++)
    for (guint i = 0; i < n; i++)
      {
        double v = c->s[(gsize) c->ids[k] * n + i];
        if (use_float)
          c->pf[(gsize) i * m + k] = (float) v;
        else
          c->pd[(gsize) i * m + k] = v;
      }
  t0 = g_get_monotonic_time ();
  if (use_float)
    lv_sg_contract_float_ws (c->sg, part, c->pf, m, c->gf, c->wf);
  else
    lv_sg_contract_ws (c->sg, c->pd, m, c->gd, c->wd);
  c->usec += g_get_monotonic_time () - t0;
  c->flops += 2.0 * n * (double) c->sg->n_cols * m;
  if (use_float)
    c->float_flops += 2.0 * n * (double) c->sg->n_cols * m;
  return m;
}

/* Riemannian gradient of packed column k into g (double); returns |g|, sets *energy = H. */
static double
column_gradient (Chunk *c, guint m, guint k, gboolean use_float, double *g, double *energy)
{
  guint n = c->n;
  const double *s = c->s + (gsize) c->ids[k] * n;
  double dot = 0.0, norm2 = 0.0, radial;

  for (guint i = 0; i < n; i++)
    {
      g[i] = use_float ? (double) c->gf[(gsize) i * m + k] : c->gd[(gsize) i * m + k];
      dot += s[i] * g[i];
    }
  radial = dot / n;
  for (guint i = 0; i < n; i++)
    {
      g[i] -= radial * s[i];
      norm2 += g[i] * g[i];
    }
  *energy = dot / c->sg->p;
  return sqrt (norm2);
}

static void
step_column (Chunk *c, guint b, const double *g, double eta)
{
  double *s = c->s + (gsize) b * c->n;

  for (guint i = 0; i < c->n; i++)
    s[i] -= eta * g[i];
  renormalise (s, c->n);
  c->steps[b]++;
}

static gboolean
finish_run (Shared *shared, Chunk *c, guint b, guint run, double energy, double gnorm,
            GError **error)
{
  const LvSpinGlassConfig *config = shared->config;
  LvSpinGlassRun *out = &shared->runs[run];

  out->energy = energy / c->n;
  out->grad_norm = gnorm;
  out->steps = c->steps[b];
  out->converged = gnorm < config->tol;
  out->index = -1;
  out->min_eigenvalue = NAN;
  if (config->compute_index)
    {
      out->index = lv_spin_glass_index (c->sg, c->s + (gsize) b * c->n, &out->min_eigenvalue,
                                        error);
      if (out->index < 0)
        return FALSE;
    }
  if (!isfinite (out->energy))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "run %u diverged (non-finite energy)", run);
      return FALSE;
    }
  if (shared->on_run != NULL)
    shared->on_run (run, out, shared->user_data);
  return TRUE;
}

/* Puts the task's next run into lane @b (a fresh random start), or empties the lane. */
static void
load_lane (Chunk *c, guint b, Phase initial)
{
  if (c->next >= c->end)
    {
      c->phase[b] = PHASE_DONE;
      return;
    }
  c->run[b] = c->next++;
  lv_spin_glass_random_point (c->n, lv_seed_mix (family_seed (c->config), 1, c->run[b]),
                              c->s + (gsize) b * c->n);
  c->steps[b] = 0;
  c->phase[b] = initial;
}

static gboolean
run_chunk (Shared *shared, Chunk *c, GError **error)
{
  const LvSpinGlassConfig *config = shared->config;
  guint n = c->n, parts = config->method == LV_SPIN_GLASS_SGD ? config->n_parts : 0;
  gboolean mixed = c->sg->af != NULL;
  Phase after_sgd = mixed ? PHASE_FLOAT : PHASE_DOUBLE;
  guint sgd_steps = parts * config->sgd_steps_per_part, remaining = c->end - c->next;
  g_autofree double *g = g_new (double, n);
  double switch_tol = MAX (config->tol, FLOAT_SWITCH * sqrt (n));

  for (guint b = 0; b < c->count; b++)
    load_lane (c, b, parts > 0 ? PHASE_SGD : after_sgd);

  /* Stochastic phase (all starts in lock-step): one coupling part per step, cyclically. */
  for (guint t = 1; t <= sgd_steps && t <= config->max_steps; t++)
    {
      double gamma = config->sgd_gamma0 / (1.0 + config->sgd_decay * t);
      guint m;

      if (g_cancellable_set_error_if_cancelled (shared->cancellable, error))
        return FALSE;
      m = contract_phase (c, PHASE_SGD, TRUE, (int) (t % parts));
      for (guint k = 0; k < m; k++)
        {
          double h;
          column_gradient (c, m, k, TRUE, g, &h);
          step_column (c, c->ids[k], g, gamma);
        }
    }
  for (guint b = 0; b < c->count; b++)
    if (c->phase[b] == PHASE_SGD)
      c->phase[b] = after_sgd;

  /* Full-gradient descent until |g| < tol or the step cap; a finished lane takes the next
   * run (gradient descent only: SGD tasks have no runs left to load). */
  while (remaining > 0)
    {
      guint m;

      if (g_cancellable_set_error_if_cancelled (shared->cancellable, error))
        return FALSE;
      m = contract_phase (c, PHASE_FLOAT, TRUE, -1);
      for (guint k = 0; k < m; k++)
        {
          guint b = c->ids[k];
          double h, gnorm = column_gradient (c, m, k, TRUE, g, &h);

          /* Leave the float phase near the minimum or at the cap (the final numbers are
           * always evaluated in double). */
          if (gnorm < switch_tol || c->steps[b] >= config->max_steps || !isfinite (gnorm))
            c->phase[b] = PHASE_DOUBLE;
          else
            step_column (c, b, g, config->eta);
        }
      m = contract_phase (c, PHASE_DOUBLE, FALSE, -1);
      for (guint k = 0; k < m; k++)
        {
          guint b = c->ids[k];
          double h, gnorm = column_gradient (c, m, k, FALSE, g, &h);

          if (gnorm < config->tol || c->steps[b] >= config->max_steps || !isfinite (gnorm))
            {
              remaining--;
              if (!finish_run (shared, c, b, c->run[b], h, gnorm, error))
                return FALSE;
              load_lane (c, b, after_sgd);
            }
          else
            step_column (c, b, g, config->eta);
        }
    }
  return TRUE;
}

static void
chunk_task (gpointer data)
{
  ChunkTask *task = data;
  Shared *shared = task->shared;
  const LvSpinGlassConfig *config = shared->config;
  g_autoptr(LvSpinGlass) own = NULL;
  g_autoptr(GError) error = NULL;
  Chunk c = { 0 };
  guint n = config->lambda, count = task->count;
  gsize cols;

  /* A cancelled simulation skips the queued chunks before drawing their couplings (per-run
   * disorder draws one per chunk: ~0.1 s each at Λ = 200), so cancelling returns promptly. */
  g_mutex_lock (&shared->lock);
  if (shared->error != NULL || g_cancellable_set_error_if_cancelled (shared->cancellable,
                                                                     &shared->error))
    {
      g_mutex_unlock (&shared->lock);
      g_free (task);
      return;
    }
  g_mutex_unlock (&shared->lock);

  c.sg = shared->fixed;
  if (c.sg == NULL)
    {
      own = lv_spin_glass_new (config->p, n, coupling_seed (config, task->first),
                               config->method == LV_SPIN_GLASS_SGD ? config->n_parts : 0,
                               config->precision, &error);
      c.sg = own;
    }
  if (c.sg != NULL)
    {
      cols = c.sg->n_cols;
      /* SGD and per-run tasks use one lane per run; GD tasks refill up to the lane limit. */
      if (config->method == LV_SPIN_GLASS_GD)
        count = MIN (count, CLAMP (GD_WORK_BYTES / ((cols + config->p) * 12), CHUNK, GD_LANES));
      c.config = config;
      c.n = n;
      c.count = count;
      c.next = task->first;
      c.end = task->first + task->count;
      c.run = g_new (guint, count);
      c.s = g_new (double, (gsize) count * n);
      c.phase = g_new (Phase, count);
      c.steps = g_new0 (guint, count);
      c.ids = g_new (guint, count);
      c.pd = g_new (double, (gsize) count * n);
      c.gd = g_new (double, (gsize) count * n);
      c.wd = g_new (double, (cols + config->p) * count);
      c.pf = g_new (float, (gsize) count * n);
      c.gf = g_new (float, (gsize) count * n);
      c.wf = g_new (float, (cols + config->p) * count);
      run_chunk (shared, &c, &error);
      g_free (c.s);
      g_free (c.phase);
      g_free (c.steps);
      g_free (c.run);
      g_free (c.ids);
      g_free (c.pd);
      g_free (c.gd);
      g_free (c.wd);
      g_free (c.pf);
      g_free (c.gf);
      g_free (c.wf);
    }

  g_mutex_lock (&shared->lock);
  shared->stats.contraction_flops += c.flops;
  shared->stats.float_flops += c.float_flops;
  shared->stats.contraction_seconds += c.usec / 1e6;
  if (error != NULL && shared->error == NULL)
    shared->error = g_steal_pointer (&error);
  g_mutex_unlock (&shared->lock);
  g_free (task);
}

/**
 * lv_spin_glass_task_runs:
 * @config: a configuration.
 *
 * Runs per task: one per draw with per-run disorder, CHUNK for SGD (lock-step), and for GD
 * about runs / GD_TASKS, so that refilled lanes keep the GEMMs wide.
 *
 * Returns: the number of consecutive runs each task of the simulation descends.
 */
guint
lv_spin_glass_task_runs (const LvSpinGlassConfig *config)
{
  if (config->disorder == LV_SPIN_GLASS_DISORDER_PER_RUN)
    return 1;
  if (config->method == LV_SPIN_GLASS_SGD)
    return CHUNK;
  return MAX (CHUNK, (config->runs + GD_TASKS - 1) / GD_TASKS);
}

/**
 * lv_spin_glass_simulate:
 * @config: a checked configuration.
 * @runs: (out caller-allocates) (array): @config->runs results, indexed by run.
 * @stats: (out) (optional): contraction flops and timings.
 * @on_run: (nullable): called from a worker thread as each run finishes.
 * @user_data: data for @on_run.
 * @cancellable: (nullable): cancels between steps.
 * @error: return location for a #GError.
 *
 * Runs @config->runs descents from uniform random starts on the sphere of radius √Λ, on a
 * worker pool of @config->n_threads threads. With fixed disorder all runs share one coupling
 * draw and advance in GEMM batches; with per-run disorder each run draws its own couplings.
 *
 * Returns: %TRUE on success (unconverged runs are reported, not errors).
 */
gboolean
lv_spin_glass_simulate (const LvSpinGlassConfig *config, LvSpinGlassRun *runs,
                        LvSpinGlassStats *stats, LvSpinGlassRunFunc on_run, gpointer user_data,
                        GCancellable *cancellable, GError **error)
{
  return lv_spin_glass_simulate_part (config, 0, 1, runs, stats, on_run, user_data, cancellable,
                                      error);
}

/**
 * lv_spin_glass_simulate_part:
 * @config: a checked configuration.
 * @part: which part, 0 … @n_parts − 1.
 * @n_parts: the number of parts (MPI ranks).
 * @runs: (out caller-allocates) (array): @config->runs entries; only this part's are written.
 * @stats: (out) (optional): this part's flops and timings.
 * @on_run: (nullable): called from a worker thread as each run finishes.
 * @user_data: data for @on_run.
 * @cancellable: (nullable): cancels between steps.
 * @error: return location for a #GError.
 *
 * lv_spin_glass_simulate() restricted to the tasks t ≡ @part (mod @n_parts). Every part draws
 * the (fixed) couplings itself from the counter-based generator, so nothing but results need
 * to travel between processes, and each run equals the whole simulation's bit for bit.
 *
 * Returns: %TRUE on success.
 */
gboolean
lv_spin_glass_simulate_part (const LvSpinGlassConfig *config, guint part, guint n_parts,
                             LvSpinGlassRun *runs, LvSpinGlassStats *stats,
                             LvSpinGlassRunFunc on_run, gpointer user_data,
                             GCancellable *cancellable, GError **error)
{
  return lv_sg_simulate_part_on_pool (config, NULL, part, n_parts, runs, stats, on_run,
                                      user_data, cancellable, error);
}

/* Runs the tasks of @shared's configuration that fall to @part (task t ≡ @part mod @n_parts,
 * @chunk runs each) on @pool and waits for them. */
static void
run_part_tasks (Shared *shared, LvWorkerPool *pool, guint part, guint n_parts, guint chunk)
{
  const LvSpinGlassConfig *config = shared->config;
  LvTaskGroup group;
  guint t = 0;

  lv_task_group_init (&group, pool);
  for (guint first = 0; first < config->runs; first += chunk, t++)
    {
      ChunkTask *task;

      if (t % n_parts != part)
        continue;
      task = g_new (ChunkTask, 1);
      task->shared = shared;
      task->first = first;
      task->count = MIN (chunk, config->runs - first);
      lv_task_group_push (&group, chunk_task, task);
    }
  lv_task_group_join (&group);
}

/* lv_spin_glass_simulate_part() on @pool (the caller's, shared with other work), or on a pool of
 * @config->n_threads threads of its own when @pool is NULL. Results do not depend on the pool. */
gboolean
lv_sg_simulate_part_on_pool (const LvSpinGlassConfig *config, LvWorkerPool *pool, guint part,
                             guint n_parts, LvSpinGlassRun *runs, LvSpinGlassStats *stats,
                             LvSpinGlassRunFunc on_run, gpointer user_data,
                             GCancellable *cancellable, GError **error)
{
  g_autoptr(LvSpinGlass) fixed = NULL;
  g_autoptr(LvWorkerPool) own = NULL;
  Shared shared = { 0 };
  gint64 start = g_get_monotonic_time ();
  gboolean per_run = config->disorder == LV_SPIN_GLASS_DISORDER_PER_RUN;
  guint chunk = lv_spin_glass_task_runs (config);

  g_return_val_if_fail (n_parts >= 1 && part < n_parts, FALSE);
  if (!lv_spin_glass_config_check (config, error))
    return FALSE;
  lv_core_init ();
  /* A part with no task (more parts than tasks) draws nothing. */
  if (!per_run && (gsize) part * chunk < config->runs)
    {
      /* Fixed disorder: the symmetric storage and the lane engine (lv-spinglass-lanes.c); the
       * unfolding only when the Hessian index is wanted. */
      double setup;
      gboolean ok;

      fixed = lv_sg_new_layouts (config->p, config->lambda, coupling_seed (config, 0),
                                 config->method == LV_SPIN_GLASS_SGD ? config->n_parts : 0,
                                 config->precision, config->compute_index, TRUE, error);
      if (fixed == NULL)
        return FALSE;
      setup = (g_get_monotonic_time () - start) / 1e6;
      if (pool == NULL)
        pool = own = lv_worker_pool_new (config->n_threads);
      ok = lv_sg_lanes_simulate (config, fixed, pool, runs, on_run, user_data, cancellable,
                                 &shared.stats, error);
      shared.stats.setup_seconds = setup;
      shared.stats.wall_seconds = (g_get_monotonic_time () - start) / 1e6;
      if (stats != NULL)
        *stats = shared.stats;
      return ok;
    }
  shared.stats.setup_seconds = (g_get_monotonic_time () - start) / 1e6;
  shared.config = config;
  shared.fixed = fixed;
  shared.runs = runs;
  shared.on_run = on_run;
  shared.user_data = user_data;
  shared.cancellable = cancellable;
  if (pool == NULL && (pool = own = lv_worker_pool_try_new (config->n_threads, error)) == NULL)
    return FALSE;
  g_mutex_init (&shared.lock);
  run_part_tasks (&shared, pool, part, n_parts, chunk);
  g_mutex_clear (&shared.lock);
  shared.stats.wall_seconds = (g_get_monotonic_time () - start) / 1e6;
  if (stats != NULL)
    *stats = shared.stats;
  if (shared.error != NULL)
    {
      g_propagate_error (error, shared.error);
      return FALSE;
    }
  return TRUE;
}
