/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include "lv-spinglass-sym.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-rng.h>

/*
 * Fixed-disorder descent on the symmetric storage: one group of up to `cap` lanes advances
 * together, every step one batched gradient whose GEMMs are split across the worker pool.
 *
 * Lanes. A lane whose run has finished takes the next run (gradient descent), or, when none is
 * left, the last active lane moves into its slot, so the active lanes are always [0, R) and the
 * GEMMs are exactly R wide. Runs are loaded in run order and every item of the parallel work
 * is fixed, so results do not depend on the number of threads.
 *
 * Precision. Every REFRESH-th step evaluates all lanes exactly (double) and makes the current
 * points their references; the steps in between use the float delta form (lv-spinglass-sym.c),
 * whose rounding scales with the change since the reference rather than with ∇H. A freshly
 * loaded lane has zero references (plain float gradient) until the next refresh. A lane whose
 * float |g| falls below the tolerance (or that reaches the step cap) is re-evaluated alone in
 * double before it stops, so every reported number and every stopping decision is double.
 *
 * SGD. The stochastic phase moves its lanes in lock-step (they share each step's coupling
 * part), so it goes in batches of `cap` runs, each run's point (and step count) kept when its
 * batch ends; then every run is polished by the same descent with refill, as gradient descent
 * runs are, so the lanes narrow once at the end instead of at the end of every batch (each
 * batch's polishing tail ran a few slow starts for thousands of narrow steps). A run's
 * stochastic phase depends only on its start, whichever batch it is in.
 */

#define REFRESH 48
#define LANES_MAX 128
/* Cap on the per-lane buffers (float u references and the GEMM workspaces). */
#define LANE_BYTES_MAX (G_GUINT64_CONSTANT (1) << 30)

typedef struct
{
  const LvSpinGlassConfig *config;
  const LvSpinGlass *sg;
  const LvSgSym *sym;
  LvWorkerPool *pool;
  LvSgSymWork *work;
  guint n, cap, R;              /* spins, lane capacity (leading dimension), active lanes */
  gsize cols;
  guint next, end;              /* next run to load, end of the current batch */
  double *s, *sref, *vref, *wref, *g;   /* n × cap */
  float *uref;                  /* cols × cap, or cap × cols (lane-major) when uref_lanes */
  gboolean uref_lanes;          /* the bf16 path keeps the u references lane-major */
  guint *run, *steps;
  gboolean *done;
  double *pending;              /* SGD: runs × n points after the stochastic phase, or NULL */
  guint *pending_steps;
  gboolean polishing;           /* SGD: lanes load their run from pending */
  double *col;                  /* one lane's point, contiguous (index) */
  LvSpinGlassStats stats;
  LvSpinGlassRun *out;
  LvSpinGlassRunFunc on_run;
  gpointer user_data;
} Lanes;

guint
lv_sg_lanes_capacity (guint p, guint n, guint runs)
{
  gsize cols = lv_sg_sym_cols_for (p, n);
  guint64 per_lane = (guint64) cols * 28 + (guint64) n * 48;

  return MAX (1, MIN (MIN (runs, LANES_MAX), LANE_BYTES_MAX / per_lane));
}

static double
elapsed (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1e6;
}

