/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <math.h>
#include <string.h>

#include "lv-plot-scatter-private.h"

/*
 * Scatter markers for pixels and GTK's recording surface (issue 14: 5 × 1000 points in a
 * frame of ≤ 2 ms). Filling one path of thousands of overlapping circles makes Cairo intersect
 * every pair of edges (≈ 110 ms for 5 × 1000 points), and stamping a disc per point through
 * Cairo still costs ≈ 2 µs each. So each series' disc is drawn once (antialiased, at the
 * target's device scale) and composited by hand, a few dozen pixel operations per point:
 *
 * - Points land on whole device pixels. On an image surface drawn without rotation the discs
 *   go straight into its pixels (clipped to the plot area); on any other target into one
 *   transparent layer of the plot area, painted once at a whole device pixel.
 * - Stamps of one series commute: OVER with one colour gives colour·(1 − Π(1 − aᵢ)) over
 *   dst·Π(1 − aᵢ) whatever the order. So the points of a series are counted per device pixel
 *   first and each occupied pixel is stamped once, with the disc composited k times onto
 *   itself for k points there — the same image (up to 8-bit rounding) for far fewer pixel
 *   operations when runs cluster, as trained losses do.
 */

/* Where stamps go: @data at device pixel (0, 0), drawable within [x0, x1) × [y0, y1). */
typedef struct
{
  guint8 *data;
  int stride;
  int x0, y0, x1, y1;
} Canvas;

/* Per-thread scratch, kept between frames: a count per possible disc position and the list
 * of occupied positions. Counts are back at zero after each series. */
typedef struct
{
  guint8 *counts;
  gsize n_counts;
  GArray *occupied;   /* of guint32 cell indices */
} Scratch;

static void
scratch_free (gpointer data)
{
  Scratch *s = data;

  g_free (s->counts);
  g_array_unref (s->occupied);
  g_free (s);
}

static GPrivate scratch_key = G_PRIVATE_INIT (scratch_free);

static Scratch *
scratch_get (gsize n_counts)
{
  Scratch *s = g_private_get (&scratch_key);

  if (s == NULL)
    {
      s = g_new0 (Scratch, 1);
      s->occupied = g_array_new (FALSE, FALSE, sizeof (guint32));
      g_private_set (&scratch_key, s);
    }
  if (s->n_counts < n_counts)
    {
      g_free (s->counts);
      s->counts = g_malloc0 (n_counts);
      s->n_counts = n_counts;
    }
  return s;
}

/* One antialiased disc in @color, premultiplied ARGB32, @size × @size pixels. */
static cairo_surface_t *
make_disc (int size, double radius_px, LvPlotRgba color)
{
  cairo_surface_t *disc = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  cairo_t *dc = cairo_create (disc);

  cairo_arc (dc, size / 2.0, size / 2.0, radius_px, 0, 2 * G_PI);
  lv_plot_set_source (dc, color);
  cairo_fill (dc);
  cairo_destroy (dc);
  cairo_surface_flush (disc);
  return disc;
}

/* Two 8-bit channels packed as 0x00XX00YY, each times a/255, rounded (the usual exact
 * division-free form). */
static inline guint32
mul_div255_x2 (guint32 x, guint32 a)
{
  guint32 t = x * a + 0x00800080;

  return ((t + ((t >> 8) & 0x00ff00ff)) >> 8) & 0x00ff00ff;
}

/* Premultiplied @c OVER @p. */
static inline guint32
over (guint32 c, guint32 p)
{
  guint32 inv = 255 - (c >> 24);

  /* Channels pairwise (A·G and R·B) in one multiply each: premultiplied sums ≤ 255. */
  return c + (mul_div255_x2 ((p >> 8) & 0x00ff00ff, inv) << 8 |
              mul_div255_x2 (p & 0x00ff00ff, inv));
}

/* Composites the @size × @size disc @src over @canvas with its top-left pixel at (x, y). */
static void
stamp (const Canvas *canvas, const guint32 *src, int size, int x, int y)
{
  int i0 = MAX (0, canvas->x0 - x), i1 = MIN (size, canvas->x1 - x);

  for (int j = MAX (0, canvas->y0 - y); j < size && y + j < canvas->y1; j++)
    {
      const guint32 *sp = src + j * size;
      guint32 *d = (guint32 *) (gpointer) (canvas->data + (gssize) (y + j) * canvas->stride) + x;

      for (int i = i0; i < i1; i++)
        if (sp[i] != 0)
          d[i] = over (sp[i], d[i]);
    }
}

#define MAX_STACK 255

/* A series' disc composited 1 … MAX_STACK times onto itself, made when first needed. */
typedef struct
{
  int size;
  guint32 *stack[MAX_STACK + 1];
} Discs;

static void
discs_init (Discs *d, int size, double radius_px, LvPlotRgba color)
{
  cairo_surface_t *disc = make_disc (size, radius_px, color);
  const guint8 *data = cairo_image_surface_get_data (disc);
  int stride = cairo_image_surface_get_stride (disc);

  memset (d, 0, sizeof *d);
  d->size = size;
  d->stack[1] = g_new (guint32, size * size);
  for (int j = 0; j < size; j++)
    memcpy (d->stack[1] + j * size, data + j * stride, size * sizeof (guint32));
  cairo_surface_destroy (disc);
}

