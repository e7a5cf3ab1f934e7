/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-window-private.h"

#include <glib/gi18n.h>

/*
 * The sidebar's "Speed" settings: precision (fp32 / bf16) and data order (per run / shared).
 * Both are fields of LvEnsembleConfig (train.precision, shared_order), so they are part of
 * the experiment's cache key (switching back to a choice already trained shows its runs at
 * once), of experiment files (opening one restores them) and of the last configuration. They
 * also have GSettings keys of their own ("precision", "data-order"), so a person can set them
 * with `gsettings` and they survive a new configuration. Whatever the choice, the ensemble
 * trains fused blocks of runs (lv_train_run_fused / …_fused_independent), the fastest path.
 */

/**
 * lv_window_speed_init:
 * @self: the window
 *
 * Makes bf16 insensitive, with the reason as its tooltip, where it cannot run (a build
 * without oneDNN, or a processor without AVX-512).
 */
void
lv_window_speed_init (LvWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tooltip = NULL;

  if (lv_precision_available (LV_PRECISION_BF16, &error))
    return;
  /* Translators: tooltip of the unavailable bf16 button; %s is the technical reason. */
  tooltip = g_strdup_printf (_("bf16 is not available here: it needs a build with oneDNN and "
                               "a processor with AVX-512 (%s)"),
                             error != NULL ? error->message : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->precision_bf16_toggle), FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->precision_bf16_toggle), tooltip);
}

/**
 * lv_window_speed_read:
 * @self: the window
 * @config: the configuration being read from the sidebar
 *
 * Sets @config's precision and data order from the sidebar.
 */
void
lv_window_speed_read (LvWindow *self, LvEnsembleConfig *config)
{
  config->train.precision = gtk_toggle_button_get_active (self->precision_bf16_toggle)
                              ? LV_PRECISION_BF16 : LV_PRECISION_FP32;
  config->shared_order = gtk_toggle_button_get_active (self->order_shared_toggle);
}

/**
 * lv_window_speed_write:
 * @self: the window
 * @config: the configuration to show
 *
 * Sets the sidebar's precision and data order to @config's (a bf16 file shows bf16 even
 * where bf16 cannot train: its results still show, and Start says why it cannot train more).
 */
void
lv_window_speed_write (LvWindow *self, const LvEnsembleConfig *config)
{
  gboolean bf16 = config->train.precision == LV_PRECISION_BF16;

  gtk_toggle_button_set_active (bf16 ? self->precision_bf16_toggle
                                     : self->precision_fp32_toggle, TRUE);
  gtk_toggle_button_set_active (config->shared_order ? self->order_shared_toggle
                                                     : self->order_per_run_toggle, TRUE);
}

/**
 * lv_window_speed_load_settings:
 * @self: the window
 *
 * Applies the GSettings keys "precision" and "data-order" to the sidebar (bf16 only where it
 * can run).
 */
void
lv_window_speed_load_settings (LvWindow *self)
{
  gboolean bf16, shared;

  if (self->settings == NULL)
    return;
  bf16 = g_settings_get_enum (self->settings, "precision") == LV_PRECISION_BF16 &&
         gtk_widget_get_sensitive (GTK_WIDGET (self->precision_bf16_toggle));
  shared = g_settings_get_enum (self->settings, "data-order") == 1;
  gtk_toggle_button_set_active (bf16 ? self->precision_bf16_toggle
                                     : self->precision_fp32_toggle, TRUE);
  gtk_toggle_button_set_active (shared ? self->order_shared_toggle
                                       : self->order_per_run_toggle, TRUE);
}

/**
 * lv_window_speed_save_settings:
 * @self: the window
 *
 * Stores the sidebar's precision and data order in GSettings (inside the caller's delay).
 */
void
lv_window_speed_save_settings (LvWindow *self)
{
  if (self->settings == NULL)
    return;
  g_settings_set_enum (self->settings, "precision",
                       gtk_toggle_button_get_active (self->precision_bf16_toggle)
                         ? LV_PRECISION_BF16 : LV_PRECISION_FP32);
  g_settings_set_enum (self->settings, "data-order",
                       gtk_toggle_button_get_active (self->order_shared_toggle) ? 1 : 0);
}

/**
 * lv_window_speed_text:
 * @config: a configuration
 *
 * Returns: (transfer full): its precision and data order for the presentation state bar,
 *   e.g. "bf16 · shared data order".
 */
char *
lv_window_speed_text (const LvEnsembleConfig *config)
{
  /* Translators: presentation state bar; %s is fp32 or bf16. */
  return g_strdup_printf (config->shared_order ? _("%s · shared data order")
                                               : _("%s · data order per run"),
                          lv_precision_to_string (config->train.precision));
}
