/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

#include <lossviz/lossviz.h>

/*
 * The linearity trick against the naive evaluator: the same G × G slice of a dataset
 * (train + test), on one thread, for several hidden widths. Prints the time of each, the
 * speed-up and the largest difference between the two grids.
 */

static double
time_grid (const LvMlpShape *shape, const float *params, const float *d1, const float *d2,
           const LvDataset *ds, guint grid, gboolean naive, LvSliceGrid **out)
{
  LvSliceConfig config;
  g_autoptr(GError) error = NULL;
  struct timespec t0, t1;

  lv_slice_config_init (&config);
  config.grid = grid;
  config.naive = naive;
  /* CPU time of this thread: the evaluation runs here, and other processes do not count. */
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &t0);
  *out = lv_slice_grid_compute (shape, params, d1, d2, ds, &config, NULL, NULL, NULL, NULL,
                                &error);
  if (*out == NULL)
    g_error ("slice failed: %s", error->message);
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &t1);
  return (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
}

int
main (int argc, char **argv)
{
  int grid = 21;
  char *hidden_list = NULL;
  char *dataset = NULL;
  const GOptionEntry entries[] = {
    { "grid", 0, 0, G_OPTION_ARG_INT, &grid, "Grid side (default 21)", "G" },
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &hidden_list, "Widths (default 10,20,100)", "LIST" },
    { "dataset", 0, 0, G_OPTION_ARG_STRING, &dataset,
      "Dataset spec (default digits; e.g. random:2000:784:10 for MNIST-sized inputs)", "SPEC" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- linearity trick benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(LvDataset) ds = NULL;
  g_auto(GStrv) widths = NULL;
  LvDatasetOptions dopts;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || grid < 2 || grid > 201)
    {
      fprintf (stderr, "bench-slice: %s\n", error ? error->message : "--grid outside 2..201");
      return 2;
    }
  lv_core_init ();
  lv_dataset_options_init (&dopts);
  ds = lv_dataset_load (dataset ? dataset : "digits", &dopts, &error);
  if (ds == NULL)
    {
      fprintf (stderr, "bench-slice: %s\n", error->message);
      return 1;
    }
  widths = g_strsplit (hidden_list ? hidden_list : "10,20,100", ",", -1);
  printf ("%s: %u inputs, %u train + %u test samples, %d × %d grid, 1 thread\n", ds->name, ds->n_inputs, ds->n_train, ds->n_test,
          grid, grid);
  printf ("%8s %8s %12s %12s %9s %12s\n", "hidden", "params", "naive cpu s", "trick cpu s", "speed-up",
          "max |diff|");
  for (guint w = 0; widths[w] != NULL; w++)
    {
      guint hidden = (guint) g_ascii_strtoull (widths[w], NULL, 10);
      LvMlpShape shape;
      g_autofree float *params = NULL, *d1 = NULL, *d2 = NULL;
      g_autoptr(LvSliceGrid) naive = NULL, trick = NULL;
      double tn, tt, diff = 0;
      LvRng rng;

      if (!lv_mlp_shape_init (&shape, ds->n_inputs, 1, hidden, ds->n_classes,
                              LV_ACTIVATION_RELU, LV_LOSS_CROSS_ENTROPY, TRUE, &error))
        {
          fprintf (stderr, "bench-slice: %s\n", error->message);
          return 2;
        }
      params = g_new (float, lv_mlp_n_params (&shape));
      d1 = g_new (float, lv_mlp_n_params (&shape));
      d2 = g_new (float, lv_mlp_n_params (&shape));
      lv_rng_init (&rng, 1);
      lv_mlp_init_params (&shape, LV_INIT_HE, &rng, params);
      lv_slice_direction_filter (&shape, params, 1, FALSE, d1, NULL);
      lv_slice_direction_filter (&shape, params, 2, FALSE, d2, NULL);
      tn = time_grid (&shape, params, d1, d2, ds, (guint) grid, TRUE, &naive);
      tt = time_grid (&shape, params, d1, d2, ds, (guint) grid, FALSE, &trick);
      for (guint k = 0; k < (guint) (grid * grid); k++)
        diff = MAX (diff, fabs (naive->train_loss[k] - trick->train_loss[k]));
      printf ("%8u %8" G_GSIZE_FORMAT " %12.4f %12.4f %8.1fx %12.3g\n", hidden,
              lv_mlp_n_params (&shape), tn, tt, tn / tt, diff);
    }
  g_free (hidden_list);
  g_free (dataset);
  return 0;
}
