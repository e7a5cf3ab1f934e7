/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <lossviz/lv-plot-landscape.h>

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include <lossviz/lv-hessian-probe.h>
#include <lossviz/lv-plot-hessian-density.h>

/* Points of the eigenvalue density's λ grid (the CLI's default). */
#define DENSITY_GRID 200

#define MAX_INDEX_SERIES 16

struct _LvLandscapeFigures
{
  const LvPlotTheme *theme;

  /* heatmap */
  LvPlotHeatmapModel heatmap;
  double *display;                /* the computed points of a progressive grid, nx × ny */
  double *path_x, *path_y;
  LvPlotPoint points[4];
  char *point_labels[4];
  char *heatmap_title;
  char *heatmap_caption;

  /* 1-D interpolation */
  LvPlotLinesModel lines;
  LvPlotCurve curves[2];
  LvPlotRefLine vlines[2];
  char *vline_labels[2];
  double *interp_t, *interp_train, *interp_test;
  char *lines_title;

  /* spectrum */
  LvPlotBarsModel bars;
  LvPlotBarSeries bar_series;
  double *eigenvalues;
  char **categories;
  char *bars_title;
  char *bars_caption;

  /* eigenvalue density (SLQ), shown in the spectrum's place when chosen */
  gboolean show_density;
  LvPlotHessianDensity *density;  /* NULL until computed */
  LvPlotLinesModel density_empty; /* drawn meanwhile */
  double *density_grid, *density_values;
  char *density_caption;

  /* index vs loss */
  LvPlotScatterModel scatter;
  LvPlotScatterSeries series[MAX_INDEX_SERIES];
  char *series_labels[MAX_INDEX_SERIES];
  GArray *index_points;           /* LvIndexPoint, grouped by series */
  guint series_start[MAX_INDEX_SERIES];
  double *scatter_x, *scatter_y;
  char *scatter_caption;
};

static void
apply_theme (LvLandscapeFigures *self)
{
  self->heatmap.common.theme = self->theme;
  self->lines.common.theme = self->theme;
  self->bars.common.theme = self->theme;
  self->scatter.common.theme = self->theme;
  self->density_empty.common.theme = self->theme;
  /* The density model copies its theme: rebuild it. */
  if (self->density != NULL)
    {
      lv_plot_hessian_density_free (self->density);
      self->density = lv_plot_hessian_density_new (self->density_grid, self->density_values,
                                                   DENSITY_GRID, self->density_caption,
                                                   self->theme);
    }
}

/**
 * lv_landscape_figures_new:
 *
 * Returns: (transfer full): empty figures, light theme.
 */
LvLandscapeFigures *
lv_landscape_figures_new (void)
{
  LvLandscapeFigures *self = g_new0 (LvLandscapeFigures, 1);

  self->theme = lv_plot_theme_light ();
  self->heatmap.colormap = LV_PLOT_COLORMAP_VIRIDIS;
  self->heatmap.n_contours = 10;
  self->heatmap.common.x_label = "α";
  self->heatmap.common.y_label = "β";
  self->lines.common.x_label = _("t  (0 = this run, 1 = the other)");
  self->lines.common.y_label = _("loss");
  self->lines.common.title = _("Linear interpolation between two runs");
  self->bars.stem = TRUE;
  self->bars.common.y_label = _("eigenvalue");
  self->scatter.common.title = _("Index vs loss");
  self->scatter.common.x_label = _("final training loss");
  self->scatter.x_log = TRUE;
  self->index_points = g_array_new (FALSE, TRUE, sizeof (LvIndexPoint));
  apply_theme (self);
  lv_landscape_figures_clear_run (self, _("Train an ensemble, then pick a run"));
  lv_landscape_figures_set_index (self, NULL, 0, LV_INDEX_AXIS_INDEX,
                                  _("Computed for every small finished run once training stops"));
  return self;
}