static const guint32 *
discs_get (Discs *d, guint k)
{
  for (guint m = 2; m <= k; m++)
    if (d->stack[m] == NULL)
      {
        d->stack[m] = g_new (guint32, d->size * d->size);
        for (int i = 0; i < d->size * d->size; i++)
          d->stack[m][i] = over (d->stack[1][i], d->stack[m - 1][i]);
      }
  return d->stack[k];
}

static void
discs_clear (Discs *d)
{
  for (guint k = 0; k <= MAX_STACK; k++)
    g_free (d->stack[k]);
}

/* Disc top-left positions are counted on a grid that covers every position from which a
 * disc still touches the canvas: [x0 − size + 1, x1) × [y0 − size + 1, y1). */
typedef struct
{
  int gx0, gy0, gw, gh;
} Grid;

static void
stamp_series (const Canvas *canvas, const Grid *grid, Scratch *scratch, Discs *discs,
              const double *px, const double *py, gsize n)
{
  guint8 *counts = scratch->counts;
  int size = discs->size;

  g_array_set_size (scratch->occupied, 0);
  for (gsize i = 0; i < n; i++)
    {
      double fx = px[i] - size / 2.0, fy = py[i] - size / 2.0;
      int gx, gy;
      guint32 cell;

      if (!(fx > grid->gx0 - 1.0 && fx < grid->gx0 + grid->gw + 1.0 &&
            fy > grid->gy0 - 1.0 && fy < grid->gy0 + grid->gh + 1.0))
        continue;   /* NAN (skipped point) or far outside */
      gx = (int) lround (fx) - grid->gx0;
      gy = (int) lround (fy) - grid->gy0;
      if (gx < 0 || gy < 0 || gx >= grid->gw || gy >= grid->gh)
        continue;
      cell = (guint32) gy * (guint32) grid->gw + (guint32) gx;
      if (counts[cell] == 0)
        g_array_append_val (scratch->occupied, cell);
      else if (counts[cell] == MAX_STACK)
        {
          stamp (canvas, discs_get (discs, MAX_STACK), size, gx + grid->gx0, gy + grid->gy0);
          counts[cell] = 0;
        }
      counts[cell]++;
    }
  for (guint i = 0; i < scratch->occupied->len; i++)
    {
      guint32 cell = g_array_index (scratch->occupied, guint32, i);

      stamp (canvas, discs_get (discs, counts[cell]), size,
             (int) (cell % (guint32) grid->gw) + grid->gx0,
             (int) (cell / (guint32) grid->gw) + grid->gy0);
      counts[cell] = 0;
    }
}

/* Device-pixel positions of the series' points relative to @origin, NAN for skipped ones. */
static void
device_positions (LvPlotFrame *f, const LvPlotScatterModel *model,
                  const LvPlotScatterSeries *se, double scale, double ox, double oy,
                  double *px, double *py)
{
  for (gsize i = 0; i < se->n; i++)
    {
      if (lv_plot_scatter_point_ok (model, se->x[i], se->y[i]))
        {
          px[i] = lv_plot_frame_x (f, se->x[i]) * scale - ox;
          py[i] = lv_plot_frame_y (f, se->y[i]) * scale - oy;
        }
      else
        px[i] = py[i] = NAN;
    }
}

static void
stamp_all (LvPlotFrame *f, const LvPlotScatterModel *model, double r, double scale,
           const Canvas *canvas, double ox, double oy)
{
  int size = (int) ceil (2 * r * scale + 2);
  Grid grid = { canvas->x0 - size + 1, canvas->y0 - size + 1,
                canvas->x1 - canvas->x0 + size - 1, canvas->y1 - canvas->y0 + size - 1 };
  Scratch *scratch = scratch_get ((gsize) grid.gw * (gsize) grid.gh);

  for (gsize s = 0; s < model->n_series; s++)
    {
      const LvPlotScatterSeries *se = &model->series[s];
      LvPlotRgba color = lv_plot_rgba_with_alpha (lv_plot_series_color (f->theme, se->color,
                                                                        (guint) s), 0.75);
      g_autofree double *px = NULL, *py = NULL;
      Discs discs;

      if (se->x == NULL || se->y == NULL || se->n == 0)
        continue;
      px = g_new (double, se->n);
      py = g_new (double, se->n);
      device_positions (f, model, se, scale, ox, oy, px, py);
      discs_init (&discs, size, r * scale, color);
      stamp_series (canvas, &grid, scratch, &discs, px, py, se->n);
      discs_clear (&discs);
    }
}

/*
 * The direct route: @cr draws on an ARGB32/RGB24 image surface with a scale-and-translate
 * transformation and a rectangular clip. Fills @canvas with the plot area (within the clip
 * and the surface) in device pixels, @scale with user → device units and @ox/@oy with the
 * device position of user (0, 0).
 */
