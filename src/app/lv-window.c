/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-window.h"
#include "lv-window-private.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lv-bundle-follow.h"
#include "lv-landscape-view.h"
#include "lv-loss-view.h"
#include "lv-spinglass-view.h"
#include "lv-theory-view.h"
#include "lv-view.h"

/*
 * LvWindow — header bar (Start / Pause / Reset, export, primary menu), a sidebar of
 * controls, the progress line and a GtkStack of views. Controls are read into one
 * LvEnsembleConfig after a short debounce (a slider drag is one change, not thirty) and handed
 * to the experiment, which decides what to cancel, reuse or retrain. The window's frame clock
 * drives lv_experiment_poll(): workers never reach GTK, the UI reads them once per frame.
 */

#define APPLY_DELAY_MS 250

G_DEFINE_FINAL_TYPE (LvWindow, lv_window, GTK_TYPE_APPLICATION_WINDOW)

static void update_actions (LvWindow *self);

enum {
  PROP_0,
  PROP_PRESENTATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void ensure_ticking (LvWindow *self);


/* ---- messages ---- */

static void
on_toast_dismissed (AdwToast *toast, LvWindow *self)
{
  if (self->toast != toast)
    return;
  self->toast = NULL;
  g_clear_pointer (&self->message, g_free);
}

/**
 * lv_window_show_toast:
 * @self: the window
 * @message: a translated message
 * @button: (nullable): a button label, e.g. "_Undo"
 * @action: (nullable): the detailed action the button activates, e.g. "win.undo-reset"
 *
 * Shows information in a toast over the figures (it does not move the layout) and hides it
 * after a few seconds. The message is lv_window_get_message() until then.
 */
void
lv_window_show_toast (LvWindow   *self,
                      const char *message,
                      const char *button,
                      const char *action)
{
  AdwToast *toast = adw_toast_new (message);

  lv_window_show_message (self, NULL, FALSE);
  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  if (button != NULL && action != NULL)
    {
      adw_toast_set_button_label (toast, button);
      adw_toast_set_detailed_action_name (toast, action);
      adw_toast_set_timeout (toast, 10);
    }
  self->toast = toast;
  self->message = g_strdup (message);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * lv_window_show_message:
 * @self: the window
 * @message: (nullable): a translated message, %NULL hides the banner
 * @is_error: errors stay in the banner under the header bar until dismissed; information
 *   shows as a toast (lv_window_show_toast())
 *
 * Shows a message.
 */
void
lv_window_show_message (LvWindow   *self,
                        const char *message,
                        gboolean    is_error)
{
  if (message != NULL && !is_error)
    {
      lv_window_show_toast (self, message, NULL, NULL);
      return;
    }
  g_free (self->message);
  self->message = g_strdup (message);
  if (self->toast != NULL)
    {
      AdwToast *toast = self->toast;

      self->toast = NULL;
      adw_toast_dismiss (toast);
    }
  if (message == NULL)
    {
      gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
      return;
    }
  gtk_widget_set_visible (self->banner_action, FALSE);
  gtk_label_set_text (self->banner_label, message);
  gtk_widget_add_css_class (self->banner_box, "error");
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
on_banner_dismiss (LvWindow *self)
{
  lv_window_show_message (self, NULL, FALSE);
}

/* ---- controls → configuration ---- */
/**
 * lv_window_apply_controls:
 * @self: the window
 *
 * Hands the controls' configuration to the experiment now (normally done after a short
 * debounce); shows input errors in the banner.
 *
 * Returns: whether the configuration was accepted.
 */
gboolean
lv_window_apply_controls (LvWindow *self)
{
  g_autoptr(GError) error = NULL;
  LvEnsembleConfig config;
  const char *dataset;

  g_clear_handle_id (&self->apply_id, g_source_remove);
  self->settings_pending = FALSE;
  if (!lv_window_read_controls (self, &dataset, &config, &error))
    {
      lv_window_show_message (self, error->message, TRUE);
      return FALSE;
    }
  /* A fixed input error goes away; an offer waiting for its button (recovery) stays. Before
   * the experiment takes the settings: it may report a new error (too big) right away. */
  if (self->message != NULL && !gtk_widget_get_visible (self->banner_action))
    lv_window_show_message (self, NULL, FALSE);
  if (!lv_experiment_set_config (self->experiment, dataset, &config, &error))
    {
      lv_window_show_message (self, error->message, TRUE);
      return FALSE;
    }
  ensure_ticking (self);
  /* The regulariser's degree only matters with λ > 0; say so by dimming the slider. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->degree_scale), config.train.reg.lambda > 0 &&
                            config.train.reg.kind == LV_REG_LAYER);
  lv_window_state_update (self);
  update_actions (self);
  return TRUE;
}

/* A user's change, after the debounce. While idle with a finished result on screen, settings
 * nothing is cached for do not blank the figures: the experiment goes back to the settings on
 * screen and a note says "settings changed — press Start" (Start applies them). Settings
 * cached in full show their results at once. */
static void
apply_or_defer (LvWindow *self)
{
  LvExperiment *exp = self->experiment;
  LvEnsembleConfig shown = *lv_experiment_get_config (exp);
  g_autofree char *shown_dataset = g_strdup (lv_experiment_get_dataset_name (exp));
  gboolean keep = shown_dataset != NULL && !lv_experiment_get_running (exp) &&
                  lv_experiment_is_finished (exp);
  LvEnsembleConfig config;
  const char *dataset;

  if (!lv_window_apply_controls (self) || !keep ||
      !lv_window_read_controls (self, &dataset, &config, NULL) ||
      g_strcmp0 (dataset, shown_dataset) != 0 || lv_experiment_is_finished (exp))
    return;
  if (!lv_experiment_set_config (exp, shown_dataset, &shown, NULL))
    return;
  lv_window_state_set_pending (self, TRUE);
  update_actions (self);
  ensure_ticking (self);
}

static gboolean
apply_timeout (gpointer data)
{
  LvWindow *self = data;

  self->apply_id = 0;
  apply_or_defer (self);
  return G_SOURCE_REMOVE;
}

/**
 * lv_window_control_changed:
 * @self: the window
 *
 * A sidebar control changed: applies the controls after a short debounce.
 */
void
lv_window_control_changed (LvWindow *self)
{
  if (self->experiment == NULL)
    return; /* still building the template */
  g_clear_handle_id (&self->apply_id, g_source_remove);
  self->apply_id = g_timeout_add (APPLY_DELAY_MS, apply_timeout, self);
  update_actions (self);
}

/* ---- experiment → progress and actions ---- */

static void
update_actions (LvWindow *self)
{
  gboolean running = lv_experiment_get_running (self->experiment);
  GtkWidget *view = gtk_stack_get_visible_child (self->stack);

  /* Start has nothing to do once every run of the settings on screen has finished, unless the
   * sidebar holds other settings (pending, or still in their debounce). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start",
                                 !running && (!lv_experiment_is_finished (self->experiment) ||
                                              self->settings_pending || self->apply_id != 0));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pause", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export",
                                 view != NULL && LV_IS_VIEW (view));
}

static void
update_progress (LvWindow *self)
{
  guint done = 0, total = 0;
  double eta = NAN;
  g_autofree char *text = NULL;
  gboolean running = lv_experiment_get_running (self->experiment);

  lv_experiment_get_progress (self->experiment, &done, &total, &eta);
  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / total : 0);
  if (running && isfinite (eta) && eta >= 60)
    /* Translators: progress line: runs done, runs in total, minutes left. */
    text = g_strdup_printf (_("Training: %u of %u runs done · about %.0f min left"), done, total,
                            ceil (eta / 60));
  else if (running && isfinite (eta))
    text = g_strdup_printf (_("Training: %u of %u runs done · about %.0f s left"), done, total,
                            ceil (eta));
  else if (running)
    text = g_strdup_printf (_("Training: %u of %u runs done"), done, total);
  else if (total > 0 && done == total)
    text = g_strdup_printf (_("Done: %u of %u runs"), done, total);
  else if (lv_bundle_follow_is_active (self))
    /* Translators: progress line while Follow shows a bundle another job is writing. */
    text = g_strdup_printf (_("Written by another job: %u of %u runs done"), done, total);
  else if (done > 0)
    text = g_strdup_printf (_("Paused: %u of %u runs done"), done, total);
  else
    text = g_strdup_printf (_("Ready: %u runs — press Start"), total);
  gtk_label_set_text (self->progress_label, text);
}

/* lv-bundle-follow.c: Follow turned on or off changes the progress line. */
void
lv_window_update_progress (LvWindow *self)
{
  update_progress (self);
}

static void
on_running_changed (LvWindow *self)
{
  ensure_ticking (self);
  update_actions (self);
  update_progress (self);
}

static void
on_experiment_error (LvWindow *self, const char *message)
{
  lv_window_show_message (self, message, TRUE);
}

static void
on_experiment_finished (LvWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_steal_pointer (&self->export_on_finish);

  update_progress (self);
  if (path == NULL)
    return;
  /* A scripted run (--export-on-finish) ends without the unsaved-work prompt. */
  self->close_confirmed = TRUE;
  if (!lv_window_export (self, path, &error))
    g_printerr ("lossviz: %s\n", error->message);
  gtk_window_close (GTK_WINDOW (self));
}

/* The frame clock runs only while there is something to read: during training, and for one
 * quiet frame after any change (a new configuration, pause, reset), so an idle window does not
 * wake up sixty times a second. */
static gboolean
tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  LvWindow *self = LV_WINDOW (widget);

  if (lv_experiment_poll (self->experiment) || lv_experiment_get_running (self->experiment))
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
ensure_ticking (LvWindow *self)
{
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick, NULL, NULL);
}

/**
 * lv_window_ensure_ticking:
 * @self: the window
 *
 * Makes the frame clock poll the experiment until nothing changes any more.
 */
void
lv_window_ensure_ticking (LvWindow *self)
{
  ensure_ticking (self);
}

static void
on_visible_view_changed (LvWindow *self)
{
  if (self->experiment == NULL)
    return;
  update_actions (self);
  lv_window_state_page_changed (self);
}

/* ---- actions ---- */

static void
start_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);

  /* A change still in its debounce, or one kept pending, is what the user means to start. */
  if ((self->apply_id != 0 || self->settings_pending) && !lv_window_apply_controls (self))
    return;
  lv_experiment_start (self->experiment);
}

static void
pause_action (GtkWidget *widget, const char *name, GVariant *param)
{
  lv_experiment_pause (LV_WINDOW (widget)->experiment);
  ensure_ticking (LV_WINDOW (widget));
}

static gboolean flap_has_width (LvWindow *self);

static void
toggle_sidebar_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);

  if (flap_has_width (self)) /* see flap_has_width() */
    adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