static double
process_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Gradient of all active lanes into L->g: exact (also refreshing the references) or delta. */
static void
evaluate (Lanes *L, gboolean exact, int part)
{
  gsize nl = (gsize) L->n * L->cap;
  double flops = 4.0 * lv_sg_sym_used (L->sym) * L->R;
  gint64 t0 = g_get_monotonic_time ();
  double cpu0 = process_cpu_seconds ();

  if (exact)
    {
      lv_sg_sym_exact (L->sym, L->work, L->pool, L->s, L->R, L->vref, L->wref, L->uref);
      for (gsize i = 0; i < nl; i += L->cap)
        for (guint r = 0; r < L->R; r++)
          {
            L->sref[i + r] = L->s[i + r];
            L->g[i + r] = L->vref[i + r] + L->wref[i + r];
          }
    }
  else
    {
      gboolean refs = part < 0;
      lv_sg_sym_delta (L->sym, L->work, L->pool, part, L->s, refs ? L->sref : NULL,
                       refs ? L->uref : NULL, L->R, L->g);
      if (refs)
        for (gsize i = 0; i < nl; i += L->cap)
          for (guint r = 0; r < L->R; r++)
            L->g[i + r] += L->vref[i + r] + L->wref[i + r];
      L->stats.float_flops += flops;
      L->stats.float_seconds += elapsed (t0) * lv_worker_pool_get_n_threads (L->pool);
      L->stats.float_cpu_seconds += process_cpu_seconds () - cpu0;
    }
  L->stats.contraction_flops += flops;
  L->stats.contraction_seconds += elapsed (t0) * lv_worker_pool_get_n_threads (L->pool);
}

/* Exact gradient of lane b alone (refreshing its references). */
static void
evaluate_lane (Lanes *L, guint b)
{
  gint64 t0 = g_get_monotonic_time ();

  lv_sg_sym_exact (L->sym, L->work, L->pool, L->s + b, 1, L->vref + b, L->wref + b,
                   L->uref + (L->uref_lanes ? b * L->cols : b));
  for (guint i = 0; i < L->n; i++)
    {
      gsize k = (gsize) i * L->cap + b;
      L->sref[k] = L->s[k];
      L->g[k] = L->vref[k] + L->wref[k];
    }
  L->stats.contraction_flops += 4.0 * lv_sg_sym_used (L->sym);
  L->stats.contraction_seconds += elapsed (t0) * lv_worker_pool_get_n_threads (L->pool);
}

/* Projects g of lane b onto the tangent space in place; returns |g|, sets *energy = H. */
static double
tangent (Lanes *L, guint b, double *energy)
{
  double dot = 0.0, norm2 = 0.0;

  for (guint i = 0; i < L->n; i++)
    dot += L->s[(gsize) i * L->cap + b] * L->g[(gsize) i * L->cap + b];
  for (guint i = 0; i < L->n; i++)
    {
      gsize k = (gsize) i * L->cap + b;
      L->g[k] -= dot / L->n * L->s[k];
      norm2 += L->g[k] * L->g[k];
    }
  *energy = dot / L->sg->p;
  return sqrt (norm2);
}

static void
step_lane (Lanes *L, guint b, double eta)
{
  double norm2 = 0.0, scale;

  for (guint i = 0; i < L->n; i++)
    {
      gsize k = (gsize) i * L->cap + b;
      L->s[k] -= eta * L->g[k];
      norm2 += L->s[k] * L->s[k];
    }
  scale = sqrt (L->n / norm2);
  for (guint i = 0; i < L->n; i++)
    L->s[(gsize) i * L->cap + b] *= scale;
  L->steps[b]++;
}

/* Puts run L->next into lane b with zero references: its random start, or its point after the
 * stochastic phase (SGD). */
static void
load_lane (Lanes *L, guint b, guint64 family)
{
  L->run[b] = L->next++;
  if (L->polishing)
    memcpy (L->col, L->pending + (gsize) L->run[b] * L->n, sizeof (double) * L->n);
  else
    lv_spin_glass_random_point (L->n, lv_seed_mix (family, 1, L->run[b]), L->col);
  for (guint i = 0; i < L->n; i++)
    {
      gsize k = (gsize) i * L->cap + b;
      L->s[k] = L->col[i];
      L->sref[k] = L->vref[k] = L->wref[k] = 0.0;
    }
  if (L->uref_lanes)
    memset (L->uref + b * L->cols, 0, sizeof (float) * L->cols);
  else
    for (gsize c = 0; c < L->cols; c++)
      L->uref[c * L->cap + b] = 0.0f;
  L->steps[b] = L->polishing ? L->pending_steps[L->run[b]] : 0;
  L->done[b] = FALSE;
}

