/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-file-util.h>
#include <lossviz/lv-plot.h>

#include "lv-plot-private.h"

/* Largest accepted export side, in px or pt: keeps a typo from allocating gigabytes. */
#define MAX_SIDE 20000.0

/* What the next exports say about themselves (lv_plot_export_set_metadata()); main thread. */
static char *export_title;
static char *export_description;

/**
 * lv_plot_export_set_metadata:
 * @title: (nullable): the figure's title, e.g. "LossViz: loss distribution"
 * @description: (nullable): the settings that made it, one line
 *
 * Makes the following SVG and PDF exports record @title and @description (SVG: &lt;title&gt;
 * and &lt;desc&gt;; PDF: Title and Subject), until changed. %NULL clears. Not thread-safe: call
 * from the thread that exports.
 */
void
lv_plot_export_set_metadata (const char *title,
                             const char *description)
{
  g_free (export_title);
  g_free (export_description);
  export_title = g_strdup (title);
  export_description = g_strdup (description);
}

/**
 * lv_plot_format_from_path:
 * @path: a file name
 * @format: (out): the format its extension names
 * @error: return location for a #GError
 *
 * Picks the export format from the extension (.png, .svg, .pdf, any case).
 *
 * Returns: %TRUE on success; %FALSE with %LV_ERROR_INVALID_INPUT for any other extension
 */
gboolean
lv_plot_format_from_path (const char   *path,
                          LvPlotFormat *format,
                          GError      **error)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".png"))
    *format = LV_PLOT_FORMAT_PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    *format = LV_PLOT_FORMAT_SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    *format = LV_PLOT_FORMAT_PDF;
  else
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "unknown figure format for '%s' (use .png, .svg or .pdf)", path);
      return FALSE;
    }
  return TRUE;
}

/* A write error (full disk, file-size limit) is a run-time failure like any other write. */
static gboolean
check_status (cairo_status_t status,
              const char    *path,
              GError       **error)
{
  int saved = errno;

  if (status == CAIRO_STATUS_WRITE_ERROR)
    {
      lv_file_set_write_error (error, path, saved != 0 ? saved : EIO);
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "cannot write '%s': %s", path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_surface (cairo_surface_t *surface,
               const char      *path,
               GError         **error)
{
  return check_status (cairo_surface_status (surface), path, error);
}

/*
 * Cairo writes SVG text as glyph outlines. To keep exported figures searchable and readable by
 * screen readers (and testable), an invisible <text> layer with every string the renderer drew
 * is inserted before </svg>, at the positions recorded while drawing.
 */
static gboolean
add_svg_text_layer (LvAtomicFile *file,
                    const char *path,
                    GPtrArray  *items,
                    GError    **error)
{
  g_autofree char *svg = NULL;
  g_autoptr(GString) out = NULL;
  g_autoptr(GError) local = NULL;
  const char *end;
  gsize len;

  if (!g_file_get_contents (lv_atomic_file_get_temp_path (file), &svg, &len, &local))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "cannot write '%s': %s", path, local->message);
      return FALSE;
    }
  end = g_strrstr (svg, "</svg>");
  if (end == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "cannot write '%s': malformed SVG output", path);
      return FALSE;
    }
  out = g_string_new_len (svg, end - svg);
  if (export_title != NULL || export_description != NULL)
    {
      g_autofree char *title = g_markup_escape_text (export_title ? export_title : "", -1);
      g_autofree char *desc = g_markup_escape_text (export_description ? export_description : "",
                                                    -1);

      g_string_append_printf (out, "<title>%s</title>\n<desc>%s</desc>\n", title, desc);
    }
  g_string_append (out, "<g id=\"lossviz-text\" fill-opacity=\"0\" "
                        "font-family=\"DejaVu Sans, sans-serif\">\n");
  for (guint i = 0; i < items->len; i++)
    {
      const LvPlotTextItem *item = g_ptr_array_index (items, i);
      g_autofree char *escaped = g_markup_escape_text (item->text, -1);
      char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE], fs[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (x, sizeof x, "%.2f", item->extents.x);
      g_ascii_formatd (y, sizeof y, "%.2f", item->extents.y + 0.8 * item->extents.height);
      g_ascii_formatd (fs, sizeof fs, "%.2f", item->font_size);
      g_string_append_printf (out, "<text x=\"%s\" y=\"%s\" font-size=\"%s\">%s</text>\n", x, y,
                              fs, escaped);
    }
  g_string_append (out, "</g>\n");
  g_string_append (out, end);
  return lv_atomic_file_set_contents (file, out->str, out->len, error);
}

