/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-loss-view.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lv-figure.h"
#include "lv-timeline.h"
#include "lv-view.h"
#include "lv-wrap-layout.h"

/*
 * LvLossView — the live loss-distribution page: a histogram of every run's current loss per
 * network size, train vs test scatter, mean ± std strip and spread vs size. The view owns one
 * LvPlotEnsemble (the models, shared with the CLI and export) and rebuilds it when the
 * experiment says its snapshots changed (at most once a frame); the four LvFigure widgets only
 * draw those models. The plot theme follows GTK's dark preference.
 *
 * Under the figures, an LvTimeline chooses the epoch every figure shows (each run's latest
 * values by default); while an epoch is chosen the loss axis stays fixed to every value seen,
 * so the distributions visibly slide and narrow. Its controls are also actions of the view
 * (view.timeline-play, -step, -back, -slower, -faster, -latest) with the keys
 * Shift+Space . , [ ] (a managed shortcut controller: they work wherever the focus is, except
 * inside a text field, which takes its own keys first).
 */
struct _LvLossView
{
  LvView parent_instance;

  LvPlotEnsemble *figures;
  char *description;          /* the histogram's accessible description */

  GtkToggleButton *overlay_button;
  GtkToggleButton *ridgeline_button;
  GtkToggleButton *multiples_button;
  GtkToggleButton *test_button;
  GtkToggleButton *train_button;
  GtkToggleButton *count_button;
  GtkToggleButton *density_button;
  GtkCheckButton *history_check;
  LvFigure *histogram_figure;
  LvFigure *scatter_figure;
  LvFigure *mean_std_figure;
  LvFigure *spread_figure;
  LvTimeline *timeline;
};

G_DEFINE_FINAL_TYPE (LvLossView, lv_loss_view, LV_TYPE_VIEW)

enum {
  RUN_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
queue_figures (LvLossView *self)
{
  lv_figure_changed (self->histogram_figure);
  lv_figure_changed (self->scatter_figure);
  lv_figure_changed (self->mean_std_figure);
  lv_figure_changed (self->spread_figure);
}

/* Reads the toolbar and the view's theme (light or dark, scaled) into the figures' options. */
static void
on_option_toggled (LvLossView *self)
{
  LvPlotEnsembleOptions options;

  lv_plot_ensemble_get_options (self->figures, &options);
  options.mode = gtk_toggle_button_get_active (self->ridgeline_button) ? LV_PLOT_HIST_RIDGELINE
               : gtk_toggle_button_get_active (self->multiples_button)
                 ? LV_PLOT_HIST_SMALL_MULTIPLES : LV_PLOT_HIST_OVERLAY;
  options.loss = gtk_toggle_button_get_active (self->train_button) ? LV_PLOT_ENSEMBLE_TRAIN_LOSS
                                                                   : LV_PLOT_ENSEMBLE_TEST_LOSS;
  options.density = gtk_toggle_button_get_active (self->density_button);
  /* A chosen epoch needs a still axis, or scrubbing would only rescale it. */
  options.x_history = gtk_check_button_get_active (self->history_check) ||
                      (self->timeline != NULL && lv_timeline_get_epoch (self->timeline) != 0);
  /* Finer than the sample-size default: 20–50 runs per size still show a shape. */
  options.n_bins = 18;
  options.theme = lv_view_get_theme (LV_VIEW (self));
  lv_plot_ensemble_set_options (self->figures, &options);
  queue_figures (self);
}

/* What a screen reader says about the figures: per size, how many runs, the mean and the
 * spread of the loss shown. Rebuilt with the models, so it always matches the pictures. */
static void
describe_figures (LvLossView *self)
{
  guint n = lv_plot_ensemble_get_n_sizes (self->figures);
  g_autoptr(GString) sizes = g_string_new (NULL);
  g_autofree char *histogram = NULL;

  for (guint i = 0; i < n; i++)
    {
      const LvPlotEnsembleSize *size = lv_plot_ensemble_get_size (self->figures, i);
      g_autofree char *line = NULL;

      if (size->n_values == 0)
        /* Translators: accessible description of one network size without results yet. */
        line = g_strdup_printf (_("%u hidden units: no results yet."), size->hidden);
      else
        /* Translators: accessible description of one network size: width, runs with a value,
         * mean loss, standard deviation. */
        line = g_strdup_printf (_("%u hidden units: %u runs, mean loss %.3g, standard deviation "
                                  "%.3g."), size->hidden, size->n_values, size->mean, size->std);
      g_string_append_printf (sizes, "%s%s", sizes->len > 0 ? " " : "", line);
    }
  if (n == 0)
    g_string_append (sizes, _("No results yet: press Start to train."));
  histogram = g_strdup_printf (_("Histogram of the loss of every trained network, one colour per "
                                 "network size. %s"), sizes->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->histogram_figure),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, histogram, -1);
  /* GTK 4.8 has no getter for accessible properties: keep a copy for tests. */
  g_free (self->description);
  self->description = g_steal_pointer (&histogram);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->scatter_figure),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Scatter plot of training loss against test loss, one point "
                                    "per run, coloured by network size."), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->mean_std_figure),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, sizes->str, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->spread_figure),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, sizes->str, -1);
}

