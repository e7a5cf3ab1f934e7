/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-application.h"
#include "lv-figure.h"
#include "lv-help-overlay.h"
#include "lv-job.h"

#include <glib/gi18n.h>

#include <lossviz/lossviz.h>

#include "lv-window.h"
#include "lv-window-private.h"

/*
 * LvApplication — one main window per process (its experiment owns the process's worker
 * pool). app.start / app.pause / app.reset / app.export-to forward to the window's actions so
 * that `gapplication action io.github.lossviz.LossViz start` drives a running instance over
 * D-Bus; --export-on-finish makes a scripted run export and quit.
 */
struct _LvApplication
{
  AdwApplication parent_instance;

  char *export_on_finish;
  gboolean start;
  gboolean presentation;
  GSettings *settings;        /* NULL without the schema */
};

G_DEFINE_FINAL_TYPE (LvApplication, lv_application, ADW_TYPE_APPLICATION)

static LvWindow *
main_window (LvApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return window != NULL && LV_IS_WINDOW (window) ? LV_WINDOW (window) : NULL;
}

static void
forward_action (GSimpleAction *action, GVariant *param, gpointer data)
{
  LvWindow *window = main_window (data);
  g_autofree char *name = g_strconcat ("win.", g_action_get_name (G_ACTION (action)), NULL);

  if (window != NULL)
    gtk_widget_activate_action_variant (GTK_WIDGET (window), name, param);
}

static void
quit_action (GSimpleAction *action, GVariant *param, gpointer data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (data));

  /* Closing (not just quitting) asks about unsaved results and lets each window's experiment
   * cancel and join its workers; the app quits when the last window has gone. */
  while (windows != NULL)
    {
      GList *next = windows->next;
      gtk_window_close (windows->data);
      windows = next;
    }
}

static void
about_action (GSimpleAction *action, GVariant *param, gpointer data)
{
  static const char *developers[] = { "The LossViz authors", NULL };
  /* Names and titles are not translated: they are how the works are cited. AdwAboutWindow
   * turns a trailing URL into a link. */
  static const char *papers[] = {
    "Choromanska, Henaff, Mathieu, Ben Arous & LeCun — The Loss Surfaces of Multilayer "
    "Networks (AISTATS 2015) https://arxiv.org/abs/1412.0233",
    "Haeffele & Vidal — Global Optimality in Tensor Factorization, Deep Learning, and "
    "Beyond (2015) https://arxiv.org/abs/1506.07540",
    "Janzamin, Sedghi & Anandkumar — Beating the Perils of Non-Convexity: Guaranteed "
    "Training of Neural Networks using Tensor Methods (2015) https://arxiv.org/abs/1506.08473",
    NULL
  };
  static const char *datasets[] = {
    "UCI Optical Recognition of Handwritten Digits (Alpaydin & Kaynak), CC BY 4.0 "
    "https://archive.ics.uci.edu/dataset/80",
    "Fashion-MNIST (Xiao, Rasul & Vollgraf, Zalando Research), MIT licence "
    "https://github.com/zalandoresearch/fashion-mnist",
    NULL
  };
  GtkWidget *about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                                   "transient-for", main_window (data),
                                   "modal", TRUE,
                                   "application-name", _("LossViz"),
                                   "application-icon", APPLICATION_ID,
                                   "version", PACKAGE_VERSION,
                                   "comments", _("Watch the loss distribution of many trained "
                                                 "networks concentrate as the networks grow"),
                                   "license-type", GTK_LICENSE_GPL_3_0,
                                   "developers", developers,
                                   /* Translators: put your names here, one per line. */
                                   "translator-credits", _("translator-credits"),
                                   "website", "https://github.com/lossviz/lossviz",
                                   NULL);

  adw_about_window_add_acknowledgement_section (ADW_ABOUT_WINDOW (about), _("Papers"), papers);
  adw_about_window_add_acknowledgement_section (ADW_ABOUT_WINDOW (about), _("Datasets"),
                                                datasets);
  gtk_window_present (GTK_WINDOW (about));
}

/* libadwaita's style manager: "system" follows the desktop's colour scheme live (through the
 * settings portal), "light" and "dark" override it. */
static void
apply_theme (LvApplication *self, const char *theme)
{
  AdwColorScheme scheme = g_str_equal (theme, "dark") ? ADW_COLOR_SCHEME_FORCE_DARK
                          : g_str_equal (theme, "light") ? ADW_COLOR_SCHEME_FORCE_LIGHT
                          : ADW_COLOR_SCHEME_DEFAULT;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

static void
theme_action (GSimpleAction *action, GVariant *state, gpointer data)
{
  LvApplication *self = data;
  const char *theme = g_variant_get_string (state, NULL);

  if (!g_str_equal (theme, "system") && !g_str_equal (theme, "light") &&
      !g_str_equal (theme, "dark"))
    return;
  g_simple_action_set_state (action, state);
  apply_theme (self, theme);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "theme", theme);
}