/**
 * lv_window_export:
 * @self: the window
 * @path: PNG, SVG or PDF file (by extension)
 * @error: return location for an error
 *
 * Exports the visible view's figure to @path and its raw data to a CSV next to it.
 *
 * Returns: %TRUE on success.
 */
gboolean
lv_window_export (LvWindow    *self,
                  const char  *path,
                  GError     **error)
{
  GtkWidget *view = gtk_stack_get_visible_child (self->stack);

  if (view == NULL || !LV_IS_VIEW (view))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, _("This view has nothing to export"));
      return FALSE;
    }
  lv_window_export_prepare (self);
  if (!lv_view_export_figure (LV_VIEW (view), path, error))
    {
      lv_plot_export_set_metadata (NULL, NULL);
      return FALSE;
    }
  return lv_window_export_stamp_csv (self, path, error);
}

static void
export_to_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);
  const char *path = g_variant_get_string (param, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *msg = NULL;

  if (!lv_window_export (self, path, &error))
    {
      msg = g_strdup_printf (_("Could not export the figure: %s"), error->message);
      lv_window_show_message (self, msg, TRUE);
      return;
    }
  /* Translators: shown after an export; the argument is the file name. */
  msg = g_strdup_printf (_("Saved “%s” and its data as CSV"), basename);
  lv_window_show_message (self, msg, FALSE);
}

