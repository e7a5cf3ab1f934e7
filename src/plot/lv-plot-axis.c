/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-plot.h>
#include <lossviz/lv-stats.h>

#include "lv-plot-private.h"

/* Linear "nice" ticks: steps of 1, 2 or 5 × 10^k, about @target of them inside [lo, hi]. */
static guint
linear_ticks (double  lo,
              double  hi,
              guint   target,
              double *ticks,
              guint   max_ticks,
              double *step_out)
{
  double raw = (hi - lo) / MAX (target, 1), mag, norm, step, first;
  guint n = 0;

  mag = pow (10.0, floor (log10 (raw)));
  norm = raw / mag;
  step = (norm < 1.5 ? 1.0 : norm < 3.0 ? 2.0 : norm < 7.0 ? 5.0 : 10.0) * mag;
  first = ceil (lo / step - 1e-9) * step;
  for (double v = first; v <= hi + step * 1e-9 && n < max_ticks; v = first + n * step)
    ticks[n++] = fabs (v) < step * 1e-9 ? 0.0 : v;
  if (step_out != NULL)
    *step_out = step;
  return n;
}

/* Log ticks: every decade (or every k-th when there are many), with 2 and 5 in between when
 * the range spans little more than a decade, and linear ticks when it spans less than that. */
static guint
log_ticks (double  lo,
           double  hi,
           guint   target,
           double *ticks,
           guint   max_ticks,
           double *step_out)
{
  double l0 = log10 (lo), l1 = log10 (hi);
  int e0 = (int) floor (l0 + 1e-9), e1 = (int) floor (l1 + 1e-9);
  guint n = 0;

  /* Under a decade the ticks are linear, and their labels need the linear step's decimals
   * (formatting each by its own size printed 0.202, 0.204, … all as "0.2"). */
  if (step_out != NULL)
    *step_out = NAN;
  if (l1 - l0 < 0.7)
    return linear_ticks (lo, hi, MIN (target, 4), ticks, max_ticks, step_out);
  if (l1 - l0 <= 2.2)
    {
      static const double mults[] = { 1.0, 2.0, 5.0 };

      for (int e = e0; e <= e1 && n < max_ticks; e++)
        for (guint m = 0; m < G_N_ELEMENTS (mults) && n < max_ticks; m++)
          {
            double v = mults[m] * pow (10.0, e);

            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
              ticks[n++] = v;
          }
      return n;
    }
  {
    int every = MAX (1, (int) ceil ((double) (e1 - e0 + 1) / MAX (target, 1)));
    int start = (int) ceil (l0 - 1e-9);

    /* Keep multiples of @every so ticks stay put while the range changes. */
    while (((start % every) + every) % every != 0)
      start++;
    for (int e = start; e <= e1 && n < max_ticks; e += every)
      ticks[n++] = pow (10.0, e);
  }
  return n;
}

/**
 * lv_plot_ticks:
 * @lo: lower end of the range
 * @hi: upper end of the range
 * @log_scale: whether the axis is log10 (then @lo must be > 0)
 * @target: about how many ticks are wanted
 * @ticks: (out) (array length=max_ticks): where the tick values go, increasing
 * @max_ticks: capacity of @ticks
 *
 * Picks "nice" tick values inside [@lo, @hi]: 1, 2, 5 × 10^k steps on linear axes; decades
 * (with 2 and 5 when the range is about a decade) on log axes.
 *
 * Returns: the number of ticks written; 0 for an empty or invalid range
 */
guint
lv_plot_ticks (double   lo,
               double   hi,
               gboolean log_scale,
               guint    target,
               double  *ticks,
               guint    max_ticks)
{
  g_return_val_if_fail (ticks != NULL || max_ticks == 0, 0);

  if (!isfinite (lo) || !isfinite (hi) || !(hi > lo) || max_ticks == 0)
    return 0;
  if (log_scale)
    return lo > 0 ? log_ticks (lo, hi, target, ticks, max_ticks, NULL) : 0;
  return linear_ticks (lo, hi, target, ticks, max_ticks, NULL);
}

