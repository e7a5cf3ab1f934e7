/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-landscape-view.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lv-figure.h"
#include "lv-landscape-view-private.h"
#include "lv-loss-view.h"
#include "lv-view.h"
#include "lv-wrap-layout.h"

/*
 * LvLandscapeView — the "Landscape" page: for one trained run, the loss on a plane through it
 * (heatmap, contours, trajectory, markers), the straight line to another run of the same size,
 * and the Hessian at it; beside them, the index-vs-loss survey of every small finished run.
 *
 * All computing happens in core probes run by LvJobs (lv-landscape-inputs.c builds them):
 * the run's landscape, its eigenvalue density and the index survey; each job's `updated`
 * signal refreshes the figures. Selecting another run or other directions abandons the current job, which
 * stops at its next data chunk; the page never waits. Work starts only while the page is
 * shown or when a run is asked for explicitly (lv_landscape_view_select_run(), e.g. a click
 * in the loss view), so a user who never opens the page pays nothing.
 */

#define GRID 41
#define N_INTERP 61
#define DIRECTION_SEED 1


static gboolean run_available (LvLandscapeView *self, guint hidden, guint run);

G_DEFINE_FINAL_TYPE (LvLandscapeView, lv_landscape_view, LV_TYPE_VIEW)

void
lv_landscape_view_queue_figures (LvLandscapeView *self)
{
  lv_figure_changed (self->heatmap_figure);
  lv_figure_changed (self->lines_figure);
  lv_figure_changed (self->bars_figure);
  lv_figure_changed (self->index_figure);
}

/* ---- the experiment's runs ---- */

static const LvRunRecord *
find_record (LvLandscapeView *self, guint hidden, guint run)
{
  guint n = 0;
  const LvEnsembleSnapshot *const *snapshots = lv_experiment_get_snapshots (self->experiment, &n);

  for (guint s = 0; s < n; s++)
    for (guint r = 0; r < snapshots[s]->n_runs; r++)
      if (snapshots[s]->runs[r].hidden == hidden && snapshots[s]->runs[r].run == run)
        return &snapshots[s]->runs[r];
  return NULL;
}

gboolean
lv_landscape_view_run_finished (LvLandscapeView *self, guint hidden, guint run)
{
  const LvRunRecord *rec = find_record (self, hidden, run);
  return rec != NULL && rec->state == LV_RUN_FINISHED;
}

guint
lv_landscape_view_n_runs_of_size (LvLandscapeView *self, guint hidden)
{
  guint n = 0, count = 0;
  const LvEnsembleSnapshot *const *snapshots = lv_experiment_get_snapshots (self->experiment, &n);

  for (guint s = 0; s < n; s++)
    for (guint r = 0; r < snapshots[s]->n_runs; r++)
      count += snapshots[s]->runs[r].hidden == hidden;
  return count;
}

/* The next available run of the size after @after (cyclically), skipping @skip; G_MAXUINT. */
static guint
next_finished (LvLandscapeView *self, guint hidden, guint after, guint skip)
{
  guint n = lv_landscape_view_n_runs_of_size (self, hidden);

  for (guint k = 1; k < n; k++)
    {
      guint r = (after + k) % n;
      if (r != skip && r != after && run_available (self, hidden, r))
        return r;
    }
  return G_MAXUINT;
}

/* Finished and with its weights in memory (restored runs have only their records). */
static gboolean
run_available (LvLandscapeView *self, guint hidden, guint run)
{
  g_autofree float *params = NULL;
  LvMlpShape shape;

  return lv_landscape_view_run_finished (self, hidden, run) &&
         lv_experiment_copy_run_params (self->experiment, hidden, run, NULL, &shape, &params);
}

/* The first run of @hidden that can be explored, G_MAXUINT when none. */
static guint
first_available (LvLandscapeView *self, guint hidden)
{
  for (guint r = 0; r < lv_landscape_view_n_runs_of_size (self, hidden); r++)
    if (run_available (self, hidden, r))
      return r;
  return G_MAXUINT;
}

