/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lv-figure.h"
#include "lv-landscape-view-private.h"
#include "lv-wrap-layout.h"

/* The Landscape page's widgets, tooltips and clicks, and the index-vs-loss survey. */

#define INDEX_MAX_RUNS_PER_SIZE 40

/* ---- the index survey ---- */

static LvIndexAxis
index_axis (LvLandscapeView *self)
{
  return gtk_toggle_button_get_active (self->eigen_button) ? LV_INDEX_AXIS_MIN_EIGENVALUE
                                                           : LV_INDEX_AXIS_INDEX;
}

static void
show_index (LvLandscapeView *self, const LvIndexPoint *points, guint n_points, guint n_done,
            guint n_skipped)
{
  g_autofree char *caption = NULL;

  self->state.index_done = n_done;
  self->state.index_total = n_points;
  /* Translators: caption of the index-vs-loss panel. */
  caption = g_strdup_printf (_("Lanczos at every finished run with ≤ %u parameters: %u of %u "
                               "done%s"),
                             LV_LANDSCAPE_INDEX_MAX_PARAMS, n_done, n_points,
                             n_skipped > 0 ? _(" · larger networks left out") : "");
  lv_landscape_figures_set_index (self->figures, points, n_points, index_axis (self), caption);
  lv_figure_changed (self->index_figure);
}

static void
show_survey (LvLandscapeView *self)
{
  const LvIndexSurveyJobData *d = lv_job_lock (self->index_job);

  show_index (self, d->result.points, d->result.n_points, d->result.n_done,
              d->result.n_skipped);
  lv_job_unlock (self->index_job);
}

static gboolean
run_job_busy (LvLandscapeView *self)
{
  return self->job != NULL && lv_job_is_running (self->job);
}

/**
 * lv_landscape_view_sync_index_pause:
 * @self: the view
 *
 * The survey yields the worker pool while the selected run is being computed (it queues no
 * more Lanczos runs; those queued finish).
 */
void
lv_landscape_view_sync_index_pause (LvLandscapeView *self)
{
  if (self->index_job != NULL)
    lv_job_set_paused (self->index_job, run_job_busy (self));
}

void
lv_landscape_view_drop_index (LvLandscapeView *self)
{
  lv_landscape_view_abandon (self, &self->index_job);
}

/* What the survey would cover now: the dataset, the configuration and every size's finished
 * runs. */
static char *
index_key (LvLandscapeView *self)
{
  guint n = 0;
  const LvEnsembleSnapshot *const *snapshots = lv_experiment_get_snapshots (self->experiment, &n);
  GString *key = g_string_new (lv_experiment_get_dataset_name (self->experiment));
  /* Every training setting (λ, q, epochs, …): runs of the same sizes and seeds differ. */
  g_autofree char *config = g_compute_checksum_for_data (
    G_CHECKSUM_SHA1, (const guchar *) lv_experiment_get_config (self->experiment),
    sizeof (LvEnsembleConfig));

  g_string_append_printf (key, "|%s", config);

  for (guint s = 0; s < n; s++)
    g_string_append_printf (key, "|%u:%u:%" G_GUINT64_FORMAT,
                            n > 0 && snapshots[s]->n_runs > 0 ? snapshots[s]->runs[0].hidden : 0,
                            snapshots[s]->finished,
                            snapshots[s]->n_runs > 0 ? snapshots[s]->runs[0].seed : 0);
  return g_string_free (key, FALSE);
}

/**
 * lv_landscape_view_update_index:
 * @self: the view
 *
 * Starts the survey when the page is shown, training has stopped and the finished runs
 * changed since the last survey (lazily: nothing is computed for a page never opened).
 */