static const char *const superscripts[] = {
  "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹",
};

static void
append_power_of_ten (GString *out,
                     int      e)
{
  char digits[16];

  g_string_append (out, "10");
  if (e < 0)
    g_string_append (out, "⁻");
  g_snprintf (digits, sizeof digits, "%d", ABS (e));
  for (const char *p = digits; *p != '\0'; p++)
    g_string_append (out, superscripts[*p - '0']);
}

/**
 * lv_plot_format_tick:
 * @value: the tick value
 * @step: the spacing between ticks (decides the decimals); ignored for decades
 * @log_scale: whether the tick is on a log axis
 *
 * Formats a tick label the way a paper would: a real minus sign "−", as many decimals as the
 * step needs, and 10ⁿ for decades far from 1 and for very large or small numbers.
 *
 * Returns: (transfer full): the label
 */
char *
lv_plot_format_tick (double   value,
                     double   step,
                     gboolean log_scale)
{
  GString *out = g_string_new (NULL);
  double a = fabs (value);

  if (!isfinite (value))
    {
      g_string_append (out, "–");
      return g_string_free (out, FALSE);
    }
  if (value < 0)
    g_string_append (out, "−");
  /* A log axis under a decade has linear ticks with a step: format those as linear. */
  if (log_scale && a > 0 && !(isfinite (step) && step > 0))
    {
      double e = log10 (a);

      if (fabs (e - round (e)) < 1e-9 && (e < -2.5 || e > 3.5))
        {
          append_power_of_ten (out, (int) round (e));
          return g_string_free (out, FALSE);
        }
      /* 1-2-5 ticks carry no step (NAN): each shows its own first digit. */
      step = a;
    }
  if (a != 0 && (a >= 1e6 || a < 1e-4))
    {
      int e = (int) floor (log10 (a));
      double m = a / pow (10.0, e);

      if (fabs (m - 1.0) > 1e-9)
        g_string_append_printf (out, "%.3g×", m);
      append_power_of_ten (out, e);
      return g_string_free (out, FALSE);
    }
  {
    int decimals = 0;
    double s = isfinite (step) && step > 0 ? step : (a > 0 ? a : 1.0);

    /* Enough decimals to show the step's first significant digit. */
    decimals = (int) MAX (0.0, -floor (log10 (s) + 1e-9));
    decimals = MIN (decimals, 10);
    g_string_append_printf (out, "%.*f", decimals, a);
  }
  return g_string_free (out, FALSE);
}

/* The finite (and, for log axes, positive) range of @values; NAN, NAN when there is none. */
void
lv_plot_finite_range (const double *values,
                      gsize         n,
                      gboolean      positive_only,
                      double       *lo,
                      double       *hi)
{
  double a = INFINITY, b = -INFINITY;

  for (gsize i = 0; values != NULL && i < n; i++)
    if (isfinite (values[i]) && (!positive_only || values[i] > 0))
      {
        a = MIN (a, values[i]);
        b = MAX (b, values[i]);
      }
  *lo = isfinite (a) ? a : NAN;
  *hi = isfinite (b) ? b : NAN;
}

/*
 * Sets up a numeric axis over [lo, hi] (NaN ends mean "no data": a default range is used),
 * widened by @pad_fraction of the span on each side; a zero-width range is opened up so a
 * single value still gets an axis.
 */
