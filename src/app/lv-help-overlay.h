/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void lv_help_overlay_polish (GtkWidget *overlay);

G_END_DECLS