/* ---- the run's job ---- */

void
lv_landscape_view_set_status (LvLandscapeView *self)
{
  const LvLandscapeState *st = &self->state;
  g_autofree char *text = NULL;

  if (self->failure != NULL)
    text = g_strdup (self->failure);
  else if (st->hidden == 0)
    text = g_strdup (_("No run selected"));
  else
    switch (st->stage)
      {
      case LV_LANDSCAPE_STAGE_DIRECTIONS:
        text = g_strdup (st->kind != LV_SLICE_DIRECTIONS_PCA ? _("Choosing directions…")
                         : self->saved_trajectory
                           ? _("PCA of the trajectory saved in the bundle…")
                           : _("Retraining the run to record its trajectory…"));
        break;
      case LV_LANDSCAPE_STAGE_SLICE:
        /* Translators: progress of the slice, refinement level k of n. */
        text = g_strdup_printf (_("Slice: refinement %u of %u…"), st->level, st->n_levels);
        break;
      case LV_LANDSCAPE_STAGE_INTERPOLATION:
        text = g_strdup (_("Interpolating to the other run…"));
        break;
      case LV_LANDSCAPE_STAGE_HESSIAN:
        text = g_strdup (_("Computing the Hessian…"));
        break;
      case LV_LANDSCAPE_STAGE_DONE:
        text = g_strdup_printf (_("Done · centre loss %.4g · index %u"), st->slice_center,
                                st->negative_count);
        if (st->show_density && !st->has_density)
          {
            g_autofree char *done = g_steal_pointer (&text);
            text = g_strdup_printf (_("%s · eigenvalue density…"), done);
          }
        break;
      case LV_LANDSCAPE_STAGE_FAILED:
      default:
        text = g_strdup (_("Failed"));
        break;
      }
  gtk_label_set_text (self->status_label, text);
}

/* Main thread, the job's lock held: shows what the probe published so far. */
static void
show_result (LvLandscapeView *self, const LvLandscapeJobData *d)
{
  LvLandscapeState *st = &self->state;
  const LvLandscapeResult *r = &d->result;

  st->stage = r->stage;
  if (r->grid != NULL && (r->level != st->level || r->stage >= LV_LANDSCAPE_STAGE_DONE))
    {
      guint mid = r->grid->grid / 2;

      st->level = r->level;
      st->n_levels = r->n_levels;
      st->grid = r->grid->grid;
      st->slice_center = r->grid->train_loss[(gsize) mid * r->grid->grid + mid];
      lv_landscape_figures_set_slice (self->figures, st->hidden, st->run, st->kind, r->grid,
                                      (const double *) r->path_x->data,
                                      (const double *) r->path_y->data, r->path_x->len,
                                      self->partner, d->request.partner2);
    }
  st->center_train = r->center_train;
  if (r->n_interp > 0 && !st->has_interpolation)
    {
      st->has_interpolation = TRUE;
      lv_landscape_figures_set_interpolation (self->figures, st->run, self->partner,
                                              r->interp_t, r->interp_train, r->interp_test,
                                              r->n_interp);
    }
  if (r->spectrum != NULL && !st->has_spectrum)
    {
      st->has_spectrum = TRUE;
      st->min_eigenvalue = r->spectrum->min_eigenvalue;
      st->negative_count = r->spectrum->negative_count;
      lv_landscape_figures_set_spectrum (self->figures, r->spectrum);
    }
}

static void
on_job_updated (LvJob *job, LvLandscapeView *self)
{
  show_result (self, lv_job_lock (job));
  lv_job_unlock (job);
  lv_landscape_view_set_status (self);
  lv_landscape_view_queue_figures (self);
}

