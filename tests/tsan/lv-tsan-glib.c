/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LD_PRELOAD shim for the ThreadSanitizer build (build-aux/test.sh). Debian's GLib implements
 * GMutex and GCond directly on futexes and hands GThreadPool items over through its own
 * (uninstrumented) GAsyncQueue, so TSan sees none of that synchronisation and reports every
 * mutex-protected access as a race. This shim wraps the GLib entry points the project calls
 * with TSan's annotation interface (mutex pre/post lock/unlock, release/acquire on a pool item)
 * and otherwise forwards to the real functions. It changes no behaviour; it only tells TSan what
 * GLib already guarantees. GLib's calls to itself are not interposable (they do not go through
 * the PLT), so only the project's, GIO's and json-glib's calls are seen.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <glib.h>
#include <sanitizer/tsan_interface.h>

/* The real function, looked up once; two threads may look it up at the same time (the first
 * g_cond_wait of two workers), so the pointer is read and written atomically. */
#define REAL(name) \
  static __typeof__ (name) *real_##name; \
  if (__atomic_load_n (&real_##name, __ATOMIC_ACQUIRE) == NULL) \
    __atomic_store_n (&real_##name, (__typeof__ (name) *) dlsym (RTLD_NEXT, #name), \
                      __ATOMIC_RELEASE)

void
g_mutex_init (GMutex *mutex)
{
  REAL (g_mutex_init);
  real_g_mutex_init (mutex);
  __tsan_mutex_create (mutex, 0);
}

void
g_mutex_clear (GMutex *mutex)
{
  REAL (g_mutex_clear);
  __tsan_mutex_destroy (mutex, 0);
  real_g_mutex_clear (mutex);
}

void
g_mutex_lock (GMutex *mutex)
{
  REAL (g_mutex_lock);
  __tsan_mutex_pre_lock (mutex, 0);
  real_g_mutex_lock (mutex);
  __tsan_mutex_post_lock (mutex, 0, 0);
}

gboolean
g_mutex_trylock (GMutex *mutex)
{
  gboolean locked;
  REAL (g_mutex_trylock);

  __tsan_mutex_pre_lock (mutex, __tsan_mutex_try_lock);
  locked = real_g_mutex_trylock (mutex);
  __tsan_mutex_post_lock (mutex, __tsan_mutex_try_lock |
                          (locked ? 0 : __tsan_mutex_try_lock_failed), 0);
  return locked;
}

void
g_mutex_unlock (GMutex *mutex)
{
  REAL (g_mutex_unlock);
  __tsan_mutex_pre_unlock (mutex, 0);
  real_g_mutex_unlock (mutex);
  __tsan_mutex_post_unlock (mutex, 0);
}

/* The wait releases and re-acquires the mutex. */
void
g_cond_wait (GCond *cond, GMutex *mutex)
{
  REAL (g_cond_wait);
  __tsan_mutex_pre_unlock (mutex, 0);
  __tsan_mutex_post_unlock (mutex, 0);
  real_g_cond_wait (cond, mutex);
  __tsan_mutex_pre_lock (mutex, 0);
  __tsan_mutex_post_lock (mutex, 0, 0);
}

gboolean
g_cond_wait_until (GCond *cond, GMutex *mutex, gint64 end_time)
{
  gboolean signalled;
  REAL (g_cond_wait_until);

  __tsan_mutex_pre_unlock (mutex, 0);
  __tsan_mutex_post_unlock (mutex, 0);
  signalled = real_g_cond_wait_until (cond, mutex, end_time);
  __tsan_mutex_pre_lock (mutex, 0);
  __tsan_mutex_post_lock (mutex, 0, 0);
  return signalled;
}

/* Thread pools: the push happens-before the worker's call with that item. The wrapper data of
 * each pool is found through a table (not pool->user_data: GLib's last worker frees the pool
 * struct itself, after g_thread_pool_free() returns). */
typedef struct
{
  GFunc func;
  gpointer user_data;
} PoolFunc;

static pthread_mutex_t pools_lock = PTHREAD_MUTEX_INITIALIZER;
static GHashTable *pools;

static void
pool_trampoline (gpointer item, gpointer user_data)
{
  PoolFunc *pf = user_data;

  __tsan_acquire (item);
  pf->func (item, pf->user_data);
  __tsan_release (pf);
}

GThreadPool *
g_thread_pool_new (GFunc func, gpointer user_data, gint max_threads, gboolean exclusive,
                   GError **error)
{
  PoolFunc *pf = g_new (PoolFunc, 1);
  GThreadPool *pool;
  REAL (g_thread_pool_new);

  pf->func = func;
  pf->user_data = user_data;
  pool = real_g_thread_pool_new (pool_trampoline, pf, max_threads, exclusive, error);
  if (pool == NULL)
    {
      g_free (pf);
      return NULL;
    }
  pthread_mutex_lock (&pools_lock);
  if (pools == NULL)
    pools = g_hash_table_new (NULL, NULL);
  g_hash_table_insert (pools, pool, pf);
  pthread_mutex_unlock (&pools_lock);
  return pool;
}

gboolean
g_thread_pool_push (GThreadPool *pool, gpointer item, GError **error)
{
  REAL (g_thread_pool_push);
  __tsan_release (item);
  return real_g_thread_pool_push (pool, item, error);
}

void
g_thread_pool_free (GThreadPool *pool, gboolean immediate, gboolean wait_)
{
  PoolFunc *pf;
  REAL (g_thread_pool_free);

  pthread_mutex_lock (&pools_lock);
  pf = g_hash_table_lookup (pools, pool);
  g_hash_table_remove (pools, pool);
  pthread_mutex_unlock (&pools_lock);
  real_g_thread_pool_free (pool, immediate, wait_);
  /* Every item has run: the pool's end happens-after all of them. */
  __tsan_acquire (pf);
  g_free (pf);
}

/* Reference counts: the last unref (which frees) happens-after every earlier unref. */
gboolean
g_atomic_ref_count_dec (gatomicrefcount *arc)
{
  gboolean last;
  REAL (g_atomic_ref_count_dec);

  __tsan_release (arc);
  last = real_g_atomic_ref_count_dec (arc);
  if (last)
    __tsan_acquire (arc);
  return last;
}