static gboolean
render_to (LvPlotFormat   format,
           LvPlotDrawFunc draw,
           gconstpointer  model,
           LvAtomicFile  *file,
           const char    *path,
           double         width,
           double         height,
           double         dpi,
           GError       **error)
{
  g_autoptr(cairo_surface_t) surface = NULL;
  g_autoptr(cairo_t) cr = NULL;
  g_autoptr(GPtrArray) items = NULL;
  double scale = dpi / 96.0;
  const char *tmp = lv_atomic_file_get_temp_path (file);

  if (format == LV_PLOT_FORMAT_PNG)
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceil (width),
                                          (int) ceil (height));
  else if (format == LV_PLOT_FORMAT_SVG)
    {
      surface = cairo_svg_surface_create (tmp, width, height);
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PT);
    }
  else
    surface = cairo_pdf_surface_create (tmp, width, height);
  if (!check_surface (surface, path, error))
    return FALSE;
  if (format == LV_PLOT_FORMAT_PDF)
    {
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "LossViz");
      if (export_title != NULL)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, export_title);
      if (export_description != NULL)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT,
                                        export_description);
    }

  cr = cairo_create (surface);
  if (format == LV_PLOT_FORMAT_SVG)
    lv_plot_text_record_begin (cr);
  if (format == LV_PLOT_FORMAT_PNG)
    {
      /* PNG: @width × @height pixels showing the figure laid out for 96/dpi of that size. */
      cairo_scale (cr, scale, scale);
      draw (cr, model, width / scale, height / scale);
    }
  else
    draw (cr, model, width, height);
  if (format == LV_PLOT_FORMAT_SVG)
    items = lv_plot_text_record_end (cr);
  g_clear_pointer (&cr, cairo_destroy);

  if (format == LV_PLOT_FORMAT_PNG)
    {
      errno = 0;
      return check_status (cairo_surface_write_to_png (surface, tmp), path, error);
    }
  cairo_surface_finish (surface);
  if (!check_surface (surface, path, error))
    return FALSE;
  if (format == LV_PLOT_FORMAT_SVG)
    return add_svg_text_layer (file, path, items, error);
  return TRUE;
}

/**
 * lv_plot_export:
 * @draw: the figure's renderer, e.g. `(LvPlotDrawFunc) lv_plot_histogram_draw`
 * @model: the figure model passed to @draw
 * @path: target file; the extension (.png, .svg, .pdf, any case) picks the format
 * @width: width: pixels for PNG, points for SVG and PDF
 * @height: height, in the same unit
 * @dpi: PNG only: resolution the layout is designed for, 96 = one user unit per pixel; 192 draws
 *   fonts and lines twice as large in pixels. 0 means 96. Ignored for vector formats.
 * @error: return location for a #GError
 *
 * Draws a figure into a file. The file is written to a temporary file in the same directory and
 * renamed over @path only when complete, so a failed export leaves an existing file untouched.
 * SVG files get an invisible text layer with every label, so they are searchable.
 *
 * Returns: %TRUE on success; %FALSE with %LV_ERROR_INVALID_INPUT (unknown extension, bad size or
 *   DPI) or %LV_ERROR_IO (cannot write)
 */
