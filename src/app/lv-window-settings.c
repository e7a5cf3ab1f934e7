/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-window-private.h"

#include <glib/gi18n.h>

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
  int sizes[G_N_ELEMENTS (c->sizes)];

  for (guint i = 0; i < c->n_sizes; i++)
    sizes[i] = (int) c->sizes[i];
  g_key_file_set_string (kf, GROUP, "dataset", dataset);
  g_key_file_set_integer_list (kf, GROUP, "sizes", sizes, c->n_sizes);
  g_key_file_set_integer (kf, GROUP, "runs", c->runs);
  g_key_file_set_integer (kf, GROUP, "depth", c->depth);
  g_key_file_set_string (kf, GROUP, "activation", lv_activation_to_string (c->activation));
  g_key_file_set_string (kf, GROUP, "loss", lv_loss_to_string (c->loss));
  g_key_file_set_boolean (kf, GROUP, "bias", c->bias);
  g_key_file_set_string (kf, GROUP, "init", lv_init_to_string (c->train.init));
  g_key_file_set_integer (kf, GROUP, "epochs", c->train.epochs);
  g_key_file_set_integer (kf, GROUP, "batch", c->train.batch);
  g_key_file_set_double (kf, GROUP, "lr", c->train.lr);
  g_key_file_set_double (kf, GROUP, "lr_decay", c->train.lr_decay);
  g_key_file_set_double (kf, GROUP, "momentum", c->train.momentum);
  g_key_file_set_string (kf, GROUP, "reg_kind", lv_reg_kind_to_string (c->train.reg.kind));
  g_key_file_set_double (kf, GROUP, "reg_degree", c->train.reg.degree);
  g_key_file_set_double (kf, GROUP, "reg_lambda", c->train.reg.lambda);
  g_key_file_set_uint64 (kf, GROUP, "seed", c->seed);
  return g_key_file_to_data (kf, NULL, NULL);
}

/* Everything is checked: a hand-edited or stale value means "use the demo", never a crash. */
static gboolean
config_from_keyfile (const char *text, char **dataset, LvEnsembleConfig *c, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree int *sizes = NULL;
  g_autofree char *act = NULL, *loss = NULL, *init = NULL, *kind = NULL;
  gsize n = 0;
  GError *e = NULL;

  lv_ensemble_config_init (c);
  if (!g_key_file_load_from_data (kf, text, -1, G_KEY_FILE_NONE, error))
    return FALSE;
  sizes = g_key_file_get_integer_list (kf, GROUP, "sizes", &n, &e);
#define GET(field, getter, key) \
  if (e == NULL) field = g_key_file_get_##getter (kf, GROUP, key, &e)
  GET (*dataset, string, "dataset");
  GET (c->runs, integer, "runs");
  GET (c->depth, integer, "depth");
  GET (act, string, "activation");
  GET (loss, string, "loss");
  GET (c->bias, boolean, "bias");
  GET (init, string, "init");
  GET (c->train.epochs, integer, "epochs");
  GET (c->train.batch, integer, "batch");
  GET (c->train.lr, double, "lr");
  GET (c->train.lr_decay, double, "lr_decay");
  GET (c->train.momentum, double, "momentum");
  GET (kind, string, "reg_kind");
  GET (c->train.reg.degree, double, "reg_degree");
  GET (c->train.reg.lambda, double, "reg_lambda");
  GET (c->seed, uint64, "seed");
#undef GET
  if (e != NULL)
    {
      g_propagate_error (error, e);
      return FALSE;
    }
  if (n == 0 || n > G_N_ELEMENTS (c->sizes) || c->runs == 0 || c->runs > 100000 ||
      c->depth == 0 || c->depth > LV_MLP_MAX_DEPTH ||
      !lv_activation_from_string (act, &c->activation) || !lv_loss_from_string (loss, &c->loss) ||
      !lv_init_from_string (init, &c->train.init) ||
      !lv_reg_kind_from_string (kind, &c->train.reg.kind))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "unknown or out-of-range value");
      return FALSE;
    }
  c->n_sizes = n;
  for (gsize i = 0; i < n; i++)
    {
      if (sizes[i] < 1 || sizes[i] > 100000)
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "size %d out of range", sizes[i]);
          return FALSE;
        }
      c->sizes[i] = sizes[i];
    }
  return lv_train_config_validate (&c->train, error);
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
  if (text[0] == '\0')
    return;
  if (!config_from_keyfile (text, &dataset, &config, &error))
    {
      g_debug ("ignoring the last configuration: %s", error->message);
      return;
    }
  lv_window_write_controls (self, dataset, &config);
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
  g_settings_apply (self->settings);
}
