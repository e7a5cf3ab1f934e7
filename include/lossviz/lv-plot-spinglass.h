/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Figure models of the spherical p-spin glass (docs/THEORY.md §1–2): per-Λ histograms of the descent
 * endpoints' E/Λ with the asymptotic band [−E₀, −E∞] and the lines −E_k, and the complexity
 * panel Θ_{k,p}(u) for k = 0…K with the total Θ_p(u). Shared by the app's spin-glass view and
 * `lossviz-cli spinglass simulate --plot`.
 */

#include <lossviz/lv-plot.h>

G_BEGIN_DECLS

/**
 * LvPlotSpinGlassOptions:
 * @theme: (nullable): look of every panel; %NULL means lv_plot_theme_light()
 * @mode: overlay, ridgeline or small multiples (one row per Λ)
 * @density: density instead of counts
 * @n_bins: shared histogram bins; 0 picks from the number of runs
 * @k_max: largest index K: lines −E₀…−E_K and curves Θ₀…Θ_K (1…10)
 *
 * How an #LvPlotSpinGlass presents its data.
 */
typedef struct
{
  const LvPlotTheme *theme;
  LvPlotHistMode mode;
  gboolean density;
  guint n_bins;
  guint k_max;
} LvPlotSpinGlassOptions;

/**
 * LvPlotSpinGlassSize:
 * @lambda: the number of spins Λ
 * @n_runs: runs planned for this size (for the "done of planned" count)
 * @n_done: number of finished runs in @energy (and @run, @index)
 * @energy: (array length=n_done): E/Λ of each finished run, as computed (never rescaled)
 * @run: (array length=n_done) (nullable): the run indices; %NULL means 0, 1, 2, …
 * @index: (array length=n_done) (nullable): Hessian index of each endpoint, −1 when not
 *   computed; %NULL when no index is known
 *
 * The finished runs of one Λ, in any order. Only read during lv_plot_spin_glass_update().
 */
typedef struct
{
  guint lambda;
  guint n_runs;
  guint n_done;
  const double *energy;
  const guint *run;
  const int *index;
} LvPlotSpinGlassSize;

typedef struct _LvPlotSpinGlass LvPlotSpinGlass;

LvPlotSpinGlass *lv_plot_spin_glass_new         (void);
void             lv_plot_spin_glass_free        (LvPlotSpinGlass              *self);
void             lv_plot_spin_glass_set_options (LvPlotSpinGlass              *self,
                                                 const LvPlotSpinGlassOptions *options);
void             lv_plot_spin_glass_get_options (LvPlotSpinGlass              *self,
                                                 LvPlotSpinGlassOptions       *options);
gboolean         lv_plot_spin_glass_set_p       (LvPlotSpinGlass              *self,
                                                 guint                         p,
                                                 GError                      **error);
guint            lv_plot_spin_glass_get_p       (LvPlotSpinGlass              *self);
void             lv_plot_spin_glass_update      (LvPlotSpinGlass              *self,
                                                 const LvPlotSpinGlassSize    *sizes,
                                                 guint                         n_sizes);

guint                       lv_plot_spin_glass_get_n_values   (LvPlotSpinGlass *self);
guint                       lv_plot_spin_glass_get_n_sizes    (LvPlotSpinGlass *self);
guint                       lv_plot_spin_glass_get_lambda     (LvPlotSpinGlass *self,
                                                               guint            index);
const LvPlotHistogramModel *lv_plot_spin_glass_get_histogram  (LvPlotSpinGlass *self);
const LvPlotLinesModel     *lv_plot_spin_glass_get_complexity (LvPlotSpinGlass *self);
const LvPlotGridModel      *lv_plot_spin_glass_get_figure     (LvPlotSpinGlass *self);

gboolean lv_plot_spin_glass_write_csv (LvPlotSpinGlass *self,
                                       const char      *path,
                                       GError         **error);
gboolean lv_plot_spin_glass_export    (LvPlotSpinGlass *self,
                                       const char      *path,
                                       double           width,
                                       double           height,
                                       GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvPlotSpinGlass, lv_plot_spin_glass_free)

G_END_DECLS
