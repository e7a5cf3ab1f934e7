/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <cblas.h>
#include <math.h>

#include <lossviz/lv-mlp.h>

/* Single precision: the training path. See lv-mlp-template.h. */
#define REAL float
#define GEMM cblas_sgemm
#define WORKSPACE LvMlpWorkspace
#define WORKSPACE_STRUCT _LvMlpWorkspace
#define FN(name) lv_mlp_##name
#define EXP expf
#define LOG logf
#include "lv-mlp-template.h"
