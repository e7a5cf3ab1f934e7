/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-loss-view: the loss view's frame for 5 sizes × 1000 runs (issue 14 item 3).
 *
 * Builds synthetic run records (20 epochs each, losses drawn around a per-size mean), then
 * times, over many frames: the model update from the records (lv_plot_ensemble_update, what
 * the view does when the experiment changes) and the Cairo drawing of the view's four figures
 * at the sizes a 1600×1000 window gives them (histogram 900×520, scatter 450×520, mean ± std and
 * spread 675×330 each), into image surfaces. Prints one JSON object: thread CPU ms per frame
 * (median and p99) for update, draw and both, and the draw of each panel.
 *
 *   bench-loss-view [--sizes 5] [--runs 1000] [--frames 200] [--png PREFIX]
 *
 * With --png, the last frame's panels are also written as PREFIX-<panel>.png, to compare the
 * pixels of two versions of the renderers (tests/bench/compare-png.py).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-plot-ensemble.h>

#define EPOCHS 20

static LvEnsembleSnapshot *
synthetic_snapshot (guint n_sizes, guint runs)
{
  static const guint widths[] = { 5, 10, 25, 100, 500, 1000, 2000, 4000 };
  LvEnsembleSnapshot *snap = g_new0 (LvEnsembleSnapshot, 1);
  LvRng rng;

  lv_rng_init (&rng, 7);
  snap->n_runs = n_sizes * runs;
  snap->runs = g_new0 (LvRunRecord, snap->n_runs);
  for (guint s = 0; s < n_sizes; s++)
    for (guint r = 0; r < runs; r++)
      {
        LvRunRecord *rec = &snap->runs[s * runs + r];
        double mean = 0.4 / (1 + s), spread = 0.1 / (1 + s);

        rec->hidden = widths[s % G_N_ELEMENTS (widths)];
        rec->run = r;
        rec->seed = r;
        rec->state = LV_RUN_FINISHED;
        rec->epochs_done = EPOCHS;
        rec->train_loss = g_new (double, EPOCHS);
        rec->test_loss = g_new (double, EPOCHS);
        rec->test_accuracy = g_new (double, EPOCHS);
        for (guint e = 0; e < EPOCHS; e++)
          {
            double decay = 1.0 + 2.0 / (1 + e);

            rec->test_loss[e] = fabs (mean * decay + spread * lv_rng_gaussian (&rng));
            rec->train_loss[e] = 0.8 * rec->test_loss[e];
            rec->test_accuracy[e] = 0.9;
          }
        snap->finished++;
      }
  return snap;
}

/* Thread CPU time in µs: the machine may be shared, and a frame's cost is the CPU it takes,
 * not the time other processes hold the core (wall-clock p99 is printed beside it). */
static gint64
cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
quantile (double *v, guint n, double q)
{
  qsort (v, n, sizeof *v, compare_double);
  return v[MIN ((guint) floor (q * n), n - 1)];
}

typedef struct
{
  LvPlotDrawFunc draw;
  gconstpointer model;
  int width, height;
  cairo_surface_t *surface;
} Panel;