/* Rebuilds the models from the experiment's snapshots at the timeline's epoch. */
static void
rebuild_figures (LvLossView *self)
{
  LvExperiment *experiment = lv_loss_view_get_experiment (self);
  guint n = 0;
  const LvEnsembleSnapshot *const *snapshots = NULL;

  if (experiment != NULL)
    snapshots = lv_experiment_get_snapshots (experiment, &n);
  lv_plot_ensemble_set_epoch (self->figures, lv_timeline_get_epoch (self->timeline));
  lv_plot_ensemble_update (self->figures, snapshots, n);
  describe_figures (self);
  queue_figures (self);
}

/* The timeline's length, frontier and whether training runs ahead (playback waits then). */
static void
update_timeline_extent (LvLossView *self)
{
  LvExperiment *experiment = lv_loss_view_get_experiment (self);

  lv_timeline_set_extent (self->timeline, lv_experiment_get_config (experiment)->train.epochs,
                          lv_plot_ensemble_get_max_epochs (self->figures),
                          lv_experiment_get_running (experiment));
}

static void
lv_loss_view_experiment_changed (LvView *view)
{
  LvLossView *self = LV_LOSS_VIEW (view);

  rebuild_figures (self);
  update_timeline_extent (self);
}

static void
on_timeline_epoch (LvLossView *self)
{
  on_option_toggled (self);
  rebuild_figures (self);
}

/* The timeline's actions (the presentation keys reach them too). */
static void
timeline_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvTimeline *timeline = LV_LOSS_VIEW (widget)->timeline;

  if (g_str_equal (name, "view.timeline-play"))
    lv_timeline_set_playing (timeline, !lv_timeline_get_playing (timeline));
  else if (g_str_equal (name, "view.timeline-step"))
    lv_timeline_step (timeline, +1);
  else if (g_str_equal (name, "view.timeline-back"))
    lv_timeline_step (timeline, -1);
  else if (g_str_equal (name, "view.timeline-slower"))
    lv_timeline_change_speed (timeline, -1);
  else if (g_str_equal (name, "view.timeline-faster"))
    lv_timeline_change_speed (timeline, +1);
  else if (g_str_equal (name, "view.timeline-latest"))
    lv_timeline_set_epoch (timeline, 0);
}

