/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-lift-panel.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lv-figure.h"
#include "lv-job.h"

/*
 * LvLiftPanel — NN-LIFT's single answer next to SGD's spread (issue 6). Run starts the core's
 * NN-LIFT probe (lv_lift_probe_run: teacher problem, NN-LIFT fit and evaluation, then the SGD
 * ensemble on the same samples — what `lossviz-cli lift` runs) in an LvJob on the app's worker
 * pool; each `updated` reads the fit once it is there and the SGD runs' held-out MSE as they
 * train. A new Run cancels the previous one; the main thread never waits for a worker (the app
 * joins at shutdown).
 */

#define TEST_SAMPLES 10000


/* The job's data: the settings it ran with, the probe's input and result. */
typedef struct
{
  LvLiftPanelSettings settings;
  LvLiftProbeInput input;
  LvLiftProbeResult result;
} LiftRun;

static void
lift_run_free (gpointer data)
{
  LiftRun *run = data;

  lv_lift_probe_result_clear (&run->result);
  g_free (run);
}

static gboolean
lift_run (LvProbeContext *context, gpointer data, GError **error)
{
  LiftRun *run = data;

  return lv_lift_probe_run (&run->input, &run->result, context, error);
}

struct _LvLiftPanel
{
  GtkBox parent_instance;

  LvLiftStage stage;
  LvJob *job;                   /* the current run (lv_lift_probe_run), or NULL */
  /* NN-LIFT's answer shown: the job's, set once and immutable while the job is held */
  const LvLiftPanelSettings *settings;
  const LvLiftResult *fit;
  const LvLiftEvaluation *evaluation;
  double lift_seconds;
  double *sgd_mse, *sgd_finite;
  guint n_sgd, n_finite, n_finished;
  const LvPlotTheme *theme;

  LvPlotBarsModel bars;
  LvPlotBarSeries bar_series;
  char **categories;
  LvPlotHistogramModel hist;
  LvPlotHistSeries hist_series;
  LvPlotRefLine hist_lines[2];
  char hist_label[96];
  char line_label[96];
  char teacher_label[64];
  char *bars_caption;
  char *hist_caption;

  GtkSpinButton *d_spin, *k_spin, *runs_spin, *epochs_spin, *seed_spin;
  GtkDropDown *samples_drop, *method_drop;
  GtkButton *run_button;
  GtkLabel *status;
  GtkLabel *summary;
  LvFigure *bars_figure, *hist_figure;
};

G_DEFINE_FINAL_TYPE (LvLiftPanel, lv_lift_panel, GTK_TYPE_BOX)

/* ---- models ---- */

static void
set_status (LvLiftPanel *self, const char *text)
{
  gtk_label_set_text (self->status, text);
}

/* The SGD histogram with NN-LIFT's line; @lo and @hi (in: ±∞) receive the MSE range shown. */
static void
update_histogram (LvLiftPanel *self, const LvLiftEvaluation *ev, double *lo, double *hi)
{
  for (guint r = 0; r < self->n_finite; r++)
    {
      *lo = MIN (*lo, self->sgd_finite[r]);
      *hi = MAX (*hi, self->sgd_finite[r]);
    }
  *lo = MIN (*lo, ev->test_mse);
  *hi = MAX (*hi, ev->test_mse);
  g_snprintf (self->hist_label, sizeof self->hist_label,
              g_dngettext (GETTEXT_PACKAGE, "SGD, %u of %u run", "SGD, %u of %u runs",
                           self->n_sgd), self->n_finite, self->n_sgd);
  self->hist_series = (LvPlotHistSeries) { self->hist_label, self->sgd_finite, self->n_finite,
                                           self->n_sgd > 0 && self->stage == LV_LIFT_STAGE_DONE
                                           ? self->n_sgd - self->n_finite : 0, 0 };
  self->hist.series = &self->hist_series;
  self->hist.n_series = self->n_finite > 0 ? 1 : 0;
  g_snprintf (self->line_label, sizeof self->line_label, _("NN-LIFT: %.3g"), ev->test_mse);
  self->hist_lines[0] = (LvPlotRefLine) { ev->test_mse, self->line_label, LV_PLOT_LINE_SOLID, 5 };
  self->hist.ref_lines = self->hist_lines;
  self->hist.n_ref_lines = 1;
  self->hist.x_fixed = TRUE;
  self->hist.x_min = MAX (0.0, *lo - 0.08 * (*hi - *lo + 1e-12));
  self->hist.x_max = *hi + 0.08 * (*hi - *lo + 1e-12);
  g_free (self->hist_caption);
  self->hist_caption = g_strdup_printf (_("Held-out MSE on %u samples. SGD: %u epochs each,"
                                          " same width k = %u, same training samples."),
                                        TEST_SAMPLES, self->settings->epochs, self->settings->k);
  self->hist.common.caption = self->hist_caption;
}

