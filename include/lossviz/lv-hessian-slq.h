/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <lossviz/lv-hessian.h>
#include <lossviz/lv-worker-pool.h>

G_BEGIN_DECLS

/**
 * LvHessianSlq:
 * @n_params: the Hessian's dimension n.
 * @n_probes: number of random probe vectors.
 * @steps: Lanczos steps per probe (a probe may stop earlier at an invariant subspace).
 * @n_nodes: (array length=n_probes): nodes of each probe's quadrature.
 * @nodes: n_probes × @steps Ritz values θ (row k: the first n_nodes[k] are used), ascending.
 * @node_weights: same layout: τ = (first component of the Ritz vector)², summing to 1 per probe.
 * @min_eigenvalue: smallest node over the probes (its Ritz estimate of λ_min).
 * @max_eigenvalue: largest node (Ritz estimate of λ_max).
 * @trace: n · mean over probes of Σ τ θ (= the Hutchinson estimate with the same probes).
 * @trace_std_error: standard error of @trace over the probes (NAN for one probe).
 *
 * Stochastic Lanczos quadrature (Ubaru, Chen & Saad 2017; PyHessian's `density`): for a
 * Rademacher probe v/|v|, m Lanczos steps give the Gauss quadrature Σ τ_k δ(λ − θ_k) of the
 * spectral measure vᵀ δ(λ − H) v / n, whose mean over probes estimates the eigenvalue density.
 */
typedef struct {
  gsize   n_params;
  guint   n_probes;
  guint   steps;
  guint  *n_nodes;
  double *nodes;
  double *node_weights;
  double  min_eigenvalue;
  double  max_eigenvalue;
  double  trace;
  double  trace_std_error;
} LvHessianSlq;

void lv_hessian_slq_free (LvHessianSlq *slq);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvHessianSlq, lv_hessian_slq_free)

LvHessianSlq *lv_hessian_slq (const LvHessian *hessian, LvWorkerPool *pool, guint n_probes,
                              guint steps, guint64 seed, GCancellable *cancellable,
                              GError **error);
void          lv_hessian_slq_density (const LvHessianSlq *slq, double sigma, guint n_grid,
                                      double *grid, double *density);

/**
 * LvHessianTrace:
 * @estimate: Hutchinson's estimate mean_k v_kᵀ H v_k (Rademacher v_k).
 * @std_error: standard error of the mean over the probes (NAN for one probe).
 * @n_probes: probes used.
 */
typedef struct {
  double estimate;
  double std_error;
  guint  n_probes;
} LvHessianTrace;

gboolean lv_hessian_trace_hutchinson (const LvHessian *hessian, LvWorkerPool *pool,
                                      guint n_probes, guint64 seed, LvHessianTrace *out,
                                      GCancellable *cancellable, GError **error);

G_END_DECLS
