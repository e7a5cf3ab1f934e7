/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-window-private.h"

#include <glib/gi18n.h>

#include <lossviz/lv-ensemble-config.h>

/*
 * GSettings for the window: its size and maximized state, and the last configuration (as a
 * key-file string, so a person can read and edit it with dconf-editor). Restored when a window
 * is made, saved when it goes away. Without the schema installed (running a bare binary from
 * a build tree) the app runs without persistence and says so once.
 */

#define GROUP "experiment"

/**
 * lv_settings_new:
 *
 * Returns: (transfer full) (nullable): the app's settings, %NULL when the schema is not
 *   installed (one warning per process).
 */
GSettings *
lv_settings_new (void)
{
  static gboolean warned;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      if (!warned)
        g_warning ("GSettings schema %s is not installed: settings will not be kept "
                   "(set GSETTINGS_SCHEMA_DIR to the build's data folder)", APPLICATION_ID);
      warned = TRUE;
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static char *
config_to_keyfile (const char *dataset, const LvEnsembleConfig *c)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();

  g_key_file_set_string (kf, GROUP, "dataset", dataset);
  lv_ensemble_config_to_keyfile (c, kf, GROUP);
  return g_key_file_to_data (kf, NULL, NULL);
}

/* Everything is checked: a hand-edited or stale value means "use the demo", never a crash. */
static gboolean
config_from_keyfile (const char *text, char **dataset, LvEnsembleConfig *c, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();

  if (!g_key_file_load_from_data (kf, text, -1, G_KEY_FILE_NONE, error))
    return FALSE;
  *dataset = g_key_file_get_string (kf, GROUP, "dataset", error);
  return *dataset != NULL && lv_ensemble_config_from_keyfile (kf, GROUP, c, error);
}

/**
 * lv_window_settings_init:
 * @self: the window
 *
 * Restores the window size and the last configuration into the sidebar (before the first
 * apply).
 */
void
lv_window_settings_init (LvWindow *self)
{
  g_autofree char *text = NULL;
  g_autofree char *dataset = NULL;
  g_autoptr(GError) error = NULL;
  LvEnsembleConfig config;

  self->settings = lv_settings_new ();
  if (self->settings == NULL)
    return;
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  text = g_settings_get_string (self->settings, "last-configuration");
  if (text[0] != '\0' && config_from_keyfile (text, &dataset, &config, &error))
    lv_window_write_controls (self, dataset, &config);
  else if (text[0] != '\0')
    g_debug ("ignoring the last configuration: %s", error->message);
  lv_window_speed_load_settings (self);
}

/**
 * lv_window_settings_save:
 * @self: the window
 *
 * Stores the window size (unless maximized or presenting) and the configuration.
 */
void
lv_window_settings_save (LvWindow *self)
{
  const char *dataset;
  LvEnsembleConfig config;
  g_autofree char *text = NULL;
  int width = 0, height = 0;

  if (self->settings == NULL)
    return;
  g_settings_delay (self->settings);
  if (!self->presentation)
    {
      gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));

      g_settings_set_boolean (self->settings, "window-maximized", maximized);
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      if (!maximized && width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
    }
  if (self->tour_saved)
    /* The tour borrows the sidebar: the user's own settings are the last configuration. */
    text = config_to_keyfile (self->tour_saved_dataset, &self->tour_saved_config);
  else if (lv_window_read_controls (self, &dataset, &config, NULL))
    text = config_to_keyfile (dataset, &config);
  if (text != NULL)
    {
      g_settings_set_string (self->settings, "last-configuration", text);
    }
  lv_window_speed_save_settings (self);
  g_settings_apply (self->settings);
}