void
lv_plot_axis_init (LvPlotAxis *axis,
                   double      lo,
                   double      hi,
                   gboolean    log_scale,
                   double      pad_fraction,
                   guint       target_ticks)
{
  memset (axis, 0, sizeof *axis);
  axis->log = log_scale;
  if (log_scale)
    {
      if (!(isfinite (lo) && lo > 0))
        lo = isfinite (hi) && hi > 0 ? hi / 10 : 1.0;
      if (!(isfinite (hi) && hi > 0))
        hi = lo * 10;
      if (hi <= lo)
        {
          lo /= 2;
          hi *= 2;
        }
      lo = log10 (lo);
      hi = log10 (hi);
      axis->lo = pow (10.0, lo - pad_fraction * (hi - lo));
      axis->hi = pow (10.0, hi + pad_fraction * (hi - lo));
      axis->n_ticks = log_ticks (axis->lo, axis->hi, target_ticks, axis->ticks,
                                 LV_PLOT_MAX_TICKS, &axis->step);
      return;
    }
  if (!isfinite (lo) || !isfinite (hi))
    {
      lo = isfinite (lo) ? lo : isfinite (hi) ? hi - 1 : 0.0;
      hi = isfinite (hi) ? hi : lo + 1;
    }
  if (hi < lo)
    {
      double t = lo;

      lo = hi;
      hi = t;
    }
  if (hi - lo <= 1e-12 * MAX (1.0, fabs (lo)))
    {
      double d = fabs (lo) > 0 ? 0.1 * fabs (lo) : 0.5;

      lo -= d;
      hi += d;
    }
  axis->lo = lo - pad_fraction * (hi - lo);
  axis->hi = hi + pad_fraction * (hi - lo);
  axis->n_ticks = linear_ticks (axis->lo, axis->hi, target_ticks, axis->ticks,
                                LV_PLOT_MAX_TICKS, &axis->step);
}

/**
 * lv_plot_axis_make_integer:
 * @axis: a linear axis set up by lv_plot_axis_init()
 * @target_ticks: about how many ticks are wanted
 *
 * For quantities that only take whole values (counts of runs, a Hessian index): ticks at
 * integers only, with a step of at least 1 (a count axis from 0 to 2.5 gets 0, 1, 2 instead
 * of 0, 0.5, 1, …; an index axis never gets a 12.5).
 */
void
lv_plot_axis_make_integer (LvPlotAxis *axis,
                           guint       target_ticks)
{
  double step;

  if (axis->log || axis->categorical)
    return;
  axis->n_ticks = linear_ticks (axis->lo, axis->hi, target_ticks, axis->ticks,
                                LV_PLOT_MAX_TICKS, &step);
  if (step >= 1)
    {
      axis->step = step;
      return;
    }
  axis->step = 1;
  axis->n_ticks = 0;
  for (double v = ceil (axis->lo - 1e-9); v <= axis->hi + 1e-9 && axis->n_ticks < LV_PLOT_MAX_TICKS;
       v += 1)
    axis->ticks[axis->n_ticks++] = v;
}

void
lv_plot_axis_init_categorical (LvPlotAxis        *axis,
                               const char *const *labels,
                               guint              n)
{
  memset (axis, 0, sizeof *axis);
  axis->categorical = TRUE;
  axis->cat_labels = labels;
  axis->n_cat = n;
  axis->lo = -0.5;
  axis->hi = MAX (n, 1) - 0.5;
  for (guint i = 0; i < n && i < LV_PLOT_MAX_TICKS; i++)
    axis->ticks[axis->n_ticks++] = i;
  /* More categories than tick slots: label every k-th one. */
  if (n > LV_PLOT_MAX_TICKS)
    {
      guint every = (n + LV_PLOT_MAX_TICKS - 1) / LV_PLOT_MAX_TICKS;

      axis->n_ticks = 0;
      for (guint i = 0; i < n && axis->n_ticks < LV_PLOT_MAX_TICKS; i += every)
        axis->ticks[axis->n_ticks++] = i;
    }
}

char *
lv_plot_axis_tick_label (const LvPlotAxis *axis,
                         guint             i)
{
  if (axis->categorical)
    {
      guint c = (guint) axis->ticks[i];

      if (axis->cat_labels != NULL && axis->cat_labels[c] != NULL)
        return g_strdup (axis->cat_labels[c]);
      return g_strdup_printf ("%u", c + 1);
    }
  return lv_plot_format_tick (axis->ticks[i], axis->step, axis->log);
}

static double
scale_fraction (double   v,
                double   lo,
                double   hi,
                gboolean log_scale)
{
  if (log_scale)
    return v > 0 ? (log10 (v) - log10 (lo)) / (log10 (hi) - log10 (lo)) : NAN;
  return (v - lo) / (hi - lo);
}

