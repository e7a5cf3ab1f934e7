/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared between lv-spinglass-view.c (state, jobs, API) and lv-spinglass-view-controls.c (the
 * template's widgets and handlers). */

#include <lossviz/lv-plot-ensemble.h>

#include "lv-figure.h"
#include "lv-job.h"
#include "lv-spinglass-view.h"

G_BEGIN_DECLS

/* The sizes the toolbar has toggles for. */
static const guint toggle_sizes[] = { 25, 50, 100, 200 };
#define SEED 1
#define MAX_CACHE 64

typedef struct
{
  guint lambda;
  GArray *energy;
  GArray *run;
  GArray *index;
  int job_slot;      /* size index in the current job, −1 when complete from the cache */
  gboolean in_job;   /* trained by the current job (for its time-left estimate) */
} SizeState;

struct _LvSpinGlassView
{
  LvView parent_instance;

  LvPlotSpinGlass *figures;
  LvPlotEnsemble *network;

  /* parameters */
  guint p;
  guint lambdas[LV_SPIN_GLASS_VIEW_MAX_SIZES];
  guint n_lambdas;
  guint runs;
  LvSpinGlassMethod method;
  LvSpinGlassDisorder disorder;
  gboolean side_by_side;

  /* state */
  GArray *sizes;             /* SizeState, one per Λ */
  LvJob *job;                /* the current simulation (lv_spin_glass_probe_run), or NULL */
  guint tick_id;
  guint n_jobs_started;
  gint64 started_at;
  char *error_text;          /* why the last simulation failed, or NULL */
  GHashTable *cache;         /* config key → SizeState of a complete size */
  gboolean updating;

  /* widgets (ui/lv-spinglass-view.ui) */
  GtkBox *toolbar;
  GtkSpinButton *p_spin;
  GtkToggleButton *size_buttons[G_N_ELEMENTS (toggle_sizes)];
  GtkSpinButton *runs_spin;
  GtkDropDown *method_drop;
  GtkDropDown *disorder_drop;
  GtkButton *start_button;
  GtkToggleButton *side_button;
  GtkLabel *status;
  LvFigure *network_figure;
  LvFigure *hist_figure;
  LvFigure *theta_figure;
};

void lv_spin_glass_view_class_init_template (GtkWidgetClass *widget_class);
void lv_spin_glass_view_init_template  (LvSpinGlassView *self);
void lv_spin_glass_view_sync_controls   (LvSpinGlassView *self);
void lv_spin_glass_view_apply_layout    (LvSpinGlassView *self);
void lv_spin_glass_view_theme_changed   (LvSpinGlassView *self);
void lv_spin_glass_view_update_network  (LvSpinGlassView *self);

G_END_DECLS
