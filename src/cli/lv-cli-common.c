/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-json-write.h>
#include <lossviz/lv-stats.h>

#include "lv-cli-common.h"

int
lv_cli_fail_message (int exit_code, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;
  g_autofree char *one_line = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* The contract is one line of UTF-8 on stderr: fold any embedded newlines, and replace bytes
   * that are not UTF-8 (from a file name or option) by U+FFFD. */
  one_line = g_strdelimit (g_utf8_make_valid (message, -1), "\n\r", ' ');
  fprintf (stderr, "lossviz-cli: error: %s\n", one_line);
  return exit_code;
}

int
lv_cli_fail (const GError *error)
{
  gboolean bad_input = error->domain == G_OPTION_ERROR ||
                       (error->domain == LV_ERROR && (error->code == LV_ERROR_INVALID_INPUT ||
                                                      error->code == LV_ERROR_IO)) ||
                       error->domain == G_FILE_ERROR || error->domain == G_IO_ERROR ||
                       error->domain == JSON_PARSER_ERROR || error->domain == G_KEY_FILE_ERROR;

  return lv_cli_fail_message (bad_input ? LV_CLI_EXIT_BAD_INPUT : LV_CLI_EXIT_RUNTIME, "%s",
                              error->message);
}

gboolean
lv_cli_parse (GOptionContext *context, int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      lv_cli_fail (error);
      return FALSE;
    }
  if (*argc > 1)
    {
      lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "unexpected argument '%s'", (*argv)[1]);
      return FALSE;
    }
  return TRUE;
}

void
lv_cli_default_string (char **option, const char *value)
{
  if (*option == NULL)
    *option = g_strdup (value);
}

void
lv_cli_print_json (JsonNode *root)
{
  g_autofree char *text = lv_json_to_string (root, 0);

  printf ("%s\n", text);
  fflush (stdout);
}

gboolean
lv_cli_parse_uint_list (const char *text, const char *what, guint max_items, guint min_value,
                        guint max_value, guint *out, guint *n_out, GError **error)
{
  g_auto(GStrv) parts = NULL;
  guint n = 0;

  if (text == NULL || *text == '\0')
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: empty list", what);
      return FALSE;
    }
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 value;
      g_autoptr(GError) local = NULL;
      char *item = g_strstrip (parts[i]);

      if (n >= max_items)
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: more than %u values", what,
                       max_items);
          return FALSE;
        }
      if (!g_ascii_string_to_unsigned (item, 10, min_value, max_value, &value, &local))
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                       "%s: '%s' is not a whole number from %u to %u", what, item, min_value,
                       max_value);
          return FALSE;
        }
      out[n++] = (guint) value;
    }
  *n_out = n;
  return TRUE;
}

gboolean
lv_cli_parse_double_list (const char *text, const char *what, GArray *out, GError **error)
{
  g_auto(GStrv) parts = NULL;

  if (text == NULL || *text == '\0')
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: empty list", what);
      return FALSE;
    }
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *item = g_strstrip (parts[i]);
      char *end = NULL;
      double value;

      errno = 0;
      value = g_ascii_strtod (item, &end);
      if (*item == '\0' || end == NULL || *end != '\0' || errno != 0 || !isfinite (value))
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: '%s' is not a finite number",
                       what, item);
          return FALSE;
        }
      g_array_append_val (out, value);
    }
  return TRUE;
}

gboolean
lv_cli_parse_size (const char *text, guint *width, guint *height, GError **error)
{
  guint64 w, h;
  g_auto(GStrv) parts = g_strsplit (text, "x", 3);

  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 16, 20000, &w, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 16, 20000, &h, NULL))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--plot-size: '%s' is not WIDTHxHEIGHT with sides from 16 to 20000", text);
      return FALSE;
    }
  *width = (guint) w;
  *height = (guint) h;
  return TRUE;
}

gboolean
lv_cli_check_double (const char *option, double value, double min, double max, GError **error)
{
  if (!isfinite (value) || value < min || value > max)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: %g is outside [%g, %g]", option,
                   value, min, max);
      return FALSE;
    }
  return TRUE;
}

gboolean
lv_cli_check_int (const char *option, gint64 value, gint64 min, gint64 max, GError **error)
{
  if (value < min || value > max)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: %" G_GINT64_FORMAT " is outside [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                   "]", option, value, min, max);
      return FALSE;
    }
  return TRUE;
}

/* JSON has no NaN or infinity: a value that is not finite is written as null. */
static void
add_finite_or_null (JsonBuilder *builder, double value)
{
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
lv_cli_add_double (JsonBuilder *builder, const char *name, double value)
{
  json_builder_set_member_name (builder, name);
  add_finite_or_null (builder, value);
}

void
lv_cli_add_double_array (JsonBuilder *builder, const char *name, const double *values, gsize n)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (gsize i = 0; i < n; i++)
    add_finite_or_null (builder, values[i]);
  json_builder_end_array (builder);
}

void
lv_cli_add_summary (JsonBuilder *builder, const char *name, const double *values, gsize n)
{
  LvSummary s;

  lv_summary_compute (values, n, &s);
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  lv_cli_add_double (builder, "mean", s.mean);
  lv_cli_add_double (builder, "std", s.std);
  lv_cli_add_double (builder, "min", s.min);
  lv_cli_add_double (builder, "median", s.median);
  lv_cli_add_double (builder, "max", s.max);
  json_builder_end_object (builder);
}