void
lv_landscape_view_update_index (LvLandscapeView *self)
{
  g_autofree char *key = NULL;

  if (self->experiment == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)) ||
      lv_experiment_get_running (self->experiment))
    return;
  key = index_key (self);
  if (g_strcmp0 (key, self->index_key) == 0)
    return;
  g_free (self->index_key);
  self->index_key = g_steal_pointer (&key);
  lv_landscape_view_drop_index (self);
  self->index_job = lv_index_survey_job_new (self->experiment, LV_LANDSCAPE_INDEX_MAX_PARAMS,
                                              INDEX_MAX_RUNS_PER_SIZE);
  show_index (self, NULL, 0, 0, 0);
  g_signal_connect_swapped (self->index_job, "updated", G_CALLBACK (show_survey), self);
  g_signal_connect_swapped (self->index_job, "finished", G_CALLBACK (show_survey), self);
  lv_landscape_view_sync_index_pause (self);
  lv_job_start (self->index_job);
}

static void
on_index_axis_toggled (LvLandscapeView *self)
{
  /* Read under the job's lock: its tasks may be publishing right now. */
  if (self->index_job != NULL)
    show_survey (self);
}

/* ---- theme ---- */

void
lv_landscape_view_update_theme (LvLandscapeView *self)
{
  lv_plot_theme_scaled (lv_figure_theme_for_settings (self->settings), self->font_scale,
                        self->line_scale, &self->theme);
  lv_landscape_figures_set_theme (self->figures, &self->theme);
  lv_landscape_view_queue_figures (self);
}

/* ---- tooltips and clicks ---- */

static char *
heatmap_tooltip (LvFigure *figure, double x, double y, double width, double height,
                 gpointer user_data)
{
  LvLandscapeView *self = user_data;
  const LvPlotHeatmapModel *model = lv_landscape_figures_get_heatmap (self->figures);
  LvPlotLayout layout;
  double alpha, beta, value;

  if (gtk_toggle_button_get_active (self->surface_button) ||
      !lv_plot_heatmap_get_layout (model, width, height, &layout))
    return NULL;
  alpha = lv_plot_layout_px_to_x (&layout, x);
  beta = lv_plot_layout_px_to_y (&layout, y);
  if (!lv_landscape_figures_get_slice_value (self->figures, alpha, beta, &value))
    return NULL;
  /* Translators: tooltip of a point of the loss slice. */
  return g_markup_printf_escaped (_("α = %.3f, β = %.3f\ntraining loss %.4g"), alpha, beta,
                                  value);
}

static gboolean
index_hit (LvLandscapeView *self, double x, double y, double width, double height,
           const LvIndexPoint **point)
{
  LvPlotScatterHit hit;

  if (!lv_plot_scatter_hit_test (lv_landscape_figures_get_index (self->figures), width, height,
                                 x, y, &hit))
    return FALSE;
  *point = lv_landscape_figures_index_point (self->figures, hit.series, hit.index);
  return *point != NULL;
}

static char *
index_tooltip (LvFigure *figure, double x, double y, double width, double height,
               gpointer user_data)
{
  const LvIndexPoint *p;
  g_autofree char *n_params = NULL;

  if (!index_hit (user_data, x, y, width, height, &p))
    return NULL;
  /* The count goes in as text: xgettext cannot expand G_GSIZE_FORMAT inside a msgid. */
  n_params = g_strdup_printf ("%" G_GSIZE_FORMAT, p->n_params);
  /* Translators: tooltip of one run in the index-vs-loss panel; %s: number of parameters. */
  return g_markup_printf_escaped (_("<b>n = %u</b>, run %u (%s parameters)\n"
                                    "final training loss %.4g\nindex ≥ %u\n"
                                    "λmin %.3g, λmax %.3g\n<i>Click to open its landscape</i>"),
                                  p->hidden, p->run, n_params, p->loss, p->index,
                                  p->min_eigenvalue, p->max_eigenvalue);
}

static void
on_index_pressed (GtkGestureClick *gesture, int n_press, double x, double y, gpointer data)
{
  LvLandscapeView *self = data;
  const LvIndexPoint *p;
  GtkWidget *widget = GTK_WIDGET (self->index_figure);

  if (index_hit (self, x, y, gtk_widget_get_width (widget), gtk_widget_get_height (widget), &p))
    lv_landscape_view_select (self, p->hidden, p->run, G_MAXUINT);
}

/* ---- the 3-D surface ---- */