static void
on_job_finished (LvJob *job, const GError *error, LvLandscapeView *self)
{
  show_result (self, lv_job_lock (job));
  lv_job_unlock (job);
  if (error != NULL && self->failure == NULL)
    self->failure = g_strdup_printf (_("Failed: %s"), error->message);
  lv_landscape_view_sync_index_pause (self);
  lv_landscape_view_ensure_curvature (self);
  lv_landscape_view_set_status (self);
  lv_landscape_view_queue_figures (self);
}

void
lv_landscape_view_drop_job (LvLandscapeView *self)
{
  lv_job_abandon (&self->job, self);
}

/* Starts the selected run's job if it has none and the page is shown (or it was asked for). */
void
lv_landscape_view_ensure_job (LvLandscapeView *self)
{
  LvLandscapeRequest request = { 0 };
  g_autoptr(GError) error = NULL;

  if (self->job != NULL || self->hidden == 0 || self->failure != NULL)
    return;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)) && !self->explicit_request)
    return;
  if (!lv_landscape_view_run_finished (self, self->hidden, self->run))
    {
      self->failure = g_strdup_printf (_("Run %u of size %u has not finished training"),
                                       self->run, self->hidden);
      lv_landscape_view_set_status (self);
      return;
    }
  request.hidden = self->hidden;
  request.run = self->run;
  request.partner = self->partner;
  request.partner2 = self->partner != G_MAXUINT
                     ? next_finished (self, self->hidden, self->partner, self->run) : G_MAXUINT;
  request.kind = self->kind;
  request.grid = GRID;
  /* The CLI's defaults: filter 1 (perturbations as large as the weights), PCA 1.2 (the
   * trajectory reaches 1), interpolate 1.5 (the other minima sit at 1). */
  request.span = self->kind == LV_SLICE_DIRECTIONS_FILTER ? 1.0
                 : self->kind == LV_SLICE_DIRECTIONS_PCA ? 1.2 : 1.5;
  request.direction_seed = DIRECTION_SEED;
  request.n_interp = N_INTERP;
  self->job = lv_landscape_run_job_new (self->experiment, &request, &error);
  if (self->job == NULL)
    {
      self->failure = g_strdup (error->message);
      lv_landscape_view_set_status (self);
      return;
    }
  memcpy (&self->config, lv_experiment_get_config (self->experiment), sizeof self->config);
  self->saved_trajectory =
    ((LvLandscapeJobData *) lv_job_get_data (self->job))->input.trajectory != NULL;
  g_signal_connect (self->job, "updated", G_CALLBACK (on_job_updated), self);
  g_signal_connect (self->job, "finished", G_CALLBACK (on_job_finished), self);
  lv_job_start (self->job);
  lv_landscape_view_sync_index_pause (self);
  lv_landscape_view_set_status (self);
}

/* Forgets the run's results and (re)starts for the current selection. */
static void
restart (LvLandscapeView *self)
{
  guint index_done = self->state.index_done, index_total = self->state.index_total;
  gboolean show_density = self->state.show_density;

  lv_landscape_view_drop_job (self);
  lv_landscape_view_drop_curvature (self);
  g_clear_pointer (&self->failure, g_free);
  /* The run's part of the state; the survey's is not the run's. */
  memset (&self->state, 0, sizeof self->state);
  self->state.index_done = index_done;
  self->state.index_total = index_total;
  self->state.show_density = show_density;
  self->state.hidden = self->hidden;
  self->state.run = self->run;
  self->state.kind = self->kind;
  self->state.slice_center = self->state.center_train = NAN;
  lv_landscape_figures_clear_run (self->figures, self->hidden == 0
                                  ? _("Train an ensemble, then pick a run")
                                  : _("Computing…"));
  lv_landscape_view_ensure_job (self);
  lv_landscape_view_sync_index_pause (self);
  lv_landscape_view_set_status (self);
  lv_landscape_view_queue_figures (self);
}

/* ---- controls ---- */

