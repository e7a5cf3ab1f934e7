/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * bf16 GEMMs through oneDNN (lv-gemm-bf16.c): operands in bfloat16, products accumulated and
 * stored in fp32. Without oneDNN at build time every constructor fails with a clear error.
 */

#include <glib.h>

G_BEGIN_DECLS

/* A bfloat16 number: the upper 16 bits of an IEEE float. */
typedef guint16 LvBf16;

/* TRUE when this build has the bf16 backend; else FALSE with an %LV_ERROR_INVALID_INPUT error
 * saying so. */
gboolean lv_bf16_available (GError **error);

/* dst[i] = src[i] rounded to the nearest bf16 (ties to even; NaN stays NaN). */
void     lv_bf16_from_f32 (LvBf16 *dst, const float *src, gsize n);
/* The float a bf16 stands for (exact). */
float    lv_bf16_to_f32 (LvBf16 x);

/*
 * One cached matmul: for b < batch, C_b = op(A_b) · op(B_b), row-major, C_b m × n fp32
 * contiguous (ldc = n); A_b stored m × k (k × m when trans_a), B_b stored k × n (n × k when
 * trans_b), bf16, each contiguous; the batch strides are the matrix sizes.
 * The primitive is built once (per shape) and reused; one object per thread.
 */
typedef struct _LvGemmBf16 LvGemmBf16;

LvGemmBf16 *lv_gemm_bf16_new (guint batch, gboolean trans_a, gboolean trans_b, guint m, guint n,
                              guint k, GError **error);
void        lv_gemm_bf16_run (LvGemmBf16 *gemm, const LvBf16 *a, const LvBf16 *b, float *c);
/*
 * What a GEMM may do to each product before storing it (flags): ReLU, and storing C in bf16
 * (rounded to nearest even) instead of fp32 — a bias-free forward layer's whole epilogue in the
 * GEMM's own write of C, at no cost to the GEMM.
 */
typedef enum
{
  LV_GEMM_BF16_RELU = 1 << 0,
  LV_GEMM_BF16_DST_BF16 = 1 << 1,
} LvGemmBf16Epilogue;

LvGemmBf16 *lv_gemm_bf16_new_epilogue (guint batch, gboolean trans_a, gboolean trans_b, guint m,
                                       guint n, guint k, guint epilogue, GError **error);
/* As lv_gemm_bf16_run(); c is float *, or LvBf16 * with LV_GEMM_BF16_DST_BF16. */
void        lv_gemm_bf16_run_to (LvGemmBf16 *gemm, const LvBf16 *a, const LvBf16 *b,
                                 gpointer c);
/*
 * The general form: any element strides (batch, row, column) for the logical A (m × k),
 * B (k × n) and C (m × n) — a transposed or row-padded operand is a matter of strides. The
 * fused bf16 trainer uses it, on CPUs with AMX, to pad the reduction dimension k to a multiple
 * of 32 (the depth of an AMX tile) with zeros that are stored once: oneDNN 2.6's brgemm kernels are ~1.4×
 * faster at k = 128 than at k = 100 (docs/PERFORMANCE.md), and zeros change no sum.
 */
typedef struct
{
  guint batch, m, n, k;
  gsize a_strides[3], b_strides[3], c_strides[3];
  guint epilogue; /* LvGemmBf16Epilogue flags */
} LvGemmBf16Layout;

LvGemmBf16 *lv_gemm_bf16_new_layout (const LvGemmBf16Layout *layout, GError **error);
/* The implementation oneDNN picked (e.g. "brg:avx512_core_bf16"), for reports and checks. */
const char *lv_gemm_bf16_impl (LvGemmBf16 *gemm);
/* The depth to which padded reductions round up: 32 bf16 (an AMX tile's depth) where oneDNN
 * runs AMX kernels, else 1 (no padding: the AVX512-BF16 kernels gain nothing from it and would
 * multiply the zeros). LOSSVIZ_BF16_TILE=1 or 32 overrides it, for measurements. */
guint       lv_gemm_bf16_reduction_tile (void);
void        lv_gemm_bf16_free (LvGemmBf16 *gemm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvGemmBf16, lv_gemm_bf16_free)

/*
 * cblas_sgemm's contract (row-major, alpha = 1, beta = 0 only) computed with bf16 operands:
 * A and B are rounded into per-thread scratch, the matmul primitive is cached per thread and
 * shape. The drop-in GEMM of the bf16 instantiation of lv-mlp-template.h.
 */
void lv_gemm_bf16_sgemm (int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c,
                         int ldc);

G_END_DECLS