static void
on_surface_toggled (LvLandscapeView *self)
{
  if (gtk_toggle_button_get_active (self->surface_button))
    lv_figure_set_draw_func (self->heatmap_figure, (LvPlotDrawFunc) lv_plot_wireframe_draw,
                             &self->wireframe);
  else
    lv_figure_set_draw_func (self->heatmap_figure, (LvPlotDrawFunc) lv_plot_heatmap_draw,
                             lv_landscape_figures_get_heatmap (self->figures));
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, LvLandscapeView *self)
{
  self->drag_azimuth = self->wireframe.azimuth;
  self->drag_elevation = self->wireframe.elevation;
}

/* Horizontal drags turn the surface, vertical ones tilt it (between flat and top-down). */
static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, LvLandscapeView *self)
{
  if (!gtk_toggle_button_get_active (self->surface_button))
    return;
  self->wireframe.azimuth = self->drag_azimuth + dx * 0.01;
  self->wireframe.elevation = CLAMP (self->drag_elevation + dy * 0.01, 0.05, G_PI / 2 - 0.02);
  lv_figure_changed (self->heatmap_figure);
}

/* ---- construction ---- */

static GtkWidget *
labelled (GtkWidget *box, const char *text, GtkWidget *control)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), control);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), control);
  return control;
}

static LvFigure *
new_figure (GtkWidget *parent, int min_height)
{
  GtkWidget *figure = lv_figure_new ();

  gtk_widget_set_size_request (figure, -1, min_height);
  gtk_box_append (GTK_BOX (parent), figure);
  return LV_FIGURE (figure);
}

/**
 * lv_landscape_view_build:
 * @self: the view, being initialised
 *
 * Builds the toolbar (run, directions, comparison run, log colour, status), the heatmap on
 * the left and the interpolation, spectrum and index panels on the right.
 */
