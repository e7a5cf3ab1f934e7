/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <glib.h>

G_BEGIN_DECLS

/* Orders and sizes the spin-glass module accepts. */
#define LV_SPIN_GLASS_P_MIN 2
#define LV_SPIN_GLASS_P_MAX 5
#define LV_SPIN_GLASS_N_MIN 2
#define LV_SPIN_GLASS_N_MAX 4000
#define LV_SPIN_GLASS_K_MAX 10
/* The Riemannian Hessian (and so the index) is computed only up to this size. */
#define LV_SPIN_GLASS_INDEX_MAX_N 300
/* Upper bound on the coupling storage of one disorder draw, in bytes. */
#define LV_SPIN_GLASS_MAX_BYTES (G_GUINT64_CONSTANT (3) << 30)

/**
 * LvSpinGlass:
 *
 * One disorder draw of the spherical p-spin glass in the normalisation of Auffinger, Ben Arous
 * and Černý (docs/THEORY.md §1.1): `H(s) = N^{-(p-1)/2} Σ J_{i1…ip} s_i1 … s_ip` on the sphere
 * `|s|² = N`. The couplings are drawn in symmetric sorted-tuple form (`K_t ~ N(0, m_t)`,
 * `m_t = p!/Π mult!`) from a counter-based generator keyed by the tuple, and stored as the
 * symmetric half-unfolding `A` (N rows × one column per sorted (p−1)-tuple) such that
 * `∇H(s) = A c(s)` with `c_τ(s) = Π_{j∈τ} s_j`. Many start vectors then cost one GEMM.
 * Immutable after construction, so one draw can be shared by every worker thread.
 */
typedef struct _LvSpinGlass LvSpinGlass;

/**
 * LvSpinGlassPrecision:
 * @LV_SPIN_GLASS_DOUBLE: store only the double unfolding.
 * @LV_SPIN_GLASS_MIXED: also keep a float copy for the bulk of the descent (sgemm is about twice
 *   as fast as dgemm here); the last steps and every reported number use double. With fixed
 *   disorder and a build with oneDNN, the float copy is also prepacked once for oneDNN's f32
 *   matmul (≈ 200 MB more at p = 3, Λ = 500; skipped, leaving OpenBLAS's sgemm, when that would
 *   pass the coupling limit or the environment sets LOSSVIZ_SPINGLASS_BLAS).
 * @LV_SPIN_GLASS_BF16: as mixed, but the float delta GEMMs of the fixed-disorder descent take
 *   bf16 operands with fp32 accumulation through oneDNN (about 4× the sgemm rate on a CPU with
 *   AMX); needs a build with oneDNN. Every stop decision and reported number stays double.
 */
typedef enum {
  LV_SPIN_GLASS_DOUBLE,
  LV_SPIN_GLASS_MIXED,
  LV_SPIN_GLASS_BF16,
} LvSpinGlassPrecision;

guint64      lv_spin_glass_storage_bytes (guint p, guint n, guint n_parts,
                                          LvSpinGlassPrecision precision);
LvSpinGlass *lv_spin_glass_new (guint p, guint n, guint64 seed, guint n_parts,
                                LvSpinGlassPrecision precision, GError **error);
void         lv_spin_glass_free (LvSpinGlass *sg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvSpinGlass, lv_spin_glass_free)

guint   lv_spin_glass_get_p (const LvSpinGlass *sg);
guint   lv_spin_glass_get_n (const LvSpinGlass *sg);
guint   lv_spin_glass_get_n_parts (const LvSpinGlass *sg);
gsize   lv_spin_glass_get_n_columns (const LvSpinGlass *sg);

double  lv_spin_glass_coupling (const LvSpinGlass *sg, const guint *tuple);
double  lv_spin_glass_energy (const LvSpinGlass *sg, const double *s);
double  lv_spin_glass_gradient (const LvSpinGlass *sg, const double *s, double *grad);
double  lv_spin_glass_riemannian_gradient (const LvSpinGlass *sg, const double *s, double *rgrad,
                                           double *energy);
void    lv_spin_glass_random_point (guint n, guint64 seed, double *s);

void    lv_spin_glass_contract (const LvSpinGlass *sg, const double *s, guint n_starts,
                                double *grad);
void    lv_spin_glass_contract_float (const LvSpinGlass *sg, int part, const float *s,
                                      guint n_starts, float *grad);

void     lv_spin_glass_hessian (const LvSpinGlass *sg, const double *s, double *hess);
void     lv_spin_glass_riemannian_hessian (const LvSpinGlass *sg, const double *s, double *out);
gboolean lv_spin_glass_tangent_spectrum (const LvSpinGlass *sg, const double *s, double *eigs,
                                         GError **error);
int      lv_spin_glass_index (const LvSpinGlass *sg, const double *s, double *min_eigenvalue,
                              GError **error);

/* ---- Descent from many random starts ------------------------------------------------------ */

typedef enum {
  LV_SPIN_GLASS_GD,
  LV_SPIN_GLASS_SGD,
} LvSpinGlassMethod;

typedef enum {
  LV_SPIN_GLASS_DISORDER_FIXED,
  LV_SPIN_GLASS_DISORDER_PER_RUN,
} LvSpinGlassDisorder;

