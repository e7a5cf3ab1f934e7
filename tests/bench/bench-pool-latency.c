/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How long a short job waits for its first worker while the app's default ensemble trains
 * (digits, sizes 5, 10, 25, 100, 40 runs, 10 epochs, on a pool of one thread per core), the job
 * pushed as soon as training has published its first results.
 *
 *   fifo: the job's first item pushed on the training's own queue, i.e. one FIFO as the pool
 *         was before it had queues: it starts after the whole queued backlog;
 *   fair: the item pushed on a queue of its own (what every job does now).
 *
 * Runs alternate (fair, fifo, fair, fifo, …) so the machine's load hits both alike; the output
 * is each mode's median latency and their ratio. Usage: bench-pool-latency [REPEATS [EPOCHS]]
 * (EPOCHS: 10, the demo's; more makes the backlog, and so the FIFO wait, longer).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <lossviz/lossviz.h>

typedef struct
{
  GMutex lock;
  GCond cond;
  gint64 started;
} FirstItem;

static void
first_item (gpointer data)
{
  FirstItem *item = data;

  g_mutex_lock (&item->lock);
  item->started = g_get_monotonic_time ();
  g_cond_signal (&item->cond);
  g_mutex_unlock (&item->lock);
}

/* Seconds from pushing the job's first item to its start, training running. */
static double
measure (LvDataset *digits, LvWorkerPool *pool, guint epochs, gboolean fair)
{
  g_autoptr(GError) error = NULL;
  static const guint sizes[] = { 5, 10, 25, 100 };
  LvEnsembleConfig config;
  g_autoptr(LvEnsemble) ensemble = NULL;
  g_autoptr(LvWorkerQueue) training = lv_worker_queue_new (pool);
  g_autoptr(LvWorkerQueue) job = lv_worker_queue_new (pool);
  FirstItem item = { .started = 0 };
  guint64 generation;
  gint64 pushed;

  lv_ensemble_config_init (&config);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    config.sizes[i] = sizes[i];
  config.n_sizes = G_N_ELEMENTS (sizes);
  config.runs = 40;
  config.train.epochs = epochs;
  ensemble = lv_ensemble_new (digits, &config, &error);
  if (ensemble == NULL)
    g_error ("%s", error->message);
  g_mutex_init (&item.lock);
  g_cond_init (&item.cond);
  generation = lv_ensemble_get_generation (ensemble);
  lv_ensemble_start_on_queue (&ensemble, 1, training);
  /* Training under way, as when the user opens the Landscape page: the first epoch results are
   * out, most blocks still queued. (A fixed delay is no measure: on an idle machine a release
   * build trains the whole demo in under 0.2 s.) */
  while (lv_ensemble_get_generation (ensemble) == generation && !lv_ensemble_is_done (ensemble))
    g_usleep (500);
  pushed = g_get_monotonic_time ();
  lv_worker_queue_push (fair ? job : training, first_item, &item);
  g_mutex_lock (&item.lock);
  while (item.started == 0)
    g_cond_wait (&item.cond, &item.lock);
  g_mutex_unlock (&item.lock);
  lv_ensemble_cancel (ensemble);
  lv_ensemble_wait (ensemble);
  g_mutex_clear (&item.lock);
  g_cond_clear (&item.cond);
  return (item.started - pushed) / 1e6;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int argc, char **argv)
{
  guint repeats = argc > 1 ? (guint) atoi (argv[1]) : 3;
  guint epochs = argc > 2 ? (guint) atoi (argv[2]) : 10;
  g_autoptr(GError) error = NULL;
  g_autoptr(LvDataset) digits = NULL;
  g_autoptr(LvWorkerPool) pool = NULL;
  g_autofree double *fair = NULL, *fifo = NULL;

  lv_core_init ();
  repeats = CLAMP (repeats, 1, 50);
  epochs = CLAMP (epochs, 1, 1000);
  digits = lv_dataset_load ("digits", NULL, &error);
  if (digits == NULL)
    g_error ("%s", error->message);
  pool = lv_worker_pool_new (0);
  fair = g_new (double, repeats);
  fifo = g_new (double, repeats);
  for (guint r = 0; r < repeats; r++)
    {
      fair[r] = measure (digits, pool, epochs, TRUE);
      fifo[r] = measure (digits, pool, epochs, FALSE);
      printf ("repeat %u: fair %.4f s, fifo %.4f s\n", r, fair[r], fifo[r]);
    }
  qsort (fair, repeats, sizeof (double), compare_doubles);
  qsort (fifo, repeats, sizeof (double), compare_doubles);
  printf ("pool threads %u, %u epochs; first item of a job pushed once training published "
          "its first results "
          "(median of %u):\n"
          "  fifo (one queue, as before) %.4f s\n  fair (a queue per job)      %.4f s\n"
          "  ratio fifo / fair %.0f\n",
          lv_worker_pool_get_n_threads (pool), epochs, repeats, fifo[repeats / 2],
          fair[repeats / 2],
          fifo[repeats / 2] / MAX (fair[repeats / 2], 1e-6));
  return 0;
}
