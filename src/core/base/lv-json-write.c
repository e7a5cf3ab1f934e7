/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-json-write.h>

/*
 * json-glib 1.6 prints a double with "%.17g" and then appends ".0" when the text has no '.',
 * which turns 1e-08 into the invalid "1e-08.0". LossViz therefore writes JSON itself: this file
 * walks a JsonNode tree and prints every number in the shortest form that reads back exactly.
 */

const char *
lv_json_format_double (char *buf, gsize size, double value)
{
  static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };

  g_return_val_if_fail (size >= LV_JSON_DOUBLE_BUF_SIZE, NULL);
  if (!isfinite (value))
    {
      g_strlcpy (buf, "null", size);
      return buf;
    }
  /* %.17g always round-trips (IEEE 754 double); fewer digits are kept when they read back the
   * same, and the shortest text wins (%.17g of 18080535009684992 beats %.16g's exponent form). */
  g_ascii_formatd (buf, (int) size, formats[2], value);
  for (guint i = 0; i < 2; i++)
    {
      char candidate[LV_JSON_DOUBLE_BUF_SIZE];

      g_ascii_formatd (candidate, sizeof candidate, formats[i], value);
      if (g_ascii_strtod (candidate, NULL) == value && strlen (candidate) < strlen (buf))
        {
          g_strlcpy (buf, candidate, size);
          break;
        }
    }
  return buf;
}

static void
append_string (GString *out, const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);

  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
append_value (GString *out, JsonNode *node)
{
  char buf[LV_JSON_DOUBLE_BUF_SIZE];

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      g_string_append (out, lv_json_format_double (buf, sizeof buf, json_node_get_double (node)));
      break;
    case G_TYPE_BOOLEAN:
      g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      break;
    case G_TYPE_STRING:
      append_string (out, json_node_get_string (node));
      break;
    default:
      g_string_append (out, "null");
      break;
    }
}

static void
newline (GString *out, guint indent, guint level)
{
  if (indent == 0)
    return;
  g_string_append_c (out, '\n');
  for (guint i = 0; i < indent * level; i++)
    g_string_append_c (out, ' ');
}

static void append_node (GString *out, JsonNode *node, guint indent, guint level);

static void
append_object (GString *out, JsonObject *object, guint indent, guint level)
{
  g_autoptr(GList) members = json_object_get_members (object);
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  /* json_object_get_members() keeps insertion order in json-glib >= 1.2. */
  for (GList *l = members; l != NULL; l = l->next)
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      newline (out, indent, level + 1);
      append_string (out, l->data);
      g_string_append (out, indent > 0 ? " : " : ":");
      append_node (out, json_object_get_member (object, l->data), indent, level + 1);
    }
  if (!first)
    newline (out, indent, level);
  g_string_append_c (out, '}');
}

static void
append_array (GString *out, JsonArray *array, guint indent, guint level)
{
  guint n = json_array_get_length (array);

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      newline (out, indent, level + 1);
      append_node (out, json_array_get_element (array, i), indent, level + 1);
    }
  if (n > 0)
    newline (out, indent, level);
  g_string_append_c (out, ']');
}

static void
append_node (GString *out, JsonNode *node, guint indent, guint level)
{
  if (node == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      append_object (out, json_node_get_object (node), indent, level);
      break;
    case JSON_NODE_ARRAY:
      append_array (out, json_node_get_array (node), indent, level);
      break;
    case JSON_NODE_VALUE:
      append_value (out, node);
      break;
    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

char *
lv_json_to_string (JsonNode *root, guint indent)
{
  GString *out = g_string_new (NULL);

  append_node (out, root, indent, 0);
  return g_string_free (out, FALSE);
}

gboolean
lv_json_check_depth (const char *text, gssize length, guint max_depth, const char *what,
                     GError **error)
{
  gsize n = length < 0 ? strlen (text) : (gsize) length;
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < n; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++; /* the escaped character cannot end the string */
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            {
              g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                           "%s: JSON nested more than %u levels deep (at byte %" G_GSIZE_FORMAT
                           ")", what, max_depth, i);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}
