/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <math.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-file-util.h>
#include <lossviz/lv-plot.h>
#include <lossviz/lv-worker-pool.h>

#include "lv-cli-common.h"
#include "lv-cli-validate.h"

gboolean
lv_cli_check_output (const char *option, const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (lv_file_check_output (path, &local))
    return TRUE;
  g_set_error (error, local->domain, local->code, "%s: %s", option, local->message);
  return FALSE;
}

gboolean
lv_cli_check_figure_output (const char *option, const char *path, const char *size,
                            gboolean with_csv, GError **error)
{
  LvPlotFormat format;
  guint width, height;
  g_autofree char *csv = NULL;

  if (!lv_plot_format_from_path (path, &format, error) ||
      (size != NULL && !lv_cli_parse_size (size, &width, &height, error)) ||
      !lv_cli_check_output (option, path, error))
    return FALSE;
  if (!with_csv)
    return TRUE;
  csv = lv_plot_sibling_path (path, ".csv");
  return lv_cli_check_output (option, csv, error);
}

/* Adds "(0 = the default)" to the range error lv_cli_check_double/int() just set. */
static gboolean
note_default (GError **error)
{
  if (error != NULL && *error != NULL)
    {
      char *message = g_strconcat ((*error)->message, " (0 = the default)", NULL);

      g_free ((*error)->message);
      (*error)->message = message;
    }
  return FALSE;
}

gboolean
lv_cli_check_double_or_default (const char *option, double value, double min, double max,
                                GError **error)
{
  return value == 0.0 || lv_cli_check_double (option, value, min, max, error) ||
         note_default (error);
}

gboolean
lv_cli_check_int_or_default (const char *option, gint64 value, gint64 min, gint64 max,
                             GError **error)
{
  return value == 0 || lv_cli_check_int (option, value, min, max, error) || note_default (error);
}

gboolean
lv_cli_check_threads (gint64 threads, GError **error)
{
  return lv_cli_check_int_or_default ("--threads", threads, 1, LV_WORKER_POOL_MAX_THREADS,
                                      error);
}

gboolean
lv_cli_check_utf8 (const char *option, const char *text, GError **error)
{
  if (text == NULL || g_utf8_validate (text, -1, NULL))
    return TRUE;
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: the text is not valid UTF-8",
               option);
  return FALSE;
}
