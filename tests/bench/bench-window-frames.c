/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-window-frames: frame times of the real window while it trains — issue 14 item 3.
 *
 *   bench-window-frames [--preset demo|paper] [--seconds S] [--repeat N] [--start-at-open]
 *                       [--slow-frames MS]
 *
 * demo: the default demo (sizes 5, 10, 25, 100 × 40 runs, 10 epochs), timed until it ends;
 * with --repeat N trained N times (seeds seed … seed + N − 1), so that p99 is not just the
 * slowest of a hundred frames.
 * paper: the choromanska2015 preset's scale (sizes 25, 50, 100, 250, 500 × 1000 runs, 10
 * epochs, shared data order, the preset's optimiser; Fashion-MNIST 10 × 10 when installed,
 * digits otherwise), timed for S seconds of training (default 60) — it would take hours.
 *
 * Under a display (Xvfb: build-aux runs it with xvfb-run), the 1600×1000 window starts
 * training and every frame of its GdkFrameClock is timed from "before-paint" (the first phase)
 * to "after-paint" (the last): the main thread's work per frame, including the experiment poll,
 * the model rebuild and the Cairo drawing of every figure. Prints one JSON object with the
 * median, p95, p99 and maximum of that work (main-thread CPU time and wall time) and of the
 * interval between frames while training ran, the same for the frames in which new results
 * arrived (the views rebuild and redraw then), and the ratio of the p99 wall time to the
 * 16.7 ms budget of a 60 Hz frame; with --out also writes it to a file. Exits 77 without a
 * display.
 *
 * Start is pressed once the window has been drawn and gone quiet, as a user does; the
 * window's opening frames are listed apart (opening_frames_*), and so are the first frame
 * after each Start (first_frame_after_start_*, with the main-thread CPU of its update, layout
 * and paint phases) and the statistics of all the other frames (other_frames_*).
 * --start-at-open presses it before the window's first frame instead, as `lossviz --start`
 * does: the first round's first frame is then the window's opening frame.
 *
 * --slow-frames MS prints one line on stderr for every training frame whose main-thread CPU
 * exceeds MS: its round, its index in the round, CPU and wall ms, the CPU of its update,
 * layout and paint phases, and its CLOCK_MONOTONIC time range in seconds — the range to cut a
 * `perf record -k CLOCK_MONOTONIC` profile to (`perf report --time START,END`).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gtk/gtk.h>

#include "lv-job.h"
#include "lv-loss-view.h"
#include "lv-window.h"
#include "lv-window-private.h"

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
  GArray *update_work_ms;   /* frames in which new results reached the window */
  GArray *update_cpu_ms;
  guint64 results_serial;
  LvExperiment *experiment;
  /* The first frame after each Start, apart (with the main-thread CPU of its phases). */
  gboolean first_pending;
  gint64 phase_cpu_start;
  double phase_cpu[3];      /* update, layout, paint of the current frame */
  GArray *first_work_ms;
  GArray *first_cpu_ms;
  GArray *first_phase_ms[3];
  GArray *rest_work_ms;     /* every other frame */
  GArray *rest_cpu_ms;
  /* The window's opening frames, drawn before the first Start (see wait_until_shown()). */
  gboolean opening;
  gboolean start_at_open;   /* --start-at-open: no waiting */
  gint64 last_paint;
  GArray *opening_work_ms;
  GArray *opening_cpu_ms;
  double slow_cpu_ms;       /* --slow-frames: print frames above this main-thread CPU */
  guint round, round_frame;
} Timing;

static const char *const phase_names[3] = { "update", "layout", "paint" };

static void
on_before_paint (GdkFrameClock *clock, Timing *t)
{
  t->frame_start = g_get_monotonic_time ();
  t->frame_cpu_start = t->phase_cpu_start = cpu_us ();
  memset (t->phase_cpu, 0, sizeof t->phase_cpu);   /* a frame may skip a phase */
}

/* Connected after GTK's own handlers of the same phase: each ends a phase. */
static void
end_phase (Timing *t, int phase)
{
  gint64 now = cpu_us ();

  t->phase_cpu[phase] = (now - t->phase_cpu_start) / 1e3;
  t->phase_cpu_start = now;
}

static void
on_update_done (GdkFrameClock *clock, Timing *t)
{
  end_phase (t, 0);
}

static void
on_layout_done (GdkFrameClock *clock, Timing *t)
{
  end_phase (t, 1);
}