static double
unscale_fraction (double   f,
                  double   lo,
                  double   hi,
                  gboolean log_scale)
{
  if (log_scale)
    return pow (10.0, log10 (lo) + f * (log10 (hi) - log10 (lo)));
  return lo + f * (hi - lo);
}

/**
 * lv_plot_layout_x_to_px:
 * @layout: a figure layout
 * @x: a data x value
 *
 * Returns: the user-space x of @x (NaN for non-positive @x on a log axis)
 */
double
lv_plot_layout_x_to_px (const LvPlotLayout *layout,
                        double              x)
{
  return layout->area.x
         + scale_fraction (x, layout->x_min, layout->x_max, layout->x_log) * layout->area.width;
}

/**
 * lv_plot_layout_y_to_px:
 * @layout: a figure layout
 * @y: a data y value
 *
 * Returns: the user-space y of @y (y grows downwards on screen)
 */
double
lv_plot_layout_y_to_px (const LvPlotLayout *layout,
                        double              y)
{
  return layout->area.y + layout->area.height
         - scale_fraction (y, layout->y_min, layout->y_max, layout->y_log) * layout->area.height;
}

/**
 * lv_plot_layout_px_to_x:
 * @layout: a figure layout
 * @px: a user-space x
 *
 * Returns: the data x at @px
 */
double
lv_plot_layout_px_to_x (const LvPlotLayout *layout,
                        double              px)
{
  return unscale_fraction ((px - layout->area.x) / layout->area.width,
                           layout->x_min, layout->x_max, layout->x_log);
}

/**
 * lv_plot_layout_px_to_y:
 * @layout: a figure layout
 * @py: a user-space y
 *
 * Returns: the data y at @py
 */
double
lv_plot_layout_px_to_y (const LvPlotLayout *layout,
                        double              py)
{
  return unscale_fraction ((layout->area.y + layout->area.height - py) / layout->area.height,
                           layout->y_min, layout->y_max, layout->y_log);
}

/**
 * lv_plot_pearson:
 * @x: (array length=n): first variable
 * @y: (array length=n): second variable
 * @n: number of pairs
 *
 * Pearson correlation over the pairs where both values are finite: the core's lv_pearson()
 * (two-pass, so a tiny spread around a large mean does not cancel), clamped to [−1, 1].
 *
 * Returns: r in [−1, 1], or NaN with fewer than two finite pairs or zero variance
 */
double
lv_plot_pearson (const double *x,
                 const double *y,
                 gsize         n)
{
  double r;

  if (x == NULL || y == NULL)
    return NAN;
  r = lv_pearson (x, y, n);
  /* Rounding can take r a hair past ±1; a legend must never read "r = 1.0000001". */
  return isnan (r) ? r : CLAMP (r, -1.0, 1.0);
}

/**
 * lv_plot_axis_thin:
 * @axis: a numeric axis, already initialised
 * @max_ticks: at most this many ticks fit its length
 *
 * Recomputes the ticks of @axis over its range, with fewer of them, when it has more than
 * @max_ticks (a short panel on a projector had its y tick labels crowd into one another:
 * the tick count is chosen from the figure's size before the layout knows the plot's).
 * Categorical axes keep their ticks.
 */
void
lv_plot_axis_thin (LvPlotAxis *axis,
                   guint       max_ticks)
{
  max_ticks = MAX (max_ticks, 2);
  for (guint target = MIN (axis->n_ticks, max_ticks); axis->n_ticks > max_ticks && target >= 1;
       target--)
    {
      if (axis->categorical)
        return;
      axis->n_ticks = axis->log ? log_ticks (axis->lo, axis->hi, target, axis->ticks,
                                             LV_PLOT_MAX_TICKS, &axis->step)
                                : linear_ticks (axis->lo, axis->hi, target, axis->ticks,
                                                LV_PLOT_MAX_TICKS, &axis->step);
    }
}