static const char *
format_extension (GtkFileFilter *filter)
{
  const char *ext = filter != NULL ? g_object_get_data (G_OBJECT (filter), "extension") : NULL;
  return ext != NULL ? ext : ".png";
}

/**
 * lv_window_export_path_for_format:
 * @path: the file name the user chose
 * @extension: the format drop-down's choice, ".png", ".svg" or ".pdf"
 *
 * The format drop-down decides the format: a name ending in another figure extension (the
 * suggested "loss.png" after choosing "SVG drawing") gets @extension instead; a name without
 * one gets @extension added.
 *
 * Returns: (transfer full): the path to export to.
 */
char *
lv_window_export_path_for_format (const char *path,
                                  const char *extension)
{
  static const char *const known[] = { ".png", ".svg", ".pdf" };
  g_autofree char *lower = g_ascii_strdown (path, -1);

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_has_suffix (lower, known[i]))
      {
        g_autofree char *stem = g_strndup (path, strlen (path) - strlen (known[i]));
        return g_strconcat (stem, extension, NULL);
      }
  return g_strconcat (path, extension, NULL);
}

static void
on_export_response (GtkNativeDialog *dialog, int response, gpointer data)
{
  LvWindow *self = data;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL)
    path = g_file_get_path (file);
  if (path != NULL)
    {
      g_autofree char *target = lv_window_export_path_for_format (
        path, format_extension (gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (dialog))));

      gtk_widget_activate_action (GTK_WIDGET (self), "win.export-to", "s", target);
    }
  g_object_unref (dialog);
}