static void
sync_controls (LvLandscapeView *self)
{
  guint n = self->hidden != 0 ? lv_landscape_view_n_runs_of_size (self, self->hidden) : 1;

  self->updating = TRUE;
  for (guint i = 0; i < self->sizes->len; i++)
    if (g_array_index (self->sizes, guint, i) == self->hidden)
      gtk_drop_down_set_selected (self->size_dropdown, i);
  gtk_spin_button_set_range (self->run_spin, 0, MAX (n, 1) - 1);
  gtk_spin_button_set_value (self->run_spin, self->run);
  gtk_spin_button_set_range (self->partner_spin, 0, MAX (n, 1) - 1);
  if (self->partner != G_MAXUINT)
    gtk_spin_button_set_value (self->partner_spin, self->partner);
  gtk_drop_down_set_selected (self->kind_dropdown, self->kind);
  self->updating = FALSE;
}

void
lv_landscape_view_select (LvLandscapeView *self, guint hidden, guint run, guint partner)
{
  self->hidden = hidden;
  self->run = run;
  self->partner = partner != G_MAXUINT && partner != run &&
                  run_available (self, hidden, partner)
                  ? partner : next_finished (self, hidden, run, G_MAXUINT);
  sync_controls (self);
  restart (self);
}

/**
 * lv_landscape_view_select_run:
 * @self: the view
 * @hidden: the run's hidden width
 * @run: its index within the size
 *
 * Shows run @run of size @hidden and starts computing its slice and Hessian at once (even if
 * the page is not shown: the caller asked for it, e.g. by clicking the run elsewhere).
 */
void
lv_landscape_view_select_run (LvLandscapeView *self, guint hidden, guint run)
{
  g_return_if_fail (LV_IS_LANDSCAPE_VIEW (self));

  self->explicit_request = TRUE;
  lv_landscape_view_select (self, hidden, run, G_MAXUINT);
}

/**
 * lv_landscape_view_set_directions:
 * @self: the view
 * @kind: filter, PCA or interpolate
 *
 * Recomputes the selected run's slice on other directions.
 */
void
lv_landscape_view_set_directions (LvLandscapeView *self, LvSliceDirections kind)
{
  g_return_if_fail (LV_IS_LANDSCAPE_VIEW (self));

  self->kind = kind;
  sync_controls (self);
  restart (self);
}

void
lv_landscape_view_on_size_selected (LvLandscapeView *self)
{
  guint i = gtk_drop_down_get_selected (self->size_dropdown);
  guint hidden, run;

  if (self->updating || i >= self->sizes->len)
    return;
  hidden = g_array_index (self->sizes, guint, i);
  if (hidden == self->hidden)
    return;
  /* The first run of the new size that can be explored (else the first, which says why). */
  run = first_available (self, hidden);
  lv_landscape_view_select (self, hidden, run != G_MAXUINT ? run : 0, G_MAXUINT);
}

void
lv_landscape_view_on_run_changed (LvLandscapeView *self)
{
  guint run = (guint) gtk_spin_button_get_value_as_int (self->run_spin);

  if (self->updating || self->hidden == 0 || run == self->run)
    return;
  lv_landscape_view_select (self, self->hidden, run, self->partner);
}

void
lv_landscape_view_on_partner_changed (LvLandscapeView *self)
{
  guint partner = (guint) gtk_spin_button_get_value_as_int (self->partner_spin);

  if (self->updating || self->hidden == 0 || partner == self->partner)
    return;
  lv_landscape_view_select (self, self->hidden, self->run, partner);
}

void
lv_landscape_view_on_kind_selected (LvLandscapeView *self)
{
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);

  if (self->updating || kind > LV_SLICE_DIRECTIONS_INTERPOLATE || kind == self->kind)
    return;
  lv_landscape_view_set_directions (self, (LvSliceDirections) kind);
}

void
lv_landscape_view_on_log_toggled (LvLandscapeView *self)
{
  lv_landscape_figures_set_log (self->figures, gtk_toggle_button_get_active (self->log_button));
  lv_figure_changed (self->heatmap_figure);
}


/* ---- following the experiment ---- */

