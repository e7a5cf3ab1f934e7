/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Checks every command runs before any computation (issue 16, class 7), so that a typo in an
 * output path or option fails in a second, not after hours of training.
 *
 * One rule for "0 means default" options: exactly 0 selects the default, anything else must lie
 * in [min, max]; the message says so. No other option treats 0 specially.
 */

/* @path can be written: see lv_file_check_output() (symbolic link → its target; directory,
 * FIFO, device refused; folder exists and is writable). The message names @option. */
gboolean lv_cli_check_output (const char *option, const char *path, GError **error);

/* A figure output: extension .png/.svg/.pdf, @size "WxH" (NULL: default), writable path, and
 * when @with_csv the CSV written next to it (lv_plot_sibling_path) too. */
gboolean lv_cli_check_figure_output (const char *option, const char *path, const char *size,
                                     gboolean with_csv, GError **error);

/* 0 = default, else within [min, max]. */
gboolean lv_cli_check_double_or_default (const char *option, double value, double min,
                                         double max, GError **error);
gboolean lv_cli_check_int_or_default (const char *option, gint64 value, gint64 min, gint64 max,
                                      GError **error);

/* --threads: 0 = one per core, else 1..LV_WORKER_POOL_MAX_THREADS. */
gboolean lv_cli_check_threads (gint64 threads, GError **error);

/* A text option that ends up in messages and JSON must be valid UTF-8. */
gboolean lv_cli_check_utf8 (const char *option, const char *text, GError **error);

G_END_DECLS
