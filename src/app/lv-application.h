/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LV_TYPE_APPLICATION (lv_application_get_type ())
G_DECLARE_FINAL_TYPE (LvApplication, lv_application, LV, APPLICATION, AdwApplication)

LvApplication *lv_application_new (void);

G_END_DECLS
