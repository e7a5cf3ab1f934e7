/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <cblas.h>
#include <gsl/gsl_errno.h>

#include <lossviz/lv-error.h>

/* OpenBLAS's own setter; <cblas.h> of Debian's OpenBLAS declares it. */
extern void openblas_set_num_threads (int num_threads);

G_DEFINE_QUARK (lv-error-quark, lv_error)

void
lv_core_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      /* GSL aborts the process on error by default; every GSL call checks its status instead. */
      gsl_set_error_handler_off ();
      /* Parallelism is across runs (one worker per core), never inside one GEMM. */
      openblas_set_num_threads (1);
      g_once_init_leave (&initialized, 1);
    }
}
