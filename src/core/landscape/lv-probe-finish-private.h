/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-probe.h>

G_BEGIN_DECLS

/*
 * The end of a failed probe: the inner routines (slices, Hessians, training) report
 * cancellation in their own terms (LV_ERROR_CANCELLED, a run state); the probe's contract is
 * G_IO_ERROR_CANCELLED whenever its context was cancelled, else the inner error as is.
 * Takes @local; always returns FALSE.
 */
static inline gboolean
lv_probe_fail (LvProbeContext *context, GError *local, GError **error)
{
  if (g_cancellable_is_cancelled (lv_probe_context_get_cancellable (context)))
    {
      g_clear_error (&local);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return FALSE;
    }
  g_propagate_error (error, local);
  return FALSE;
}

G_END_DECLS