int
main (int argc, char **argv)
{
  int n_sizes = 5, runs = 1000, frames = 200;
  g_autofree char *png_prefix = NULL;
  GOptionEntry entries[] = {
    { "sizes", 0, 0, G_OPTION_ARG_INT, &n_sizes, "Network sizes", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs per size", "R" },
    { "frames", 0, 0, G_OPTION_ARG_INT, &frames, "Frames to time", "F" },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &png_prefix, "Write the last frame's panels", "PREFIX" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the loss view's frame");
  g_autoptr(LvPlotEnsemble) fig = lv_plot_ensemble_new ();
  g_autoptr(LvEnsembleSnapshot) snap = NULL;
  g_autofree double *t_update = NULL, *t_draw = NULL, *t_total = NULL, *t_panel = NULL;
  static const char *const panel_names[] = { "histogram", "scatter", "mean_std", "spread" };
  const LvEnsembleSnapshot *snaps[1];
  LvPlotEnsembleOptions options;
  Panel panels[4];

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, NULL) || n_sizes < 1 || n_sizes > 8 ||
      runs < 1 || frames < 1)
    {
      g_printerr ("bench-loss-view: error: bad options\n");
      return 2;
    }
  snap = synthetic_snapshot ((guint) n_sizes, (guint) runs);
  snaps[0] = snap;
  lv_plot_ensemble_get_options (fig, &options);
  options.n_bins = 18;   /* as the app */
  lv_plot_ensemble_set_options (fig, &options);
  lv_plot_ensemble_update (fig, snaps, 1);
  panels[0] = (Panel) { (LvPlotDrawFunc) lv_plot_histogram_draw,
                        lv_plot_ensemble_get_histogram (fig), 900, 520, NULL };
  panels[1] = (Panel) { (LvPlotDrawFunc) lv_plot_scatter_draw,
                        lv_plot_ensemble_get_scatter (fig), 450, 520, NULL };
  panels[2] = (Panel) { (LvPlotDrawFunc) lv_plot_summary_draw,
                        lv_plot_ensemble_get_mean_std (fig), 675, 330, NULL };
  panels[3] = (Panel) { (LvPlotDrawFunc) lv_plot_summary_draw,
                        lv_plot_ensemble_get_spread (fig), 675, 330, NULL };
  for (guint p = 0; p < 4; p++)
    panels[p].surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, panels[p].width,
                                                    panels[p].height);
  t_update = g_new (double, frames);
  t_draw = g_new (double, frames);
  t_total = g_new (double, frames);
  t_panel = g_new (double, 4 * (gsize) frames);
  for (int f = -5; f < frames; f++)   /* 5 warm-up frames */
    {
      gint64 t0 = cpu_us (), t1, t2;

      /* The timeline moves an epoch per frame at most: each frame rebuilds at a new epoch. */
      lv_plot_ensemble_set_epoch (fig, 1 + (guint) (f + 5) % EPOCHS);
      lv_plot_ensemble_update (fig, snaps, 1);
      t1 = cpu_us ();
      panels[0].model = lv_plot_ensemble_get_histogram (fig);
      panels[1].model = lv_plot_ensemble_get_scatter (fig);
      panels[2].model = lv_plot_ensemble_get_mean_std (fig);
      panels[3].model = lv_plot_ensemble_get_spread (fig);
      for (guint p = 0; p < 4; p++)
        {
          cairo_t *cr = cairo_create (panels[p].surface);
          gint64 tp = cpu_us ();

          panels[p].draw (cr, panels[p].model, panels[p].width, panels[p].height);
          cairo_destroy (cr);
          cairo_surface_flush (panels[p].surface);
          if (f >= 0)
            t_panel[p * frames + f] = (cpu_us () - tp) / 1e3;
        }
      t2 = cpu_us ();
      if (f >= 0)
        {
          t_update[f] = (t1 - t0) / 1e3;
          t_draw[f] = (t2 - t1) / 1e3;
          t_total[f] = (t2 - t0) / 1e3;
        }
    }
  g_print ("{\"sizes\": %d, \"runs_per_size\": %d, \"frames\": %d, "
           "\"update_ms\": {\"median\": %.3f, \"p99\": %.3f}, "
           "\"draw_ms\": {\"median\": %.3f, \"p99\": %.3f}, "
           "\"frame_ms\": {\"median\": %.3f, \"p99\": %.3f}, \"panel_ms\": {",
           n_sizes, runs, frames, quantile (t_update, frames, 0.5), quantile (t_update, frames, 0.99),
           quantile (t_draw, frames, 0.5), quantile (t_draw, frames, 0.99),
           quantile (t_total, frames, 0.5), quantile (t_total, frames, 0.99));
  for (guint p = 0; p < 4; p++)
    g_print ("%s\"%s\": %.3f", p > 0 ? ", " : "", panel_names[p],
             quantile (t_panel + p * frames, frames, 0.5));
  g_print ("}}\n");
  for (guint p = 0; p < 4 && png_prefix != NULL; p++)
    {
      g_autofree char *path = g_strdup_printf ("%s-%s.png", png_prefix, panel_names[p]);

      if (cairo_surface_write_to_png (panels[p].surface, path) != CAIRO_STATUS_SUCCESS)
        {
          g_printerr ("bench-loss-view: error: cannot write %s\n", path);
          return 1;
        }
    }
  for (guint p = 0; p < 4; p++)
    cairo_surface_destroy (panels[p].surface);
  return 0;
}