void
lv_landscape_view_build (LvLandscapeView *self)
{
  static const char *const kinds[] = {
    N_("Random (filter-norm.)"), N_("Trajectory PCA"), N_("Three minima"),
    NULL
  };
  const char *kind_labels[G_N_ELEMENTS (kinds)];
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *side = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *index_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *heatmap = lv_figure_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self), "landscape-view");

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    kind_labels[i] = kinds[i] != NULL ? _(kinds[i]) : NULL;
  lv_wrap_layout_apply (toolbar, 8, 6);
  gtk_widget_add_css_class (toolbar, "view-toolbar");
  gtk_widget_set_margin_start (toolbar, 12);
  gtk_widget_set_margin_end (toolbar, 12);
  gtk_widget_set_margin_top (toolbar, 8);
  self->size_model = gtk_string_list_new (NULL);
  self->size_dropdown = GTK_DROP_DOWN (labelled (toolbar, _("_Size"),
                                                 gtk_drop_down_new (G_LIST_MODEL (
                                                   self->size_model), NULL)));
  self->run_spin = GTK_SPIN_BUTTON (labelled (toolbar, _("_Run"),
                                              gtk_spin_button_new_with_range (0, 0, 1)));
  self->kind_dropdown = GTK_DROP_DOWN (labelled (toolbar, _("_Directions"),
                                                 gtk_drop_down_new_from_strings (kind_labels)));
  self->partner_spin = GTK_SPIN_BUTTON (labelled (toolbar, _("_Line to run"),
                                                  gtk_spin_button_new_with_range (0, 0, 1)));
  self->log_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("_Log colour")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->log_button),
                               _("Colour the slice by the logarithm of the loss"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->partner_spin),
                               _("The run the straight-line interpolation goes to"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->kind_dropdown),
                               _("Random filter-normalised directions (the same seed for every "
                                 "size), the top two PCA directions of the training trajectory, "
                                 "or the plane through this run and two others"));
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->log_button));
  self->surface_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("3-_D")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->surface_button),
                               _("Show the slice as a surface; drag to rotate"));
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->surface_button));
  gtk_box_append (GTK_BOX (self), toolbar);
  /* The status gets a line of its own under the toolbar and wraps: squeezed into the toolbar
   * it was cut to "Done · centre lo…". */
  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status_label, 0);
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_label_set_wrap_mode (self->status_label, PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_margin_start (GTK_WIDGET (self->status_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->status_label), 12);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->status_label));

  /* Heatmap left, as square as the window allows; the three smaller panels stacked right. */
  self->heatmap_figure = LV_FIGURE (heatmap);
  gtk_widget_set_size_request (heatmap, 300, 240);
  gtk_paned_set_start_child (GTK_PANED (paned), heatmap);
  gtk_paned_set_resize_start_child (GTK_PANED (paned), TRUE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  self->lines_figure = new_figure (side, 110);
  lv_landscape_view_build_curvature_row (self, side);
  self->bars_figure = new_figure (side, 110);
  self->index_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_label (_("Index")));
  self->eigen_button =
    GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_label (_("Smallest eigenvalue")));
  gtk_toggle_button_set_group (self->eigen_button, self->index_button);
  gtk_toggle_button_set_active (self->index_button, TRUE);
  gtk_widget_add_css_class (index_row, "linked");
  gtk_widget_set_halign (index_row, GTK_ALIGN_END);
  gtk_widget_set_margin_end (index_row, 12);
  gtk_box_append (GTK_BOX (index_row), GTK_WIDGET (self->index_button));
  gtk_box_append (GTK_BOX (index_row), GTK_WIDGET (self->eigen_button));
  gtk_box_append (GTK_BOX (side), index_row);
  self->index_figure = new_figure (side, 110);
  gtk_widget_set_size_request (side, 300, -1);
  gtk_paned_set_end_child (GTK_PANED (paned), side);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_widget_set_vexpand (paned, TRUE);
  gtk_box_append (GTK_BOX (self), paned);

  lv_figure_set_draw_func (self->heatmap_figure, (LvPlotDrawFunc) lv_plot_heatmap_draw,
                           lv_landscape_figures_get_heatmap (self->figures));
  lv_figure_set_draw_func (self->lines_figure, (LvPlotDrawFunc) lv_plot_lines_draw,
                           lv_landscape_figures_get_interpolation (self->figures));
  lv_figure_set_draw_func (self->bars_figure, (LvPlotDrawFunc) lv_plot_bars_draw,
                           lv_landscape_figures_get_spectrum (self->figures));
  lv_figure_set_draw_func (self->index_figure, (LvPlotDrawFunc) lv_plot_scatter_draw,
                           lv_landscape_figures_get_index (self->figures));
  lv_figure_set_tooltip_func (self->heatmap_figure, heatmap_tooltip, self, NULL);
  lv_figure_set_tooltip_func (self->index_figure, index_tooltip, self, NULL);
  self->wireframe.heatmap = lv_landscape_figures_get_heatmap (self->figures);
  self->wireframe.azimuth = -0.6;
  self->wireframe.elevation = 0.6;
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (heatmap, GTK_EVENT_CONTROLLER (drag));
  g_signal_connect_swapped (self->surface_button, "toggled", G_CALLBACK (on_surface_toggled),
                            self);
  g_signal_connect (click, "pressed", G_CALLBACK (on_index_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->index_figure), GTK_EVENT_CONTROLLER (click));

  g_signal_connect_swapped (self->size_dropdown, "notify::selected",
                            G_CALLBACK (lv_landscape_view_on_size_selected), self);
  g_signal_connect_swapped (self->run_spin, "value-changed",
                            G_CALLBACK (lv_landscape_view_on_run_changed), self);
  g_signal_connect_swapped (self->partner_spin, "value-changed",
                            G_CALLBACK (lv_landscape_view_on_partner_changed), self);
  g_signal_connect_swapped (self->kind_dropdown, "notify::selected",
                            G_CALLBACK (lv_landscape_view_on_kind_selected), self);
  g_signal_connect_swapped (self->log_button, "toggled",
                            G_CALLBACK (lv_landscape_view_on_log_toggled), self);
  g_signal_connect_swapped (self->eigen_button, "toggled", G_CALLBACK (on_index_axis_toggled),
                            self);
  g_signal_connect_swapped (self->density_button, "toggled",
                            G_CALLBACK (lv_landscape_view_on_curvature_toggled), self);
}
