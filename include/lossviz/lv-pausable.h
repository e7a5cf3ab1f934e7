/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <lossviz/lv-worker-pool.h>

G_BEGIN_DECLS

/**
 * LvPausable:
 *
 * A #GCancellable that can also pause. Training loops call lv_pausable_checkpoint() between
 * minibatches instead of g_cancellable_is_cancelled(): while the gate is paused the worker
 * waits there (holding its parameters, momentum and minibatch order), and it continues from
 * that very minibatch when resumed, so a paused-then-resumed run is bit-identical to an
 * uninterrupted one. Cancelling wakes every waiting worker. Any plain #GCancellable (or %NULL)
 * may be passed wherever an #LvPausable is accepted: it never pauses.
 */
#define LV_TYPE_PAUSABLE (lv_pausable_get_type ())
G_DECLARE_FINAL_TYPE (LvPausable, lv_pausable, LV, PAUSABLE, GCancellable)

LvPausable *lv_pausable_new           (void);
void        lv_pausable_set_paused    (LvPausable   *self,
                                       gboolean      paused);
gboolean    lv_pausable_get_paused    (LvPausable   *self);
/* The pool whose workers check this gate: a parked worker lends the pool a stand-in thread. */
void        lv_pausable_set_pool      (LvPausable   *self,
                                       LvWorkerPool *pool);
/* Workers waiting at a checkpoint right now (for tests and progress displays). */
guint       lv_pausable_get_n_waiting (LvPausable   *self);
/* Waits while @cancellable is a paused LvPausable; returns whether it is cancelled. */
gboolean    lv_pausable_checkpoint    (GCancellable *cancellable);

G_END_DECLS
