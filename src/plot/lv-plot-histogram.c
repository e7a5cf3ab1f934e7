/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-plot-histogram.h>

#include "lv-plot-private.h"

/* Shared bins and per-series heights, recomputed per call: O(total values), cheap per frame. */
typedef struct
{
  double lo, hi, bin_width;  /* in log10 units on a log x axis */
  gboolean log;
  gboolean inset;       /* the first band is magnified in a strip above the plot */
  guint n_bins;
  guint *counts;        /* n_series × n_bins */
  double *heights;      /* counts or densities */
  double *series_max;   /* per series maximum height */
  double max_height;
  const char **row_labels;
} Bins;

static void
bins_clear (Bins *b)
{
  g_clear_pointer (&b->counts, g_free);
  g_clear_pointer (&b->heights, g_free);
  g_clear_pointer (&b->series_max, g_free);
  g_clear_pointer (&b->row_labels, g_free);
}

static gboolean
fixed_range_ok (const LvPlotHistogramModel *m)
{
  return m->x_fixed && isfinite (m->x_min) && isfinite (m->x_max) && m->x_max > m->x_min &&
         (!m->x_log || m->x_min > 0);
}

/* A value in bin units: itself, or its log10 on a log axis (NAN when it has none). */
static double
to_bin_space (const Bins *b, double v)
{
  if (!b->log)
    return v;
  return v > 0 ? log10 (v) : NAN;
}

/* The data value of bin edge @k (0 … n_bins). */
static double
bin_edge (const Bins *b, double k)
{
  double t = b->lo + k * b->bin_width;

  return b->log ? pow (10.0, t) : t;
}

/* Returns FALSE when there is nothing to draw (no finite value and no fixed range). */
static gboolean
bins_compute (const LvPlotHistogramModel *m,
              Bins                       *b)
{
  double lo = INFINITY, hi = -INFINITY;
  gsize max_n = 0;

  memset (b, 0, sizeof *b);
  b->log = m->x_log;
  for (gsize s = 0; s < m->n_series; s++)
    {
      double a, z;
      gsize n = 0;

      lv_plot_finite_range (m->series[s].values, m->series[s].n_values, b->log, &a, &z);
      if (isnan (a))
        continue;
      lo = MIN (lo, to_bin_space (b, a));
      hi = MAX (hi, to_bin_space (b, z));
      for (gsize i = 0; i < m->series[s].n_values; i++)
        n += isfinite (to_bin_space (b, m->series[s].values[i]));
      max_n = MAX (max_n, n);
    }
  if (fixed_range_ok (m))
    {
      lo = to_bin_space (b, m->x_min);
      hi = to_bin_space (b, m->x_max);
    }
  else if (!isfinite (lo))
    return FALSE;
  else if (hi - lo <= 1e-12 * MAX (1.0, fabs (lo)))
    {
      double d = fabs (lo) > 0 ? 0.05 * fabs (lo) : 0.5;

      lo -= d;
      hi += d;
    }
  /* Rice rule: 2·∛n bins, which keeps a hundred runs from looking like a comb. */
  b->n_bins = m->n_bins > 0 ? MIN (m->n_bins, 2000u)
                            : CLAMP ((guint) ceil (2.0 * cbrt ((double) max_n)), 6u, 60u);
  b->lo = lo;
  b->hi = hi;
  b->bin_width = (hi - lo) / b->n_bins;
  b->counts = g_new0 (guint, MAX (m->n_series, 1) * b->n_bins);
  b->heights = g_new0 (double, MAX (m->n_series, 1) * b->n_bins);
  b->series_max = g_new0 (double, MAX (m->n_series, 1));
  for (gsize s = 0; s < m->n_series; s++)
    {
      const LvPlotHistSeries *se = &m->series[s];
      guint *c = b->counts + s * b->n_bins, total = 0;

      for (gsize i = 0; se->values != NULL && i < se->n_values; i++)
        {
          double v = to_bin_space (b, se->values[i]);
          gint64 k;

          if (!isfinite (v) || v < lo || v > hi)
            continue;
          k = (gint64) floor ((v - lo) / b->bin_width);
          c[CLAMP (k, 0, (gint64) b->n_bins - 1)]++;
          total++;
        }
      for (guint k = 0; k < b->n_bins; k++)
        {
          double h = m->density ? (total > 0 ? c[k] / (total * b->bin_width) : 0.0) : c[k];

          b->heights[s * b->n_bins + k] = h;
          b->series_max[s] = MAX (b->series_max[s], h);
        }
      b->max_height = MAX (b->max_height, b->series_max[s]);
    }
  return TRUE;
}