/* Sizes with at least one finished run, ascending; TRUE when they changed. */
static gboolean
refresh_sizes (LvLandscapeView *self)
{
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n = 0;
  const LvEnsembleSnapshot *const *snapshots = lv_experiment_get_snapshots (self->experiment, &n);
  gboolean same;

  for (guint s = 0; s < n; s++)
    for (guint r = 0; r < snapshots[s]->n_runs; r++)
      if (snapshots[s]->runs[r].state == LV_RUN_FINISHED)
        g_array_append_val (sizes, snapshots[s]->runs[r].hidden);
  g_array_set_size (sizes, lv_uint_sort_unique ((guint *) (void *) sizes->data, sizes->len));
  same = sizes->len == self->sizes->len &&
         memcmp (sizes->data, self->sizes->data, sizes->len * sizeof (guint)) == 0;
  if (same)
    return FALSE;
  g_array_set_size (self->sizes, 0);
  g_array_append_vals (self->sizes, sizes->data, sizes->len);
  self->updating = TRUE;
  while (g_list_model_get_n_items (G_LIST_MODEL (self->size_model)) > 0)
    gtk_string_list_remove (self->size_model, 0);
  for (guint i = 0; i < sizes->len; i++)
    {
      g_autofree char *label = g_strdup_printf ("n = %u", g_array_index (sizes, guint, i));
      gtk_string_list_append (self->size_model, label);
    }
  self->updating = FALSE;
  sync_controls (self);
  return TRUE;
}

/* The default selection: the first finished run of the largest size. */
static void
auto_select (LvLandscapeView *self)
{
  if (self->hidden != 0 || self->sizes->len == 0 || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  /* The largest size with a run that can be explored. */
  for (guint i = self->sizes->len; i-- > 0;)
    {
      guint hidden = g_array_index (self->sizes, guint, i), run = first_available (self, hidden);

      if (run != G_MAXUINT)
        {
          lv_landscape_view_select (self, hidden, run, G_MAXUINT);
          return;
        }
    }
}

static void
on_experiment_changed (LvView *view)
{
  LvLandscapeView *self = LV_LANDSCAPE_VIEW (view);
  gboolean config_changed =
    self->hidden != 0 &&
    memcmp (&self->config, lv_experiment_get_config (self->experiment), sizeof self->config) != 0;

  refresh_sizes (self);
  /* A new configuration trains other runs under the same names: what is shown is stale. */
  if (self->hidden != 0 &&
      (config_changed || !lv_landscape_view_run_finished (self, self->hidden, self->run)))
    {
      self->hidden = 0;
      self->explicit_request = FALSE;
      restart (self);
    }
  auto_select (self);
  lv_landscape_view_ensure_job (self);
  lv_landscape_view_update_index (self);
}

static void
lv_landscape_view_map (GtkWidget *widget)
{
  LvLandscapeView *self = LV_LANDSCAPE_VIEW (widget);

  GTK_WIDGET_CLASS (lv_landscape_view_parent_class)->map (widget);
  refresh_sizes (self);
  auto_select (self);
  lv_landscape_view_ensure_job (self);
  lv_landscape_view_update_index (self);
}

/* ---- linked views ---- */

static void
on_run_activated (LvLandscapeView *self, guint hidden, guint run)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  lv_landscape_view_select_run (self, hidden, run);
  if (GTK_IS_STACK (parent))
    gtk_stack_set_visible_child (GTK_STACK (parent), GTK_WIDGET (self));
}

/* A run clicked in the loss-distribution page, a sibling in the window's view stack, opens
 * here: the pages find each other through the stack, so the window needs no wiring. */
