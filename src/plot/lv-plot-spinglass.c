/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <lossviz/lv-plot-spinglass.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include <lossviz/lv-spinglass.h>
#include <lossviz/lv-stats.h>

#include "lv-plot-private.h"

/*
 * An LvPlotSpinGlass owns everything its models point into, like LvPlotEnsemble: the consumer
 * keeps one object, calls lv_plot_spin_glass_set_p() when the order changes (the theory part:
 * band edges, Θ curves) and lv_plot_spin_glass_update() when runs finish (the data part).
 *
 * Honesty (docs/THEORY.md §2.3): the band [−E₀, −E∞] and the lines −E_k are N → ∞ limits. At the
 * sizes a laptop can simulate, descent endpoints sit above −E∞, so the energies are binned
 * exactly as computed and the caption says what is asymptotic. The p = 3 band is only 0.024
 * wide: only −E₀ and −E∞ carry labels on the plot, the E_k values are listed in the caption.
 */

#define N_CURVE_POINTS 361
#define MAX_LINES (LV_SPIN_GLASS_K_MAX + 2)

typedef struct
{
  guint lambda;
  guint n_runs;
  guint first;     /* offset of this size's runs in the value arrays */
  guint n_done;
  int max_index;   /* −1: no index known */
  gboolean all_index_known;
} SizeData;

struct _LvPlotSpinGlass
{
  LvPlotSpinGlassOptions options;

  /* theory, from set_p */
  guint p;
  double e_inf;
  double plateau;
  double edges[LV_SPIN_GLASS_K_MAX + 1];

  /* data, from update */
  GArray *sizes;        /* SizeData, ascending Λ */
  GArray *energy;       /* double, every finished run */
  GArray *run;          /* guint */
  GArray *index;        /* int */

  GPtrArray *strings;   /* every label the models borrow */
  LvPlotHistSeries *series;
  LvPlotBand band;
  LvPlotRefLine lines[MAX_LINES];
  LvPlotHistogramModel hist;

  double u[N_CURVE_POINTS];
  double theta[MAX_LINES][N_CURVE_POINTS];
  LvPlotCurve curves[MAX_LINES];
  LvPlotPoint crossings[LV_SPIN_GLASS_K_MAX + 1];
  LvPlotRefLine theta_vlines[2];
  LvPlotRefLine theta_hline;
  LvPlotLinesModel complexity;

  LvPlotPanel panels[2];
  LvPlotGridModel grid;
};

static const char *
keep (LvPlotSpinGlass *self, char *text)
{
  g_ptr_array_add (self->strings, text);
  return text;
}

/* "k" as Unicode subscript digits, for −E₁₀ and Θ₃. */
static char *
subscript (guint k)
{
  static const char *const digits[] = { "₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉" };
  g_autofree char *plain = g_strdup_printf ("%u", k);
  GString *out = g_string_new (NULL);

  for (const char *c = plain; *c != '\0'; c++)
    g_string_append (out, digits[*c - '0']);
  return g_string_free (out, FALSE);
}

/* Sample Θ_{k,p} and Θ_p on a window around the band wide enough to show every crossing. */
static void
build_theory (LvPlotSpinGlass *self)
{
  guint p = self->p, k_max = self->options.k_max;
  double width = self->edges[0] - self->e_inf;
  double lo, hi;

  /* p = 2 has no band (every E_k = E∞ = √2): show a window of the same relative size. */
  if (width < 1e-6 * self->e_inf)
    width = 0.05 * self->e_inf;
  lo = -self->edges[0] - 0.8 * width;
  hi = -self->e_inf + 0.8 * width;
  for (guint i = 0; i < N_CURVE_POINTS; i++)
    self->u[i] = lo + (hi - lo) * i / (N_CURVE_POINTS - 1);
  /* Put a sample exactly on −E∞, where every Θ_k has its kink. */
  {
    guint nearest = (guint) lround ((-self->e_inf - lo) / (hi - lo) * (N_CURVE_POINTS - 1));
    self->u[MIN (nearest, N_CURVE_POINTS - 1)] = -self->e_inf;
  }
  for (guint k = 0; k <= k_max; k++)
    for (guint i = 0; i < N_CURVE_POINTS; i++)
      self->theta[k][i] = lv_spin_glass_theta_k (self->u[i], p, k);
  for (guint i = 0; i < N_CURVE_POINTS; i++)
    self->theta[k_max + 1][i] = lv_spin_glass_theta_total (self->u[i], p);
}

