/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "lv-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr(LvApplication) app = NULL;
  /* Lets the app run translated from a build tree (meson devenv, tests): <build>/po. */
  const char *localedir = g_getenv ("LOSSVIZ_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && localedir[0] != '\0' ? localedir
                                                                              : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = lv_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
