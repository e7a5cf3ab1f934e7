/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-probe.h>
#include <lossviz/lv-spinglass.h>
#include <lossviz/lv-worker-pool.h>

G_BEGIN_DECLS

/*
 * The spin-glass simulation probe (docs/DESIGN.md, "Probes and jobs"): several sizes Λ, each
 * descended from @base.runs random starts (lv_spin_glass_simulate()), sizes one after the other.
 * Every finished start is published as it ends, so a reader sees the histograms grow; what
 * `lossviz-cli spinglass simulate` and the app's Spin-glass view compute.
 */

#define LV_SPIN_GLASS_PROBE_MAX_SIZES 32

/* Replaces the default simulation of one size (the CLI: MPI ranks, HDF5 checkpoints). Writes
 * @config->runs results to @runs, indexed by run. */
typedef gboolean (*LvSpinGlassSizeFunc) (const LvSpinGlassConfig *config, guint size,
                                         LvSpinGlassRun *runs, LvSpinGlassStats *stats,
                                         gpointer user_data, GError **error);

/**
 * LvSpinGlassProbeInput:
 * @base: p, runs, method, disorder, seed, steps…; Λ and compute_index are set per size
 *   (the index is computed for Λ ≤ %LV_SPIN_GLASS_INDEX_MAX_N)
 * @lambdas: the sizes, simulated in this order
 * @n_sizes: how many (0 … %LV_SPIN_GLASS_PROBE_MAX_SIZES)
 * @pool: (nullable): the worker pool to descend on; %NULL: one of @base.n_threads per size
 * @simulate_size: (nullable): replaces the per-size simulation (no partial results then)
 * @simulate_data: for @simulate_size
 */
typedef struct
{
  LvSpinGlassConfig base;
  guint lambdas[LV_SPIN_GLASS_PROBE_MAX_SIZES];
  guint n_sizes;
  LvWorkerPool *pool;
  LvSpinGlassSizeFunc simulate_size;
  gpointer simulate_data;
} LvSpinGlassProbeInput;

/**
 * LvSpinGlassProbeSize:
 * @lambda: Λ
 * @runs: the results indexed by run; only those listed in @order are set
 * @order: the finished runs in completion order (@n_done of them)
 * @n_done: finished runs
 * @complete: every run finished (then @stats is set)
 * @stats: flops and timings of the size
 */
typedef struct
{
  guint lambda;
  LvSpinGlassRun *runs;
  guint *order;
  guint n_done;
  gboolean complete;
  LvSpinGlassStats stats;
} LvSpinGlassProbeSize;

/**
 * LvSpinGlassProbeResult:
 * @runs: starts per size
 * @n_sizes: sizes (0 until the probe starts)
 * @sizes: one per size of the input
 */
typedef struct
{
  guint runs;
  guint n_sizes;
  LvSpinGlassProbeSize sizes[LV_SPIN_GLASS_PROBE_MAX_SIZES];
} LvSpinGlassProbeResult;

void     lv_spin_glass_probe_input_init   (LvSpinGlassProbeInput        *input,
                                           guint                         p);
gboolean lv_spin_glass_probe_input_check  (const LvSpinGlassProbeInput  *input,
                                           GError                      **error);
gboolean lv_spin_glass_probe_run          (const LvSpinGlassProbeInput  *input,
                                           LvSpinGlassProbeResult       *result,
                                           LvProbeContext               *context,
                                           GError                      **error);
void     lv_spin_glass_probe_result_clear (LvSpinGlassProbeResult       *result);

G_END_DECLS