static void
link_loss_view (LvLandscapeView *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  if (!GTK_IS_STACK (parent) || self->loss_view != NULL)
    return;
  for (GtkWidget *c = gtk_widget_get_first_child (parent); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (LV_IS_LOSS_VIEW (c))
      {
        self->loss_view = c;
        g_object_add_weak_pointer (G_OBJECT (c), (gpointer *) &self->loss_view);
        g_signal_connect_object (c, "run-activated", G_CALLBACK (on_run_activated), self,
                                 G_CONNECT_SWAPPED);
        return;
      }
}

static void
unlink_loss_view (LvLandscapeView *self)
{
  if (self->loss_view == NULL)
    return;
  g_signal_handlers_disconnect_by_func (self->loss_view, on_run_activated, self);
  g_object_remove_weak_pointer (G_OBJECT (self->loss_view), (gpointer *) &self->loss_view);
  self->loss_view = NULL;
}

static void
lv_landscape_view_root (GtkWidget *widget)
{
  LvLandscapeView *self = LV_LANDSCAPE_VIEW (widget);

  GTK_WIDGET_CLASS (lv_landscape_view_parent_class)->root (widget);
  link_loss_view (self);
}

static void
lv_landscape_view_unroot (GtkWidget *widget)
{
  LvLandscapeView *self = LV_LANDSCAPE_VIEW (widget);

  unlink_loss_view (self);
  GTK_WIDGET_CLASS (lv_landscape_view_parent_class)->unroot (widget);
}

/* ---- LvView ---- */

static gboolean
lv_landscape_view_export_figure (LvView *view, const char *path, GError **error)
{
  LvLandscapeView *self = LV_LANDSCAPE_VIEW (view);

  return lv_landscape_figures_export (self->figures, path, 1600, 1200, error);
}

static char *
lv_landscape_view_get_export_name (LvView *view)
{
  LvLandscapeView *self = LV_LANDSCAPE_VIEW (view);

  if (self->hidden == 0)
    /* Translators: default file name of an exported figure, no extension. */
    return g_strdup (_("landscape"));
  /* Translators: default file name of an exported slice: size and run, no extension. */
  return g_strdup_printf (_("landscape-n%u-run%u"), self->hidden, self->run);
}

static void
lv_landscape_view_theme_changed (LvView *view)
{
  LvLandscapeView *self = LV_LANDSCAPE_VIEW (view);

  lv_landscape_figures_set_theme (self->figures, lv_view_get_theme (view));
  lv_landscape_view_queue_figures (self);
}

/* ---- GObject ---- */

static void
lv_landscape_view_dispose (GObject *object)
{
  LvLandscapeView *self = LV_LANDSCAPE_VIEW (object);

  lv_landscape_view_drop_job (self);
  lv_landscape_view_drop_curvature (self);
  lv_landscape_view_drop_index (self);
  unlink_loss_view (self);
  if (self->experiment != NULL)
    g_signal_handlers_disconnect_by_data (self->experiment, self);
  self->experiment = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (object), LV_TYPE_LANDSCAPE_VIEW);
  G_OBJECT_CLASS (lv_landscape_view_parent_class)->dispose (object);
}

static void
lv_landscape_view_finalize (GObject *object)
{
  LvLandscapeView *self = LV_LANDSCAPE_VIEW (object);

  g_clear_pointer (&self->figures, lv_landscape_figures_free);
  g_array_unref (self->sizes);
  g_free (self->failure);
  g_free (self->index_key);
  G_OBJECT_CLASS (lv_landscape_view_parent_class)->finalize (object);
}

static void
lv_landscape_view_constructed (GObject *object)
{
  LvLandscapeView *self = LV_LANDSCAPE_VIEW (object);

  G_OBJECT_CLASS (lv_landscape_view_parent_class)->constructed (object);
  self->experiment = lv_view_get_experiment (LV_VIEW (self));
  /* The survey waits for training to stop, which is not a ::changed of its own. */
  g_signal_connect_object (self->experiment, "notify::running",
                           G_CALLBACK (lv_landscape_view_update_index), self, G_CONNECT_SWAPPED);
  refresh_sizes (self);
}