static void
update_models (LvLiftPanel *self)
{
  const LvLiftEvaluation *ev = self->evaluation;
  const LvLiftPanelSettings *settings = self->settings;
  g_autofree char *summary = NULL;
  double lo = INFINITY, hi = -INFINITY;

  if (ev == NULL)
    {
      self->bars.n_series = 0;
      self->hist.n_series = 0;
      self->hist.n_ref_lines = 0;
      gtk_label_set_text (self->summary, _("Press Run: NN-LIFT fits the teacher once, then an"
                                           " ensemble of SGD networks trains on the same samples."));
      lv_figure_changed (self->bars_figure);
      lv_figure_changed (self->hist_figure);
      return;
    }
  g_strfreev (self->categories);
  self->categories = g_new0 (char *, ev->k + 1);
  for (guint j = 0; j < ev->k; j++)
    /* Translators: a bar category: teacher unit number. */
    self->categories[j] = g_strdup_printf (_("unit %u"), j + 1);
  self->bar_series = (LvPlotBarSeries) { _("|cos(aⱼ, âⱼ)|"), ev->cosines, ev->k, 0 };
  self->bars.categories = (const char *const *) self->categories;
  self->bars.n_categories = ev->k;
  self->bars.series = &self->bar_series;
  self->bars.n_series = 1;
  g_free (self->bars_caption);
  self->bars_caption = g_strdup_printf (_("d = %u, k = %u, %u samples; %s; biases by %s,"
                                          " rms error %.3f"),
                                        settings->d, settings->k, settings->samples,
                                        lv_lift_method_to_string (self->fit->method),
                                        lv_lift_bias_method_to_string (self->fit->bias_method),
                                        ev->bias_error);
  self->bars.common.caption = self->bars_caption;

  update_histogram (self, ev, &lo, &hi);

  if (self->n_finite > 0)
    {
      guint below = 0;

      for (guint r = 0; r < self->n_finite; r++)
        below += self->sgd_finite[r] < ev->test_mse;
      summary = g_strdup_printf (_("NN-LIFT: one answer, test MSE %.3g in %.1f s.   SGD: %u runs,"
                                   " test MSE from %.3g to %.3g; %u of them below NN-LIFT."),
                                 ev->test_mse, self->lift_seconds, self->n_finite, lo, hi,
                                 below);
    }
  else
    summary = g_strdup_printf (_("NN-LIFT: one answer, test MSE %.3g in %.1f s.   SGD: training…"),
                               ev->test_mse, self->lift_seconds);
  gtk_label_set_text (self->summary, summary);
  lv_figure_changed (self->bars_figure);
  lv_figure_changed (self->hist_figure);
}

/* ---- the job ---- */

/* Copies the SGD runs' held-out MSE (the job's lock held). */
static void
read_sgd_locked (LvLiftPanel *self, const LvLiftProbeResult *r)
{
  self->n_sgd = r->sgd_runs;
  self->sgd_mse = g_renew (double, self->sgd_mse, MAX (r->sgd_runs, 1));
  self->sgd_finite = g_renew (double, self->sgd_finite, MAX (r->sgd_runs, 1));
  if (r->sgd_runs > 0)
    memcpy (self->sgd_mse, r->sgd_mse, sizeof (double) * r->sgd_runs);
  self->n_finished = r->sgd_finished;
  self->n_finite = 0;
  for (guint i = 0; i < r->sgd_runs; i++)
    if (isfinite (self->sgd_mse[i]))
      self->sgd_finite[self->n_finite++] = self->sgd_mse[i];
}

static void
on_job_updated (LvLiftPanel *self)
{
  const LiftRun *run = lv_job_lock (self->job);
  const LvLiftProbeResult *r = &run->result;
  g_autofree char *text = NULL;

  /* The fit, its evaluation and the settings stay put until the job is freed. */
  if (r->evaluation != NULL && self->evaluation == NULL)
    {
      self->settings = &run->settings;
      self->fit = r->fit;
      self->evaluation = r->evaluation;
      self->lift_seconds = r->lift_seconds;
      self->stage = LV_LIFT_STAGE_SGD;
    }
  if (self->evaluation != NULL)
    read_sgd_locked (self, r);
  lv_job_unlock (self->job);
  if (self->stage != LV_LIFT_STAGE_SGD)
    return;
  if (self->n_sgd > 0)
    text = g_strdup_printf (_("SGD ensemble: %u of %u runs finished…"), self->n_finished,
                            self->n_sgd);
  else
    text = g_strdup (_("SGD ensemble training…"));
  set_status (self, text);
  update_models (self);
}

