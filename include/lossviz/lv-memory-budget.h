/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Pre-flight memory estimates: work that would not fit is refused before anything is allocated,
 * with "WHAT needs about X GB of memory, more than the Y GB available" (%LV_ERROR_INVALID_INPUT,
 * so the CLI exits 2), instead of a GLib allocation abort half-way.
 */

/* Bytes this process may still allocate: the address-space limit (`ulimit -v`) minus what is
 * mapped now, and at most the machine's physical memory. */
double   lv_memory_available (void);

/* %TRUE when @bytes fit in lv_memory_available(); otherwise refuses with the message above. */
gboolean lv_memory_check (const char *what, double bytes, GError **error);

/* Sets the refusal error for @bytes against @available (0: "could not be allocated"); returns
 * %FALSE. */
gboolean lv_memory_refuse (const char *what, double bytes, double available, GError **error);

G_END_DECLS