static void
on_paint_done (GdkFrameClock *clock, Timing *t)
{
  end_phase (t, 2);
}

/* Files the frame under the first frame after Start or under the others. */
static void
file_frame (Timing *t, double work, double cpu)
{
  if (!t->first_pending)
    {
      g_array_append_val (t->rest_work_ms, work);
      g_array_append_val (t->rest_cpu_ms, cpu);
      return;
    }
  t->first_pending = FALSE;
  g_array_append_val (t->first_work_ms, work);
  g_array_append_val (t->first_cpu_ms, cpu);
  for (int i = 0; i < 3; i++)
    g_array_append_val (t->first_phase_ms[i], t->phase_cpu[i]);
}

static void
on_after_paint (GdkFrameClock *clock, Timing *t)
{
  gint64 now = g_get_monotonic_time ();
  double work, interval, cpu;

  t->last_paint = now;
  if (t->frame_start != 0 && t->opening)
    {
      work = (now - t->frame_start) / 1e3;
      cpu = (cpu_us () - t->frame_cpu_start) / 1e3;
      g_array_append_val (t->opening_work_ms, work);
      g_array_append_val (t->opening_cpu_ms, cpu);
    }
  if (t->frame_start == 0 || !lv_experiment_get_running (t->experiment))
    return;
  work = (now - t->frame_start) / 1e3;
  g_array_append_val (t->work_ms, work);
  cpu = (cpu_us () - t->frame_cpu_start) / 1e3;
  g_array_append_val (t->cpu_ms, cpu);
  if (t->slow_cpu_ms > 0 && cpu > t->slow_cpu_ms)
    g_printerr ("slow frame: round %u frame %u cpu %.2f ms wall %.2f ms (update %.2f layout "
                "%.2f paint %.2f) monotonic %.6f,%.6f\n", t->round, t->round_frame, cpu, work,
                t->phase_cpu[0], t->phase_cpu[1], t->phase_cpu[2], t->frame_start / 1e6,
                now / 1e6);
  t->round_frame++;
  file_frame (t, work, cpu);
  /* The window polls the experiment in this frame's update phase: a new serial means the
   * views rebuilt their models and redrew with new results. */
  if (lv_experiment_get_results_serial (t->experiment) != t->results_serial)
    {
      t->results_serial = lv_experiment_get_results_serial (t->experiment);
      g_array_append_val (t->update_work_ms, work);
      g_array_append_val (t->update_cpu_ms, cpu);
    }
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
print_stats (GString *out, const char *name, GArray *v, gboolean last)
{
  double *d = (double *) (gpointer) v->data;

  qsort (d, v->len, sizeof (double), compare_double);
  g_string_append_printf (out, "\"%s\": {\"frames\": %u, \"median\": %.3f, \"p95\": %.3f, "
                          "\"p99\": %.3f, \"max\": %.3f}%s", name, v->len, d[v->len / 2],
                          d[MIN ((guint) floor (0.95 * v->len), v->len - 1)],
                          d[MIN ((guint) floor (0.99 * v->len), v->len - 1)], d[v->len - 1],
                          last ? "" : ", ");
}

static gboolean
keep_waking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* A user presses Start on a window they see: waits until the window has drawn its first frame
 * and its frame clock has then been quiet for 100 ms (at most 10 s). Those opening frames (the
 * window's first, where every widget, style and glyph is new) are reported apart, not as
 * frames of the demo. */
static void
wait_until_shown (Timing *t)
{
  gint64 give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint wake = g_timeout_add (10, keep_waking, NULL);   /* so the loop checks the time */

  t->opening = TRUE;
  while (g_get_monotonic_time () < give_up &&
         (t->opening_work_ms->len == 0 || g_get_monotonic_time () - t->last_paint < 100000))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  t->opening = FALSE;
}

/* "name": [v0, v1, …] in the order measured. */
static void
print_list (GString *out, const char *name, GArray *v)
{
  g_string_append_printf (out, "\"%s\": [", name);
  for (guint i = 0; i < v->len; i++)
    g_string_append_printf (out, "%s%.3f", i > 0 ? ", " : "", g_array_index (v, double, i));
  g_string_append (out, "], ");
}

/* The first frame after each Start (one per round, in order, with its phases' main-thread
 * CPU) and the statistics of all the other frames. */
static void
print_first_frames (GString *out, Timing *t)
{
  char name[64];

  print_list (out, "opening_frames_work_ms", t->opening_work_ms);
  print_list (out, "opening_frames_cpu_ms", t->opening_cpu_ms);
  print_list (out, "first_frame_after_start_work_ms", t->first_work_ms);
  print_list (out, "first_frame_after_start_cpu_ms", t->first_cpu_ms);
  for (int i = 0; i < 3; i++)
    {
      g_snprintf (name, sizeof name, "first_frame_after_start_%s_cpu_ms", phase_names[i]);
      print_list (out, name, t->first_phase_ms[i]);
    }
  if (t->rest_work_ms->len > 0)
    {
      print_stats (out, "other_frames_cpu_ms", t->rest_cpu_ms, FALSE);
      print_stats (out, "other_frames_work_ms", t->rest_work_ms, FALSE);
    }
}

/* The paper preset's ensemble (src/cli/lv-cli-preset.c) in the window's controls. */
static const char *
write_paper_preset (LvWindow *window)
{
  static const guint sizes[] = { 25, 50, 100, 250, 500 };
  const char *dataset = NULL;
  LvEnsembleConfig config;
  g_autoptr(GError) error = NULL;
  GtkDropDown *datasets = GTK_DROP_DOWN (lv_window_get_control (window, "dataset"));
  const char *spec = "digits";

  if (!lv_window_read_controls (window, &dataset, &config, &error))
    g_error ("bench-window-frames: %s", error->message);
  /* Fashion-MNIST is offered only when installed (the third entry of the list). */
  if (datasets != NULL && g_list_model_get_n_items (gtk_drop_down_get_model (datasets)) > 2)
    spec = "fashion-mnist";
  memcpy (config.sizes, sizes, sizeof sizes);
  config.n_sizes = G_N_ELEMENTS (sizes);
  config.runs = 1000;
  config.activation = LV_ACTIVATION_RELU;
  config.train.epochs = 10;
  config.train.batch = 32;
  config.train.lr = 0.05;
  config.train.momentum = 0.9;
  config.train.init = LV_INIT_CUBE;
  config.shared_order = TRUE;
  lv_window_write_controls (window, spec, &config);
  if (!lv_window_apply_controls (window))
    g_error ("bench-window-frames: the paper preset was not applied");
  return spec;
}

/* The same configuration with the next seed, applied (the experiment starts over). */
static void
next_seed (LvWindow *window)
{
  const char *dataset = NULL;
  LvEnsembleConfig config;
  g_autoptr(GError) error = NULL;

  if (!lv_window_read_controls (window, &dataset, &config, &error))
    g_error ("bench-window-frames: %s", error->message);
  config.seed++;
  lv_window_write_controls (window, dataset, &config);
  if (!lv_window_apply_controls (window))
    g_error ("bench-window-frames: the next seed was not applied");
}

/* Prints the JSON report (and writes it to @out_path when given). */
static gboolean
report (Timing *t, gboolean paper, const char *dataset, const char *out_path)
{
  g_autoptr(GString) out = g_string_new (NULL);
  double p99;

  g_string_append_printf (out, "{\"window\": \"1600x1000\", \"preset\": \"%s\", "
                          "\"training\": \"%s\", \"dataset\": \"%s\", "
                          "\"runs_started\": %u, ",
                          paper ? "paper" : "demo",
                          paper ? "5 sizes x 1000 runs, 10 epochs" : "4 sizes x 40 runs, 10 epochs, each round",
                          dataset, lv_experiment_get_n_runs_started (t->experiment));
  g_string_append_printf (out, "\"start\": \"%s\", ", t->start_at_open
                          ? "before the window's first frame" : "once the window was shown");
  print_stats (out, "frame_cpu_ms", t->cpu_ms, FALSE);
  print_stats (out, "frame_work_ms", t->work_ms, FALSE);
  print_stats (out, "frame_interval_ms", t->interval_ms, FALSE);
  if (t->update_work_ms->len > 0)
    {
      print_stats (out, "new_results_frame_cpu_ms", t->update_cpu_ms, FALSE);
      print_stats (out, "new_results_frame_work_ms", t->update_work_ms, FALSE);
    }
  print_first_frames (out, t);
  p99 = g_array_index (t->work_ms, double, MIN ((guint) floor (0.99 * t->work_ms->len),
                                               t->work_ms->len - 1));
  g_string_append_printf (out, "\"p99_work_over_60hz_budget\": %.3f}\n", p99 / (1000.0 / 60));
  g_print ("%s", out->str);
  if (out_path != NULL && !g_file_set_contents (out_path, out->str, -1, NULL))
    {
      g_printerr ("bench-window-frames: error: cannot write %s\n", out_path);
      return FALSE;
    }
  return TRUE;
}

static void
timing_init (Timing *t)
{
  t->work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  t->interval_ms = g_array_new (FALSE, FALSE, sizeof (double));
  t->cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  t->update_work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  t->update_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  t->first_work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  t->first_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  for (int i = 0; i < 3; i++)
    t->first_phase_ms[i] = g_array_new (FALSE, FALSE, sizeof (double));
  t->rest_work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  t->rest_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  t->opening_work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  t->opening_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
}

int
main (int argc, char **argv)
{
  Timing t = { 0 };
  LvWindow *window;
  GdkFrameClock *clock;
  gint64 deadline;
  int seconds = 60, repeat = 1;
  double slow_frames = 0;
  gboolean start_at_open = FALSE;
  g_autofree char *preset = NULL, *out_path = NULL;
  const char *dataset = "digits";
  GOptionEntry entries[] = {
    { "preset", 0, 0, G_OPTION_ARG_STRING, &preset, "demo (default) or paper", "NAME" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "paper: seconds of training to time", "S" },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "demo: train it this many times", "N" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path, "Also write the JSON here", "FILE" },
    { "start-at-open", 0, 0, G_OPTION_ARG_NONE, &start_at_open,
      "Press Start before the window's first frame (as lossviz --start does)", NULL },
    { "slow-frames", 0, 0, G_OPTION_ARG_DOUBLE, &slow_frames,
      "Print each training frame above this main-thread CPU, with its phases and time range",
      "MS" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the window's frames");
  gboolean paper;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, NULL) || seconds < 1 || repeat < 1 ||
      !(slow_frames >= 0) ||
      (preset != NULL && strcmp (preset, "demo") != 0 && strcmp (preset, "paper") != 0))
    {
      g_printerr ("bench-window-frames: error: bad options (--preset demo|paper, --seconds and "
                  "--repeat >= 1, --slow-frames >= 0)\n");
      return 2;
    }
  paper = preset != NULL && strcmp (preset, "paper") == 0;
  if (!gtk_init_check ())
    {
      g_printerr ("bench-window-frames: no display, skipped (run it under xvfb-run)\n");
      return 77;
    }
  timing_init (&t);
  window = lv_window_new (NULL);
  t.experiment = lv_window_get_experiment (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  /* The default configuration is the demo: 5, 10, 25, 100 hidden units × 40 runs. */
  if (paper)
    dataset = write_paper_preset (window);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &t);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &t);
  g_signal_connect_after (clock, "update", G_CALLBACK (on_update_done), &t);
  g_signal_connect_after (clock, "layout", G_CALLBACK (on_layout_done), &t);
  g_signal_connect_after (clock, "paint", G_CALLBACK (on_paint_done), &t);
  t.start_at_open = start_at_open;
  t.slow_cpu_ms = slow_frames;
  if (!start_at_open)
    wait_until_shown (&t);
  deadline = g_get_monotonic_time () + (paper ? seconds : 900) * G_USEC_PER_SEC;
  for (int round = 0; round < (paper ? 1 : repeat) && g_get_monotonic_time () < deadline; round++)
    {
      /* Each round of the demo trains from scratch: a new seed is a new configuration. */
      if (round > 0)
        next_seed (window);
      t.first_pending = TRUE;
      t.round = round;
      t.round_frame = 0;
      gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
      while ((lv_experiment_get_running (t.experiment) ||
              !lv_experiment_is_finished (t.experiment)) && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
    }
  if (t.work_ms->len < 2)
    {
      g_printerr ("bench-window-frames: error: no frames were drawn while training\n");
      return 1;
    }
  if (!report (&t, paper, dataset, out_path))
    return 1;
  g_signal_handlers_disconnect_by_data (clock, &t);
  /* As the app's shutdown does: destroying the window cancels its jobs; wait for their threads
   * and the shared pool's workers before returning (exit() under a worker still training the
   * paper preset crashed in OpenBLAS, 1 run in 2). */
  gtk_window_destroy (GTK_WINDOW (window));
  lv_job_join_all ();
  lv_job_free_worker_pool ();
  return 0;
}
