/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <lossviz/lv-dataset.h>
#include <lossviz/lv-mlp.h>
#include <lossviz/lv-worker-pool.h>

G_BEGIN_DECLS

/**
 * LV_HESSIAN_FULL_MAX_PARAMS:
 *
 * Largest network (in parameters) for which the full Hessian is formed: n HVPs and an n × n
 * double matrix (128 MiB at this limit) plus an O(n³) eigensolve. Larger networks must use
 * Lanczos.
 */
#define LV_HESSIAN_FULL_MAX_PARAMS 4096

/**
 * LV_HESSIAN_CHUNK:
 *
 * Samples per chunk of the full-batch passes.
 */
#define LV_HESSIAN_CHUNK 256

/**
 * LvHessian:
 *
 * The Hessian of a network's mean training loss (data term only) at fixed parameters, in double.
 * Immutable once made: any number of threads may use it at once, each with its own
 * #LvHessianWorkspace.
 */
typedef struct _LvHessian LvHessian;
typedef struct _LvHessianWorkspace LvHessianWorkspace;

LvHessian *lv_hessian_new (const LvMlpShape *shape, const double *params,
                           const LvDataset *dataset, GError **error);
void       lv_hessian_free (LvHessian *hessian);
gsize      lv_hessian_get_n_params (const LvHessian *hessian);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvHessian, lv_hessian_free)

LvHessianWorkspace *lv_hessian_workspace_new (const LvHessian *hessian);
void                lv_hessian_workspace_free (LvHessianWorkspace *ws);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvHessianWorkspace, lv_hessian_workspace_free)

double lv_hessian_gradient (const LvHessian *hessian, LvHessianWorkspace *ws, double *grad);
double lv_hessian_vector_product (const LvHessian *hessian, LvHessianWorkspace *ws,
                                  const double *v, double *hv);

double *lv_hessian_full (const LvHessian *hessian, LvWorkerPool *pool, double *asymmetry,
                         GCancellable *cancellable, GError **error);

typedef enum {
  LV_HESSIAN_METHOD_FULL,
  LV_HESSIAN_METHOD_LANCZOS,
} LvHessianMethod;

const char *lv_hessian_method_to_string (LvHessianMethod method);
gboolean    lv_hessian_method_from_string (const char *s, LvHessianMethod *out);

/**
 * LvHessianSpectrum:
 * @method: how it was computed.
 * @n_params: the Hessian's dimension.
 * @eigenvalues: (array length=n_eigenvalues): ascending; all of them (full) or the extreme Ritz
 *   values (Lanczos: the smallest and the largest few).
 * @n_eigenvalues: length of @eigenvalues.
 * @min_eigenvalue: the smallest eigenvalue (Lanczos: its Ritz estimate).
 * @max_eigenvalue: the largest.
 * @tolerance: eigenvalues below −@tolerance · max |λ| count as negative.
 * @negative_count: the index: eigenvalues below −@tolerance · max |λ|.
 * @negative_count_exact: %TRUE for the full method; for Lanczos the count of negative Ritz
 *   values, a lower bound (Cauchy interlacing).
 * @condition: λ_max / λ_min when λ_min > @tolerance · max |λ| (positive definite), else INFINITY.
 * @effective_condition: max |λ| / min |λ| over the eigenvalues with |λ| > @tolerance · max |λ|
 *   (full method; NAN for Lanczos).
 * @asymmetry: max |H_ij − H_ji| / max |H_ij| of the formed matrix before symmetrising (full;
 *   NAN for Lanczos): a check of the HVPs.
 * @lanczos_steps: Krylov dimension used (Lanczos).
 * @loss: the mean training loss at the point.
 * @gradient_norm: the full-batch gradient's Euclidean norm (0 at an exact critical point).
 *
 * The curvature summary of one endpoint.
 */
typedef struct {
  LvHessianMethod method;
  gsize           n_params;
  double         *eigenvalues;
  guint           n_eigenvalues;
  double          min_eigenvalue;
  double          max_eigenvalue;
  double          tolerance;
  guint           negative_count;
  gboolean        negative_count_exact;
  double          condition;
  double          effective_condition;
  double          asymmetry;
  guint           lanczos_steps;
  double          loss;
  double          gradient_norm;
} LvHessianSpectrum;

void lv_hessian_spectrum_free (LvHessianSpectrum *spectrum);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvHessianSpectrum, lv_hessian_spectrum_free)

LvHessianSpectrum *lv_hessian_spectrum_full (const LvHessian *hessian, LvWorkerPool *pool,
                                             double tolerance, GCancellable *cancellable,
                                             GError **error);
LvHessianSpectrum *lv_hessian_spectrum_lanczos (const LvHessian *hessian, guint steps,
                                                guint n_extreme, guint64 seed, double tolerance,
                                                GCancellable *cancellable, GError **error);

G_END_DECLS