/* One histogram series per size; appends each size's caption line to @stats and folds the
 * sizes' Hessian indices into @max_index / @all_known. */
static void
build_size_series (LvPlotSpinGlass *self, GString *stats, int *max_index, gboolean *all_known)
{
  guint n_sizes = self->sizes->len;

  g_clear_pointer (&self->series, g_free);
  self->series = g_new0 (LvPlotHistSeries, MAX (n_sizes, 1));

  for (guint s = 0; s < n_sizes; s++)
    {
      const SizeData *size = &g_array_index (self->sizes, SizeData, s);
      const double *e = &g_array_index (self->energy, double, size->first);
      LvSummary summary;
      char *label;

      lv_summary_compute (e, size->n_done, &summary);
      /* Translators: legend of one spin-glass size. */
      label = g_strdup_printf (_("Λ = %u"), size->lambda);
      if (size->n_done >= 2)
        /* Translators: per-size line of the caption: Λ, finished/planned runs, mean and
         * standard deviation of E/Λ. */
        g_string_append_printf (stats, _("Λ = %u: %u/%u runs, mean %.4f, sd %.4f.  "),
                                size->lambda, size->n_done, size->n_runs, summary.mean,
                                summary.std);
      else
        /* Translators: per-size line of the caption: Λ and finished/planned runs. */
        g_string_append_printf (stats, _("Λ = %u: %u/%u runs.  "), size->lambda, size->n_done,
                                size->n_runs);
      self->series[s] = (LvPlotHistSeries) {
        .label = keep (self, label),
        .values = e,
        .n_values = size->n_done,
        .color = (int) s,
      };
      *max_index = MAX (*max_index, size->max_index);
      *all_known = *all_known && size->all_index_known && size->n_done > 0;
    }
}

/* Band and lines: −E₀ and −E∞ labelled, −E₁…−E_K dotted and listed in the caption (@values). */
static void
build_band_lines (LvPlotSpinGlass *self, GString *values)
{
  guint k_max = self->options.k_max;

  self->band = (LvPlotBand) { -self->edges[0], -self->e_inf, NULL };
  for (guint k = 0; k <= k_max; k++)
    {
      g_autofree char *sub = subscript (k);

      self->lines[k] = (LvPlotRefLine) {
        .value = -self->edges[k],
        .label = k == 0 ? keep (self, g_strdup_printf ("−E%s", sub)) : NULL,
        .style = k == 0 ? LV_PLOT_LINE_DASHED : LV_PLOT_LINE_DOTTED,
        .color = LV_PLOT_COLOR_AUTO,
      };
      g_string_append_printf (values, "E%s = %.4f, ", sub, self->edges[k]);
    }
  self->lines[k_max + 1] = (LvPlotRefLine) { -self->e_inf, "−E∞", LV_PLOT_LINE_SOLID,
                                             LV_PLOT_COLOR_AUTO };
  g_string_append_printf (values, "E∞ = %.4f", self->e_inf);
}

/* The caption's closing sentence on Hessian indices, "" when some index is unknown. */
static const char *
index_note (LvPlotSpinGlass *self, int max_index, gboolean all_known)
{
  if (all_known && max_index == 0)
    return _(" Every endpoint is a local minimum (Hessian index 0).");
  if (all_known && max_index > 0)
    return keep (self, g_strdup_printf (_(" Largest Hessian index at an endpoint: %d."),
                                        max_index));
  return "";
}