static void
move_lane (Lanes *L, guint from, guint to)
{
  for (guint i = 0; i < L->n; i++)
    {
      gsize a = (gsize) i * L->cap + from, z = (gsize) i * L->cap + to;
      L->s[z] = L->s[a];
      L->sref[z] = L->sref[a];
      L->vref[z] = L->vref[a];
      L->wref[z] = L->wref[a];
    }
  if (L->uref_lanes)
    memcpy (L->uref + to * L->cols, L->uref + from * L->cols, sizeof (float) * L->cols);
  else
    for (gsize c = 0; c < L->cols; c++)
      L->uref[c * L->cap + to] = L->uref[c * L->cap + from];
  L->run[to] = L->run[from];
  L->steps[to] = L->steps[from];
  L->done[to] = L->done[from];
}

/* Refills or closes the gaps left by finished lanes, keeping the active lanes at [0, R). */
static void
compact (Lanes *L, guint64 family)
{
  guint b = 0;

  while (b < L->R)
    {
      if (!L->done[b])
        b++;
      else if (L->next < L->end)
        load_lane (L, b, family);
      else
        {
          L->R--;
          if (b < L->R)
            move_lane (L, L->R, b);
        }
    }
}

static gboolean
finish_lane (Lanes *L, guint b, double h, double gnorm, GError **error)
{
  const LvSpinGlassConfig *config = L->config;
  LvSpinGlassRun *out = &L->out[L->run[b]];

  out->energy = h / L->n;
  out->grad_norm = gnorm;
  out->steps = L->steps[b];
  out->converged = gnorm < config->tol;
  out->index = -1;
  out->min_eigenvalue = NAN;
  if (!isfinite (out->energy))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "run %u diverged (non-finite energy)",
                   L->run[b]);
      return FALSE;
    }
  if (config->compute_index)
    {
      for (guint i = 0; i < L->n; i++)
        L->col[i] = L->s[(gsize) i * L->cap + b];
      out->index = lv_spin_glass_index (L->sg, L->col, &out->min_eigenvalue, error);
      if (out->index < 0)
        return FALSE;
    }
  if (L->on_run != NULL)
    L->on_run (L->run[b], out, L->user_data);
  L->done[b] = TRUE;
  return TRUE;
}

/* One descent step of every active lane; finished lanes are reported and marked done. */
static gboolean
descent_step (Lanes *L, gboolean exact, GError **error)
{
  const LvSpinGlassConfig *config = L->config;

  evaluate (L, exact, -1);
  for (guint b = 0; b < L->R; b++)
    {
      double h, gnorm = tangent (L, b, &h);
      gboolean stop = !(gnorm >= config->tol) || L->steps[b] >= config->max_steps;

      if (stop && !exact)
        {
          /* Float says stop: decide in double (this also refreshes the lane). */
          evaluate_lane (L, b);
          gnorm = tangent (L, b, &h);
          stop = !(gnorm >= config->tol) || L->steps[b] >= config->max_steps;
        }
      if (stop)
        {
          if (!finish_lane (L, b, h, gnorm, error))
            return FALSE;
        }
      else
        step_lane (L, b, config->eta);
    }
  return TRUE;
}

/* SGD's stochastic phase for runs [L->next, L->end): one coupling part per step, cyclically,
 * all lanes in lock-step; each run's point and step count are kept in L->pending. */