gboolean
lv_plot_export (LvPlotDrawFunc draw,
                gconstpointer  model,
                const char    *path,
                double         width,
                double         height,
                double         dpi,
                GError       **error)
{
  LvPlotFormat format;
  LvAtomicFile *file;

  g_return_val_if_fail (draw != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!lv_plot_format_from_path (path, &format, error))
    return FALSE;
  if (!isfinite (width) || !isfinite (height) || width < 1 || height < 1 || width > MAX_SIDE
      || height > MAX_SIDE)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "figure size %g×%g out of range (1 to %g)", width, height, MAX_SIDE);
      return FALSE;
    }
  if (dpi == 0)
    dpi = 96.0;
  if (!isfinite (dpi) || dpi < 10 || dpi > 2400)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "DPI %g out of range (10 to 2400)",
                   dpi);
      return FALSE;
    }
  /* The core's atomic writer: Cairo writes the temporary by name, the commit renames it. */
  file = lv_atomic_file_begin (path, error);
  if (file == NULL)
    return FALSE;
  if (!render_to (format, draw, model, file, path, width, height, dpi, error))
    {
      lv_atomic_file_abort (file);
      return FALSE;
    }
  return lv_atomic_file_commit (file, error);
}

/**
 * lv_plot_write_text_file:
 * @path: target file
 * @contents: (array length=length): bytes to write
 * @length: number of bytes
 * @error: return location for a #GError
 *
 * Writes a file with the core's atomic writer, lv_file_write_atomic(): temporary file, fsync,
 * rename; symbolic links followed, special files refused, permission bits kept.
 *
 * Returns: %TRUE on success; %FALSE with %LV_ERROR_IO, %LV_ERROR_INVALID_INPUT or
 *   %LV_ERROR_FAILED (full disk)
 */
gboolean
lv_plot_write_text_file (const char *path,
                         const char *contents,
                         gsize       length,
                         GError    **error)
{
  return lv_file_write_atomic (path, contents, length, error);
}

/* RFC 4180 field: quoted when it contains a separator, quote or line break. */
void
lv_plot_csv_field (GString    *out,
                   const char *text)
{
  if (text == NULL)
    text = "";
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* Round-trip precision, locale independent; NaN/Inf written as "nan", "inf", "-inf". */
void
lv_plot_csv_double (GString *out,
                    double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    g_string_append (out, "nan");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "inf" : "-inf");
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.17g", value));
}

gboolean
lv_plot_csv_finish (GString    *out,
                    const char *path,
                    GError    **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  return lv_plot_write_text_file (path, out->str, out->len, error);
}

/**
 * lv_plot_sibling_path:
 * @path: a figure file, e.g. "out/fig.svg"
 * @suffix: what replaces its extension, e.g. ".csv" or "-network.csv"
 *
 * The name of a file that goes next to an exported figure: the extension of the last path
 * component is replaced by @suffix ("out/fig.svg" → "out/fig.csv"), or @suffix is appended when
 * there is none.
 *
 * Returns: (transfer full): the new path
 */
char *
lv_plot_sibling_path (const char *path,
                      const char *suffix)
{
  const char *dot = strrchr (path, '.');
  const char *slash = strrchr (path, G_DIR_SEPARATOR);

  if (dot != NULL && (slash == NULL || dot > slash))
    return g_strdup_printf ("%.*s%s", (int) (dot - path), path, suffix);
  return g_strconcat (path, suffix, NULL);
}

/* Shared by the figure builders' export: the grid to @path, then the data behind it through
 * @write_csv to the same name with the extension replaced by `.csv` (appended when @path has
 * none). */
gboolean
lv_plot_export_grid_with_csv (const LvPlotGridModel *grid,
                              const char            *path,
                              double                 width,
                              double                 height,
                              LvPlotCsvWriter        write_csv,
                              gpointer               figures,
                              GError               **error)
{
  g_autofree char *csv = lv_plot_sibling_path (path, ".csv");

  if (!lv_plot_export ((LvPlotDrawFunc) lv_plot_grid_draw, grid, path, width, height, 96.0,
                       error))
    return FALSE;
  return write_csv (figures, csv, error);
}