/* The energy histogram: series, band and lines must already be built. */
static void
build_histogram (LvPlotSpinGlass *self, const char *stats, const char *values, const char *note)
{
  guint k_max = self->options.k_max;
  g_autofree char *k_sub = subscript (k_max);

  self->hist = (LvPlotHistogramModel) {
    .common = {
      .theme = self->options.theme,
      /* Translators: title of the spin-glass histogram; %u is the order p. */
      .title = keep (self, g_strdup_printf (_("Spherical %u-spin glass: E/Λ where descent "
                                              "stops"), self->p)),
      /* Translators: the honesty caption of the spin-glass histogram (docs/THEORY.md §2.3). The
       * first %s holds the per-size statistics, the second is the subscript K, the third lists
       * the values E_k and E∞, the last may add a note on Hessian indices. */
      .caption = keep (self, g_strdup_printf (_("%sShaded: the band [−E₀, −E∞]; dotted: −E₁ … "
                                                "−E%s; solid: −E∞. These are N → ∞ limits "
                                                "(Auffinger–Ben Arous–Černý): at finite Λ "
                                                "descent stops above −E∞ and drifts toward it "
                                                "as Λ grows. Energies are plotted as computed, "
                                                "never rescaled. %s.%s"),
                                              stats, k_sub, values, note)),
      .x_label = _("energy per spin E/Λ at the endpoint"),
      .y_label = self->options.density ? _("density") : _("runs"),
      .empty_text = _("Press Simulate to run the descents"),
    },
    .series = self->series,
    .n_series = self->sizes->len,
    .n_bins = self->options.n_bins,
    .mode = self->options.mode,
    .density = self->options.density,
    .bands = &self->band,
    .n_bands = 1,
    .ref_lines = self->lines,
    .n_ref_lines = k_max + 2,
    .band_inset = TRUE,
  };
}

/* Θ_k curves, their zero crossings −E_k and the Θ total curve. */
static void
build_complexity_curves (LvPlotSpinGlass *self)
{
  guint k_max = self->options.k_max;

  for (guint k = 0; k <= k_max; k++)
    {
      g_autofree char *sub = subscript (k);

      self->curves[k] = (LvPlotCurve) {
        .label = keep (self, g_strdup_printf ("Θ%s", sub)),
        .x = self->u,
        .y = self->theta[k],
        .n = N_CURVE_POINTS,
        .color = (int) k,
        .style = LV_PLOT_LINE_SOLID,
      };
      self->crossings[k] = (LvPlotPoint) { -self->edges[k], 0.0, NULL, (int) k };
    }
  self->curves[k_max + 1] = (LvPlotCurve) {
    .label = _("Θ total (all indices)"),
    .x = self->u,
    .y = self->theta[k_max + 1],
    .n = N_CURVE_POINTS,
    /* Dashed, in the palette colour after every Θ_k: it coincides with Θ₀ below −E∞. */
    .color = (int) (k_max + 1),
    .style = LV_PLOT_LINE_DASHED,
  };
}

/* Complexity panel; reuses the −E₀ label of the histogram's lines, so those come first. */
static void
build_complexity (LvPlotSpinGlass *self)
{
  guint k_max = self->options.k_max;

  build_complexity_curves (self);
  self->theta_vlines[0] = (LvPlotRefLine) { -self->edges[0], self->lines[0].label,
                                            LV_PLOT_LINE_DASHED, LV_PLOT_COLOR_AUTO };
  self->theta_vlines[1] = (LvPlotRefLine) { -self->e_inf, "−E∞", LV_PLOT_LINE_SOLID,
                                            LV_PLOT_COLOR_AUTO };
  self->theta_hline = (LvPlotRefLine) { 0.0, NULL, LV_PLOT_LINE_SOLID, LV_PLOT_COLOR_AUTO };
  self->complexity = (LvPlotLinesModel) {
    .common = {
      .theme = self->options.theme,
      /* Translators: title of the complexity panel; %u is the order p. */
      .title = keep (self, g_strdup_printf (_("Complexity Θₖ(u), p = %u"), self->p)),
      .caption = _("Θₖ(u) < 0: as N → ∞ there are no critical points of index k below "
                   "energy u. Dots: −Eₖ, where Θₖ crosses 0. Below −E₁ only minima; "
                   "between −Eₖ and −Eₖ₊₁ only index ≤ k (the layered structure). Above −E∞ "
                   "every Θₖ is flat: most critical points there have large index."),
      .x_label = _("energy per spin u"),
      .y_label = _("complexity Θ"),
    },
    .curves = self->curves,
    .n_curves = k_max + 2,
    .points = self->crossings,
    .n_points = k_max + 1,
    .hlines = &self->theta_hline,
    .n_hlines = 1,
    .vlines = self->theta_vlines,
    .n_vlines = 2,
    .x_fixed = TRUE,
    .x_min = self->u[0],
    .x_max = self->u[N_CURVE_POINTS - 1],
    /* Zoom on the crossings: the curves fall steeply to the left. */
    .y_fixed = self->plateau > 0,
    .y_min = -1.5 * self->plateau,
    .y_max = 1.6 * self->plateau,
  };
}

