/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The process's one oneDNN CPU engine and status check (lv-gemm-bf16.c), shared by every bf16
 * path (the trainers' GEMMs, the spin glass's packed contraction). Only with HAVE_DNNL.
 */

#ifdef HAVE_DNNL
#include <glib.h>
#include <oneapi/dnnl/dnnl.h>

G_BEGIN_DECLS

/* Limits the calling thread's OpenMP team to itself (once per thread): LossViz runs one task
 * per core, so oneDNN must not start a team per caller. */
void          lv_dnnl_limit_to_caller (void);
/* Limits the calling thread's OpenMP team to itself and makes the engine on first use.
 * Returns: (transfer none) (nullable): the engine, or NULL with @error set */
dnnl_engine_t lv_dnnl_engine (GError **error);
/* TRUE on dnnl_success, else FALSE with "oneDNN: @what failed (status N)". */
gboolean      lv_dnnl_check  (dnnl_status_t status, const char *what, GError **error);

G_END_DECLS
#endif