static void
clear_heatmap (LvLandscapeFigures *self)
{
  g_clear_pointer (&self->display, g_free);
  g_clear_pointer (&self->path_x, g_free);
  g_clear_pointer (&self->path_y, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->point_labels); i++)
    g_clear_pointer (&self->point_labels[i], g_free);
  g_clear_pointer (&self->heatmap_title, g_free);
  g_clear_pointer (&self->heatmap_caption, g_free);
  self->heatmap.values = NULL;
  self->heatmap.nx = self->heatmap.ny = 0;
  self->heatmap.n_path = 0;
  self->heatmap.path_x = self->heatmap.path_y = NULL;
  self->heatmap.n_points = 0;
}

static void
clear_lines (LvLandscapeFigures *self)
{
  g_clear_pointer (&self->interp_t, g_free);
  g_clear_pointer (&self->interp_train, g_free);
  g_clear_pointer (&self->interp_test, g_free);
  g_clear_pointer (&self->lines_title, g_free);
  g_clear_pointer (&self->vline_labels[0], g_free);
  g_clear_pointer (&self->vline_labels[1], g_free);
  self->lines.n_curves = 0;
  self->lines.n_vlines = 0;
}

static void
clear_bars (LvLandscapeFigures *self)
{
  g_clear_pointer (&self->eigenvalues, g_free);
  g_clear_pointer (&self->categories, g_strfreev);
  g_clear_pointer (&self->bars_title, g_free);
  g_clear_pointer (&self->bars_caption, g_free);
  self->bars.n_series = 0;
  self->bars.n_categories = 0;
  self->bars.categories = NULL;
}

static void
clear_density (LvLandscapeFigures *self)
{
  g_clear_pointer (&self->density, lv_plot_hessian_density_free);
  g_clear_pointer (&self->density_grid, g_free);
  g_clear_pointer (&self->density_values, g_free);
  g_clear_pointer (&self->density_caption, g_free);
}

void
lv_landscape_figures_free (LvLandscapeFigures *self)
{
  if (self == NULL)
    return;
  clear_heatmap (self);
  clear_lines (self);
  clear_bars (self);
  clear_density (self);
  for (guint i = 0; i < MAX_INDEX_SERIES; i++)
    g_free (self->series_labels[i]);
  g_free (self->scatter_x);
  g_free (self->scatter_y);
  g_free (self->scatter_caption);
  g_array_unref (self->index_points);
  g_free (self);
}

/**
 * lv_landscape_figures_set_theme:
 * @self: the figures
 * @theme: light or dark
 */
void
lv_landscape_figures_set_theme (LvLandscapeFigures *self, const LvPlotTheme *theme)
{
  self->theme = theme;
  apply_theme (self);
}

/**
 * lv_landscape_figures_set_log:
 * @self: the figures
 * @log_color: colour the slice by log10 of the loss
 */
void
lv_landscape_figures_set_log (LvLandscapeFigures *self, gboolean log_color)
{
  self->heatmap.log_color = log_color;
  self->heatmap.colorbar_label = log_color ? _("training loss (log scale)") : _("training loss");
}

/**
 * lv_landscape_figures_clear_run:
 * @self: the figures
 * @empty_text: what the run's figures say while they have no data
 *
 * Forgets the selected run's slice, interpolation and spectrum.
 */
void
lv_landscape_figures_clear_run (LvLandscapeFigures *self, const char *empty_text)
{
  clear_heatmap (self);
  clear_lines (self);
  clear_bars (self);
  self->heatmap.common.title = _("Training loss on a plane");
  self->heatmap.common.caption = NULL;
  self->heatmap.common.empty_text = empty_text;
  self->lines.common.title = _("Linear interpolation between two runs");
  self->lines.common.empty_text = empty_text;
  self->bars.common.title = _("Hessian spectrum");
  self->bars.common.caption = NULL;
  self->bars.common.empty_text = empty_text;
  clear_density (self);
  self->density_empty.common.title = _("Hessian eigenvalue density");
  self->density_empty.common.empty_text = empty_text;
  lv_landscape_figures_set_log (self, self->heatmap.log_color);
}

