/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * LvProbeContext:
 * @cancellable: (nullable): cancels the probe; may be an #LvPausable, which also pauses it
 * @lock: (nullable): held by the probe while it writes its result, so that a reader holding the
 *   same lock (the app's #LvJob) always sees a consistent result; %NULL when nobody reads early
 * @progress: (nullable): called on the probe's thread, without @lock held, after each publish
 * @progress_data: for @progress
 *
 * The one shape every feature's computation ("probe") has, in the CLI and the app alike:
 *
 *   gboolean lv_<feature>_probe_run (const Lv<Feature>Input *input,
 *                                    Lv<Feature>Result      *result,
 *                                    LvProbeContext         *context,
 *                                    GError                **error);
 *
 * The input is read only; the result is caller-allocated and filled progressively, each step
 * between lv_probe_context_publish_begin() and lv_probe_context_publish_end(). A cancelled probe
 * returns %FALSE with %G_IO_ERROR_CANCELLED and leaves a consistent partial result. The CLI
 * passes a context with no lock; the app's #LvJob passes its own lock and turns @progress into
 * coalesced `updated` signals on the main thread. See docs/DESIGN.md, "Probes and jobs".
 */
typedef void (*LvProbeProgressFunc) (gpointer user_data, double fraction);

typedef struct
{
  GCancellable *cancellable;
  GMutex *lock;
  LvProbeProgressFunc progress;
  gpointer progress_data;
} LvProbeContext;

/* A context with @cancellable only (the CLI's; %NULL context pointers are accepted too). */
#define LV_PROBE_CONTEXT_INIT(cancellable) { (cancellable), NULL, NULL, NULL }

void     lv_probe_context_publish_begin (LvProbeContext  *context);
/* Releases the lock and reports @fraction (0 … 1, or a negative number for "unknown"). */
void     lv_probe_context_publish_end   (LvProbeContext  *context,
                                         double           fraction);
/* Waits while paused; TRUE when cancelled. */
gboolean lv_probe_context_should_stop   (LvProbeContext  *context);
/* Sets %G_IO_ERROR_CANCELLED and returns FALSE when cancelled, TRUE otherwise. */
gboolean lv_probe_context_check         (LvProbeContext  *context,
                                         GError         **error);
GCancellable *lv_probe_context_get_cancellable (LvProbeContext *context);

G_END_DECLS
