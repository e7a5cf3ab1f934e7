/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-window-frames: frame times of the real window while it trains the default demo
 * (sizes 5, 10, 25, 100 × 40 runs, 10 epochs) — issue 14 item 3.
 *
 * Under a display (Xvfb: build-aux runs it with xvfb-run), the 1600×1000 window starts
 * training and every frame of its GdkFrameClock is timed from "before-paint" (the first phase)
 * to "after-paint" (the last): the main thread's work per frame, including the experiment poll,
 * the model rebuild and the Cairo drawing of every figure. Prints one JSON object with the
 * median, p99 and maximum of that work (main-thread CPU time and wall time) and of the interval
 * between frames while training ran, and the ratio of the p99 wall time to the 16.7 ms budget
 * of a 60 Hz frame. Exits 77 without a
 * display.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

#include <gtk/gtk.h>

#include "lv-loss-view.h"
#include "lv-window.h"

/* Main-thread CPU time in µs: on a shared machine the wall time of a frame also counts the
 * time other processes (and the training workers) held the core. */
static gint64
cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

typedef struct
{
  gint64 frame_start;
  gint64 frame_cpu_start;
  GArray *cpu_ms;
  gint64 last_end;
  GArray *work_ms;
  GArray *interval_ms;
  LvExperiment *experiment;
} Timing;

static void
on_before_paint (GdkFrameClock *clock, Timing *t)
{
  t->frame_start = g_get_monotonic_time ();
  t->frame_cpu_start = cpu_us ();
}

static void
on_after_paint (GdkFrameClock *clock, Timing *t)
{
  gint64 now = g_get_monotonic_time ();
  double work, interval, cpu;

  if (t->frame_start == 0 || !lv_experiment_get_running (t->experiment))
    return;
  work = (now - t->frame_start) / 1e3;
  g_array_append_val (t->work_ms, work);
  cpu = (cpu_us () - t->frame_cpu_start) / 1e3;
  g_array_append_val (t->cpu_ms, cpu);
  if (t->last_end != 0)
    {
      interval = (now - t->last_end) / 1e3;
      g_array_append_val (t->interval_ms, interval);
    }
  t->last_end = now;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
print_stats (const char *name, GArray *v, gboolean last)
{
  double *d = (double *) (gpointer) v->data;

  qsort (d, v->len, sizeof (double), compare_double);
  g_print ("\"%s\": {\"frames\": %u, \"median\": %.3f, \"p99\": %.3f, \"max\": %.3f}%s", name,
           v->len, d[v->len / 2], d[MIN ((guint) floor (0.99 * v->len), v->len - 1)],
           d[v->len - 1], last ? "" : ", ");
}

int
main (int argc, char **argv)
{
  Timing t = { 0 };
  LvWindow *window;
  GdkFrameClock *clock;
  gint64 deadline;
  double p99;

  if (!gtk_init_check ())
    {
      g_printerr ("bench-window-frames: no display, skipped (run it under xvfb-run)\n");
      return 77;
    }
  t.work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  t.interval_ms = g_array_new (FALSE, FALSE, sizeof (double));
  t.cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  window = lv_window_new (NULL);
  t.experiment = lv_window_get_experiment (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &t);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &t);
  /* The default configuration is the demo: 5, 10, 25, 100 hidden units × 40 runs. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  deadline = g_get_monotonic_time () + 600 * G_USEC_PER_SEC;
  while ((lv_experiment_get_running (t.experiment) || !lv_experiment_is_finished (t.experiment))
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (t.work_ms->len < 2)
    {
      g_printerr ("bench-window-frames: error: no frames were drawn while training\n");
      return 1;
    }
  g_print ("{\"window\": \"1600x1000\", \"training\": \"4 sizes x 40 runs, 10 epochs\", ");
  print_stats ("frame_cpu_ms", t.cpu_ms, FALSE);
  print_stats ("frame_work_ms", t.work_ms, FALSE);
  print_stats ("frame_interval_ms", t.interval_ms, FALSE);
  p99 = g_array_index (t.work_ms, double, MIN ((guint) floor (0.99 * t.work_ms->len),
                                               t.work_ms->len - 1));
  g_print ("\"p99_work_over_60hz_budget\": %.3f}\n", p99 / (1000.0 / 60));
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