static const char *
kind_title (LvSliceDirections kind)
{
  switch (kind)
    {
    case LV_SLICE_DIRECTIONS_FILTER:
      return _("random filter-normalised directions");
    case LV_SLICE_DIRECTIONS_PCA:
      return _("PCA of the training trajectory");
    case LV_SLICE_DIRECTIONS_INTERPOLATE:
    default:
      return _("plane through three minima");
    }
}

/**
 * lv_landscape_figures_set_slice:
 * @self: the figures
 * @hidden: the run's size
 * @run: the run's index
 * @kind: how the plane was chosen
 * @grid: the slice so far; only its computed points (stride) are shown, so a coarse level
 *   draws as a coarse heatmap that refines in place
 * @path_x: (array length=n_path) (nullable): PCA trajectory
 * @path_y: (array length=n_path) (nullable)
 * @n_path: its length
 * @partner: interpolate: the run at (1, 0)
 * @partner2: interpolate: the run at (0, 1)
 */
void
lv_landscape_figures_set_slice (LvLandscapeFigures *self, guint hidden, guint run,
                                LvSliceDirections kind, const LvSliceGrid *grid,
                                const double *path_x, const double *path_y, guint n_path,
                                guint partner, guint partner2)
{
  LvPlotHeatmapModel *m = &self->heatmap;
  guint s = MAX (grid->stride, 1), G = grid->grid, n = (G - 1) / s + 1;
  guint np;

  clear_heatmap (self);
  self->display = g_new (double, (gsize) n * n);
  for (guint j = 0; j < n; j++)
    for (guint i = 0; i < n; i++)
      self->display[(gsize) j * n + i] = grid->train_loss[(gsize) (j * s) * G + i * s];
  lv_plot_slice_heatmap_init (m, self->display, n, grid->span);
  m->common.empty_text = NULL;
  self->heatmap_title = g_strdup_printf (_("Training loss around run %u (n = %u)"), run,
                                         hidden);
  m->common.title = self->heatmap_title;
  if (s > 1)
    self->heatmap_caption = g_strdup_printf (_("%s · %u × %u so far, refining to %u × %u"),
                                             kind_title (kind), n, n, G, G);
  else
    self->heatmap_caption = g_strdup_printf (_("%s · %u × %u grid"), kind_title (kind), G, G);
  m->common.caption = self->heatmap_caption;
  if (n_path > 0)
    {
      self->path_x = g_memdup2 (path_x, n_path * sizeof (double));
      self->path_y = g_memdup2 (path_y, n_path * sizeof (double));
      m->path_x = self->path_x;
      m->path_y = self->path_y;
      m->n_path = n_path;
    }
  np = lv_plot_slice_landmarks (grid, _("trained"), _("grid min"), _("trained = grid min"),
                                self->points);
  if (n_path > 0)
    self->points[np++] = (LvPlotPoint) { path_x[0], path_y[0], _("epoch 1"), 3 };
  if (kind == LV_SLICE_DIRECTIONS_INTERPOLATE)
    {
      self->point_labels[0] = g_strdup_printf (_("run %u"), partner);
      self->point_labels[1] = g_strdup_printf (_("run %u"), partner2);
      self->points[np++] = (LvPlotPoint) { 1, 0, self->point_labels[0], 2 };
      self->points[np++] = (LvPlotPoint) { 0, 1, self->point_labels[1], 2 };
    }
  m->points = self->points;
  m->n_points = np;
}

/**
 * lv_landscape_figures_set_interpolation:
 * @self: the figures
 * @run: the run at t = 0
 * @partner: the run at t = 1
 * @t: (array length=n): coordinates
 * @train: (array length=n): train losses
 * @test: (array length=n): test losses (NAN without a test split)
 * @n: points
 */
