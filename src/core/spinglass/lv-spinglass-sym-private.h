/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Internals of the symmetric lower storage shared by lv-spinglass-sym.c (storage, exact and
 * OpenBLAS float evaluations) and lv-spinglass-sym-packed.c (the delta on oneDNN packs). */

#include "lv-spinglass-sym.h"
#include "lv-spinglass-bf16.h"
#include "lv-target-clones.h"

#include "lv-task-group-private.h"

G_BEGIN_DECLS

#define LV_SG_SYM_ROWS 64

/* p = 3 (q = 2) loops are straight lines the compiler vectorises over lanes, cloned for
 * AVX-512 and AVX2 (the build targets baseline x86-64; the loader picks the clone for the CPU
 * it runs on). */
#define LV_SG_VECTOR_CLONES LV_TARGET_CLONES ("avx512f", "avx2", "default")

typedef struct
{
  guint m0, m1;     /* rows of the block */
  gsize ncols;      /* P(m1): the block's nonzero columns */
} LvSgSymBlock;

typedef struct
{
  gsize c0, c1;     /* columns */
  guint block;      /* the column block: max τ ∈ [block rows) */
} LvSgSymRange;

struct _LvSgSym
{
  guint p, q, n, n_parts;
  guint n_blocks;
  LvSgSymBlock *blocks;
  guint n_ranges;
  LvSgSymRange *ranges;
  gsize size;       /* entries of one copy (Λ × P(Λ)) */
  gsize used;       /* entries under the staircase: Σ_B rows_B P(m1_B) */
  gsize n_cols;     /* P(n) */
  guint64 *rank;    /* rank[d * (n + 1) + a] = C(a + d, d + 1): colex rank terms */
  double *d;
  float *f;         /* float copy of d, or NULL */
  float *parts;     /* n_parts float copies of the SGD split, or NULL */
  /* The float copies prepacked for oneDNN's delta GEMMs (lv-spinglass-bf16.c): bf16 with
   * LV_SPIN_GLASS_BF16, f32 with the default mixed precision when oneDNN is there. The packs'
   * GEMMs are per chunk (a range cut into LV_SG_SYM_CHUNK_COLS columns); range k owns chunks
   * [chunk_first[k], chunk_first[k + 1]). */
  LvSgBf16Range *chunks;
  guint *chunk_first;
  LvSgBf16Shape shape;
  LvSgPackType pack_type;
  LvSgBf16Pack *bf16;           /* the full couplings, or NULL */
  LvSgBf16Pack **bf16_parts;    /* n_parts, or NULL */
};

typedef enum { EVAL_EXACT, EVAL_DELTA } EvalKind;

typedef struct
{
  const LvSgSym *sym;
  EvalKind kind;
  const float *af;              /* float matrix of a delta evaluation */
  const LvSgBf16Pack *pk;       /* prepacked delta evaluation: the packed couplings, else NULL */
  guint R, ld;
  const double *s, *sref;       /* sref NULL: zero */
  const float *uref;            /* NULL: zero */
  LvSgSymWork *w;
  double *v_out;                /* exact: v (n × ld) */
  float *uref_out;              /* exact: float(u) (cols × ld) */
} LvSgEval;

typedef struct _LvSgChunkScratch LvSgChunkScratch;

struct _LvSgSymWork
{
  guint ld;
  float *cf, *uf, *dsf, *vf;
  double *cd, *ud;
  double *partial;              /* n_ranges × n × ld */
  /* Prepacked (bf16 or f32) delta (lv-spinglass-sym-packed.c), all lane-major (row r = lane
   * r): s, sref and s − sref (LV_SG_BF16_LANES × n), Δs in the pack's type (same), and the
   * per-thread chunk buffers. */
  LvSgBf16Exec *bx;
  double *st, *rt, *dt;
  guint8 *dsb;
  LvSgChunkScratch *scratch;
};

typedef struct
{
  const LvSgEval *e;
  guint index;
} LvSgItem;

/* Product of s over the tuple without position @skip (q ≤ 4, so a plain loop). */
static inline double
lv_sg_partial_product (const double *const *rows, guint q, guint skip, guint r)
{
  double prod = 1.0;

  for (guint e = 0; e < q; e++)
    if (e != skip)
      prod *= rows[e][r];
  return prod;
}

/* The sorted q-tuple of colex rank @col, and the colex successor of a nondecreasing tuple. */
void lv_sg_sym_colex_unrank (const LvSgSym *sym, gsize col, guint *tau);
void lv_sg_sym_colex_next (guint *tau, guint q);

/* Runs @func on items 0 … @n_items − 1 of @e over @pool and waits; the items are queued from
 * the last when @last_first (callers queue the largest first). */
void lv_sg_sym_run_items (const LvSgEval *e, LvWorkerPool *pool, LvTaskFunc func,
                          guint n_items, gboolean last_first);

/* ---- lv-spinglass-sym-packed.c ---- */
/* Columns per chunk of the packed GEMMs (the chunk's cᵀ and uᵀ stay in the core's cache). */
#define LV_SG_SYM_CHUNK_COLS 2048

LvSgChunkScratch *lv_sg_chunk_scratch_new (const LvSgSym *sym);
void              lv_sg_chunk_scratch_free (LvSgChunkScratch *sc);
/* The prepacked delta (lv_sg_sym_delta with a pack): every range one item that makes its
 * chunks' monomial changes, both GEMMs and the Δw sum while they are in cache. */
void lv_sg_sym_packed_delta (const LvSgEval *e, LvWorkerPool *pool, double *dg);

G_END_DECLS
