/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <cblas.h>
#include <math.h>

#include <lossviz/lv-mlp.h>

/* Double precision: gradient checks, Hessians, slices. See lv-mlp-template.h. */
#define REAL double
#define GEMM cblas_dgemm
#define WORKSPACE LvMlpWorkspaceD
#define WORKSPACE_STRUCT _LvMlpWorkspaceD
#define FN(name) lv_mlp_##name##_d
#define EXP exp
#define LOG log
#include "lv-mlp-template.h"