void
lv_landscape_figures_set_interpolation (LvLandscapeFigures *self, guint run, guint partner,
                                        const double *t, const double *train,
                                        const double *test, guint n)
{
  LvPlotLinesModel *m = &self->lines;
  gboolean has_test = n > 0 && isfinite (test[n / 2]);

  clear_lines (self);
  self->interp_t = g_memdup2 (t, n * sizeof (double));
  self->interp_train = g_memdup2 (train, n * sizeof (double));
  self->interp_test = g_memdup2 (test, n * sizeof (double));
  self->curves[0] = (LvPlotCurve) { _("training loss"), self->interp_t, self->interp_train, n,
                                    0, LV_PLOT_LINE_SOLID, FALSE };
  self->curves[1] = (LvPlotCurve) { _("test loss"), self->interp_t, self->interp_test, n, 1,
                                    LV_PLOT_LINE_DASHED, FALSE };
  m->curves = self->curves;
  m->n_curves = has_test ? 2 : 1;
  self->vline_labels[0] = g_strdup_printf (_("run %u"), run);
  self->vline_labels[1] = g_strdup_printf (_("run %u"), partner);
  self->vlines[0] = (LvPlotRefLine) { 0, self->vline_labels[0], LV_PLOT_LINE_DOTTED,
                                      LV_PLOT_COLOR_AUTO };
  self->vlines[1] = (LvPlotRefLine) { 1, self->vline_labels[1], LV_PLOT_LINE_DOTTED,
                                      LV_PLOT_COLOR_AUTO };
  m->vlines = self->vlines;
  m->n_vlines = 2;
  self->lines_title = g_strdup_printf (_("Straight line from run %u to run %u"), run,
                                       partner);
  m->common.title = self->lines_title;
  m->common.empty_text = NULL;
}

/**
 * lv_landscape_figures_set_spectrum:
 * @self: the figures
 * @spectrum: the Hessian summary at the run
 *
 * Every eigenvalue as a stem (full method), or the extreme Ritz values (Lanczos).
 */
void
lv_landscape_figures_set_spectrum (LvLandscapeFigures *self, const LvHessianSpectrum *spectrum)
{
  LvPlotBarsModel *m = &self->bars;
  guint n = spectrum->n_eigenvalues;
  g_autofree char *n_params = NULL;

  clear_bars (self);
  self->eigenvalues = g_memdup2 (spectrum->eigenvalues, n * sizeof (double));
  self->bar_series = (LvPlotBarSeries) { _("eigenvalue"), self->eigenvalues, n, 0 };
  m->series = &self->bar_series;
  m->n_series = 1;
  if (spectrum->method == LV_HESSIAN_METHOD_LANCZOS)
    {
      guint half = n / 2;

      /* The smallest and the largest Ritz values, named by their rank from either end. */
      self->categories = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        self->categories[i] = i < half       ? g_strdup_printf ("λ%u", i + 1)
                              : i == n - 1 ? g_strdup ("λn")
                                           : g_strdup_printf ("λn−%u", n - 1 - i);
      m->categories = (const char *const *) self->categories;
      m->n_categories = n;
      self->bars_title = g_strdup (_("Hessian: extreme eigenvalues (Lanczos)"));
      m->common.x_label = _("Ritz value");
    }
  else
    {
      self->bars_title = g_strdup (_("Hessian: full spectrum"));
      m->common.x_label = _("eigenvalue rank");
    }
  m->common.title = self->bars_title;
  /* The count goes in as text: xgettext cannot expand G_GSIZE_FORMAT inside a msgid. */
  n_params = g_strdup_printf ("%" G_GSIZE_FORMAT, spectrum->n_params);
  /* Translators: Hessian caption; 1st %s: number of parameters, 2nd: "" or "≥ " (a bound). */
  self->bars_caption = g_strdup_printf (_("%s parameters · index %s%u · "
                                          "λmin %.3g · λmax %.3g · ‖∇L‖ %.2g"),
                                        n_params,
                                        spectrum->negative_count_exact ? "" : "≥ ",
                                        spectrum->negative_count, spectrum->min_eigenvalue,
                                        spectrum->max_eigenvalue, spectrum->gradient_norm);
  m->common.caption = self->bars_caption;
  m->common.empty_text = NULL;
}

static gint
compare_points (gconstpointer a, gconstpointer b)
{
  const LvIndexPoint *p = a, *q = b;

  if (p->hidden != q->hidden)
    return p->hidden < q->hidden ? -1 : 1;
  return p->run < q->run ? -1 : p->run > q->run;
}