/* The suggested name follows the format drop-down (where the chooser reports it). */
static void
on_export_filter_changed (GtkFileChooser *chooser)
{
  g_autofree char *name = NULL;
  g_autofree char *renamed = NULL;
  g_autoptr(GFile) file = gtk_file_chooser_get_file (chooser);

  if (file == NULL)
    return;
  name = g_file_get_basename (file);
  renamed = lv_window_export_path_for_format (name,
                                              format_extension (gtk_file_chooser_get_filter (
                                                                  chooser)));
  gtk_file_chooser_set_current_name (chooser, renamed);
}

static void
add_filter (GtkFileChooser *chooser, const char *title, const char *pattern, const char *ext)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, title);
  gtk_file_filter_add_pattern (filter, pattern);
  g_object_set_data (G_OBJECT (filter), "extension", (gpointer) ext);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  LvWindow *self = LV_WINDOW (widget);
  GtkWidget *view = gtk_stack_get_visible_child (self->stack);
  g_autofree char *stem = NULL;
  g_autofree char *suggested = NULL;
  GtkFileChooserNative *native;

  if (view == NULL || !LV_IS_VIEW (view))
    return;
  /* GTK 4.8 has no GtkFileDialog (4.10); the native chooser uses the portal when there is one. */
  native = gtk_file_chooser_native_new (_("Export Figure"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                        _("_Cancel"));
  add_filter (GTK_FILE_CHOOSER (native), _("PNG image"), "*.png", ".png");
  add_filter (GTK_FILE_CHOOSER (native), _("SVG drawing"), "*.svg", ".svg");
  add_filter (GTK_FILE_CHOOSER (native), _("PDF document"), "*.pdf", ".pdf");
  stem = lv_view_get_export_name (LV_VIEW (view));
  suggested = g_strconcat (stem, ".png", NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), suggested);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_object (native, "response", G_CALLBACK (on_export_response), self, 0);
  g_signal_connect (native, "notify::filter", G_CALLBACK (on_export_filter_changed), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* ---- views ---- */

/**
 * lv_window_add_view:
 * @self: the window
 * @view: (transfer floating): the page; implement #LvView to make win.export work on it
 * @name: a unique id, e.g. "spinglass"
 * @title: the translated title shown in the view switcher
 *
 * Adds a page to the window's view stack. With one page the header shows the window title;
 * with two or more, a view switcher.
 */
void
lv_window_add_view (LvWindow   *self,
                    GtkWidget  *view,
                    const char *name,
                    const char *title)
{
  g_return_if_fail (LV_IS_WINDOW (self));
  g_return_if_fail (GTK_IS_WIDGET (view));

  gtk_stack_add_titled (self->stack, view, name, title);
  gtk_stack_set_visible_child_name (self->title_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (
                                      gtk_stack_get_pages (self->stack))) > 1
                                    ? "switcher" : "title");
  update_actions (self);
}

