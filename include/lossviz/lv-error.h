/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * LvError:
 * @LV_ERROR_INVALID_INPUT: a parameter, file or dataset is malformed or out of range
 *   (the CLI exits 2).
 * @LV_ERROR_IO: a file could not be read or written.
 * @LV_ERROR_FAILED: a computation failed at run time (the CLI exits 1).
 * @LV_ERROR_CANCELLED: the job was cancelled.
 *
 * Error codes of the %LV_ERROR domain, shared by every core module.
 */
typedef enum {
  LV_ERROR_INVALID_INPUT,
  LV_ERROR_IO,
  LV_ERROR_FAILED,
  LV_ERROR_CANCELLED,
} LvError;

#define LV_ERROR (lv_error_quark ())
GQuark lv_error_quark (void);

/**
 * lv_core_init:
 *
 * One-time process set-up of the numerical libraries: turns GSL's aborting error handler off
 * (every GSL status is checked instead) and pins OpenBLAS to one thread, since LossViz
 * parallelises across runs, not inside a GEMM. Safe to call more than once.
 */
void lv_core_init (void);

G_END_DECLS