static gboolean
direct_canvas (LvPlotFrame *f, Canvas *canvas, double *scale, double *ox, double *oy)
{
  cairo_t *cr = f->cr;
  cairo_surface_t *target = cairo_get_target (cr);
  double ux = 1, uy = 0, vx = 0, vy = 1, x0, y0, x1, y1, cx0, cy0, cx1, cy1;
  double dsx, dsy, dox, doy;
  cairo_rectangle_list_t *clips;
  gboolean rectangular;

  if (cairo_surface_get_type (target) != CAIRO_SURFACE_TYPE_IMAGE ||
      (cairo_image_surface_get_format (target) != CAIRO_FORMAT_ARGB32 &&
       cairo_image_surface_get_format (target) != CAIRO_FORMAT_RGB24))
    return FALSE;
  cairo_user_to_device_distance (cr, &ux, &uy);
  cairo_user_to_device_distance (cr, &vx, &vy);
  cairo_surface_get_device_scale (target, &dsx, &dsy);
  cairo_surface_get_device_offset (target, &dox, &doy);
  /* Clip extents below are in the device space without the device transform: none allowed. */
  if (uy != 0 || vx != 0 || ux <= 0 || ux != vy || dsx != 1 || dsy != 1 || dox != 0 || doy != 0)
    return FALSE;
  *scale = ux;
  *ox = 0;
  *oy = 0;
  cairo_user_to_device (cr, ox, oy);
  x0 = f->area.x * ux + *ox;
  y0 = f->area.y * ux + *oy;
  x1 = x0 + f->area.width * ux;
  y1 = y0 + f->area.height * ux;
  cairo_save (cr);
  cairo_identity_matrix (cr);
  cairo_clip_extents (cr, &cx0, &cy0, &cx1, &cy1);
  cairo_restore (cr);
  /* The clip must be a rectangle: whole pixels (Cairo lists them), or else the plot area the
   * frame clipped to, whose fractional edges Cairo cannot list (its extents are the area
   * rounded out to whole pixels). */
  clips = cairo_copy_clip_rectangle_list (cr);
  rectangular = clips->status == CAIRO_STATUS_SUCCESS ||
                (cx0 == floor (x0) && cy0 == floor (y0) && cx1 == ceil (x1) && cy1 == ceil (y1));
  cairo_rectangle_list_destroy (clips);
  if (!rectangular)
    return FALSE;
  canvas->x0 = (int) MAX (0.0, ceil (MAX (x0, cx0) - 1e-9));
  canvas->y0 = (int) MAX (0.0, ceil (MAX (y0, cy0) - 1e-9));
  canvas->x1 = (int) MIN ((double) cairo_image_surface_get_width (target), floor (MIN (x1, cx1) + 1e-9));
  canvas->y1 = (int) MIN ((double) cairo_image_surface_get_height (target), floor (MIN (y1, cy1) + 1e-9));
  canvas->data = cairo_image_surface_get_data (target);
  canvas->stride = cairo_image_surface_get_stride (target);
  return canvas->data != NULL;
}

/**
 * lv_plot_scatter_stamp_markers: (skip)
 * @r: the marker radius in user units
 *
 * Draws @model's markers as stamped discs (see above) in @f's plot area.
 */
void
lv_plot_scatter_stamp_markers (LvPlotFrame               *f,
                               const LvPlotScatterModel  *model,
                               double                     r)
{
  cairo_t *cr = f->cr;
  Canvas canvas;
  double scale = 1, sy = 1, ox, oy;
  cairo_surface_t *layer;

  if (direct_canvas (f, &canvas, &scale, &ox, &oy))
    {
      if (canvas.x1 <= canvas.x0 || canvas.y1 <= canvas.y0)
        return;
      cairo_surface_flush (cairo_get_target (cr));
      stamp_all (f, model, r, scale, &canvas, -ox, -oy);
      cairo_surface_mark_dirty_rectangle (cairo_get_target (cr), canvas.x0, canvas.y0,
                                          canvas.x1 - canvas.x0, canvas.y1 - canvas.y0);
      return;
    }
  /* Any other target: a layer of the plot area at the device scale, placed at a whole device
   * pixel of user space (no resampling when the transformation is a whole-pixel shift, as
   * GTK's is). */
  cairo_surface_get_device_scale (cairo_get_target (cr), &scale, &sy);
  scale = MAX (scale, sy);
  ox = floor (f->area.x * scale);   /* the layer's origin in device pixels of user space */
  oy = floor (f->area.y * scale);
  canvas.x0 = canvas.y0 = 0;
  canvas.x1 = (int) ceil (f->area.width * scale) + 2;
  canvas.y1 = (int) ceil (f->area.height * scale) + 2;
  layer = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, canvas.x1, canvas.y1);
  canvas.data = cairo_image_surface_get_data (layer);
  canvas.stride = cairo_image_surface_get_stride (layer);
  stamp_all (f, model, r, scale, &canvas, ox, oy);
  cairo_surface_mark_dirty (layer);
  cairo_surface_set_device_scale (layer, scale, scale);
  cairo_set_source_surface (cr, layer, ox / scale, oy / scale);
  cairo_paint (cr);
  cairo_surface_destroy (layer);
}
