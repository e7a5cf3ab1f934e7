/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lv-spinglass-private.h"

#include <lossviz/lv-worker-pool.h>

G_BEGIN_DECLS

/* Batched gradients on the symmetric lower storage (lv-spinglass-sym.c). Matrices are
 * row-major with leading dimension ld (the workspace's lane capacity); lanes [0, R) are used.
 * The pool may be NULL (everything on the calling thread); results do not depend on it. */
typedef struct _LvSgSymWork LvSgSymWork;

gsize        lv_sg_sym_cols_for (guint p, guint n);
gsize        lv_sg_sym_n_cols (const LvSgSym *sym);
gsize        lv_sg_sym_used (const LvSgSym *sym);
gboolean     lv_sg_sym_has_float (const LvSgSym *sym);
gboolean     lv_sg_sym_has_bf16 (const LvSgSym *sym);
/* NULL with @error set when the bf16 GEMMs cannot be set up. */
LvSgSymWork *lv_sg_sym_work_new (const LvSgSym *sym, guint ld, GError **error);
void         lv_sg_sym_work_free (LvSgSymWork *w);

/* Exact (double) evaluation at points s (n × ld): v = A c(s) and w = Σ_τ u_τ ∂c_τ(s) into
 * n × ld arrays (∇H = v + w), and float(u), u = Aᵀ s, into @uref (cols × ld; lane-major,
 * ld × cols, when the storage has the bf16 pack: lv_sg_sym_has_bf16()) when non-NULL. */
void lv_sg_sym_exact (const LvSgSym *sym, LvSgSymWork *w, LvWorkerPool *pool, const double *s,
                      guint R, double *v, double *wsum, float *uref);

/* Float change of the gradient from references (sref, uref) to s: ∇H(s) = v(r) + w(r) + dg.
 * @part −1 uses the float copy of the full couplings, else that SGD part (then sref and uref
 * are normally NULL: zero references, dg is the part's plain float gradient). */
void lv_sg_sym_delta (const LvSgSym *sym, LvSgSymWork *w, LvWorkerPool *pool, int part,
                      const double *s, const double *sref, const float *uref, guint R,
                      double *dg);

/* Fixed-disorder descent of every run of @config on @sg (built with symmetric storage) over
 * @pool (lv-spinglass-lanes.c). */
guint    lv_sg_lanes_capacity (guint p, guint n, guint runs);
gboolean lv_sg_lanes_simulate (const LvSpinGlassConfig *config, const LvSpinGlass *sg,
                               LvWorkerPool *pool, LvSpinGlassRun *out,
                               LvSpinGlassRunFunc on_run, gpointer user_data,
                               GCancellable *cancellable, LvSpinGlassStats *stats,
                               GError **error);

G_END_DECLS