/**
 * lv_landscape_figures_set_index:
 * @self: the figures
 * @points: (array length=n_points) (nullable): the survey; only done points are drawn
 * @n_points: their number
 * @axis: index or smallest eigenvalue on the y axis
 * @caption: (nullable): what the survey covers (e.g. the parameter cap)
 */
void
lv_landscape_figures_set_index (LvLandscapeFigures *self, const LvIndexPoint *points,
                                guint n_points, LvIndexAxis axis, const char *caption)
{
  LvPlotScatterModel *m = &self->scatter;
  guint n_series = 0, n = 0;

  g_array_set_size (self->index_points, 0);
  for (guint i = 0; i < n_points; i++)
    if (points[i].done && isfinite (points[i].loss) && points[i].loss > 0)
      g_array_append_val (self->index_points, points[i]);
  g_array_sort (self->index_points, compare_points);
  g_free (self->scatter_x);
  g_free (self->scatter_y);
  self->scatter_x = g_new (double, MAX (self->index_points->len, 1));
  self->scatter_y = g_new (double, MAX (self->index_points->len, 1));
  for (guint i = 0; i < self->index_points->len; i++)
    {
      const LvIndexPoint *p = &g_array_index (self->index_points, LvIndexPoint, i);

      if (i == 0 || p->hidden != g_array_index (self->index_points, LvIndexPoint, i - 1).hidden)
        {
          if (n_series == MAX_INDEX_SERIES)
            break;
          g_free (self->series_labels[n_series]);
          self->series_labels[n_series] = g_strdup_printf ("n = %u", p->hidden);
          self->series[n_series] = (LvPlotScatterSeries) { self->series_labels[n_series],
                                                           self->scatter_x + i,
                                                           self->scatter_y + i, 0,
                                                           (int) n_series };
          self->series_start[n_series] = i;
          n_series++;
        }
      self->scatter_x[i] = p->loss;
      self->scatter_y[i] = axis == LV_INDEX_AXIS_INDEX ? p->index : p->min_eigenvalue;
      self->series[n_series - 1].n++;
      n++;
    }
  m->series = self->series;
  m->n_series = n_series;
  /* Short enough for the panel's height; the caption says how the index is computed. */
  m->common.y_label = axis == LV_INDEX_AXIS_INDEX ? _("Hessian index")
                                                  : _("smallest Hessian eigenvalue");
  /* An index counts eigenvalues: integer ticks only. */
  m->y_integer = axis == LV_INDEX_AXIS_INDEX;
  g_free (self->scatter_caption);
  self->scatter_caption = g_strdup (caption);
  m->common.caption = self->scatter_caption;
  m->common.empty_text = n == 0 ? _("No curvature computed yet") : NULL;
}

const LvPlotHeatmapModel *
lv_landscape_figures_get_heatmap (LvLandscapeFigures *self)
{
  return &self->heatmap;
}

const LvPlotLinesModel *
lv_landscape_figures_get_interpolation (LvLandscapeFigures *self)
{
  return &self->lines;
}

const LvPlotBarsModel *
lv_landscape_figures_get_spectrum (LvLandscapeFigures *self)
{
  return &self->bars;
}

const LvPlotScatterModel *
lv_landscape_figures_get_index (LvLandscapeFigures *self)
{
  return &self->scatter;
}

/**
 * lv_landscape_figures_index_point:
 * @self: the figures
 * @series: a scatter hit's series
 * @index: its index within the series
 *
 * Returns: (transfer none) (nullable): the run behind a point of the index-vs-loss scatter.
 */
const LvIndexPoint *
lv_landscape_figures_index_point (LvLandscapeFigures *self, guint series, gsize index)
{
  if (series >= self->scatter.n_series || index >= self->series[series].n)
    return NULL;
  return &g_array_index (self->index_points, LvIndexPoint,
                         self->series_start[series] + index);
}