static void
on_job_finished (LvJob *job, const GError *error, LvLiftPanel *self)
{
  g_autofree char *text = NULL;

  if (error == NULL)
    {
      self->stage = LV_LIFT_STAGE_DONE;
      text = g_strdup_printf (_("Done: NN-LIFT and %u SGD runs"), self->n_sgd);
      update_models (self);
    }
  else
    {
      self->stage = LV_LIFT_STAGE_FAILED;
      if (self->evaluation == NULL)
        text = g_strdup_printf (_("NN-LIFT failed: %s"), error->message);
      else
        text = g_strdup_printf (_("The SGD ensemble could not start: %s"), error->message);
    }
  set_status (self, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), TRUE);
}

/* Cancels the current run and lets its results go (the figures first). */
static void
drop_job (LvLiftPanel *self)
{
  self->settings = NULL;
  self->fit = NULL;
  self->evaluation = NULL;
  lv_job_abandon (&self->job, self);
}

/**
 * lv_lift_panel_run:
 * @self: the panel
 *
 * Cancels the current run (NN-LIFT and the SGD ensemble) and starts a new one with the panel's
 * settings.
 */
void
lv_lift_panel_run (LvLiftPanel *self)
{
  LiftRun *run = g_new0 (LiftRun, 1);

  drop_job (self);
  lv_lift_panel_get_settings (self, &run->settings);
  lv_lift_probe_input_init (&run->input);
  run->input.d = run->settings.d;
  run->input.k = run->settings.k;
  run->input.samples = run->settings.samples;
  run->input.test_samples = TEST_SAMPLES;
  run->input.seed = run->settings.seed;
  run->input.method = run->settings.method;
  run->input.sgd_runs = run->settings.sgd_runs;
  run->input.epochs = run->settings.epochs;
  run->input.pool = lv_job_get_worker_pool ();
  self->n_sgd = self->n_finite = 0;
  update_models (self);
  self->stage = LV_LIFT_STAGE_LIFT;
  set_status (self, _("NN-LIFT: moments, tensor decomposition, biases, ridge…"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), FALSE);
  self->job = lv_job_new ("NN-LIFT vs SGD", lift_run, run, lift_run_free);
  g_signal_connect_swapped (self->job, "updated", G_CALLBACK (on_job_updated), self);
  g_signal_connect (self->job, "finished", G_CALLBACK (on_job_finished), self);
  lv_job_start (self->job);
}

/* ---- settings ---- */

/* The samples drop-down's @i-th choice (its items are plain numbers, lv-lift-panel.ui). */
static guint
sample_count (LvLiftPanel *self, guint i)
{
  GtkStringList *choices = GTK_STRING_LIST (gtk_drop_down_get_model (self->samples_drop));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (choices));

  return (guint) g_ascii_strtoull (gtk_string_list_get_string (choices, MIN (i, n - 1)), NULL,
                                   10);
}

/* How a choice reads: in the locale's digit grouping ("100,000", "100 000"). The closure's
 * first argument is the item the expression is evaluated on. */
static char *
group_sample_count (gpointer item, const char *digits)
{
  return g_strdup_printf ("%'u", (guint) g_ascii_strtoull (digits != NULL ? digits : "0", NULL,
                                                           10));
}

/**
 * lv_lift_panel_get_settings:
 * @self: the panel
 * @settings: (out caller-allocates): the controls' values
 *
 * Reads the controls.
 */
void
lv_lift_panel_get_settings (LvLiftPanel *self, LvLiftPanelSettings *settings)
{
  settings->d = gtk_spin_button_get_value_as_int (self->d_spin);
  settings->k = gtk_spin_button_get_value_as_int (self->k_spin);
  settings->samples = sample_count (self, gtk_drop_down_get_selected (self->samples_drop));
  settings->sgd_runs = gtk_spin_button_get_value_as_int (self->runs_spin);
  settings->epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  settings->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  settings->method = gtk_drop_down_get_selected (self->method_drop) == 1
                     ? LV_LIFT_METHOD_JENNRICH : LV_LIFT_METHOD_POWER;
}