static gboolean
stacked (const LvPlotHistogramModel *m)
{
  return m->mode == LV_PLOT_HIST_RIDGELINE || m->mode == LV_PLOT_HIST_SMALL_MULTIPLES;
}

/* Ridgelines may rise 1.6 rows so neighbouring distributions overlap like a joy plot. */
#define RIDGE_HEIGHT 1.6
#define MULTIPLE_HEIGHT 0.85

static void
frame_setup (LvPlotFrame                *f,
             const LvPlotHistogramModel *m,
             Bins                       *b)
{
  double xlo = bin_edge (b, 0), xhi = bin_edge (b, b->n_bins);

  /* The axis also shows the reference lines and bands, so a gap between the data and a band
   * stays visible instead of being cut away. */
  if (!fixed_range_ok (m))
    {
      for (gsize i = 0; i < m->n_ref_lines; i++)
        if (isfinite (to_bin_space (b, m->ref_lines[i].value)))
          {
            xlo = MIN (xlo, m->ref_lines[i].value);
            xhi = MAX (xhi, m->ref_lines[i].value);
          }
      for (gsize i = 0; i < m->n_bands; i++)
        if (isfinite (to_bin_space (b, m->bands[i].lo)) &&
            isfinite (to_bin_space (b, m->bands[i].hi)))
          {
            xlo = MIN (xlo, MIN (m->bands[i].lo, m->bands[i].hi));
            xhi = MAX (xhi, MAX (m->bands[i].lo, m->bands[i].hi));
          }
    }
  lv_plot_axis_init (&f->x, xlo, xhi, b->log, fixed_range_ok (m) ? 0.0 : 0.03,
                     (guint) CLAMP (f->width / (6 * f->fs), 3, 9));
  if (stacked (m))
    {
      guint n = (guint) m->n_series;

      /* Row r (series n−1−r) has its baseline at y = r; labels sit just above the baseline. */
      b->row_labels = g_new0 (const char *, MAX (n, 1));
      lv_plot_axis_init_categorical (&f->y, b->row_labels, MIN (n, LV_PLOT_MAX_TICKS));
      for (guint r = 0; r < f->y.n_ticks; r++)
        {
          b->row_labels[r] = m->series[n - 1 - r].label;
          f->y.ticks[r] = r + 0.3;
        }
      f->y.lo = 0;
      f->y.hi = m->mode == LV_PLOT_HIST_RIDGELINE ? (n - 1) + RIDGE_HEIGHT + 0.05 : n;
      f->y_label = m->common.y_label;
    }
  else
    {
      guint target = (guint) CLAMP (f->height / (4 * f->fs), 2, 7);

      lv_plot_axis_init (&f->y, 0, b->max_height > 0 ? b->max_height : 1.0, FALSE, 0, target);
      f->y.lo = 0;
      f->y.hi = (b->max_height > 0 ? b->max_height : 1.0) * 1.05;
      /* Counts are whole runs: no "0.5 runs" tick. */
      if (!m->density)
        lv_plot_axis_make_integer (&f->y, target);
      if (f->y_label == NULL)
        f->y_label = m->density ? "density" : "count";
    }
  for (gsize s = 0; s < m->n_series; s++)
    {
      const LvPlotHistSeries *se = &m->series[s];
      char *text = se->n_diverged > 0
                   ? g_strdup_printf ("%s  (%u diverged)", se->label != NULL ? se->label : "",
                                      se->n_diverged)
                   : g_strdup (se->label != NULL ? se->label : "");

      lv_plot_frame_add_legend (f, text, lv_plot_series_color (f->theme, se->color, (guint) s),
                                LV_PLOT_KEY_BOX, LV_PLOT_LINE_SOLID);
    }
  lv_plot_frame_layout (f, 0);
  /* A band that is a sliver of the axis gets a magnified strip above the plot. */
  if (m->band_inset && m->n_bands > 0 && lv_plot_band_inset_wanted (f, &m->bands[0]) &&
      f->area.height > 3 * lv_plot_band_inset_height (f))
    {
      b->inset = TRUE;
      f->area.y += lv_plot_band_inset_height (f);
      f->area.height -= lv_plot_band_inset_height (f);
    }
}

