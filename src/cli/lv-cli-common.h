/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Exit codes of the command-line contract (docs/DESIGN.md). */
#define LV_CLI_EXIT_OK 0
#define LV_CLI_EXIT_RUNTIME 1
#define LV_CLI_EXIT_BAD_INPUT 2

/* Prints "lossviz-cli: error: <message>" on stderr; returns 2 for bad input, 1 otherwise. */
int      lv_cli_fail (const GError *error);
int      lv_cli_fail_message (int exit_code, const char *format, ...) G_GNUC_PRINTF (2, 3);
/* Parses argv with a GOption context; on error prints the one-line error and returns FALSE. */
gboolean lv_cli_parse (GOptionContext *context, int *argc, char ***argv);
/* Sets *@option to a copy of @value when the user did not give it (it is still NULL). String
 * options start NULL because GOption overwrites a string without freeing the old value. */
void     lv_cli_default_string (char **option, const char *value);
/* Prints one JSON object on stdout (lv_json_to_string: strict JSON, numbers round-trip). */
void     lv_cli_print_json (JsonNode *root);

gboolean lv_cli_parse_uint_list (const char *text, const char *what, guint max_items,
                                 guint min_value, guint max_value, guint *out, guint *n_out,
                                 GError **error);
gboolean lv_cli_parse_double_list (const char *text, const char *what, GArray *out,
                                   GError **error);
/* Parses "WxH" (e.g. "800x600"). */
gboolean lv_cli_parse_size (const char *text, guint *width, guint *height, GError **error);

/* Range checks for options, with messages that name the option. */
gboolean lv_cli_check_double (const char *option, double value, double min, double max,
                              GError **error);
gboolean lv_cli_check_int (const char *option, gint64 value, gint64 min, gint64 max,
                           GError **error);

/* Adds {"mean","std","min","median","max"} of a sample (nulls when empty). */
void     lv_cli_add_summary (JsonBuilder *builder, const char *name, const double *values,
                             gsize n);
/* Adds a double member, or null when it is not finite (JSON has no NaN). */
void     lv_cli_add_double (JsonBuilder *builder, const char *name, double value);
/* Adds an array member of doubles, nulls where a value is not finite. */
void     lv_cli_add_double_array (JsonBuilder *builder, const char *name, const double *values,
                                  gsize n);
/* Adds an integer, boolean or string member. */
void     lv_cli_add_int (JsonBuilder *builder, const char *name, gint64 value);
void     lv_cli_add_bool (JsonBuilder *builder, const char *name, gboolean value);
void     lv_cli_add_string (JsonBuilder *builder, const char *name, const char *value);

G_END_DECLS