/**
 * lv_landscape_figures_get_slice_value:
 * @self: the figures
 * @alpha: α
 * @beta: β
 * @value: (out): the shown loss of the nearest grid point
 *
 * Returns: %FALSE outside the grid or where the value is not computed.
 */
gboolean
lv_landscape_figures_get_slice_value (LvLandscapeFigures *self, double alpha, double beta,
                                      double *value)
{
  const LvPlotHeatmapModel *m = &self->heatmap;
  double fi, fj;

  if (m->values == NULL || m->nx < 2)
    return FALSE;
  fi = (alpha - m->x_min) / (m->x_max - m->x_min) * (m->nx - 1);
  fj = (beta - m->y_min) / (m->y_max - m->y_min) * (m->ny - 1);
  if (!(fi > -0.5 && fi < m->nx - 0.5 && fj > -0.5 && fj < m->ny - 0.5))
    return FALSE;
  *value = m->values[(gsize) lround (fj) * m->nx + (gsize) lround (fi)];
  return isfinite (*value);
}

/**
 * lv_landscape_figures_export:
 * @self: the figures
 * @path: the figure file; PNG, SVG or PDF by extension
 * @width: width (px for PNG at 96 DPI, pt for SVG/PDF)
 * @height: height
 * @error: return location for an error
 *
 * Writes the four panels to @path, the slice to a CSV next to it (the extension replaced by
 * `.csv`) and, when computed, the interpolation, the spectrum and the index survey to
 * `-interpolation.csv`, `-spectrum.csv` and `-index.csv` (and the eigenvalue density, when
 * shown, to `-density.csv`).
 *
 * Returns: %TRUE when every file was written.
 */
gboolean
lv_landscape_figures_export (LvLandscapeFigures *self, const char *path, double width,
                             double height, GError **error)
{
  const LvPlotPanel panels[] = {
    { (LvPlotDrawFunc) lv_plot_heatmap_draw, &self->heatmap },
    { (LvPlotDrawFunc) lv_plot_lines_draw, &self->lines },
    self->show_density ? (LvPlotPanel) { (LvPlotDrawFunc) lv_plot_lines_draw,
                                         lv_landscape_figures_get_density (self) }
                       : (LvPlotPanel) { (LvPlotDrawFunc) lv_plot_bars_draw, &self->bars },
    { (LvPlotDrawFunc) lv_plot_scatter_draw, &self->scatter },
  };
  LvPlotGridModel grid = { self->theme, _("Loss landscape"), NULL, panels,
                           G_N_ELEMENTS (panels), 2 };
  g_autofree char *csv = lv_plot_sibling_path (path, ".csv");
  g_autofree char *interp = lv_plot_sibling_path (path, "-interpolation.csv");
  g_autofree char *spectrum = lv_plot_sibling_path (path, "-spectrum.csv");
  g_autofree char *index = lv_plot_sibling_path (path, "-index.csv");
  g_autofree char *density = lv_plot_sibling_path (path, "-density.csv");

  if (self->heatmap.values == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   _("Nothing to export yet: no slice has been computed"));
      return FALSE;
    }
  if (!lv_plot_export ((LvPlotDrawFunc) lv_plot_grid_draw, &grid, path, width, height, 96.0,
                       error) ||
      !lv_plot_heatmap_write_csv (&self->heatmap, csv, error))
    return FALSE;
  if (self->lines.n_curves > 0 && !lv_plot_lines_write_csv (&self->lines, interp, error))
    return FALSE;
  if (self->bars.n_series > 0 && !lv_plot_bars_write_csv (&self->bars, spectrum, error))
    return FALSE;
  if (self->scatter.n_series > 0 && !lv_plot_scatter_write_csv (&self->scatter, index, error))
    return FALSE;
  if (self->show_density && self->density != NULL &&
      !lv_plot_lines_write_csv (lv_plot_hessian_density_get_model (self->density), density, error))
    return FALSE;
  return TRUE;
}

/**
 * lv_landscape_figures_set_density:
 * @self: the figures
 * @slq: the stochastic Lanczos quadrature at the run
 *
 * The eigenvalue density, Gaussian-smoothed (σ = lv_hessian_slq_default_sigma()) on a log
 * density axis, as `lossviz-cli hessian --method slq --plot` draws it.
 */
