/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-pausable.h>

/*
 * The gate is a mutex, a condition and a flag. A worker at a checkpoint takes the mutex and
 * sleeps on the condition while the flag is set and the cancellable is not cancelled.
 * g_cancellable_cancel() sets the cancellable's own flag first and then emits ::cancelled,
 * whose class handler takes our mutex and broadcasts: a worker either sees the flag before it
 * sleeps or is woken by the broadcast, so cancel never leaves a worker asleep.
 */
struct _LvPausable
{
  GCancellable parent_instance;

  GMutex lock;
  GCond cond;
  gboolean paused;
  guint n_waiting;
  LvWorkerPool *pool; /* nullable, not owned */
};

G_DEFINE_FINAL_TYPE (LvPausable, lv_pausable, G_TYPE_CANCELLABLE)

enum { SIGNAL_PAUSE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
lv_pausable_cancelled (GCancellable *cancellable)
{
  LvPausable *self = LV_PAUSABLE (cancellable);

  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static void
lv_pausable_finalize (GObject *object)
{
  LvPausable *self = LV_PAUSABLE (object);

  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (lv_pausable_parent_class)->finalize (object);
}

static void
lv_pausable_class_init (LvPausableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lv_pausable_finalize;
  G_CANCELLABLE_CLASS (klass)->cancelled = lv_pausable_cancelled;

  /**
   * LvPausable::pause-changed:
   * @paused: the new state
   *
   * Emitted by lv_pausable_set_paused() in the caller's thread, after the gate changed: lets a
   * probe pass a pause on to gates of its own at once instead of at its next look.
   */
  signals[SIGNAL_PAUSE_CHANGED] = g_signal_new ("pause-changed", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
lv_pausable_init (LvPausable *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
}

/**
 * lv_pausable_new:
 *
 * Returns: (transfer full): a new gate, running (not paused) and not cancelled.
 */
LvPausable *
lv_pausable_new (void)
{
  return g_object_new (LV_TYPE_PAUSABLE, NULL);
}

/**
 * lv_pausable_set_paused:
 * @self: the gate
 * @paused: %TRUE to hold workers at their next checkpoint, %FALSE to release them
 */
void
lv_pausable_set_paused (LvPausable *self, gboolean paused)
{
  g_return_if_fail (LV_IS_PAUSABLE (self));

  g_mutex_lock (&self->lock);
  self->paused = paused;
  if (!paused)
    g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  g_signal_emit (self, signals[SIGNAL_PAUSE_CHANGED], 0, paused);
}

/**
 * lv_pausable_set_pool:
 * @self: the gate
 * @pool: (nullable): the pool whose workers call lv_pausable_checkpoint() on @self; it must
 *   outlive every checkpoint call
 *
 * A worker that parks at the gate then lends @pool a stand-in thread (lv_worker_pool_lend()),
 * so other jobs on the pool keep running while training is paused.
 */
void
lv_pausable_set_pool (LvPausable *self, LvWorkerPool *pool)
{
  g_return_if_fail (LV_IS_PAUSABLE (self));
  g_mutex_lock (&self->lock);
  self->pool = pool;
  g_mutex_unlock (&self->lock);
}

gboolean
lv_pausable_get_paused (LvPausable *self)
{
  gboolean paused;

  g_return_val_if_fail (LV_IS_PAUSABLE (self), FALSE);
  g_mutex_lock (&self->lock);
  paused = self->paused;
  g_mutex_unlock (&self->lock);
  return paused;
}

guint
lv_pausable_get_n_waiting (LvPausable *self)
{
  guint n;

  g_return_val_if_fail (LV_IS_PAUSABLE (self), 0);
  g_mutex_lock (&self->lock);
  n = self->n_waiting;
  g_mutex_unlock (&self->lock);
  return n;
}

/**
 * lv_pausable_checkpoint:
 * @cancellable: (nullable): an #LvPausable, any other #GCancellable, or %NULL
 *
 * The call a training loop makes between minibatches: blocks while @cancellable is a paused
 * #LvPausable (until resumed or cancelled).
 *
 * Returns: %TRUE when @cancellable is cancelled (the caller stops).
 */
gboolean
lv_pausable_checkpoint (GCancellable *cancellable)
{
  LvPausable *self;

  if (cancellable == NULL || !LV_IS_PAUSABLE (cancellable))
    return g_cancellable_is_cancelled (cancellable);
  self = LV_PAUSABLE (cancellable);
  g_mutex_lock (&self->lock);
  if (self->paused && !g_cancellable_is_cancelled (cancellable))
    {
      LvWorkerPool *pool = self->pool;

      self->n_waiting++;
      if (pool != NULL)
        lv_worker_pool_lend (pool, TRUE);
      while (self->paused && !g_cancellable_is_cancelled (cancellable))
        g_cond_wait (&self->cond, &self->lock);
      if (pool != NULL)
        lv_worker_pool_lend (pool, FALSE);
      self->n_waiting--;
    }
  g_mutex_unlock (&self->lock);
  return g_cancellable_is_cancelled (cancellable);
}
