/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include "lv-fuzz-targets.h"

#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include <lossviz/lv-json-write.h>

#include "lv-cli-matrix.h"

/*
 * The parsers and writers of issue 16 (reliability II): the CSV matrix reader of `certify`, and
 * LossViz's own JSON writer behind the depth check that guards json-glib's parser.
 */

void
lv_fuzz_matrix_csv (const guint8 *data, gsize size)
{
  g_autoptr(GError) error = NULL;
  guint rows = 0, cols = 0;
  g_autofree double *m = lv_cli_matrix_parse_csv ((const char *) data, size, "fuzz", &rows, &cols,
                                                  &error);

  /* Either a whole, finite, rectangular matrix within the limits, or an error: never both. */
  if ((m == NULL) == (error == NULL))
    abort ();
  if (m == NULL)
    return;
  if (rows == 0 || cols == 0 || rows > LV_CLI_MATRIX_MAX_SIDE || cols > LV_CLI_MATRIX_MAX_SIDE)
    abort ();
  for (gsize i = 0; i < (gsize) rows * cols; i++)
    if (!(m[i] - m[i] == 0)) /* finite */
      abort ();
}

static char *
write_json (const char *text, gsize len, guint indent)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, text, (gssize) len, NULL))
    return NULL;
  return lv_json_to_string (json_parser_get_root (parser), indent);
}

/* Any JSON text json-glib accepts (after the depth check) is written as valid UTF-8 JSON that
 * json-glib reads back, and writing that again gives the same text (numbers round-trip). */
void
lv_fuzz_json_write (const guint8 *data, gsize size)
{
  guint indent = size % 3;
  g_autofree char *once = NULL, *twice = NULL;

  if (!lv_json_check_depth ((const char *) data, (gssize) size, LV_JSON_MAX_DEPTH, "fuzz", NULL))
    return;
  once = write_json ((const char *) data, size, indent);
  if (once == NULL)
    return;
  if (!g_utf8_validate (once, -1, NULL))
    abort ();
  twice = write_json (once, strlen (once), indent);
  if (twice == NULL || strcmp (once, twice) != 0)
    abort ();
}
