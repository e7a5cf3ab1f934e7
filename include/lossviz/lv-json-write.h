/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Longest text lv_json_format_double() writes, with its NUL. */
#define LV_JSON_DOUBLE_BUF_SIZE 32

/* The shortest of %.15g, %.16g, %.17g that reads back as exactly @value (C locale); "null" when
 * @value is not finite (JSON has no NaN or infinity). Always valid JSON (no "1e-08.0"). */
const char *lv_json_format_double (char *buf, gsize size, double value);

/* One writer for every JSON text LossViz produces (files and stdout): numbers as above, strings
 * escaped and made valid UTF-8 (invalid bytes become U+FFFD). @indent 0 writes one line; > 0
 * pretty-prints with that many spaces per level. */
char       *lv_json_to_string (JsonNode *root, guint indent);

/* Deepest array/object nesting the readers accept; json-glib recurses once per level. */
#define LV_JSON_MAX_DEPTH 64

/* Checks that @text (@length bytes, or -1 when NUL-terminated) nests arrays and objects at most
 * @max_depth deep, without parsing it (strings are skipped). A deeper text would overflow the
 * stack of a recursive parser. Returns %FALSE with %LV_ERROR_INVALID_INPUT naming @what. */
gboolean    lv_json_check_depth (const char *text, gssize length, guint max_depth,
                                 const char *what, GError **error);

G_END_DECLS
