/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Atomic replacement of a file that a library writes by name (HDF5): a fresh temporary name
 * beside @path (the file exists, empty), then lv_file_commit_temp() fsyncs the finished
 * temporary file and renames it over @path, or removes it on failure. */
char    *lv_file_temp_name (const char *path, GError **error);
gboolean lv_file_commit_temp (const char *tmp, const char *path, GError **error);

G_END_DECLS