/* Height of bin @k of series @s as a y value in axis units (row units when stacked). */
static double
bar_top (const LvPlotHistogramModel *m,
         const Bins                 *b,
         gsize                       s,
         guint                       k,
         double                     *base)
{
  double h = b->heights[s * b->n_bins + k];
  double row = (double) (m->n_series - 1 - s);

  switch (m->mode)
    {
    case LV_PLOT_HIST_RIDGELINE:
      *base = row;
      return row + (b->max_height > 0 ? RIDGE_HEIGHT * h / b->max_height : 0);
    case LV_PLOT_HIST_SMALL_MULTIPLES:
      *base = row;
      return row + (b->series_max[s] > 0 ? MULTIPLE_HEIGHT * h / b->series_max[s] : 0);
    case LV_PLOT_HIST_OVERLAY:
    default:
      *base = 0;
      return h;
    }
}

static void
draw_series (LvPlotFrame                *f,
             const LvPlotHistogramModel *m,
             const Bins                 *b,
             gsize                       s)
{
  cairo_t *cr = f->cr;
  LvPlotRgba color = lv_plot_series_color (f->theme, m->series[s].color, (guint) s);
  double base = 0, alpha = m->mode == LV_PLOT_HIST_OVERLAY ? f->theme->fill_alpha : 0.8;
  double yb;

  /* The outline follows the bar tops as one step path, as in a printed histogram. */
  bar_top (m, b, s, 0, &base);
  yb = lv_plot_frame_y (f, base);
  cairo_new_path (cr);
  cairo_move_to (cr, lv_plot_frame_x (f, bin_edge (b, 0)), yb);
  for (guint k = 0; k < b->n_bins; k++)
    {
      double top = lv_plot_frame_y (f, bar_top (m, b, s, k, &base));

      cairo_line_to (cr, lv_plot_frame_x (f, bin_edge (b, k)), top);
      cairo_line_to (cr, lv_plot_frame_x (f, bin_edge (b, k + 1)), top);
    }
  cairo_line_to (cr, lv_plot_frame_x (f, bin_edge (b, b->n_bins)), yb);
  cairo_close_path (cr);
  if (m->mode != LV_PLOT_HIST_OVERLAY)
    {
      lv_plot_set_source (cr, f->theme->background);
      cairo_fill_preserve (cr);
    }
  lv_plot_set_source (cr, lv_plot_rgba_with_alpha (color, alpha));
  cairo_fill_preserve (cr);
  lv_plot_set_source (cr, color);
  cairo_set_line_width (cr, 1.3 * f->lw);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_MITER);
  cairo_stroke (cr);
  if (m->mode != LV_PLOT_HIST_OVERLAY)
    {
      lv_plot_set_source (cr, f->theme->grid);
      cairo_move_to (cr, f->area.x, yb);
      cairo_line_to (cr, f->area.x + f->area.width, yb);
      cairo_set_line_width (cr, 1.0 * f->lw);
      cairo_stroke (cr);
    }
}

/**
 * lv_plot_histogram_draw:
 * @cr: the Cairo context
 * @model: the histogram model
 * @width: figure width in user units
 * @height: figure height in user units
 *
 * Draws a histogram figure: shared bins, translucent overlay / ridgeline / small multiples,
 * bands and labelled reference lines, legend with diverged-run counts, caption. An empty model
 * draws the "No data yet" state.
 */