static void
build_models (LvPlotSpinGlass *self)
{
  g_autoptr(GString) values = g_string_new (NULL);
  g_autoptr(GString) stats = g_string_new (NULL);
  int max_index = -1;
  gboolean all_known = self->sizes->len > 0;

  g_ptr_array_set_size (self->strings, 0);
  build_size_series (self, stats, &max_index, &all_known);
  build_band_lines (self, values);
  build_histogram (self, stats->str, values->str, index_note (self, max_index, all_known));
  build_complexity (self);

  self->panels[0] = (LvPlotPanel) { (LvPlotDrawFunc) lv_plot_histogram_draw, &self->hist };
  self->panels[1] = (LvPlotPanel) { (LvPlotDrawFunc) lv_plot_lines_draw, &self->complexity };
  self->grid = (LvPlotGridModel) {
    .theme = self->options.theme,
    .panels = self->panels,
    .n_panels = 2,
    .columns = 2,
  };
}

/**
 * lv_plot_spin_glass_new:
 *
 * Creates the spin-glass figures for p = 3, K = 5 and no runs (the histogram says what to do,
 * the complexity panel is complete).
 *
 * Returns: (transfer full): the new object; free with lv_plot_spin_glass_free().
 */
LvPlotSpinGlass *
lv_plot_spin_glass_new (void)
{
  LvPlotSpinGlass *self = g_new0 (LvPlotSpinGlass, 1);

  self->options.theme = lv_plot_theme_light ();
  self->options.mode = LV_PLOT_HIST_SMALL_MULTIPLES;
  self->options.k_max = 5;
  self->sizes = g_array_new (FALSE, TRUE, sizeof (SizeData));
  self->energy = g_array_new (FALSE, FALSE, sizeof (double));
  self->run = g_array_new (FALSE, FALSE, sizeof (guint));
  self->index = g_array_new (FALSE, FALSE, sizeof (int));
  self->strings = g_ptr_array_new_with_free_func (g_free);
  if (!lv_plot_spin_glass_set_p (self, 3, NULL))
    g_assert_not_reached ();
  return self;
}

/**
 * lv_plot_spin_glass_free:
 * @self: (nullable): the figures
 *
 * Frees @self and everything its models point into.
 */
void
lv_plot_spin_glass_free (LvPlotSpinGlass *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->sizes);
  g_array_unref (self->energy);
  g_array_unref (self->run);
  g_array_unref (self->index);
  g_ptr_array_unref (self->strings);
  g_free (self->series);
  g_free (self);
}

/**
 * lv_plot_spin_glass_set_options:
 * @self: the figures
 * @options: the new presentation (@k_max is clamped to 1…10)
 *
 * Changes the presentation and rebuilds the models.
 */
void
lv_plot_spin_glass_set_options (LvPlotSpinGlass              *self,
                                const LvPlotSpinGlassOptions *options)
{
  g_return_if_fail (self != NULL && options != NULL);

  self->options = *options;
  if (self->options.theme == NULL)
    self->options.theme = lv_plot_theme_light ();
  self->options.k_max = CLAMP (self->options.k_max, 1, LV_SPIN_GLASS_K_MAX);
  build_theory (self);
  build_models (self);
}

/**
 * lv_plot_spin_glass_get_options:
 * @self: the figures
 * @options: (out caller-allocates): receives the current presentation
 */
