/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-dataset-io.h>

#include <math.h>
#include <string.h>

#include <lossviz/lv-error.h>

#include "lv-core-resources.h"
#include "lv-dataset-private.h"

/*
 * CSV: comma-separated numeric columns, the class label last as a non-negative integer, one
 * sample per line. An optional first row with a non-numeric cell is a header. Blank lines are
 * skipped, "\r\n" is accepted, cells may be surrounded by spaces or double quotes. Rows and
 * columns in messages count from 1, rows as lines of the file.
 */

#define DIGITS_RESOURCE "/io/github/lossviz/LossViz/data/digits.csv.gz"
#define MAX_LABEL 65535u
/* Largest inflated CSV text accepted: far above any dataset within LV_DATASET_MAX_VALUES. */
#define MAX_CSV_TEXT ((gsize) G_MAXUINT32)

typedef struct {
  const char *p;
  gsize       len;
} Cell;

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

/* Trims blanks and one pair of surrounding double quotes. */
static Cell
trim_cell (const char *p,
           gsize       len)
{
  Cell cell = { p, len };

  while (cell.len > 0 && is_blank (cell.p[0]))
    cell.p++, cell.len--;
  while (cell.len > 0 && is_blank (cell.p[cell.len - 1]))
    cell.len--;
  if (cell.len >= 2 && cell.p[0] == '"' && cell.p[cell.len - 1] == '"')
    cell.p++, cell.len -= 2;
  return cell;
}

/* Parses a whole cell as a number with g_ascii_strtod (locale-independent). The cell is copied
 * first because the buffer is not NUL-terminated and may contain anything. */
static gboolean
parse_number (Cell    cell,
              double *value)
{
  char stack_buf[128];
  g_autofree char *heap_buf = NULL;
  char *buf = stack_buf;
  char *end = NULL;

  if (cell.len == 0 || memchr (cell.p, '\0', cell.len) != NULL)
    return FALSE;
  if (cell.len >= sizeof stack_buf)
    buf = heap_buf = g_malloc (cell.len + 1);
  memcpy (buf, cell.p, cell.len);
  buf[cell.len] = '\0';
  /* g_ascii_strtod skips leading space itself; the cell is trimmed already, so a leading space
   * here could only be a vertical tab or form feed: reject. */
  if (g_ascii_isspace (buf[0]))
    return FALSE;
  *value = g_ascii_strtod (buf, &end);
  return end == buf + cell.len;
}

/* Splits one line at its commas into trimmed cells. */
static GArray *
split_line (const char *line,
            gsize       len)
{
  GArray *cells = g_array_new (FALSE, FALSE, sizeof (Cell));
  gsize start = 0;

  for (gsize i = 0; i <= len; i++)
    if (i == len || line[i] == ',')
      {
        Cell cell = trim_cell (line + start, i - start);
        g_array_append_val (cells, cell);
        start = i + 1;
      }
  return cells;
}

static gboolean
line_is_blank (const char *line,
               gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!is_blank (line[i]))
      return FALSE;
  return TRUE;
}

/* Parses one data row into @features / @labels. */
static gboolean
parse_row (const char *name,
           guint64     row,
           GArray     *cells,
           GArray     *features,
           GArray     *labels,
           GError    **error)
{
  guint n_cols = cells->len;
  double value = 0.0;
  guint32 label;

  for (guint c = 0; c < n_cols; c++)
    {
      Cell cell = g_array_index (cells, Cell, c);
      float f;

      if (!parse_number (cell, &value))
        {
          g_autofree char *shown = g_strndup (cell.p, MIN (cell.len, 40));
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                       "%s: row %" G_GUINT64_FORMAT ", column %u: '%s' is not a number",
                       name, row, c + 1, g_str_is_ascii (shown) ? shown : "(binary)");
          return FALSE;
        }
      if (!isfinite (value))
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                       "%s: non-finite value at row %" G_GUINT64_FORMAT ", column %u",
                       name, row, c + 1);
          return FALSE;
        }
      if (c + 1 < n_cols)
        {
          f = (float) value;
          if (!isfinite (f))
            {
              g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                           "%s: value %g at row %" G_GUINT64_FORMAT ", column %u is out of the "
                           "single-precision range", name, value, row, c + 1);
              return FALSE;
            }
          g_array_append_val (features, f);
        }
    }
  if (value < 0 || value != floor (value) || value > MAX_LABEL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: row %" G_GUINT64_FORMAT ": label %g out of range (labels are integers "
                   "in [0, %u], in the last column)", name, row, value, MAX_LABEL);
      return FALSE;
    }
  label = (guint32) value;
  g_array_append_val (labels, label);
  return TRUE;
}

static gboolean
row_is_numeric (GArray *cells)
{
  double value;

  for (guint c = 0; c < cells->len; c++)
    if (!parse_number (g_array_index (cells, Cell, c), &value))
      return FALSE;
  return TRUE;
}