/* With the band magnified, the lines inside the sliver keep their strokes but give their
 * labels to the inset, where they have room. */
static void
draw_refs_with_inset (LvPlotFrame *f, const LvPlotHistogramModel *m)
{
  const LvPlotBand *band = &m->bands[0];
  double lo = MIN (band->lo, band->hi), hi = MAX (band->lo, band->hi);
  g_autofree LvPlotRefLine *lines = g_memdup2 (m->ref_lines,
                                               m->n_ref_lines * sizeof (LvPlotRefLine));

  for (gsize i = 0; i < m->n_ref_lines; i++)
    if (lines[i].value >= lo - 1e-12 && lines[i].value <= hi + 1e-12)
      lines[i].label = NULL;
  lv_plot_frame_draw_refs (f, m->bands, m->n_bands, lines, m->n_ref_lines, NULL, 0);
  lv_plot_band_inset_draw (f, band, m->ref_lines, m->n_ref_lines);
}

void
lv_plot_histogram_draw (cairo_t                    *cr,
                        const LvPlotHistogramModel *model,
                        double                      width,
                        double                      height)
{
  LvPlotFrame f;
  Bins b;

  g_return_if_fail (cr != NULL && model != NULL);
  if (!lv_plot_size_ok (width, height))
    return;
  if (model->n_series == 0 || model->series == NULL || !bins_compute (model, &b))
    {
      lv_plot_draw_empty (cr, &model->common, width, height);
      return;
    }
  cairo_save (cr);
  lv_plot_frame_init (&f, cr, &model->common, width, height);
  frame_setup (&f, model, &b);
  lv_plot_frame_draw_back (&f);
  if (model->mode == LV_PLOT_HIST_OVERLAY)
    lv_plot_frame_draw_grid (&f);
  lv_plot_frame_draw_bands (&f, model->bands, model->n_bands);
  cairo_save (cr);
  lv_plot_frame_clip (&f);
  /* Stacked rows are drawn from the top row down so lower ridges cover the ones behind. */
  for (gsize s = 0; s < model->n_series; s++)
    draw_series (&f, model, &b, s);
  cairo_restore (cr);
  if (b.inset)
    draw_refs_with_inset (&f, model);
  else
    lv_plot_frame_draw_refs (&f, model->bands, model->n_bands, model->ref_lines,
                             model->n_ref_lines, NULL, 0);
  lv_plot_frame_draw_axes (&f);
  lv_plot_frame_draw_legend (&f);
  lv_plot_frame_clear (&f);
  bins_clear (&b);
  cairo_restore (cr);
}

/* The bins and the laid-out frame at this size, measured without drawing (for layouts and hit
 * tests); the caller clears both. FALSE, with nothing to clear, when there is no data. */
static gboolean
measure (const LvPlotHistogramModel *model,
         double                      width,
         double                      height,
         cairo_t                   **cr,
         LvPlotFrame                *f,
         Bins                       *b)
{
  if (!lv_plot_size_ok (width, height) || model->n_series == 0 || model->series == NULL
      || !bins_compute (model, b))
    return FALSE;
  *cr = lv_plot_measure_context ();
  lv_plot_frame_init (f, *cr, &model->common, width, height);
  frame_setup (f, model, b);
  return TRUE;
}

/**
 * lv_plot_histogram_get_layout:
 * @model: the histogram model
 * @width: figure width
 * @height: figure height
 * @layout: (out caller-allocates): where the data went (stacked modes: y in row units, series
 *   s's baseline at y = n_series − 1 − s)
 *
 * Returns: %FALSE for an empty model (nothing plotted)
 */
gboolean
lv_plot_histogram_get_layout (const LvPlotHistogramModel *model,
                              double                      width,
                              double                      height,
                              LvPlotLayout               *layout)
{
  g_autoptr(cairo_t) cr = NULL;
  LvPlotFrame f;
  Bins b;

  g_return_val_if_fail (model != NULL && layout != NULL, FALSE);
  if (!measure (model, width, height, &cr, &f, &b))
    return FALSE;
  lv_plot_frame_get_layout (&f, layout);
  lv_plot_frame_clear (&f);
  bins_clear (&b);
  return TRUE;
}