void
lv_landscape_figures_set_density (LvLandscapeFigures *self, const LvHessianSlq *slq)
{
  double sigma = lv_hessian_slq_default_sigma (slq);

  clear_density (self);
  self->density_grid = g_new (double, DENSITY_GRID);
  self->density_values = g_new (double, DENSITY_GRID);
  lv_hessian_slq_density (slq, sigma, DENSITY_GRID, self->density_grid, self->density_values);
  /* Translators: caption of the eigenvalue density; %u probes, %u steps, %s parameters. */
  self->density_caption = g_strdup_printf (_("Stochastic Lanczos quadrature: %u probes × %u "
                                             "steps · λ in [%.3g, %.3g] · σ = %.2g"),
                                           slq->n_probes, slq->steps, slq->min_eigenvalue,
                                           slq->max_eigenvalue, sigma);
  self->density = lv_plot_hessian_density_new (self->density_grid, self->density_values,
                                               DENSITY_GRID, self->density_caption, self->theme);
}

/**
 * lv_landscape_figures_set_show_density:
 * @self: the figures
 * @show: the curvature panel (and export) shows the eigenvalue density instead of the spectrum
 */
void
lv_landscape_figures_set_show_density (LvLandscapeFigures *self, gboolean show)
{
  self->show_density = show;
}

/**
 * lv_landscape_figures_get_density:
 * @self: the figures
 *
 * Returns: (transfer none): the density's model, or an empty panel while not computed
 */
const LvPlotLinesModel *
lv_landscape_figures_get_density (LvLandscapeFigures *self)
{
  return self->density != NULL ? lv_plot_hessian_density_get_model (self->density)
                               : &self->density_empty;
}

/**
 * lv_plot_slice_heatmap_init:
 * @model: (out caller-allocates): the heatmap of a slice
 * @values: (array length=n*n): the values to draw, row = β
 * @n: points per axis
 * @span: the square covers [−span, span]²
 *
 * The slice heatmap's fixed look, shared by `lossviz-cli slice --plot` and the Landscape page:
 * viridis, ten contours, α and β axes. Titles, labels and markers are the caller's.
 */
void
lv_plot_slice_heatmap_init (LvPlotHeatmapModel *model, const double *values, guint n,
                            double span)
{
  model->values = values;
  model->nx = model->ny = n;
  model->x_min = model->y_min = -span;
  model->x_max = model->y_max = span;
  model->colormap = LV_PLOT_COLORMAP_VIRIDIS;
  model->n_contours = 10;
  model->common.x_label = "α";
  model->common.y_label = "β";
}

/**
 * lv_plot_slice_landmarks:
 * @grid: the slice (complete or progressive)
 * @trained: label of the trained point (0, 0)
 * @grid_min: label of the smallest computed loss
 * @both: label when the trained point is itself the grid minimum
 * @points: (out caller-allocates) (array fixed-size=2): the markers
 *
 * Returns: the markers written: the trained point, then the grid minimum unless they coincide
 */
guint
lv_plot_slice_landmarks (const LvSliceGrid *grid, const char *trained, const char *grid_min,
                         const char *both, LvPlotPoint *points)
{
  gssize best;
  double max, a, b;

  points[0] = (LvPlotPoint) { 0, 0, trained, LV_PLOT_COLOR_AUTO };
  lv_landscape_grid_extremes (grid, &best, &max);
  if (best < 0)
    return 1;
  a = lv_slice_grid_coord (grid, (guint) (best % grid->grid));
  b = lv_slice_grid_coord (grid, (guint) (best / grid->grid));
  /* The centre's coordinate is 0 up to the rounding of −span + 2 span i / (grid − 1). */
  if (fabs (a) <= 1e-12 * grid->span && fabs (b) <= 1e-12 * grid->span)
    {
      points[0].label = both;
      return 1;
    }
  points[1] = (LvPlotPoint) { a, b, grid_min, 1 };
  return 2;
}
