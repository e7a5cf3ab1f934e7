/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-file-util.h>

#include "lv-cli-matrix.h"

/* A CSV matrix file is at most 1000 × 1000 numbers: 64 MB leaves room for 60 bytes each. */
#define MAX_FILE_BYTES ((gsize) 64 << 20)

static gboolean
parse_field (char *field, const char *name, guint row, guint col, double *out, GError **error)
{
  char *end = NULL;

  field = g_strstrip (field);
  errno = 0;
  *out = g_ascii_strtod (field, &end);
  if (*field == '\0' || end == NULL || *end != '\0' || (errno == ERANGE && fabs (*out) > 1)
      || !isfinite (*out))
    {
      g_autofree char *shown = g_utf8_make_valid (field, -1);
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: row %u, column %u: '%s' is not a finite number", name, row, col, shown);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_line (char *line, const char *name, guint m, guint *n, GArray *values, GError **error)
{
  g_auto(GStrv) fields = g_strsplit (line, ",", -1);
  guint count = g_strv_length (fields);

  if (m == 0)
    *n = count;
  else if (count != *n)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: row %u has %u values, expected %u (the matrix must be rectangular)",
                   name, m + 1, count, *n);
      return FALSE;
    }
  if (count > LV_CLI_MATRIX_MAX_SIDE || m + 1 > LV_CLI_MATRIX_MAX_SIDE)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: the matrix is larger than %u × %u", name, LV_CLI_MATRIX_MAX_SIDE,
                   LV_CLI_MATRIX_MAX_SIDE);
      return FALSE;
    }
  for (guint c = 0; c < count; c++)
    {
      double v;
      if (!parse_field (fields[c], name, m + 1, c + 1, &v, error))
        return FALSE;
      g_array_append_val (values, v);
    }
  return TRUE;
}

double *
lv_cli_matrix_parse_csv (const char *text, gsize length, const char *name, guint *rows,
                         guint *cols, GError **error)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;
  guint m = 0, n = 0;

  /* g_strsplit stops at a NUL byte: every row after it would vanish silently. */
  if (memchr (text, '\0', length) != NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: a NUL byte at offset %" G_GSIZE_FORMAT " (not a text file)", name,
                   (gsize) ((const char *) memchr (text, '\0', length) - text));
      return NULL;
    }
  if (length >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    text += 3, length -= 3;
  copy = g_strndup (text, length);
  lines = g_strsplit_set (copy, "\n", -1);
  for (guint li = 0; lines[li] != NULL; li++)
    {
      char *line = g_strstrip (lines[li]);

      if (*line == '\0')
        continue;
      if (!parse_line (line, name, m, &n, values, error))
        return NULL;
      m++;
    }
  if (m == 0 || n == 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: empty matrix", name);
      return NULL;
    }
  *rows = m;
  *cols = n;
  return (double *) g_array_free (g_steal_pointer (&values), FALSE);
}

double *
lv_cli_matrix_read_csv (const char *path, guint *rows, guint *cols, GError **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!lv_file_read_regular (path, MAX_FILE_BYTES, &text, &length, error))
    return NULL;
  return lv_cli_matrix_parse_csv (text, length, path, rows, cols, error);
}