/* ---- the sidebar folds on narrow windows ---- */

/* Below this width the sidebar folds over the figures (revealed on demand); from it on, it sits
 * beside them. A fixed width, not the pages' sizes, so the sidebar does not jump in and out
 * when switching pages. Every page fits beside it from here (checked by the ui-fit test). */
#define FOLD_BELOW_PX 1200

/* Whether the flap may start its reveal animation. libadwaita 1.2 starts it (on
 * adw_flap_set_reveal_flap(), and on a fold change: the flap is not locked) with an initial
 * velocity divided by the flap's swipe distance, its width as last laid out. That is 0 before
 * the flap's first allocation, and while presentation mode hides the sidebar of a folded flap:
 * 0/0 makes the reveal progress NaN, and the flap then gives its content a width of
 * (int) NaN = G_MININT (a fatal Gtk warning, sometimes a crash). */
static gboolean
flap_has_width (LvWindow *self)
{
  return adw_swipeable_get_distance (ADW_SWIPEABLE (self->flap)) > 0;
}

static void on_surface_width (LvWindow *self);

/* The flap had no width yet: try again once the next frame has laid it out. */
static gboolean
retry_fold (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  LvWindow *self = LV_WINDOW (widget);

  self->fold_tick_id = 0;
  on_surface_width (self);
  return G_SOURCE_REMOVE;
}

static gboolean
apply_fold (gpointer data)
{
  LvWindow *self = data;
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self));
  gboolean fold = surface == NULL || gdk_surface_get_width (surface) < FOLD_BELOW_PX;

  self->fold_id = 0;
  if (!flap_has_width (self))
    {
      /* A hidden sidebar gets no width: showing it again (notify::visible) retries. */
      if (gtk_widget_get_visible (self->controls_pane) && self->fold_tick_id == 0)
        self->fold_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), retry_fold,
                                                           NULL, NULL);
      return G_SOURCE_REMOVE;
    }
  adw_flap_set_fold_policy (self->flap, fold ? ADW_FLAP_FOLD_POLICY_ALWAYS
                                             : ADW_FLAP_FOLD_POLICY_NEVER);
  if (!fold && !self->presentation)
    adw_flap_set_reveal_flap (self->flap, TRUE);
  return G_SOURCE_REMOVE;
}

/* Decided after the resize, not inside it (changing the flap re-lays out the window). */
static void
on_surface_width (LvWindow *self)
{
  /* Before realize there is no width to decide on (realize calls this); after unrealize, the
   * window is being destroyed. */
  if (!gtk_widget_get_realized (GTK_WIDGET (self)))
    return;
  if (self->fold_id == 0)
    self->fold_id = g_idle_add (apply_fold, self);
}

static void
lv_window_realize (GtkWidget *widget)
{
  LvWindow *self = LV_WINDOW (widget);

  GTK_WIDGET_CLASS (lv_window_parent_class)->realize (widget);
  g_signal_connect_object (gtk_native_get_surface (GTK_NATIVE (widget)), "notify::width",
                           G_CALLBACK (on_surface_width), self, G_CONNECT_SWAPPED);
  on_surface_width (self);
}