void
lv_plot_spin_glass_get_options (LvPlotSpinGlass        *self,
                                LvPlotSpinGlassOptions *options)
{
  *options = self->options;
}

/**
 * lv_plot_spin_glass_set_p:
 * @self: the figures
 * @p: order of the interaction, 2…5
 * @error: return location for an %LV_ERROR_INVALID_INPUT error
 *
 * Recomputes the band edges E₀ > … > E_K, E∞ and the complexity curves for order @p and
 * rebuilds the models (the runs of the last update stay).
 *
 * Returns: %TRUE on success; on failure nothing changes.
 */
gboolean
lv_plot_spin_glass_set_p (LvPlotSpinGlass *self,
                          guint            p,
                          GError         **error)
{
  double edges[LV_SPIN_GLASS_K_MAX + 1];

  g_return_val_if_fail (self != NULL, FALSE);

  if (!lv_spin_glass_band_edges (p, LV_SPIN_GLASS_K_MAX, edges, error))
    return FALSE;
  self->p = p;
  memcpy (self->edges, edges, sizeof edges);
  self->e_inf = lv_spin_glass_e_inf (p);
  self->plateau = lv_spin_glass_plateau (p);
  build_theory (self);
  build_models (self);
  return TRUE;
}

/**
 * lv_plot_spin_glass_get_p:
 * @self: the figures
 *
 * Returns: the order the theory part was computed for.
 */
guint
lv_plot_spin_glass_get_p (LvPlotSpinGlass *self)
{
  return self->p;
}

static int
compare_lambda (gconstpointer a, gconstpointer b)
{
  const LvPlotSpinGlassSize *sa = *(const LvPlotSpinGlassSize *const *) a;
  const LvPlotSpinGlassSize *sb = *(const LvPlotSpinGlassSize *const *) b;

  return sa->lambda < sb->lambda ? -1 : sa->lambda > sb->lambda;
}

/**
 * lv_plot_spin_glass_update:
 * @self: the figures
 * @sizes: (array length=n_sizes) (nullable): the finished runs per Λ
 * @n_sizes: number of sizes
 *
 * Copies the finished runs (sizes sorted by Λ, colours by that order, as the network figures
 * sort by width) and rebuilds the models. Non-finite energies are kept in the CSV and skipped
 * by the histogram.
 */
void
lv_plot_spin_glass_update (LvPlotSpinGlass           *self,
                           const LvPlotSpinGlassSize *sizes,
                           guint                      n_sizes)
{
  g_autofree const LvPlotSpinGlassSize **order = g_new (const LvPlotSpinGlassSize *,
                                                        MAX (n_sizes, 1));

  g_return_if_fail (self != NULL);
  g_return_if_fail (sizes != NULL || n_sizes == 0);

  for (guint s = 0; s < n_sizes; s++)
    order[s] = &sizes[s];
  qsort (order, n_sizes, sizeof *order, compare_lambda);
  g_array_set_size (self->sizes, 0);
  g_array_set_size (self->energy, 0);
  g_array_set_size (self->run, 0);
  g_array_set_size (self->index, 0);
  for (guint s = 0; s < n_sizes; s++)
    {
      const LvPlotSpinGlassSize *in = order[s];
      SizeData size = {
        .lambda = in->lambda,
        .n_runs = MAX (in->n_runs, in->n_done),
        .first = self->energy->len,
        .n_done = in->n_done,
        .max_index = -1,
        .all_index_known = in->index != NULL,
      };

      g_array_append_vals (self->energy, in->energy, in->n_done);
      for (guint i = 0; i < in->n_done; i++)
        {
          guint run = in->run != NULL ? in->run[i] : i;
          int index = in->index != NULL ? in->index[i] : -1;

          g_array_append_val (self->run, run);
          g_array_append_val (self->index, index);
          size.max_index = MAX (size.max_index, index);
          size.all_index_known = size.all_index_known && index >= 0;
        }
      g_array_append_val (self->sizes, size);
    }
  build_models (self);
}

/**
 * lv_plot_spin_glass_get_n_values:
 * @self: the figures
 *
 * Returns: the number of finished runs over all sizes in the last update.
 */