static void
add_timeline_shortcuts (LvLossView *self)
{
  static const struct { const char *accel, *action; } keys[] = {
    { "<Shift>space", "view.timeline-play" },
    { "period", "view.timeline-step" },
    { "comma", "view.timeline-back" },
    { "bracketleft", "view.timeline-slower" },
    { "bracketright", "view.timeline-faster" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller),
                                     GTK_SHORTCUT_SCOPE_MANAGED);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string (keys[i].accel),
                                                            gtk_named_action_new (keys[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/**
 * lv_loss_view_get_timeline:
 * @self: the view
 *
 * Returns: (transfer none): the epoch timeline under the figures.
 */
LvTimeline *
lv_loss_view_get_timeline (LvLossView *self)
{
  return self->timeline;
}

/**
 * lv_loss_view_get_figure_description:
 * @self: the view
 *
 * Returns: (transfer none): the histogram's accessible description, for tests.
 */
const char *
lv_loss_view_get_figure_description (LvLossView *self)
{
  return self->description;
}

static char *
histogram_tooltip (LvFigure *figure, double x, double y, double width, double height,
                   gpointer user_data)
{
  LvLossView *self = user_data;
  const LvPlotHistogramModel *model = lv_plot_ensemble_get_histogram (self->figures);
  const LvPlotEnsembleSize *size;
  LvPlotHistHit hit;

  if (!lv_plot_histogram_hit_test (model, width, height, x, y, &hit) ||
      hit.series >= lv_plot_ensemble_get_n_sizes (self->figures))
    return NULL;
  size = lv_plot_ensemble_get_size (self->figures, hit.series);
  /* Translators: tooltip of a histogram bar: network size, loss range, number of runs. */
  return g_markup_printf_escaped (g_dngettext (GETTEXT_PACKAGE,
                                               "<b>n = %u</b>\n%s %.4g – %.4g\n%u run",
                                               "<b>n = %u</b>\n%s %.4g – %.4g\n%u runs",
                                               hit.count),
                                  size->hidden, model->common.x_label, hit.bin_lo, hit.bin_hi,
                                  hit.count);
}

static char *
scatter_tooltip (LvFigure *figure, double x, double y, double width, double height,
                 gpointer user_data)
{
  LvLossView *self = user_data;
  const LvPlotEnsembleRun *run;
  LvPlotScatterHit hit;
  g_autofree char *seed = NULL;

  if (!lv_plot_scatter_hit_test (lv_plot_ensemble_get_scatter (self->figures), width, height,
                                 x, y, &hit))
    return NULL;
  run = lv_plot_ensemble_scatter_run (self->figures, hit.series, hit.index);
  if (run == NULL)
    return NULL;
  /* The seed goes in as text: xgettext cannot expand G_GUINT64_FORMAT inside a msgid. */
  seed = g_strdup_printf ("%" G_GUINT64_FORMAT, run->seed);
  /* Translators: tooltip of one run in the scatter plot. */
  return g_markup_printf_escaped (_("<b>n = %u</b>, run %u (seed %s)\n"
                                    "training loss %.4g\ntest loss %.4g\n"
                                    "test accuracy %.1f %%\n%u epochs, %s"),
                                  run->hidden, run->run, seed, run->train_loss,
                                  run->test_loss, 100 * run->test_accuracy, run->epochs_done,
                                  lv_run_state_to_string (run->state));
}

/* A click on a scatter point activates that run. */
static void
on_scatter_pressed (GtkGestureClick *gesture, int n_press, double x, double y,
                    LvLossView *self)
{
  GtkWidget *widget = GTK_WIDGET (self->scatter_figure);
  const LvPlotEnsembleRun *run;
  LvPlotScatterHit hit;

  if (!lv_plot_scatter_hit_test (lv_plot_ensemble_get_scatter (self->figures),
                                 gtk_widget_get_width (widget), gtk_widget_get_height (widget),
                                 x, y, &hit))
    return;
  run = lv_plot_ensemble_scatter_run (self->figures, hit.series, hit.index);
  if (run != NULL)
    g_signal_emit (self, signals[RUN_ACTIVATED], 0, run->hidden, run->run);
}

/* A click on a histogram bar activates the bar's run closest to the bin's centre. */
static void
on_histogram_pressed (GtkGestureClick *gesture, int n_press, double x, double y,
                      LvLossView *self)
{
  GtkWidget *widget = GTK_WIDGET (self->histogram_figure);
  const LvPlotEnsembleRun *best = NULL;
  const LvPlotEnsembleSize *size;
  LvPlotEnsembleOptions options;
  LvPlotHistHit hit;
  double centre;

  if (!lv_plot_histogram_hit_test (lv_plot_ensemble_get_histogram (self->figures),
                                   gtk_widget_get_width (widget), gtk_widget_get_height (widget),
                                   x, y, &hit) ||
      hit.count == 0 || hit.series >= lv_plot_ensemble_get_n_sizes (self->figures))
    return;
  size = lv_plot_ensemble_get_size (self->figures, hit.series);
  lv_plot_ensemble_get_options (self->figures, &options);
  centre = (hit.bin_lo + hit.bin_hi) / 2;
  for (guint i = 0; i < lv_plot_ensemble_get_n_runs (self->figures); i++)
    {
      const LvPlotEnsembleRun *run = lv_plot_ensemble_get_run (self->figures, i);
      double v = options.loss == LV_PLOT_ENSEMBLE_TRAIN_LOSS ? run->train_loss : run->test_loss;

      if (run->hidden == size->hidden && v >= hit.bin_lo && v <= hit.bin_hi &&
          (best == NULL ||
           fabs (v - centre) < fabs ((options.loss == LV_PLOT_ENSEMBLE_TRAIN_LOSS
                                        ? best->train_loss : best->test_loss) - centre)))
        best = run;
    }
  if (best != NULL)
    g_signal_emit (self, signals[RUN_ACTIVATED], 0, best->hidden, best->run);
}

static void
add_click (LvFigure *figure, GCallback callback, LvLossView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  g_signal_connect (click, "pressed", callback, self);
  gtk_widget_add_controller (GTK_WIDGET (figure), GTK_EVENT_CONTROLLER (click));
}

static gboolean
lv_loss_view_export_figure (LvView *view, const char *path, GError **error)
{
  LvLossView *self = LV_LOSS_VIEW (view);

  return lv_plot_ensemble_export (self->figures, path, 1600, 1100, error);
}

static char *
lv_loss_view_get_export_name (LvView *view)
{
  /* Translators: default file name of an exported figure, no extension. */
  return g_strdup (_("loss-distribution"));
}

static void
lv_loss_view_theme_changed (LvView *view)
{
  on_option_toggled (LV_LOSS_VIEW (view));
}

/* The experiment's start and stop move the timeline's frontier without a ::changed. */
static void
lv_loss_view_constructed (GObject *object)
{
  LvLossView *self = LV_LOSS_VIEW (object);
  LvExperiment *experiment = lv_loss_view_get_experiment (self);

  G_OBJECT_CLASS (lv_loss_view_parent_class)->constructed (object);
  if (experiment != NULL)
    g_signal_connect_object (experiment, "notify::running", G_CALLBACK (update_timeline_extent),
                             self, G_CONNECT_SWAPPED);
}

static void
lv_loss_view_dispose (GObject *object)
{
  LvLossView *self = LV_LOSS_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), LV_TYPE_LOSS_VIEW);
  G_OBJECT_CLASS (lv_loss_view_parent_class)->dispose (object);
}

static void
lv_loss_view_finalize (GObject *object)
{
  LvLossView *self = LV_LOSS_VIEW (object);

  g_clear_pointer (&self->figures, lv_plot_ensemble_free);
  g_free (self->description);
  G_OBJECT_CLASS (lv_loss_view_parent_class)->finalize (object);
}

static void
lv_loss_view_class_init (LvLossViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  LvViewClass *view_class = LV_VIEW_CLASS (klass);

  object_class->constructed = lv_loss_view_constructed;
  object_class->dispose = lv_loss_view_dispose;
  object_class->finalize = lv_loss_view_finalize;
  view_class->export_figure = lv_loss_view_export_figure;
  view_class->get_export_name = lv_loss_view_get_export_name;
  view_class->experiment_changed = lv_loss_view_experiment_changed;
  view_class->theme_changed = lv_loss_view_theme_changed;

  /**
   * LvLossView::run-activated:
   * @hidden: the run's hidden width
   * @run: its index within the size
   *
   * The user clicked a run: a scatter point, or a histogram bar (its run nearest the bin's
   * centre). The window opens it in the Landscape page.
   */
  signals[RUN_ACTIVATED] = g_signal_new ("run-activated", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                         G_TYPE_UINT, G_TYPE_UINT);

  g_type_ensure (LV_TYPE_FIGURE);
  g_type_ensure (LV_TYPE_TIMELINE);
  gtk_widget_class_install_action (widget_class, "view.timeline-play", NULL, timeline_action);
  gtk_widget_class_install_action (widget_class, "view.timeline-step", NULL, timeline_action);
  gtk_widget_class_install_action (widget_class, "view.timeline-back", NULL, timeline_action);
  gtk_widget_class_install_action (widget_class, "view.timeline-slower", NULL, timeline_action);
  gtk_widget_class_install_action (widget_class, "view.timeline-faster", NULL, timeline_action);
  gtk_widget_class_install_action (widget_class, "view.timeline-latest", NULL, timeline_action);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/lv-loss-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LvLossView, overlay_button);
  gtk_widget_class_bind_template_child (widget_class, LvLossView, ridgeline_button);
  gtk_widget_class_bind_template_child (widget_class, LvLossView, multiples_button);
  gtk_widget_class_bind_template_child (widget_class, LvLossView, test_button);
  gtk_widget_class_bind_template_child (widget_class, LvLossView, train_button);
  gtk_widget_class_bind_template_child (widget_class, LvLossView, count_button);
  gtk_widget_class_bind_template_child (widget_class, LvLossView, density_button);
  gtk_widget_class_bind_template_child (widget_class, LvLossView, history_check);
  gtk_widget_class_bind_template_child (widget_class, LvLossView, histogram_figure);
  gtk_widget_class_bind_template_child (widget_class, LvLossView, scatter_figure);
  gtk_widget_class_bind_template_child (widget_class, LvLossView, mean_std_figure);
  gtk_widget_class_bind_template_child (widget_class, LvLossView, spread_figure);
  gtk_widget_class_bind_template_child (widget_class, LvLossView, timeline);
  gtk_widget_class_bind_template_callback (widget_class, on_option_toggled);
}

