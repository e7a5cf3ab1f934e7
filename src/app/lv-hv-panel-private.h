/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The Haeffele–Vidal panel's instance struct and the functions its files share
 * (lv-hv-panel.c: the template, descent jobs, controls, public API, export; lv-hv-panel-models.c:
 * the matrix Y, the figure models and the status texts).
 */

#include "lv-figure.h"
#include "lv-job.h"
#include "lv-hv-panel.h"

G_BEGIN_DECLS

/* The two problems' fixed parameters and the g(z) plot's grid. */
#define MF_M 8
#define MF_N 6
#define MF_LAMBDA 1.0
#define MF_MAX_WIDTH 6
#define MF_SEED 20160607
#define MF_INIT_SCALE 0.1
#define CHAIN_Y 1.0
#define CHAIN_LAMBDA 0.1
#define CHAIN_START 0.05
#define G_POINTS 281
#define G_Z_MIN -0.4
#define G_Z_MAX 1.4
#define DEFAULT_PACE_US 8000

struct _LvHvPanel
{
  GtkBox parent_instance;

  double q;
  guint depth;
  guint width;
  guint pace_us;
  const LvPlotTheme *theme;

  /* matrix factorisation */
  double y[MF_M * MF_N];
  double optimum;
  guint solution_rank;
  LvJob *mf_job;                   /* lv_hv_descent_probe_run, MF */
  GArray *mf_x, *mf_obj, *mf_res;  /* history, including earlier jobs before an added unit */
  guint mf_base;                   /* history points from earlier jobs */
  LvMfCertificate mf_cert;
  double *mf_u, *mf_v;             /* current factors, width r */
  gboolean mf_done;

  /* chain */
  LvJob *chain_job;                /* lv_hv_descent_probe_run, chain */
  GArray *ch_x, *ch_z, *ch_f;
  double ch_w[16];
  gboolean ch_done;
  double g_z[G_POINTS];
  double g_val[4][G_POINTS];
  double ref_q[4];
  guint n_curves;
  double minima_z[2], minima_g[2];
  guint n_minima;

  /* figure models and their strings */
  LvPlotLinesModel g_model, chain_model, obj_model, res_model;
  LvPlotCurve g_curves[4], chain_curve, obj_curve, res_curve;
  LvPlotPoint g_points[3];
  LvPlotRefLine chain_lines[2], obj_line, res_line;
  char curve_labels[4][32];
  char point_labels[3][48];
  char line_labels[4][64];
  char *g_title;

  /* widgets (ui/lv-hv-panel.ui) */
  GtkBox *toolbar;
  GtkSpinButton *depth_spin;
  GtkScale *width_scale;
  GtkLabel *q_label;
  GtkLabel *badge;
  GtkLabel *chain_status;
  GtkLabel *mf_status;
  GtkButton *add_button;
  LvFigure *figures[4];
};

void lv_hv_panel_build_matrix        (LvHvPanel *self);
void lv_hv_panel_init_models         (LvHvPanel *self);
void lv_hv_panel_apply_theme         (LvHvPanel *self);
void lv_hv_panel_update_chain_curves (LvHvPanel *self);
void lv_hv_panel_update_chain_marker (LvHvPanel *self);
void lv_hv_panel_update_mf_curves    (LvHvPanel *self);
void lv_hv_panel_update_status       (LvHvPanel *self);

G_END_DECLS