/**
 * lv_lift_panel_set_settings:
 * @self: the panel
 * @settings: values for the controls (samples is rounded to the nearest choice)
 *
 * Sets the controls; does not run.
 */
void
lv_lift_panel_set_settings (LvLiftPanel *self, const LvLiftPanelSettings *settings)
{
  guint n = g_list_model_get_n_items (gtk_drop_down_get_model (self->samples_drop)), best = 0;

  for (guint i = 0; i < n; i++)
    if (fabs ((double) sample_count (self, i) - settings->samples) <
        fabs ((double) sample_count (self, best) - settings->samples))
      best = i;
  gtk_spin_button_set_value (self->d_spin, settings->d);
  gtk_spin_button_set_value (self->k_spin, settings->k);
  gtk_drop_down_set_selected (self->samples_drop, best);
  gtk_spin_button_set_value (self->runs_spin, settings->sgd_runs);
  gtk_spin_button_set_value (self->epochs_spin, settings->epochs);
  gtk_spin_button_set_value (self->seed_spin, (double) settings->seed);
  gtk_drop_down_set_selected (self->method_drop,
                              settings->method == LV_LIFT_METHOD_JENNRICH ? 1 : 0);
}

/**
 * lv_lift_panel_get_stage:
 * @self: the panel
 *
 * Returns: where the current run is.
 */
LvLiftStage
lv_lift_panel_get_stage (LvLiftPanel *self)
{
  return self->stage;
}

/**
 * lv_lift_panel_get_evaluation:
 * @self: the panel
 *
 * Returns: (transfer none) (nullable): the NN-LIFT evaluation shown, %NULL before a run ended.
 */
const LvLiftEvaluation *
lv_lift_panel_get_evaluation (LvLiftPanel *self)
{
  return self->evaluation;
}

/**
 * lv_lift_panel_get_histogram:
 * @self: the panel
 *
 * Returns: (transfer none): the SGD test-MSE histogram with the NN-LIFT marker line.
 */
const LvPlotHistogramModel *
lv_lift_panel_get_histogram (LvLiftPanel *self)
{
  return &self->hist;
}

/**
 * lv_lift_panel_get_bars:
 * @self: the panel
 *
 * Returns: (transfer none): the |cos| bars of true vs recovered directions.
 */
const LvPlotBarsModel *
lv_lift_panel_get_bars (LvLiftPanel *self)
{
  return &self->bars;
}

/**
 * lv_lift_panel_set_theme:
 * @self: the panel
 * @theme: a static plot theme
 *
 * Sets the figures' look.
 */
void
lv_lift_panel_set_theme (LvLiftPanel *self, const LvPlotTheme *theme)
{
  self->theme = theme;
  self->bars.common.theme = theme;
  self->hist.common.theme = theme;
  lv_figure_changed (self->bars_figure);
  lv_figure_changed (self->hist_figure);
}

/**
 * lv_lift_panel_export:
 * @self: the panel
 * @path: a PNG, SVG or PDF file
 * @error: return location for an error
 *
 * Writes both figures side by side and, next to them (.csv), the rows `cosine,j,value`,
 * `lift_test_mse,,value` and `sgd_test_mse,run,value`.
 *
 * Returns: %TRUE on success.
 */
gboolean
lv_lift_panel_export (LvLiftPanel *self, const char *path, GError **error)
{
  const LvPlotPanel panels[] = {
    { (LvPlotDrawFunc) lv_plot_bars_draw, &self->bars },
    { (LvPlotDrawFunc) lv_plot_histogram_draw, &self->hist },
  };
  LvPlotGridModel grid = { self->theme, _("NN-LIFT vs SGD on a teacher network"),
                           gtk_label_get_text (self->summary), panels, G_N_ELEMENTS (panels), 2 };
  const LvLiftEvaluation *ev = lv_lift_panel_get_evaluation (self);
  g_autoptr(GString) csv = g_string_new ("quantity,index,value\n");
  g_autofree char *csv_path = NULL;
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  if (!lv_plot_export ((LvPlotDrawFunc) lv_plot_grid_draw, &grid, path, 1600, 800, 96, error))
    return FALSE;
  for (guint j = 0; ev != NULL && j < ev->k; j++)
    g_string_append_printf (csv, "cosine,%u,%s\n", j + 1,
                            g_ascii_formatd (num, sizeof num, "%.17g", ev->cosines[j]));
  if (ev != NULL)
    g_string_append_printf (csv, "lift_test_mse,,%s\n",
                            g_ascii_formatd (num, sizeof num, "%.17g", ev->test_mse));
  for (guint r = 0; r < self->n_sgd; r++)
    g_string_append_printf (csv, "sgd_test_mse,%u,%s\n", r,
                            g_ascii_formatd (num, sizeof num, "%.17g", self->sgd_mse[r]));
  csv_path = lv_plot_sibling_path (path, ".csv");
  return lv_plot_write_text_file (csv_path, csv->str, csv->len, error);
}