static LvDataset *
parse_csv_text (const char *name,
                const char *data,
                gsize       len,
                GError    **error)
{
  g_autoptr(GArray) features = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(LvDataset) dataset = NULL;
  guint n_cols = 0;
  guint64 row = 0;
  gsize pos = 0;
  gboolean first = TRUE;

  /* A UTF-8 byte-order mark would make the first row look like a header, and vanish. */
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    pos = 3;
  while (pos < len)
    {
      const char *nl = memchr (data + pos, '\n', len - pos);
      gsize line_len = nl != NULL ? (gsize) (nl - (data + pos)) : len - pos;
      const char *line = data + pos;
      g_autoptr(GArray) cells = NULL;

      pos += line_len + 1;
      row++;
      if (line_is_blank (line, line_len))
        continue;
      cells = split_line (line, line_len);
      if (first)
        {
          first = FALSE;
          n_cols = cells->len;
          if (n_cols < 2)
            {
              g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                           "%s: row %" G_GUINT64_FORMAT " has %u column; expected at least 2 "
                           "(features, then the label)", name, row, n_cols);
              return NULL;
            }
          if (!row_is_numeric (cells))
            continue;  /* the header */
        }
      if (cells->len != n_cols)
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                       "%s: row %" G_GUINT64_FORMAT " has %u columns, expected %u",
                       name, row, cells->len, n_cols);
          return NULL;
        }
      if (labels->len >= LV_DATASET_MAX_VALUES / (n_cols - 1))
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                       "%s: too large (more than %" G_GUINT64_FORMAT " values)",
                       name, LV_DATASET_MAX_VALUES);
          return NULL;
        }
      if (!parse_row (name, row, cells, features, labels, error))
        return NULL;
    }

  if (labels->len == 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: empty dataset (no data rows)",
                   name);
      return NULL;
    }
  dataset = lv_dataset_alloc (name, n_cols - 1, labels->len, 0, FALSE, error);
  if (dataset == NULL)
    return NULL;
  memcpy (dataset->x_train, features->data, sizeof (float) * features->len);
  memcpy (dataset->y_train, labels->data, sizeof (guint32) * labels->len);
  dataset->n_classes = lv_dataset_count_classes (dataset);
  return g_steal_pointer (&dataset);
}

/**
 * lv_dataset_parse_csv_buffer:
 * @name: the source's name, for messages.
 * @data: (array length=len): CSV text, plain or gzip.
 * @len: its length.
 * @error: return location for an error.
 *
 * Parses a CSV table from memory: numeric columns, the label last as a non-negative integer,
 * an optional non-numeric header row; the number of classes is the largest label + 1. Ragged
 * rows, non-numeric cells and non-finite values are errors naming the row and column.
 *
 * Returns: (transfer full) (nullable): the samples (all in the training part), or %NULL with an
 *   %LV_ERROR_INVALID_INPUT error.
 */
LvDataset *
lv_dataset_parse_csv_buffer (const char *name,
                             const char *data,
                             gsize       len,
                             GError    **error)
{
  g_autoptr(GBytes) text = NULL;
  gsize text_len;
  const char *text_data;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (!lv_dataset_is_gzip ((const guint8 *) data, len))
    return parse_csv_text (name, data, len, error);
  text = lv_dataset_gunzip (name, (const guint8 *) data, len, MAX_CSV_TEXT, error);
  if (text == NULL)
    return NULL;
  text_data = g_bytes_get_data (text, &text_len);
  return parse_csv_text (name, text_data, text_len, error);
}

LvDataset *
lv_dataset_load_csv_file (const char *spec,
                          const char *path,
                          GError    **error)
{
  g_autoptr(GBytes) bytes = lv_dataset_read_file (path, error);
  const char *data;
  gsize len;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  return lv_dataset_parse_csv_buffer (path, data, len, error);
}

/* The embedded UCI optical digits (data/digits.csv.gz, compiled into the core). Going through
 * lv_core_get_resource() rather than the global resource table also keeps the linker from
 * dropping the resource object out of the static library. */
LvDataset *
lv_dataset_load_digits (GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = g_resource_lookup_data (lv_core_get_resource (), DIGITS_RESOURCE,
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
  g_autoptr(LvDataset) dataset = NULL;
  const char *data;
  gsize len;

  if (bytes == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "digits: embedded data missing: %s",
                   local_error->message);
      return NULL;
    }
  data = g_bytes_get_data (bytes, &len);
  dataset = lv_dataset_parse_csv_buffer ("digits", data, len, error);
  if (dataset == NULL)
    return NULL;
  if (dataset->n_inputs != 64)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                   "digits: embedded data has %u inputs, expected 64", dataset->n_inputs);
      return NULL;
    }
  dataset->image_width = 8;
  dataset->image_height = 8;
  return g_steal_pointer (&dataset);
}
