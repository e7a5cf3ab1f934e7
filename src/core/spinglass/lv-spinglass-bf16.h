/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lv-gemm-bf16.h"

G_BEGIN_DECLS

/*
 * The float delta GEMMs of the symmetric storage (lv-spinglass-sym.c) through oneDNN with the
 * couplings prepacked (lv-spinglass-bf16.c): bf16 operands and fp32 accumulation
 * (LV_SG_PACK_BF16, `--bf16`), or plain fp32 (LV_SG_PACK_F32, the default precision: the same
 * numbers class as OpenBLAS's sgemm, but the 250 MB float matrix is not re-packed on every
 * call, which made OpenBLAS's sgemm reach only ≈ 55 % of oneDNN's prepacked f32 rate here).
 * Without oneDNN every constructor fails with a clear error.
 *
 * Lanes are the GEMMs' rows (the lane-major layout: row r holds start r's vector), so the
 * constant couplings are the "weights", reordered once into oneDNN's blocked layout and never
 * re-packed during the descent (a pack per coupling copy: the full couplings, each SGD part).
 * Two GEMMs per column range [c0, c1) (nc columns whose largest index is at least m0), each
 * with its own contiguous input and output:
 *   u:  uᵀ (R × nc)       = Δsᵀ[:, m0:] (R × (n − m0)) · A[m0:, c0:c1]
 *   v:  vᵀ (R × (n − m0)) = cᵀ (R × nc)                · A[m0:, c0:c1]ᵀ
 * GEMM g < n_ranges is range g's u, GEMM n_ranges + g its v. Each call runs on its calling
 * thread only (one OpenMP thread), so results do not depend on the pool's size.
 */

/* Rows of the lane-major monomial matrix cᵀ (any R ≤ this is padded up to a multiple of 32). */
#define LV_SG_BF16_LANES 128

typedef struct
{
  gsize c0, c1;                 /* columns */
  guint m0;                     /* first row holding them */
} LvSgBf16Range;

typedef struct
{
  guint n;
  gsize n_cols;
  guint n_ranges;
  const LvSgBf16Range *ranges;
} LvSgBf16Shape;

/* Operand type of a pack (and of the GEMM inputs it is run with). */
typedef enum
{
  LV_SG_PACK_BF16,
  LV_SG_PACK_F32,
} LvSgPackType;

/* Bytes of one operand element of @type. */
static inline gsize
lv_sg_pack_elem_size (LvSgPackType type)
{
  return type == LV_SG_PACK_F32 ? sizeof (float) : sizeof (LvBf16);
}

typedef struct _LvSgBf16Pack LvSgBf16Pack;
typedef struct _LvSgBf16Exec LvSgBf16Exec;

/* Packs the float couplings @a (n × n_cols, row-major) for @shape (kept by reference) as
 * @type; every GEMM input run with the pack has that element type. */
LvSgBf16Pack *lv_sg_bf16_pack_new (const LvSgBf16Shape *shape, const float *a, LvSgPackType type,
                                   GError **error);
LvSgPackType  lv_sg_bf16_pack_type (const LvSgBf16Pack *pack);
void          lv_sg_bf16_pack_free (LvSgBf16Pack *pack);

/* Primitives for lane capacity @ld ≤ LV_SG_BF16_LANES, one stream and scratchpad per GEMM,
 * usable with every pack of the same shape. */
LvSgBf16Exec *lv_sg_bf16_exec_new (const LvSgBf16Pack *pack, guint ld, GError **error);
void          lv_sg_bf16_exec_free (LvSgBf16Exec *x);

/* GEMM @g for lanes [0, R) (rows up to R rounded to 32, at most LV_SG_BF16_LANES, are
 * computed; the others are scratch): @src is Δsᵀ (LV_SG_BF16_LANES × n, from its first column:
 * the offset of the rows m0 is applied here) for a u GEMM, the range's cᵀ (LV_SG_BF16_LANES ×
 * nc) for a v GEMM; @dst is the range's uᵀ (LV_SG_BF16_LANES × nc) or vᵀ (LV_SG_BF16_LANES ×
 * (n − m0)), contiguous. */
void lv_sg_bf16_run (LvSgBf16Exec *x, const LvSgBf16Pack *pack, guint g, guint R,
                     const void *src, float *dst);

G_END_DECLS
