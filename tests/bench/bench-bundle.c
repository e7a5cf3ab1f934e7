/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include <glib/gstdio.h>
#include <lossviz/lossviz.h>

/*
 * One experiment-bundle write of the paper-scale protocol (issue 13): 5 widths (25, 50, 100,
 * 250, 500) × --runs finished runs of 100 → h → 10 networks (fashion-mnist at 10 × 10), 1
 * epoch of curves each. Prints one JSON line: bytes, wall seconds (fsync and rename included)
 * and the writing thread's CPU seconds. bench-bundle.py compares it with h5py writing the same
 * layout.
 */

typedef struct
{
  float *scratch;
  guint64 seed;
} Fetch;

static void
fetch (guint index, LvBundleRunParams *out, gpointer user_data)
{
  Fetch *f = user_data;

  /* The parameters' values do not matter to the writer; their count does. */
  out->params = f->scratch;
}

static double
now (clockid_t clock)
{
  struct timespec t;

  clock_gettime (clock, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int
main (int argc, char **argv)
{
  int runs = 1000;
  char *path = NULL;
  const GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs per width (default 1000)", "N" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &path, "Bundle to write (default in /tmp)", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- bundle write benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(LvDataset) ds = NULL;
  g_autoptr(LvSession) session = NULL;
  g_autofree float *x = NULL;
  LvEnsembleConfig config;
  LvDatasetOptions dopts;
  LvBundlePrep prep;
  LvEnsembleSnapshot *snap;
  LvMlpShape big;
  Fetch f = { NULL, 1 };
  double t0, c0, wall, cpu;
  GStatBuf st;
  static const guint widths[] = { 25, 50, 100, 250, 500 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || runs < 1 || runs > 100000)
    {
      fprintf (stderr, "bench-bundle: %s\n", error ? error->message : "--runs outside 1..100000");
      return 2;
    }
  if (!lv_bundle_is_available ())
    {
      printf ("bench-bundle: built without HDF5, skipped\n");
      return 77;
    }
  if (path == NULL)
    path = g_strdup_printf ("%s/lossviz-bench-bundle-%d.h5", g_get_tmp_dir (), (int) getpid ());
  x = g_new0 (float, 100 * 2);
  ds = lv_dataset_new_from_arrays ("bench", 100, 10, 2, x, NULL, NULL, 0, NULL, NULL, NULL);
  lv_ensemble_config_init (&config);
  config.n_sizes = G_N_ELEMENTS (widths);
  for (guint i = 0; i < config.n_sizes; i++)
    config.sizes[i] = widths[i];
  config.runs = (guint) runs;
  config.train.epochs = 1;
  snap = g_new0 (LvEnsembleSnapshot, 1);
  snap->n_runs = config.n_sizes * config.runs;
  snap->runs = g_new0 (LvRunRecord, snap->n_runs);
  for (guint i = 0; i < snap->n_runs; i++)
    {
      LvRunRecord *r = &snap->runs[i];
      r->hidden = widths[i / config.runs];
      r->run = i % config.runs;
      r->seed = lv_ensemble_run_seed (1, r->hidden, r->run);
      r->state = LV_RUN_FINISHED;
      r->epochs_done = 1;
      r->train_loss = g_new0 (double, 1);
      r->test_loss = g_new0 (double, 1);
      r->test_accuracy = g_new0 (double, 1);
    }
  snap->finished = snap->n_runs;
  lv_dataset_options_init (&dopts);
  session = lv_session_new ("bench", &dopts, ds, &config, snap, 2, 1.0);
  lv_bundle_prep_from_dataset (&prep, ds, &dopts);
  lv_bundle_session_shape (session, 500, &big, NULL);
  f.scratch = g_new0 (float, lv_mlp_n_params (&big));

  t0 = now (CLOCK_MONOTONIC);
  c0 = now (CLOCK_THREAD_CPUTIME_ID);
  if (!lv_bundle_write (path, session, &prep, NULL, fetch, &f, &error))
    {
      fprintf (stderr, "bench-bundle: %s\n", error->message);
      return 1;
    }
  cpu = now (CLOCK_THREAD_CPUTIME_ID) - c0;
  wall = now (CLOCK_MONOTONIC) - t0;
  g_stat (path, &st);
  printf ("{\"runs\": %d, \"bytes\": %lld, \"wall_s\": %.3f, \"cpu_s\": %.3f}\n", runs * 5,
          (long long) st.st_size, wall, cpu);
  g_unlink (path);
  lv_bundle_prep_clear (&prep);
  g_free (f.scratch);
  g_free (path);
  return 0;
}