/* ---- construction ---- */
static void
lv_window_dispose (GObject *object)
{
  LvWindow *self = LV_WINDOW (object);

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  g_clear_handle_id (&self->apply_id, g_source_remove);
  g_clear_handle_id (&self->fold_id, g_source_remove);
  if (self->fold_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->fold_tick_id);
  self->fold_tick_id = 0;
  if (self->experiment != NULL)
    {
      lv_window_settings_save (self);
      g_signal_handlers_disconnect_by_data (self->experiment, self);
    }
  lv_window_files_dispose (self);
  lv_window_presentation_dispose (self);
  lv_window_undo_dispose (self);
  lv_window_tour_dispose (self);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), LV_TYPE_WINDOW);
  /* Views are gone: this is the last reference, so workers are cancelled and joined here. */
  g_clear_object (&self->experiment);
  g_clear_pointer (&self->controls, g_hash_table_unref);

  G_OBJECT_CLASS (lv_window_parent_class)->dispose (object);
}

static void
lv_window_finalize (GObject *object)
{
  LvWindow *self = LV_WINDOW (object);

  g_clear_pointer (&self->dataset_specs, g_ptr_array_unref);
  g_free (self->export_on_finish);
  g_free (self->message);
  G_OBJECT_CLASS (lv_window_parent_class)->finalize (object);
}

static void
lv_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_PRESENTATION:
      g_value_set_boolean (value, lv_window_get_presentation (LV_WINDOW (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lv_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_PRESENTATION:
      lv_window_set_presentation (LV_WINDOW (object), g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The template's children the window's files use (lv-window-private.h). */
static void
bind_template_children (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, LvWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, state_bar);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, state_badge);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, pending_label);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, pending_box);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, page_note);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, controls_scroller);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, controls_pane);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, caption_revealer);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, caption_title);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, caption_label);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, banner_action);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, title_stack);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, banner_box);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, follow_bar);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, degree_badge);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, depth_note);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, dataset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, size_box);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, custom_sizes_entry);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, runs_spin);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, depth_spin);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, activation_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, lr_spin);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, reg_kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, degree_scale);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, lambda_spin);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, precision_fp32_toggle);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, precision_bf16_toggle);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, order_per_run_toggle);
  gtk_widget_class_bind_template_child (widget_class, LvWindow, order_shared_toggle);
}

static void
lv_window_class_init (LvWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lv_window_dispose;
  object_class->finalize = lv_window_finalize;
  object_class->get_property = lv_window_get_property;
  object_class->set_property = lv_window_set_property;
  widget_class->realize = lv_window_realize;

  /**
   * LvWindow:presentation:
   *
   * Presentation mode: full screen, controls hidden, large figures (win.presentation, F11).
   */
  properties[PROP_PRESENTATION] =
    g_param_spec_boolean ("presentation", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The template has libadwaita widgets; tests build windows without an AdwApplication. */
  adw_init ();
  g_type_ensure (LV_TYPE_FOLLOW_BAR);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lv-window.ui");
  bind_template_children (widget_class);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_control_changed",
                                                G_CALLBACK (lv_window_control_changed));
  gtk_widget_class_bind_template_callback (widget_class, on_banner_dismiss);
  gtk_widget_class_bind_template_callback (widget_class, on_visible_view_changed);

  gtk_widget_class_install_action (widget_class, "win.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "win.pause", NULL, pause_action);
  lv_window_undo_class_init (widget_class);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL,
                                   toggle_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-to", "s", export_to_action);
  lv_window_files_class_init (widget_class);
  lv_window_presentation_class_init (widget_class);
}

static void
lv_window_init (LvWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Leaving presentation mode shows the sidebar again: a fold change deferred meanwhile. */
  g_signal_connect_swapped (self->controls_pane, "notify::visible", G_CALLBACK (on_surface_width),
                            self);
  self->toast_overlay = ADW_TOAST_OVERLAY (gtk_window_get_child (GTK_WINDOW (self)));
  /* Tabs as wide as their titles, not all as wide as the longest: "Distribution des pertes"
   * would make the header bar wider than a 1024-pixel screen (issue 15). */
  gtk_box_layout_set_homogeneous (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (
                                    gtk_stack_get_child_by_name (self->title_stack, "switcher"))),
                                  FALSE);
  self->tour_step = -1;
  lv_window_build_controls (self);
  lv_window_settings_init (self);

  self->experiment = lv_experiment_new ();
  g_signal_connect_swapped (self->experiment, "changed", G_CALLBACK (update_progress), self);
  g_signal_connect_swapped (self->experiment, "changed", G_CALLBACK (update_actions), self);
  g_signal_connect_swapped (self->experiment, "changed", G_CALLBACK (lv_window_files_changed),
                            self);
  g_signal_connect_swapped (self->experiment, "notify::running",
                            G_CALLBACK (on_running_changed), self);
  g_signal_connect_swapped (self->experiment, "error", G_CALLBACK (on_experiment_error), self);
  g_signal_connect_swapped (self->experiment, "finished",
                            G_CALLBACK (on_experiment_finished), self);

  lv_window_add_view (self, lv_loss_view_new (self->experiment), "loss",
                      _("Loss Distribution"));
  lv_window_add_view (self, lv_landscape_view_new (self->experiment), "landscape",
                      _("Landscape"));
  lv_window_add_view (self, lv_theory_view_new (self->experiment), "theory", _("Theory"));
  lv_window_add_view (self, lv_spin_glass_view_new (self->experiment), "spinglass",
                      _("Spin glass"));
  lv_window_state_init (self);
  lv_window_apply_controls (self);
  lv_window_state_page_changed (self);
  update_actions (self);
  update_progress (self);
  lv_window_files_init (self);
}

