/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lv-figure.h"
#include "lv-landscape-view-private.h"

/* The Landscape page's index-vs-loss survey: its job, its panel's axis, tooltip and clicks. */

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
  lv_job_abandon (&self->index_job, self);
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

void
lv_landscape_view_on_index_axis_toggled (LvLandscapeView *self)
{
  /* Read under the job's lock: its tasks may be publishing right now. */
  if (self->index_job != NULL)
    show_survey (self);
}

/* ---- tooltip and clicks ---- */

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

/* A click on a run of the survey opens its landscape. */
void
lv_landscape_view_on_index_pressed (GtkGestureClick *gesture, int n_press, double x, double y,
                                    LvLandscapeView *self)
{
  const LvIndexPoint *p;
  GtkWidget *widget = GTK_WIDGET (self->index_figure);

  if (index_hit (self, x, y, gtk_widget_get_width (widget), gtk_widget_get_height (widget), &p))
    lv_landscape_view_select (self, p->hidden, p->run, G_MAXUINT);
}

/**
 * lv_landscape_view_index_init:
 * @self: the view, its template built
 *
 * Gives the survey's panel its model and tooltip.
 */
void
lv_landscape_view_index_init (LvLandscapeView *self)
{
  lv_figure_set_draw_func (self->index_figure, (LvPlotDrawFunc) lv_plot_scatter_draw,
                           lv_landscape_figures_get_index (self->figures));
  lv_figure_set_tooltip_func (self->index_figure, index_tooltip, self, NULL);
}
