/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-plot.h>

G_BEGIN_DECLS

#define LV_TYPE_HV_PANEL (lv_hv_panel_get_type ())
G_DECLARE_FINAL_TYPE (LvHvPanel, lv_hv_panel, LV, HV_PANEL, GtkBox)

/**
 * LvMfCertState:
 * @LV_MF_CERT_RUNNING: gradient descent is still moving (not stationary yet)
 * @LV_MF_CERT_HOLDS: stationary and ‖Y − UVᵀ‖₂ ≤ λ: a global minimum
 * @LV_MF_CERT_FAILS: stationary but ‖Y − UVᵀ‖₂ > λ: the top singular pair of the residual is a
 *   unit whose addition lowers the objective
 *
 * What the matrix-factorisation certificate currently says.
 */
typedef enum {
  LV_MF_CERT_RUNNING,
  LV_MF_CERT_HOLDS,
  LV_MF_CERT_FAILS,
} LvMfCertState;

/**
 * LvHvPanelState:
 * @q: the regulariser's degree shown
 * @depth: L, the chain's depth (mapping degree)
 * @balanced: q = L
 * @n_minima: local minima of g(z) for the current q
 * @minima_z: their positions
 * @zero_is_spurious: z = 0 is a local minimum that is not global
 * @chain_state: the chain certificate at the descent's current point
 * @chain_z: the descent's current product z
 * @chain_done: the chain descent stopped
 * @width: r, columns of U and V
 * @solution_rank: rank of the SVT optimum Z*
 * @mf_state: the matrix-factorisation certificate
 * @mf_objective: current F(U, V)
 * @mf_optimum: F* from the closed form
 * @mf_residual_norm: current ‖Y − UVᵀ‖₂
 * @mf_lambda: λ
 * @mf_top_singular: s₁ of the residual (the gain of the suggested unit is s₁ − λ)
 * @mf_iterations: gradient steps so far
 * @mf_done: the descent stopped
 *
 * The panel's model, for tests and the export caption.
 */
typedef struct
{
  double q;
  guint depth;
  gboolean balanced;
  guint n_minima;
  double minima_z[2];
  gboolean zero_is_spurious;
  LvChainCertState chain_state;
  double chain_z;
  gboolean chain_done;
  guint width;
  guint solution_rank;
  LvMfCertState mf_state;
  double mf_objective;
  double mf_optimum;
  double mf_residual_norm;
  double mf_lambda;
  double mf_top_singular;
  guint mf_iterations;
  gboolean mf_done;
} LvHvPanelState;

GtkWidget *lv_hv_panel_new            (void);
void       lv_hv_panel_set_q          (LvHvPanel      *self,
                                       double          q);
void       lv_hv_panel_set_depth      (LvHvPanel      *self,
                                       guint           depth);
void       lv_hv_panel_set_width      (LvHvPanel      *self,
                                       guint           width);
gboolean   lv_hv_panel_add_unit       (LvHvPanel      *self);
void       lv_hv_panel_restart        (LvHvPanel      *self);
void       lv_hv_panel_set_pace       (LvHvPanel      *self,
                                       guint           microseconds);
void       lv_hv_panel_set_theme      (LvHvPanel      *self,
                                       const LvPlotTheme *theme);
void       lv_hv_panel_get_state      (LvHvPanel      *self,
                                       LvHvPanelState *state);
gboolean   lv_hv_panel_export         (LvHvPanel      *self,
                                       const char     *path,
                                       GError        **error);

G_END_DECLS
