/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The probe context: how a core computation publishes partial results and checks cancellation
 * (docs/DESIGN.md, "Probes and jobs"). */
#include "config.h"

#include <lossviz/lv-pausable.h>
#include <lossviz/lv-probe.h>

/**
 * lv_probe_context_publish_begin:
 * @context: (nullable): the probe's context
 *
 * Takes the readers' lock before the probe writes its result.
 */
void
lv_probe_context_publish_begin (LvProbeContext *context)
{
  if (context != NULL && context->lock != NULL)
    g_mutex_lock (context->lock);
}

/**
 * lv_probe_context_publish_end:
 * @context: (nullable): the probe's context
 * @fraction: work done so far, 0 … 1 (negative: unknown)
 *
 * Releases the lock taken by lv_probe_context_publish_begin(), then reports progress. The
 * callback runs after the unlock so that it may take other locks (or the same one) freely.
 */
void
lv_probe_context_publish_end (LvProbeContext *context, double fraction)
{
  if (context == NULL)
    return;
  if (context->lock != NULL)
    g_mutex_unlock (context->lock);
  if (context->progress != NULL)
    context->progress (context->progress_data, fraction);
}

/**
 * lv_probe_context_get_cancellable:
 * @context: (nullable): the probe's context
 *
 * Returns: (transfer none) (nullable): its cancellable
 */
GCancellable *
lv_probe_context_get_cancellable (LvProbeContext *context)
{
  return context != NULL ? context->cancellable : NULL;
}

/**
 * lv_probe_context_should_stop:
 * @context: (nullable): the probe's context
 *
 * Waits while the context's cancellable is a paused #LvPausable.
 *
 * Returns: whether the probe is cancelled
 */
gboolean
lv_probe_context_should_stop (LvProbeContext *context)
{
  return lv_pausable_checkpoint (lv_probe_context_get_cancellable (context));
}

/**
 * lv_probe_context_check:
 * @context: (nullable): the probe's context
 * @error: return location for %G_IO_ERROR_CANCELLED
 *
 * Returns: %FALSE (with @error set) when the probe is cancelled
 */
gboolean
lv_probe_context_check (LvProbeContext *context, GError **error)
{
  if (!lv_probe_context_should_stop (context))
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  return FALSE;
}