static gboolean
stochastic_batch (Lanes *L, GCancellable *cancellable, GError **error)
{
  const LvSpinGlassConfig *config = L->config;
  guint parts = config->n_parts;

  L->R = L->end - L->next;
  for (guint b = 0; b < L->R; b++)
    load_lane (L, b, lv_seed_mix (config->seed, config->p, config->lambda));
  for (guint t = 1; t <= parts * config->sgd_steps_per_part && t <= config->max_steps; t++)
    {
      double gamma = config->sgd_gamma0 / (1.0 + config->sgd_decay * t);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      evaluate (L, FALSE, (int) (t % parts));
      for (guint b = 0; b < L->R; b++)
        {
          double h;
          tangent (L, b, &h);
          step_lane (L, b, gamma);
        }
    }
  for (guint b = 0; b < L->R; b++)
    {
      for (guint i = 0; i < L->n; i++)
        L->pending[(gsize) L->run[b] * L->n + i] = L->s[(gsize) i * L->cap + b];
      L->pending_steps[L->run[b]] = L->steps[b];
    }
  L->R = 0;
  return TRUE;
}

/* Gradient descent of runs [L->next, L->end) in lanes with refill, until every run stopped. */
static gboolean
descend (Lanes *L, GCancellable *cancellable, GError **error)
{
  const LvSpinGlassConfig *config = L->config;
  guint64 family = lv_seed_mix (config->seed, config->p, config->lambda);
  gboolean mixed = lv_sg_sym_has_float (L->sym);

  L->R = MIN (L->cap, L->end - L->next);
  for (guint b = 0; b < L->R; b++)
    load_lane (L, b, family);
  for (guint it = 0; L->R > 0; it++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!descent_step (L, !mixed || it % REFRESH == 0, error))
        return FALSE;
      compact (L, family);
    }
  return TRUE;
}

static gboolean
run_all (Lanes *L, GCancellable *cancellable, GError **error)
{
  const LvSpinGlassConfig *config = L->config;

  if (config->method == LV_SPIN_GLASS_SGD)
    {
      L->pending = g_new (double, (gsize) config->runs * L->n);
      L->pending_steps = g_new (guint, config->runs);
      for (L->next = 0; L->next < config->runs;)
        {
          L->end = MIN (config->runs, L->next + L->cap);
          if (!stochastic_batch (L, cancellable, error))
            return FALSE;
        }
      L->polishing = TRUE;
    }
  L->next = 0;
  L->end = config->runs;
  return descend (L, cancellable, error);
}

gboolean
lv_sg_lanes_simulate (const LvSpinGlassConfig *config, const LvSpinGlass *sg,
                      LvWorkerPool *pool, LvSpinGlassRun *out, LvSpinGlassRunFunc on_run,
                      gpointer user_data, GCancellable *cancellable, LvSpinGlassStats *stats,
                      GError **error)
{
  Lanes L = { 0 };
  gsize nl;
  gboolean ok = TRUE;

  L.config = config;
  L.sg = sg;
  L.sym = sg->sym;
  L.pool = pool;
  L.n = sg->n;
  L.cols = lv_sg_sym_n_cols (sg->sym);
  L.uref_lanes = lv_sg_sym_has_bf16 (sg->sym);
  L.cap = lv_sg_lanes_capacity (sg->p, sg->n, config->runs);
  L.out = out;
  L.on_run = on_run;
  L.user_data = user_data;
  nl = (gsize) L.n * L.cap;
  L.work = lv_sg_sym_work_new (L.sym, L.cap, error);
  if (L.work == NULL)
    return FALSE;
  L.s = g_new (double, nl);
  L.sref = g_new (double, nl);
  L.vref = g_new (double, nl);
  L.wref = g_new (double, nl);
  L.g = g_new (double, nl);
  L.uref = g_new (float, L.cols * L.cap);
  L.run = g_new (guint, L.cap);
  L.steps = g_new (guint, L.cap);
  L.done = g_new (gboolean, L.cap);
  L.col = g_new (double, L.n);
  ok = run_all (&L, cancellable, error);
  *stats = L.stats;
  lv_sg_sym_work_free (L.work);
  g_free (L.s);
  g_free (L.sref);
  g_free (L.vref);
  g_free (L.wref);
  g_free (L.g);
  g_free (L.uref);
  g_free (L.run);
  g_free (L.steps);
  g_free (L.done);
  g_free (L.col);
  g_free (L.pending);
  g_free (L.pending_steps);
  return ok;
}
