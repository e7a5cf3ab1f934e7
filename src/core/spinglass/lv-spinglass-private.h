/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-spinglass.h>
#include <lossviz/lv-worker-pool.h>

G_BEGIN_DECLS

typedef struct _LvSgSym LvSgSym;

/* Internal layout of one disorder draw, shared by the lv-spinglass*.c translation units. */
struct _LvSpinGlass
{
  guint p;
  guint n;
  guint n_parts;
  guint64 seed;
  gsize n_cols;      /* number of sorted (p-1)-tuples: C(n + p - 2, p - 1) */
  double scale;      /* N^{-(p-1)/2} */
  double *a;         /* n × n_cols, row-major: ∇H = A c(s) */
  float *af;         /* float copy of a, or NULL */
  float *parts;      /* n_parts blocks of n × n_cols (the SGD split), or NULL */
  /* Symmetric lower storage (lv-spinglass-sym.c), or NULL: each coupling once, under the row of
   * its largest spin, columns in colex order of the other p − 1 spins. */
  LvSgSym *sym;
};

/* Advances a nondecreasing tuple of @len values in [0, n) to its lexicographic successor. The
 * columns of the unfolding follow this order, so every file enumerates them the same way. */
static inline gboolean
lv_sg_tuple_next (guint *t, guint len, guint n)
{
  for (int d = (int) len - 1; d >= 0; d--)
    if (t[d] + 1 < n)
      {
        t[d]++;
        for (guint e = (guint) d + 1; e < len; e++)
          t[e] = t[d];
        return TRUE;
      }
  return FALSE;
}

/* Batched contraction with caller-provided workspace (n_cols × n_starts values). */
void lv_sg_contract_ws (const LvSpinGlass *sg, const double *s, guint n_starts, double *grad,
                        double *work);
void lv_sg_contract_float_ws (const LvSpinGlass *sg, int part, const float *s, guint n_starts,
                              float *grad, float *work);

/* Constructor with a choice of layouts: the lexicographic unfolding (`a`, needed by the
 * Hessian and the public contraction API) and/or the symmetric lower storage (the descent). */
LvSpinGlass *lv_sg_new_layouts (guint p, guint n, guint64 seed, guint n_parts,
                                LvSpinGlassPrecision precision, gboolean unfolding,
                                gboolean symmetric, GError **error);

/* ---- Symmetric lower storage (lv-spinglass-sym.c) ---- */
guint64  lv_sg_sym_bytes (guint p, guint n, guint n_parts, LvSpinGlassPrecision precision);
LvSgSym *lv_sg_sym_new (guint p, guint n, guint n_parts, LvSpinGlassPrecision precision);
void     lv_sg_sym_free (LvSgSym *sym);
/* Bytes lv_sg_sym_pack() adds for f32 packs (full couplings and @n_parts SGD parts). */
guint64  lv_sg_sym_f32_pack_bytes (guint p, guint n, guint n_parts);
/* Prepacks the stored float copies for oneDNN's delta GEMMs, once after the couplings: bf16
 * (TRUE, LV_SPIN_GLASS_BF16) or f32 (FALSE, the default precision when oneDNN is there). */
gboolean lv_sg_sym_pack (LvSgSym *sym, gboolean bf16, GError **error);
/* Stores coupling @value (scaled) of sorted p-tuple @t; @part −1 for the full coupling. */
void     lv_sg_sym_store (LvSgSym *sym, const guint *t, int part, double value);

/* lv_spin_glass_simulate_part() on the caller's worker pool (NULL: one of its own). */
gboolean lv_sg_simulate_part_on_pool (const LvSpinGlassConfig *config, LvWorkerPool *pool,
                                      guint part, guint n_parts, LvSpinGlassRun *runs,
                                      LvSpinGlassStats *stats, LvSpinGlassRunFunc on_run,
                                      gpointer user_data, GCancellable *cancellable,
                                      GError **error);

G_END_DECLS