static void
lv_loss_view_init (LvLossView *self)
{
  /* The models must exist before the template's toggled handlers can fire. */
  self->figures = lv_plot_ensemble_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The toolbar wraps on a narrow window (issue 15). */
  lv_wrap_layout_apply (gtk_widget_get_first_child (GTK_WIDGET (self)), 6, 6);

  lv_figure_set_draw_func (self->histogram_figure, (LvPlotDrawFunc) lv_plot_histogram_draw,
                           lv_plot_ensemble_get_histogram (self->figures));
  lv_figure_set_draw_func (self->scatter_figure, (LvPlotDrawFunc) lv_plot_scatter_draw,
                           lv_plot_ensemble_get_scatter (self->figures));
  lv_figure_set_draw_func (self->mean_std_figure, (LvPlotDrawFunc) lv_plot_summary_draw,
                           lv_plot_ensemble_get_mean_std (self->figures));
  lv_figure_set_draw_func (self->spread_figure, (LvPlotDrawFunc) lv_plot_summary_draw,
                           lv_plot_ensemble_get_spread (self->figures));
  lv_figure_set_tooltip_func (self->histogram_figure, histogram_tooltip, self, NULL);
  lv_figure_set_tooltip_func (self->scatter_figure, scatter_tooltip, self, NULL);
  add_click (self->scatter_figure, G_CALLBACK (on_scatter_pressed), self);
  add_click (self->histogram_figure, G_CALLBACK (on_histogram_pressed), self);
  g_signal_connect_swapped (self->timeline, "notify::epoch", G_CALLBACK (on_timeline_epoch), self);
  add_timeline_shortcuts (self);
  on_option_toggled (self);
  describe_figures (self);
}

/**
 * lv_loss_view_new:
 * @experiment: the experiment whose ensembles the view shows
 *
 * Returns: (transfer floating): the loss-distribution view.
 */
GtkWidget *
lv_loss_view_new (LvExperiment *experiment)
{
  return g_object_new (LV_TYPE_LOSS_VIEW, "experiment", experiment, NULL);
}

/**
 * lv_loss_view_get_experiment:
 * @self: the view
 *
 * Returns: (transfer none): its experiment.
 */
LvExperiment *
lv_loss_view_get_experiment (LvLossView *self)
{
  return lv_view_get_experiment (LV_VIEW (self));
}

/**
 * lv_loss_view_get_figures:
 * @self: the view
 *
 * The models the view draws (tests read them; they stay owned by the view).
 *
 * Returns: (transfer none): the figures.
 */
LvPlotEnsemble *
lv_loss_view_get_figures (LvLossView *self)
{
  return self->figures;
}