/* ---- construction ---- */

static void
on_d_changed (LvLiftPanel *self)
{
  double d = gtk_spin_button_get_value (self->d_spin);

  gtk_spin_button_set_range (self->k_spin, 1, d);
}

static void
lv_lift_panel_dispose (GObject *object)
{
  LvLiftPanel *self = LV_LIFT_PANEL (object);

  /* Closing: cancel (running SGD tasks stop at their next minibatch; the app joins). */
  drop_job (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), LV_TYPE_LIFT_PANEL);
  G_OBJECT_CLASS (lv_lift_panel_parent_class)->dispose (object);
}

static void
lv_lift_panel_finalize (GObject *object)
{
  LvLiftPanel *self = LV_LIFT_PANEL (object);

  g_free (self->sgd_mse);
  g_free (self->sgd_finite);
  g_strfreev (self->categories);
  g_free (self->bars_caption);
  g_free (self->hist_caption);
  G_OBJECT_CLASS (lv_lift_panel_parent_class)->finalize (object);
}

static void
lv_lift_panel_class_init (LvLiftPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = lv_lift_panel_dispose;
  G_OBJECT_CLASS (klass)->finalize = lv_lift_panel_finalize;

  g_type_ensure (LV_TYPE_FIGURE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/lv-lift-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, LvLiftPanel, d_spin);
  gtk_widget_class_bind_template_child (widget_class, LvLiftPanel, k_spin);
  gtk_widget_class_bind_template_child (widget_class, LvLiftPanel, runs_spin);
  gtk_widget_class_bind_template_child (widget_class, LvLiftPanel, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, LvLiftPanel, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, LvLiftPanel, samples_drop);
  gtk_widget_class_bind_template_child (widget_class, LvLiftPanel, method_drop);
  gtk_widget_class_bind_template_child (widget_class, LvLiftPanel, run_button);
  gtk_widget_class_bind_template_child (widget_class, LvLiftPanel, status);
  gtk_widget_class_bind_template_child (widget_class, LvLiftPanel, summary);
  gtk_widget_class_bind_template_child (widget_class, LvLiftPanel, bars_figure);
  gtk_widget_class_bind_template_child (widget_class, LvLiftPanel, hist_figure);
  gtk_widget_class_bind_template_callback (widget_class, on_d_changed);
  gtk_widget_class_bind_template_callback (widget_class, group_sample_count);
  gtk_widget_class_bind_template_callback (widget_class, lv_lift_panel_run);
}

static void
lv_lift_panel_init (LvLiftPanel *self)
{
  self->theme = lv_plot_theme_light ();
  self->bars.common.theme = self->theme;
  self->bars.common.title = _("True vs recovered first-layer directions");
  self->bars.common.y_label = _("|cosine| (1 = exact)");
  self->bars.common.empty_text = _("Run NN-LIFT to see its directions");
  self->bars.y_fixed = TRUE;
  self->bars.y_min = 0.0;
  self->bars.y_max = 1.05;
  self->hist.common.theme = self->theme;
  self->hist.common.title = _("SGD's spread vs NN-LIFT's single answer");
  self->hist.common.x_label = _("test MSE");
  self->hist.common.empty_text = _("The SGD ensemble trains after NN-LIFT");
  self->hist.density = FALSE;
  gtk_widget_init_template (GTK_WIDGET (self));
  lv_figure_set_draw_func (self->bars_figure, (LvPlotDrawFunc) lv_plot_bars_draw, &self->bars);
  lv_figure_set_draw_func (self->hist_figure, (LvPlotDrawFunc) lv_plot_histogram_draw,
                           &self->hist);
  update_models (self);
}

/**
 * lv_lift_panel_new:
 *
 * Returns: (transfer floating): the NN-LIFT panel.
 */
GtkWidget *
lv_lift_panel_new (void)
{
  return g_object_new (LV_TYPE_LIFT_PANEL, NULL);
}