guint
lv_plot_spin_glass_get_n_values (LvPlotSpinGlass *self)
{
  return self->energy->len;
}

/**
 * lv_plot_spin_glass_get_n_sizes:
 * @self: the figures
 *
 * Returns: the number of sizes (histogram series) in the last update.
 */
guint
lv_plot_spin_glass_get_n_sizes (LvPlotSpinGlass *self)
{
  return self->sizes->len;
}

/**
 * lv_plot_spin_glass_get_lambda:
 * @self: the figures
 * @index: series index (ascending Λ)
 *
 * Returns: the Λ of histogram series @index, or 0 when out of range.
 */
guint
lv_plot_spin_glass_get_lambda (LvPlotSpinGlass *self,
                               guint            index)
{
  if (index >= self->sizes->len)
    return 0;
  return g_array_index (self->sizes, SizeData, index).lambda;
}

/**
 * lv_plot_spin_glass_get_histogram:
 * @self: the figures
 *
 * Returns: (transfer none): the E/Λ histogram (one series per Λ, band and −E_k lines), valid
 *   until the next update, set_p or set_options.
 */
const LvPlotHistogramModel *
lv_plot_spin_glass_get_histogram (LvPlotSpinGlass *self)
{
  return &self->hist;
}

/**
 * lv_plot_spin_glass_get_complexity:
 * @self: the figures
 *
 * Returns: (transfer none): Θ_{k,p}(u) for k = 0…K and Θ_p(u), with the zero crossings marked.
 */
const LvPlotLinesModel *
lv_plot_spin_glass_get_complexity (LvPlotSpinGlass *self)
{
  return &self->complexity;
}

/**
 * lv_plot_spin_glass_get_figure:
 * @self: the figures
 *
 * Returns: (transfer none): histogram and complexity panel side by side (export, CLI).
 */
const LvPlotGridModel *
lv_plot_spin_glass_get_figure (LvPlotSpinGlass *self)
{
  return &self->grid;
}

/**
 * lv_plot_spin_glass_write_csv:
 * @self: the figures
 * @path: the CSV file to write (atomically)
 * @error: return location for an %LV_ERROR_IO error
 *
 * Writes one row per finished run: `p,lambda,run,energy,index` (index empty when not
 * computed), energies with round-trip precision.
 *
 * Returns: %TRUE on success.
 */
gboolean
lv_plot_spin_glass_write_csv (LvPlotSpinGlass *self,
                              const char      *path,
                              GError         **error)
{
  g_autoptr(GString) out = g_string_new ("p,lambda,run,energy,index\n");

  for (guint s = 0; s < self->sizes->len; s++)
    {
      const SizeData *size = &g_array_index (self->sizes, SizeData, s);

      for (guint i = size->first; i < size->first + size->n_done; i++)
        {
          int index = g_array_index (self->index, int, i);

          g_string_append_printf (out, "%u,%u,%u,", self->p, size->lambda,
                                  g_array_index (self->run, guint, i));
          lv_plot_csv_double (out, g_array_index (self->energy, double, i));
          if (index >= 0)
            g_string_append_printf (out, ",%d\n", index);
          else
            g_string_append (out, ",\n");
        }
    }
  return lv_plot_csv_finish (out, path, error);
}

/**
 * lv_plot_spin_glass_export:
 * @self: the figures
 * @path: the figure file; PNG, SVG or PDF by extension
 * @width: width (px for PNG at 96 DPI, pt for SVG/PDF)
 * @height: height
 * @error: return location for an error
 *
 * Writes the two-panel figure to @path and the runs to a CSV next to it (same name, extension
 * `.csv`).
 *
 * Returns: %TRUE when both files were written.
 */
gboolean
lv_plot_spin_glass_export (LvPlotSpinGlass *self,
                           const char      *path,
                           double           width,
                           double           height,
                           GError         **error)
{
  return lv_plot_export_grid_with_csv (&self->grid, path, width, height,
                                       (LvPlotCsvWriter) lv_plot_spin_glass_write_csv, self, error);
}