static void
lv_landscape_view_class_init (LvLandscapeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  LvViewClass *view_class = LV_VIEW_CLASS (klass);

  object_class->constructed = lv_landscape_view_constructed;
  object_class->dispose = lv_landscape_view_dispose;
  object_class->finalize = lv_landscape_view_finalize;
  widget_class->map = lv_landscape_view_map;
  widget_class->root = lv_landscape_view_root;
  widget_class->unroot = lv_landscape_view_unroot;
  view_class->export_figure = lv_landscape_view_export_figure;
  view_class->get_export_name = lv_landscape_view_get_export_name;
  view_class->experiment_changed = on_experiment_changed;
  view_class->theme_changed = lv_landscape_view_theme_changed;

  g_type_ensure (LV_TYPE_FIGURE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/lv-landscape-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, toolbar);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, size_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, size_model);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, run_spin);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, partner_spin);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, log_button);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, surface_button);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, index_button);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, eigen_button);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, spectrum_button);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, density_button);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, status_label);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, heatmap_figure);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, lines_figure);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, bars_figure);
  gtk_widget_class_bind_template_child (widget_class, LvLandscapeView, index_figure);
  gtk_widget_class_bind_template_callback (widget_class, lv_landscape_view_on_size_selected);
  gtk_widget_class_bind_template_callback (widget_class, lv_landscape_view_on_run_changed);
  gtk_widget_class_bind_template_callback (widget_class, lv_landscape_view_on_kind_selected);
  gtk_widget_class_bind_template_callback (widget_class, lv_landscape_view_on_partner_changed);
  gtk_widget_class_bind_template_callback (widget_class, lv_landscape_view_on_log_toggled);
  gtk_widget_class_bind_template_callback (widget_class, lv_landscape_view_on_surface_toggled);
  gtk_widget_class_bind_template_callback (widget_class, lv_landscape_view_on_drag_begin);
  gtk_widget_class_bind_template_callback (widget_class, lv_landscape_view_on_drag_update);
  gtk_widget_class_bind_template_callback (widget_class, lv_landscape_view_on_index_pressed);
  gtk_widget_class_bind_template_callback (widget_class, lv_landscape_view_on_curvature_toggled);
  gtk_widget_class_bind_template_callback (widget_class,
                                           lv_landscape_view_on_index_axis_toggled);
}

static void
lv_landscape_view_init (LvLandscapeView *self)
{
  self->figures = lv_landscape_figures_new ();
  self->sizes = g_array_new (FALSE, FALSE, sizeof (guint));
  self->partner = G_MAXUINT;
  self->state.slice_center = self->state.center_train = NAN;
  gtk_widget_init_template (GTK_WIDGET (self));
  lv_wrap_layout_apply (GTK_WIDGET (self->toolbar), 8, 6);
  lv_landscape_view_heatmap_init (self);
  lv_landscape_view_index_init (self);
  /* Losses on a plane span orders of magnitude: log colour shows the basin's shape. */
  gtk_toggle_button_set_active (self->log_button, TRUE);
}

/**
 * lv_landscape_view_new:
 * @experiment: the experiment whose trained runs the page explores
 *
 * Returns: (transfer floating): the Landscape page.
 */
GtkWidget *
lv_landscape_view_new (LvExperiment *experiment)
{
  g_return_val_if_fail (LV_IS_EXPERIMENT (experiment), NULL);

  return g_object_new (LV_TYPE_LANDSCAPE_VIEW, "experiment", experiment, NULL);
}

/**
 * lv_landscape_view_get_state:
 * @self: the view
 * @state: (out caller-allocates): what the page shows
 */
void
lv_landscape_view_get_state (LvLandscapeView *self, LvLandscapeState *state)
{
  g_return_if_fail (LV_IS_LANDSCAPE_VIEW (self));
  *state = self->state;
}

/**
 * lv_landscape_view_get_figures:
 * @self: the view
 *
 * Returns: (transfer none): the models the page draws (tests read them).
 */
LvLandscapeFigures *
lv_landscape_view_get_figures (LvLandscapeView *self)
{
  return self->figures;
}
