/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lv-gemm-bf16.h"

G_BEGIN_DECLS

/*
 * The float delta GEMMs of the symmetric storage (lv-spinglass-sym.c) with bf16 operands and
 * fp32 accumulation through oneDNN (lv-spinglass-bf16.c). Without oneDNN every constructor
 * fails with a clear error.
 *
 * The couplings are packed once (a pack per coupling copy: the full couplings, each SGD part):
 *   v of row block B:    vᵀ (R × rows) = cᵀ (R × P(m1))  · A[B, :P(m1)]ᵀ  (weights reordered
 *                        once into oneDNN's blocked layout),
 *   u of column range:   u (nc × R)    = A[m0:, c0:c1]ᵀ · Δs[m0:]        (the transposed
 *                        coupling block stored plain, the small Δs packed by oneDNN per call),
 * so the big operand is never re-packed during the descent and u lands directly in the
 * col × ld layout the w sum reads. Each call runs on its calling thread only (one OpenMP
 * thread), so results do not depend on how many threads the pool has.
 */

/* Rows of the lane-major monomial matrix cᵀ (any R ≤ this is padded up to a multiple of 32). */
#define LV_SG_BF16_LANES 128

typedef struct
{
  guint m0, m1;                 /* rows of the block */
  gsize ncols;                  /* P(m1) */
} LvSgBf16Block;

typedef struct
{
  gsize c0, c1;                 /* columns */
  guint m0;                     /* first row holding them */
} LvSgBf16Range;

typedef struct
{
  guint n;
  gsize n_cols;
  guint n_blocks, n_ranges;
  const LvSgBf16Block *blocks;
  const LvSgBf16Range *ranges;
} LvSgBf16Shape;

typedef struct _LvSgBf16Pack LvSgBf16Pack;
typedef struct _LvSgBf16Exec LvSgBf16Exec;

/* Packs the float couplings @a (n × n_cols, row-major) for @shape (kept by reference). */
LvSgBf16Pack *lv_sg_bf16_pack_new (const LvSgBf16Shape *shape, const float *a, GError **error);
gsize         lv_sg_bf16_pack_bytes (const LvSgBf16Shape *shape);
void          lv_sg_bf16_pack_free (LvSgBf16Pack *pack);

/* Primitives for lane capacity @ld ≤ LV_SG_BF16_LANES, one stream and scratchpad per item
 * (u items [0, n_ranges), then v items), usable with every pack of the same shape. */
LvSgBf16Exec *lv_sg_bf16_exec_new (const LvSgBf16Pack *pack, guint ld, GError **error);
void          lv_sg_bf16_exec_free (LvSgBf16Exec *x);

/* vᵀ of @block into @vt (R' × rows, R' ≥ R, contiguous) from @ct (LV_SG_BF16_LANES × n_cols). */
void lv_sg_bf16_v (LvSgBf16Exec *x, const LvSgBf16Pack *pack, guint block, guint R,
                   const LvBf16 *ct, float *vt);
/* u of @range into @u (its n_cols × ld layout; lanes ≥ R are scratch) from @ds (n × ld). */
void lv_sg_bf16_u (LvSgBf16Exec *x, const LvSgBf16Pack *pack, guint range, guint R,
                   const LvBf16 *ds, float *u);

G_END_DECLS