/**
 * lv_window_new:
 * @application: (nullable): the application
 *
 * Returns: (transfer full): a new main window with the loss-distribution view.
 */
LvWindow *
lv_window_new (GtkApplication *application)
{
  return g_object_new (LV_TYPE_WINDOW, "application", application, NULL);
}

/**
 * lv_window_get_experiment:
 * @self: the window
 *
 * Returns: (transfer none): the window's experiment (views of later issues train through it
 *   or beside it, on its worker pool's process).
 */
LvExperiment *
lv_window_get_experiment (LvWindow *self)
{
  return self->experiment;
}

/**
 * lv_window_set_export_on_finish:
 * @self: the window
 * @path: (nullable): where to export when training finishes
 *
 * Makes the window export the visible view to @path (and CSV) once every run has ended, then
 * close. Used by `lossviz --export-on-finish` and the end-to-end test.
 */
void
lv_window_set_export_on_finish (LvWindow   *self,
                                const char *path)
{
  g_free (self->export_on_finish);
  self->export_on_finish = g_strdup (path);
}

/**
 * lv_window_get_control:
 * @self: the window
 * @name: "dataset", "custom-sizes", "runs", "depth", "activation", "epochs", "lr", "batch",
 *   "seed", "reg-kind", "degree" or "lambda"
 *
 * Returns: (transfer none) (nullable): the control, for tests.
 */
GtkWidget *
lv_window_get_control (LvWindow   *self,
                       const char *name)
{
  return g_hash_table_lookup (self->controls, name);
}

/**
 * lv_window_get_size_toggle:
 * @self: the window
 * @hidden: one of 2, 5, 10, 25, 50, 100, 250, 500
 *
 * Returns: (transfer none) (nullable): the size's toggle button, for tests.
 */
GtkWidget *
lv_window_get_size_toggle (LvWindow *self,
                           guint     hidden)
{
  for (guint i = 0; i < LV_WINDOW_N_SIZES; i++)
    if (lv_window_standard_sizes[i] == hidden)
      return GTK_WIDGET (self->size_toggles[i]);
  return NULL;
}

/**
 * lv_window_get_message:
 * @self: the window
 *
 * Returns: (nullable): the banner's message, %NULL when hidden.
 */
const char *
lv_window_get_message (LvWindow *self)
{
  return self->message;
}
