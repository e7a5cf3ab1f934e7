/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LvJob: coalesced updates, order of signals, cancel, pause, join (no GTK needed). */
#include "config.h"

#include <lossviz/lossviz.h>

#include "lv-job.h"

typedef struct
{
  guint publishes;      /* how many times to publish (0: until cancelled) */
  guint published;      /* written under the job's lock */
  guint64 checksum;     /* sum of 1..published, written together with published */
  gint started;         /* atomic: the probe is running */
} CountData;

static gboolean
count_probe (LvProbeContext *context, gpointer data, GError **error)
{
  CountData *d = data;

  g_atomic_int_set (&d->started, 1);
  for (guint i = 1; d->publishes == 0 || i <= d->publishes; i++)
    {
      if (!lv_probe_context_check (context, error))
        return FALSE;
      lv_probe_context_publish_begin (context);
      d->published = i;
      d->checksum += i;
      lv_probe_context_publish_end (context, d->publishes ? (double) i / d->publishes : -1);
      if (d->publishes == 0)
        g_usleep (200);
    }
  return TRUE;
}

typedef struct
{
  guint updates;
  guint finishes;
  gboolean updated_after_finish;
  gboolean consistent;
  GError *error;
} Seen;

static void
on_updated (LvJob *job, Seen *seen)
{
  CountData *d = lv_job_lock (job);

  /* What a reader sees is always a whole publish. */
  if (d->checksum != (guint64) d->published * (d->published + 1) / 2)
    seen->consistent = FALSE;
  lv_job_unlock (job);
  seen->updates++;
  if (seen->finishes > 0)
    seen->updated_after_finish = TRUE;
}

static void
on_finished (LvJob *job, const GError *error, Seen *seen)
{
  seen->finishes++;
  if (error != NULL)
    seen->error = g_error_copy (error);
}

static void
spin_until_finished (Seen *seen)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (seen->finishes == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_job_coalesces_updates (void)
{
  CountData *d = g_new0 (CountData, 1);
  Seen seen = { .consistent = TRUE };
  g_autoptr(LvJob) job = NULL;

  d->publishes = 20000;
  job = lv_job_new ("count", count_probe, d, g_free);
  g_signal_connect (job, "updated", G_CALLBACK (on_updated), &seen);
  g_signal_connect (job, "finished", G_CALLBACK (on_finished), &seen);
  lv_job_start (job);
  spin_until_finished (&seen);
  /* Let any late idle run: it must stay silent. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (seen.finishes, ==, 1);
  g_assert_no_error (seen.error);
  g_assert_true (seen.consistent);
  g_assert_false (seen.updated_after_finish);
  g_assert_cmpuint (seen.updates, >=, 1);
  /* 20 000 publishes cannot each get an idle: they coalesce. */
  g_assert_cmpuint (seen.updates, <, d->publishes);
  g_assert_cmpuint (d->published, ==, 20000);
  g_assert_cmpfloat (lv_job_get_fraction (job), ==, 1.0);
  g_assert_true (lv_job_is_finished (job));
  g_assert_false (lv_job_is_running (job));
}

static void
test_job_cancel (void)
{
  CountData *d = g_new0 (CountData, 1);
  Seen seen = { .consistent = TRUE };
  g_autoptr(LvJob) job = lv_job_new ("forever", count_probe, d, g_free);

  g_signal_connect (job, "finished", G_CALLBACK (on_finished), &seen);
  lv_job_start (job);
  while (!g_atomic_int_get (&d->started))
    g_usleep (100);
  lv_job_cancel (job);
  spin_until_finished (&seen);
  g_assert_cmpuint (seen.finishes, ==, 1);
  g_assert_error (seen.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error ((GError *) lv_job_get_error (job), G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&seen.error);
}

static guint
published_now (LvJob *job)
{
  CountData *d = lv_job_lock (job);
  guint n = d->published;

  lv_job_unlock (job);
  return n;
}

static void
test_job_pause_and_join (void)
{
  CountData *d = g_new0 (CountData, 1);
  LvJob *job = lv_job_new ("paused", count_probe, d, g_free);
  guint before, after;

  lv_job_start (job);
  while (published_now (job) < 3)
    g_usleep (200);
  lv_job_set_paused (job, TRUE);
  g_assert_true (lv_job_get_paused (job));
  g_usleep (50000);                     /* the probe reaches its checkpoint and waits */
  before = published_now (job);
  g_usleep (100000);
  after = published_now (job);
  g_assert_cmpuint (after, ==, before);
  lv_job_set_paused (job, FALSE);
  while (published_now (job) <= after)
    g_usleep (200);
  /* Abandon without waiting; join_all then returns once the thread ended. */
  lv_job_abandon (&job, NULL);
  g_assert_null (job);
  lv_job_join_all ();
  g_assert_cmpuint (lv_job_count_running (), ==, 0);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_job_shared_pool (void)
{
  LvWorkerPool *pool = lv_job_get_worker_pool ();

  g_assert_nonnull (pool);
  g_assert_true (lv_job_get_worker_pool () == pool);
  g_assert_cmpuint (lv_worker_pool_get_n_threads (pool), >=, 1);
  lv_job_free_worker_pool ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/job/coalesces-updates", test_job_coalesces_updates);
  g_test_add_func ("/job/cancel", test_job_cancel);
  g_test_add_func ("/job/pause-and-join", test_job_pause_and_join);
  g_test_add_func ("/job/shared-pool", test_job_shared_pool);
  return g_test_run ();
}
