/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <cblas.h>
#include <math.h>

#include "lv-gemm-bf16.h"
#include "lv-mlp-bf16.h"

/* Single precision with bf16 GEMM operands (fp32 accumulation): per-run training in
 * --precision bf16. See lv-mlp-template.h and lv_gemm_bf16_sgemm(). */
#define REAL float
#define GEMM lv_gemm_bf16_sgemm
#define WORKSPACE LvMlpWorkspaceBf16
#define WORKSPACE_STRUCT _LvMlpWorkspaceBf16
#define FN(name) lv_mlp_##name##_bf16
#define EXP expf
#define LOG logf
#define TANH tanhf
#include "lv-mlp-template.h"
