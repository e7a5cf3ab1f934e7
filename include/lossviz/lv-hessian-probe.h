/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-dataset.h>
#include <lossviz/lv-hessian.h>
#include <lossviz/lv-hessian-slq.h>
#include <lossviz/lv-mlp.h>
#include <lossviz/lv-probe.h>
#include <lossviz/lv-worker-pool.h>

G_BEGIN_DECLS

/*
 * The curvature probe: the Hessian of a network's mean train loss at its parameters, as a
 * spectrum (every eigenvalue, or the Lanczos extremes), an eigenvalue density (stochastic
 * Lanczos quadrature) and optionally a Hutchinson trace. `lossviz-cli hessian`, the Landscape
 * page's Hessian summary and its curvature (density) panel all run it.
 */

typedef enum {
  LV_HESSIAN_PROBE_FULL,       /* every eigenvalue (dense, at most LV_HESSIAN_FULL_MAX_PARAMS) */
  LV_HESSIAN_PROBE_LANCZOS,    /* the smallest and largest few Ritz values */
  LV_HESSIAN_PROBE_SLQ,        /* eigenvalue density by stochastic Lanczos quadrature */
} LvHessianProbeMethod;

/**
 * LvHessianInput:
 * @shape: the network
 * @params: its parameters (n_params floats, borrowed)
 * @dataset: the data whose train split defines the loss (borrowed)
 * @method: what to compute
 * @steps: Lanczos steps (per probe for SLQ); 0: the default (SLQ: min(n_params, 80))
 * @extremes: Lanczos: how many smallest and largest Ritz values to report
 * @tolerance: eigenvalues below −tolerance · max |λ| count as negative
 * @probes: SLQ: random probe vectors
 * @trace: also estimate the trace (Hutchinson)
 * @trace_probes: Hutchinson probes
 * @seed: the run's seed; every random draw derives from it (lv_hessian_probe_seed())
 * @pool: (nullable): the worker pool (full Hessian, SLQ and trace run on it)
 */
typedef struct
{
  LvMlpShape shape;
  const float *params;
  const LvDataset *dataset;
  LvHessianProbeMethod method;
  guint steps;
  guint extremes;
  double tolerance;
  guint probes;
  gboolean trace;
  guint trace_probes;
  guint64 seed;
  LvWorkerPool *pool;
} LvHessianInput;

/**
 * LvHessianResult:
 * @spectrum: (nullable): full or Lanczos spectrum
 * @slq: (nullable): the SLQ quadrature
 * @has_trace: @trace is set
 * @trace: the Hutchinson estimate
 * @loss: the mean train loss at the parameters (SLQ; the spectrum carries its own)
 * @gradient_norm: the full-batch gradient's norm (SLQ; likewise)
 */
typedef struct
{
  LvHessianSpectrum *spectrum;
  LvHessianSlq *slq;
  gboolean has_trace;
  LvHessianTrace trace;
  double loss;
  double gradient_norm;
} LvHessianResult;

/* The seeds of the probe's random draws: the Lanczos start, the SLQ probes, the trace probes. */
typedef enum {
  LV_HESSIAN_SEED_LANCZOS,
  LV_HESSIAN_SEED_SLQ,
  LV_HESSIAN_SEED_TRACE,
} LvHessianSeedKind;

guint64  lv_hessian_probe_seed    (guint64                seed,
                                   LvHessianSeedKind      kind);
void     lv_hessian_input_init    (LvHessianInput        *input);
gboolean lv_hessian_input_check   (const LvHessianInput  *input,
                                   GError               **error);
void     lv_hessian_result_clear  (LvHessianResult       *result);
gboolean lv_hessian_probe_run     (const LvHessianInput  *input,
                                   LvHessianResult       *result,
                                   LvProbeContext        *context,
                                   GError               **error);

/* The SLQ density's default Gaussian width: 1 % of the spread of the quadrature nodes. */
double   lv_hessian_slq_default_sigma (const LvHessianSlq *slq);

G_END_DECLS
