/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include <glib/gi18n.h>

#include "lv-landscape-view-private.h"

/*
 * The Landscape page's curvature panel: the Hessian spectrum at the selected run (computed by
 * the run's landscape job) or, when "Density" is chosen, its eigenvalue density by stochastic
 * Lanczos quadrature — a job of its own, started after the run's landscape finished so the two
 * never compete for the pool, and only while the density is shown.
 */

static void
show_density (LvLandscapeView *self, const LvCurvatureJobData *d)
{
  if (d->result.slq == NULL || self->state.has_density)
    return;
  self->state.has_density = TRUE;
  lv_landscape_figures_set_density (self->figures, d->result.slq);
}

static void
on_curvature_finished (LvJob *job, const GError *error, LvLandscapeView *self)
{
  show_density (self, lv_job_lock (job));
  lv_job_unlock (job);
  if (error != NULL && self->failure == NULL)
    {
      self->state.density_failed = TRUE;
      self->failure = g_strdup_printf (_("Eigenvalue density failed: %s"), error->message);
    }
  lv_landscape_view_set_status (self);
  lv_figure_changed (self->bars_figure);
}

void
lv_landscape_view_drop_curvature (LvLandscapeView *self)
{
  lv_job_abandon (&self->curvature_job, self);
}

/**
 * lv_landscape_view_ensure_curvature:
 * @self: the view
 *
 * Starts the density job of the selected run when the density is shown, the run's landscape
 * has finished and no density job ran for it yet.
 */
void
lv_landscape_view_ensure_curvature (LvLandscapeView *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->state.show_density || self->curvature_job != NULL || self->hidden == 0 ||
      self->failure != NULL || self->state.stage != LV_LANDSCAPE_STAGE_DONE)
    return;
  self->curvature_job = lv_curvature_job_new (self->experiment, self->hidden, self->run,
                                              &error);
  if (self->curvature_job == NULL)
    {
      self->state.density_failed = TRUE;
      self->failure = g_strdup (error->message);
      lv_landscape_view_set_status (self);
      return;
    }
  g_signal_connect (self->curvature_job, "finished", G_CALLBACK (on_curvature_finished), self);
  lv_job_start (self->curvature_job);
  lv_landscape_view_set_status (self);
}

/* The panel draws the density's model or the spectrum's bars. */
static void
sync_panel (LvLandscapeView *self)
{
  lv_landscape_figures_set_show_density (self->figures, self->state.show_density);
  if (self->state.show_density)
    lv_figure_set_draw_func (self->bars_figure, (LvPlotDrawFunc) lv_plot_lines_draw,
                             (gpointer) lv_landscape_figures_get_density (self->figures));
  else
    lv_figure_set_draw_func (self->bars_figure, (LvPlotDrawFunc) lv_plot_bars_draw,
                             (gpointer) lv_landscape_figures_get_spectrum (self->figures));
  lv_figure_changed (self->bars_figure);
}

void
lv_landscape_view_on_curvature_toggled (LvLandscapeView *self)
{
  self->state.show_density = gtk_toggle_button_get_active (self->density_button);
  sync_panel (self);
  lv_landscape_view_ensure_curvature (self);
  lv_landscape_view_set_status (self);
}

/**
 * lv_landscape_view_set_show_density:
 * @self: the view
 * @show: show the eigenvalue density (stochastic Lanczos quadrature) in place of the spectrum
 */
void
lv_landscape_view_set_show_density (LvLandscapeView *self, gboolean show)
{
  g_return_if_fail (LV_IS_LANDSCAPE_VIEW (self));
  gtk_toggle_button_set_active (show ? self->density_button : self->spectrum_button, TRUE);
}