/**
 * lv_plot_histogram_hit_test:
 * @model: the histogram model
 * @width: figure width the model is drawn at
 * @height: figure height
 * @x: pointer x in the same user space
 * @y: pointer y
 * @hit: (out caller-allocates): the series, bin range and count under the pointer
 *
 * Finds what is under the pointer, for hover. Overlay mode: the shortest bar that covers the
 * point (the most specific one where bars overlap). Stacked modes: the row's series at that
 * bin, even if its count is zero.
 *
 * Returns: %TRUE if something is under the pointer
 */
gboolean
lv_plot_histogram_hit_test (const LvPlotHistogramModel *model,
                            double                      width,
                            double                      height,
                            double                      x,
                            double                      y,
                            LvPlotHistHit              *hit)
{
  g_autoptr(cairo_t) cr = NULL;
  LvPlotFrame f;
  Bins b;
  gboolean found = FALSE;
  double vx, vy, best = INFINITY;
  gint64 k;

  g_return_val_if_fail (model != NULL && hit != NULL, FALSE);
  if (!measure (model, width, height, &cr, &f, &b))
    return FALSE;
  vx = (x - f.area.x) / f.area.width;
  vx = f.x.log ? log10 (f.x.lo) + vx * (log10 (f.x.hi) - log10 (f.x.lo))
               : f.x.lo + vx * (f.x.hi - f.x.lo);
  vy = f.y.lo + (f.area.y + f.area.height - y) / f.area.height * (f.y.hi - f.y.lo);
  k = (gint64) floor ((vx - b.lo) / b.bin_width);
  if (x >= f.area.x && x <= f.area.x + f.area.width && y >= f.area.y
      && y <= f.area.y + f.area.height && k >= 0 && k < (gint64) b.n_bins)
    for (gsize s = 0; s < model->n_series; s++)
      {
        double base, top = bar_top (model, &b, s, (guint) k, &base);
        gboolean inside = stacked (model) ? (vy >= base && vy < base + 1)
                                          : (vy >= base && vy <= top && top > base);

        if (inside && top - base < best)
          {
            best = top - base;
            hit->series = (guint) s;
            hit->bin = (guint) k;
            hit->bin_lo = bin_edge (&b, k);
            hit->bin_hi = bin_edge (&b, k + 1);
            hit->count = b.counts[s * b.n_bins + k];
            found = TRUE;
            if (stacked (model))
              break;
          }
      }
  lv_plot_frame_clear (&f);
  bins_clear (&b);
  return found;
}

/**
 * lv_plot_histogram_write_csv:
 * @model: the histogram model
 * @path: target CSV file
 * @error: return location for a #GError
 *
 * Writes the raw data behind the figure, one row per value (run): `series,label,value`, and one
 * `series,label,diverged` summary row per series with diverged runs (value column "diverged").
 *
 * Returns: %TRUE on success; %FALSE with %LV_ERROR_IO
 */
gboolean
lv_plot_histogram_write_csv (const LvPlotHistogramModel *model,
                             const char                 *path,
                             GError                    **error)
{
  g_autoptr(GString) out = g_string_new ("series,label,value\n");

  g_return_val_if_fail (model != NULL && path != NULL, FALSE);
  for (gsize s = 0; s < model->n_series; s++)
    {
      const LvPlotHistSeries *se = &model->series[s];

      for (gsize i = 0; se->values != NULL && i < se->n_values; i++)
        {
          g_string_append_printf (out, "%" G_GSIZE_FORMAT ",", s);
          lv_plot_csv_field (out, se->label);
          g_string_append_c (out, ',');
          lv_plot_csv_double (out, se->values[i]);
          g_string_append_c (out, '\n');
        }
      for (guint d = 0; d < se->n_diverged; d++)
        {
          g_string_append_printf (out, "%" G_GSIZE_FORMAT ",", s);
          lv_plot_csv_field (out, se->label);
          g_string_append (out, ",diverged\n");
        }
    }
  return lv_plot_csv_finish (out, path, error);
}
