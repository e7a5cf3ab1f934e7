/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Largest side of a matrix `certify --matrix` reads. */
#define LV_CLI_MATRIX_MAX_SIDE 1000

/* Parses a numeric, rectangular CSV matrix (comma-separated, blank lines ignored, an optional
 * UTF-8 byte-order mark, CRLF or LF line ends). Every other byte counts: a NUL byte, a field
 * that is not a finite number, a ragged row or a side above LV_CLI_MATRIX_MAX_SIDE is an
 * %LV_ERROR_INVALID_INPUT error naming @name, the row and the column; no row is ever dropped.
 * Returns: (transfer full): rows × cols values, row-major. */
double *lv_cli_matrix_parse_csv (const char *text, gsize length, const char *name, guint *rows,
                                 guint *cols, GError **error);

/* Reads @path (a regular file; FIFOs and devices refused) and parses it as above. */
double *lv_cli_matrix_read_csv (const char *path, guint *rows, guint *cols, GError **error);

G_END_DECLS