/* Settings nick → plot palette; unknown nicks are refused. */
static gboolean
palette_from_nick (const char *nick, LvPlotPalette *out)
{
  static const char *const nicks[] = { "okabe-ito", "viridis", "cividis" };

  for (guint i = 0; i < G_N_ELEMENTS (nicks); i++)
    if (g_str_equal (nick, nicks[i]))
      {
        *out = (LvPlotPalette) i;
        return TRUE;
      }
  return FALSE;
}

static void
palette_action (GSimpleAction *action, GVariant *state, gpointer data)
{
  LvApplication *self = data;
  const char *nick = g_variant_get_string (state, NULL);
  LvPlotPalette palette;

  if (!palette_from_nick (nick, &palette))
    return;
  g_simple_action_set_state (action, state);
  lv_figure_set_palette (palette);
  lv_figure_theme_changed ();
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "palette", nick);
}

static const GActionEntry app_actions[] = {
  { "start", forward_action },
  { "pause", forward_action },
  { "reset", forward_action },
  { "export-to", forward_action, "s" },
  { "quit", quit_action },
  { "about", about_action },
  { "theme", NULL, "s", "'system'", theme_action },
  { "palette", NULL, "s", "'okabe-ito'", palette_action },
};

static void
lv_application_activate (GApplication *app)
{
  LvApplication *self = LV_APPLICATION (app);
  LvWindow *window = main_window (self);

  if (window == NULL)
    {
      window = lv_window_new (GTK_APPLICATION (app));
      lv_help_overlay_polish (GTK_WIDGET (gtk_application_window_get_help_overlay (
                                            GTK_APPLICATION_WINDOW (window))));
      if (self->export_on_finish != NULL)
        lv_window_set_export_on_finish (window, self->export_on_finish);
    }
  gtk_window_present (GTK_WINDOW (window));
  if (self->presentation)
    {
      self->presentation = FALSE;
      lv_window_set_presentation (window, TRUE);
    }
  if (self->start)
    {
      self->start = FALSE;
      gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
    }
}

static void
lv_application_startup (GApplication *app)
{
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "win.start", { "<Control>Return", "F5", NULL } },
    { "win.pause", { "<Control>space", NULL } },
    { "win.reset", { "<Control>r", NULL } },
    { "win.export", { "<Control>e", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "win.save", { "<Control>s", NULL } },
    { "win.save-as", { "<Shift><Control>s", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.presentation", { "F11", NULL } },
    { "win.tour", { "<Control>t", NULL } },
    { "win.toggle-sidebar", { "F9", NULL } },
  };
  LvApplication *self = LV_APPLICATION (app);

  /* AdwApplication initialises libadwaita and loads style.css (and style-dark.css) from the
   * resource base path. */
  G_APPLICATION_CLASS (lv_application_parent_class)->startup (app);
  lv_core_init ();
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action,
                                           accels[i].accels);
  self->settings = lv_settings_new ();
  if (self->settings != NULL)
    {
      g_autofree char *theme = g_settings_get_string (self->settings, "theme");
      g_autofree char *palette = g_settings_get_string (self->settings, "palette");
      g_action_group_change_action_state (G_ACTION_GROUP (app), "theme",
                                          g_variant_new_string (theme));
      g_action_group_change_action_state (G_ACTION_GROUP (app), "palette",
                                          g_variant_new_string (palette));
    }
}

static int
lv_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  LvApplication *self = LV_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("lossviz %s\n", PACKAGE_VERSION);
      return 0;
    }
  g_variant_dict_lookup (options, "export-on-finish", "^ay", &self->export_on_finish);
  self->start = g_variant_dict_contains (options, "start");
  self->presentation = g_variant_dict_contains (options, "presentation");
  return -1;
}

/* Every window has gone, so every job is cancelled: wait for their threads (each returns at its
 * probe's next check), then free the one worker pool they shared. */
static void
lv_application_shutdown (GApplication *app)
{
  lv_job_join_all ();
  lv_job_free_worker_pool ();
  G_APPLICATION_CLASS (lv_application_parent_class)->shutdown (app);
}

static void
lv_application_finalize (GObject *object)
{
  g_free (LV_APPLICATION (object)->export_on_finish);
  g_clear_object (&LV_APPLICATION (object)->settings);
  G_OBJECT_CLASS (lv_application_parent_class)->finalize (object);
}

static void
lv_application_class_init (LvApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = lv_application_finalize;
  app_class->activate = lv_application_activate;
  app_class->startup = lv_application_startup;
  app_class->shutdown = lv_application_shutdown;
  app_class->handle_local_options = lv_application_handle_local_options;
}

static void
lv_application_init (LvApplication *self)
{
  static const GOptionEntry entries[] = {
    { "start", 's', 0, G_OPTION_ARG_NONE, NULL, N_("Start training at once"), NULL },
    { "export-on-finish", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("When training finishes, export the figure (PNG, SVG or PDF) and its CSV, then quit"),
      N_("FILE") },
    { "presentation", 'p', 0, G_OPTION_ARG_NONE, NULL,
      N_("Start in presentation mode (full screen, large figures)"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

/**
 * lv_application_new:
 *
 * Returns: (transfer full): the LossViz application.
 */
LvApplication *
lv_application_new (void)
{
  return g_object_new (LV_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "resource-base-path", RESOURCE_PREFIX,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}