/**
 * LvSpinGlassConfig:
 * @p: order of the interaction (2…5).
 * @lambda: number of spins Λ (the sphere has radius √Λ).
 * @runs: number of random starts.
 * @method: projected gradient descent or the split-coupling stochastic variant.
 * @disorder: one coupling draw for all runs, or one per run.
 * @seed: base seed; couplings and starts derive from (seed, p, Λ, run) with lv_seed_mix().
 * @n_threads: worker threads (0: one per core). Results do not depend on it.
 * @eta: step of projected gradient descent (and of the SGD polishing phase).
 * @tol: stop when the Euclidean norm of the Riemannian gradient of H (unnormalised H, sphere of
 *   radius √Λ, docs/THEORY.md §1.1) is below this.
 * @max_steps: cap on descent steps per run (the SGD phase counts).
 * @n_parts: SGD only: number P of coupling parts, X = Σ X^(s), X^(s) ~ N(0, 1/P).
 * @sgd_gamma0: SGD step γ_t = gamma0 / (1 + decay · t).
 * @sgd_decay: see @sgd_gamma0.
 * @sgd_steps_per_part: the SGD phase lasts this many steps times P (the reference code: 500).
 * @compute_index: compute the Hessian index of each endpoint (only for Λ ≤ 300).
 * @precision: double only, or float for the bulk of the descent.
 */
typedef struct {
  guint p;
  guint lambda;
  guint runs;
  LvSpinGlassMethod method;
  LvSpinGlassDisorder disorder;
  guint64 seed;
  guint n_threads;
  double eta;
  double tol;
  guint max_steps;
  guint n_parts;
  double sgd_gamma0;
  double sgd_decay;
  guint sgd_steps_per_part;
  gboolean compute_index;
  LvSpinGlassPrecision precision;
} LvSpinGlassConfig;

/**
 * LvSpinGlassRun:
 * @energy: H/Λ at the endpoint (double precision).
 * @index: number of negative eigenvalues of the Riemannian Hessian, or -1 when not computed.
 * @min_eigenvalue: smallest tangent Hessian eigenvalue (NAN when not computed).
 * @grad_norm: |Riemannian gradient of H| at the endpoint.
 * @steps: descent steps taken.
 * @converged: whether @grad_norm fell below the tolerance within the step cap.
 */
typedef struct {
  double energy;
  int index;
  double min_eigenvalue;
  double grad_norm;
  guint steps;
  gboolean converged;
} LvSpinGlassRun;

/**
 * LvSpinGlassStats:
 * @contraction_flops: floating-point operations of the coupling contractions (GEMMs).
 * @contraction_seconds: thread time spent in them (per-run disorder: summed over workers;
 *   fixed disorder, whose GEMMs are split across the pool: wall time × pool threads).
 * @float_flops: the part of @contraction_flops done in single precision.
 * @wall_seconds: wall time of the whole simulation, coupling generation included.
 * @setup_seconds: wall time spent drawing couplings (fixed disorder).
 * @float_seconds: fixed disorder: wall time × pool threads of the float (or bf16) delta
 *   evaluations, the part of @contraction_seconds that did @float_flops.
 * @float_cpu_seconds: fixed disorder: process CPU time consumed during those evaluations (on
 *   a shared machine, the rate per CPU-second is what the code reaches on the cores it got).
 */
typedef struct {
  double contraction_flops;
  double contraction_seconds;
  double float_flops;
  double wall_seconds;
  double setup_seconds;
  double float_seconds;
  double float_cpu_seconds;
} LvSpinGlassStats;

/* Called from a worker thread when run @run has finished (must be thread-safe). */
typedef void (*LvSpinGlassRunFunc) (guint run, const LvSpinGlassRun *result, gpointer user_data);

void     lv_spin_glass_config_init (LvSpinGlassConfig *config, guint p, guint lambda);
double   lv_spin_glass_default_eta (guint p);
gboolean lv_spin_glass_config_check (const LvSpinGlassConfig *config, GError **error);
gboolean lv_spin_glass_simulate (const LvSpinGlassConfig *config, LvSpinGlassRun *runs,
                                 LvSpinGlassStats *stats, LvSpinGlassRunFunc on_run,
                                 gpointer user_data, GCancellable *cancellable, GError **error);
/* Runs per task of lv_spin_glass_simulate() (the last task may be shorter); the layout depends
 * on the configuration only, and task t covers runs t·size … */
guint    lv_spin_glass_task_runs (const LvSpinGlassConfig *config);
/* Like lv_spin_glass_simulate(), but only the tasks t with t % n_parts == part (the other
 * entries of @runs are left untouched): each part's runs equal the whole simulation's bit for
 * bit. Used to split the starts over MPI ranks. */
gboolean lv_spin_glass_simulate_part (const LvSpinGlassConfig *config, guint part,
                                      guint n_parts, LvSpinGlassRun *runs,
                                      LvSpinGlassStats *stats, LvSpinGlassRunFunc on_run,
                                      gpointer user_data, GCancellable *cancellable,
                                      GError **error);

/* ---- Theory (ABC complexity, docs/THEORY.md §1.2) ---------------------------------------------- */

double   lv_spin_glass_e_inf (guint p);
double   lv_spin_glass_i1 (double u, guint p);
double   lv_spin_glass_theta_k (double u, guint p, guint k);
double   lv_spin_glass_theta_total (double u, guint p);
double   lv_spin_glass_plateau (guint p);
gboolean lv_spin_glass_band_edges (guint p, guint k_max, double *edges, GError **error);

G_END_DECLS
