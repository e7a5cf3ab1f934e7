/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-timeline.h"

#include <math.h>

#include <glib/gi18n.h>

/*
 * LvTimeline — the epoch timeline under the loss view: play / pause, step back and forward one
 * epoch, a speed in epochs per second, a scrubber over the epochs, and "Latest".
 *
 * It knows three numbers: the configured epochs (the scrubber's length), the frontier (the
 * most epochs any run has done: the scrubber's fill level, nothing past it can be shown) and
 * the epoch shown, 1-based, or 0 for "Latest" (each run's newest values, the view's default).
 * Playing moves a fractional position on at the chosen speed from the frame clock; the epoch
 * shown is its integer part, held at the frontier while training runs ahead of it (the
 * display follows at the lecturer's pace) and stopping at the last epoch once training is over.
 * The view listens to notify::epoch.
 */
struct _LvTimeline
{
  GtkBox parent_instance;

  GtkToggleButton *play_button;
  GtkButton *back_button;
  GtkButton *step_button;
  GtkToggleButton *latest_button;
  GtkScale *scale;
  GtkLabel *epoch_label;
  GtkDropDown *speed_dropdown;

  guint n_epochs;
  guint frontier;
  gboolean training;
  guint epoch;          /* 0: latest */
  double position;      /* playback position in epochs, epoch = floor */
  guint tick_id;
  gint64 last_frame_us;
  gboolean syncing;     /* updating the controls: ignore their signals */
};

G_DEFINE_FINAL_TYPE (LvTimeline, lv_timeline, GTK_TYPE_BOX)

const double lv_timeline_speeds[LV_TIMELINE_N_SPEEDS] = { 0.5, 1, 2, 4, 8 };

enum {
  PROP_0,
  PROP_EPOCH,
  PROP_PLAYING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sync_controls (LvTimeline *self)
{
  g_autofree char *text = NULL;
  guint shown = self->epoch != 0 ? self->epoch : self->frontier;

  self->syncing = TRUE;
  gtk_range_set_range (GTK_RANGE (self->scale), 1, MAX (self->n_epochs, 2));
  gtk_range_set_fill_level (GTK_RANGE (self->scale), MAX (self->frontier, 1));
  gtk_range_set_value (GTK_RANGE (self->scale), MAX (shown, 1));
  gtk_toggle_button_set_active (self->latest_button, self->epoch == 0);
  gtk_toggle_button_set_active (self->play_button, self->tick_id != 0);
  gtk_button_set_icon_name (GTK_BUTTON (self->play_button),
                            self->tick_id != 0 ? "media-playback-pause-symbolic"
                                               : "media-playback-start-symbolic");
  gtk_widget_set_sensitive (GTK_WIDGET (self), self->frontier > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->back_button), self->epoch != 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->step_button),
                            self->epoch == 0 || self->epoch < self->frontier);
  self->syncing = FALSE;

  if (self->frontier == 0)
    text = g_strdup (_("No epochs yet"));
  else if (self->epoch == 0)
    /* Translators: timeline label in "Latest" mode: the newest epoch and the configured
     * number of epochs. */
    text = g_strdup_printf (_("Latest · epoch %u of %u"), self->frontier, self->n_epochs);
  else
    /* Translators: timeline label: the epoch shown and the configured number of epochs. */
    text = g_strdup_printf (_("Epoch %u of %u"), self->epoch, self->n_epochs);
  gtk_label_set_text (self->epoch_label, text);
}

/* Shows @epoch (0: latest), clamped to what has been trained. */
static void
show_epoch (LvTimeline *self, guint epoch)
{
  if (epoch > self->frontier)
    epoch = self->frontier;
  if (epoch == self->epoch)
    {
      sync_controls (self);
      return;
    }
  self->epoch = epoch;
  sync_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EPOCH]);
}

void
lv_timeline_advance (LvTimeline *self, double seconds)
{
  guint next;

  g_return_if_fail (LV_IS_TIMELINE (self));
  if (self->tick_id == 0 || self->frontier == 0)
    return;
  self->position += lv_timeline_get_speed (self) * seconds;
  /* Training ahead or not, the display never passes what has been trained. */
  self->position = MIN (self->position, self->frontier);
  next = MAX ((guint) floor (self->position), 1);
  show_epoch (self, next);
  if (!self->training && next >= self->frontier)
    lv_timeline_set_playing (self, FALSE);
}

static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  LvTimeline *self = LV_TIMELINE (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  if (self->last_frame_us != 0)
    lv_timeline_advance (self, (now - self->last_frame_us) / 1e6);
  self->last_frame_us = now;
  return G_SOURCE_CONTINUE;
}

void
lv_timeline_set_playing (LvTimeline *self, gboolean playing)
{
  g_return_if_fail (LV_IS_TIMELINE (self));
  if (playing == (self->tick_id != 0) || (playing && self->frontier == 0))
    {
      sync_controls (self);
      return;
    }
  if (playing)
    {
      /* From "Latest" or the end, play from the first epoch; else from where it stands. */
      if (self->epoch == 0 || (self->epoch >= self->frontier && !self->training))
        self->position = 1;
      else
        self->position = self->epoch;
      self->last_frame_us = 0;
      self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
      show_epoch (self, (guint) self->position);
    }
  else
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  sync_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

gboolean
lv_timeline_get_playing (LvTimeline *self)
{
  return self->tick_id != 0;
}

/**
 * lv_timeline_step:
 * @self: the timeline
 * @delta: +1 one epoch on, −1 one back
 *
 * Pauses playback and moves one epoch; from "Latest", a step on goes to the first epoch (the
 * start of the story) and a step back to the one before the newest.
 */
void
lv_timeline_step (LvTimeline *self, int delta)
{
  guint from;

  g_return_if_fail (LV_IS_TIMELINE (self));
  if (self->frontier == 0)
    return;
  lv_timeline_set_playing (self, FALSE);
  if (self->epoch == 0)
    from = delta > 0 ? 0 : self->frontier;
  else
    from = self->epoch;
  show_epoch (self, (guint) CLAMP ((int) from + delta, 1, (int) self->frontier));
}

double
lv_timeline_get_speed (LvTimeline *self)
{
  guint i = gtk_drop_down_get_selected (self->speed_dropdown);

  return lv_timeline_speeds[MIN (i, LV_TIMELINE_N_SPEEDS - 1)];
}

/* One step along the speeds (0.5, 1, 2, 4, 8 epochs per second). */
void
lv_timeline_change_speed (LvTimeline *self, int delta)
{
  int i = (int) gtk_drop_down_get_selected (self->speed_dropdown) + delta;

  gtk_drop_down_set_selected (self->speed_dropdown, CLAMP (i, 0, LV_TIMELINE_N_SPEEDS - 1));
}

/**
 * lv_timeline_set_extent:
 * @self: the timeline
 * @n_epochs: the configured epochs
 * @frontier: the most epochs any run has done
 * @training: whether training is under way (playback then waits at the frontier)
 */
void
lv_timeline_set_extent (LvTimeline *self, guint n_epochs, guint frontier, gboolean training)
{
  g_return_if_fail (LV_IS_TIMELINE (self));
  self->n_epochs = MAX (n_epochs, frontier);
  self->frontier = frontier;
  self->training = training;
  if (frontier == 0)
    lv_timeline_set_playing (self, FALSE);
  show_epoch (self, self->epoch);
}

guint
lv_timeline_get_epoch (LvTimeline *self)
{
  return self->epoch;
}

/* Shows @epoch (1-based, clamped to the frontier) or, with 0, the latest values. */
void
lv_timeline_set_epoch (LvTimeline *self, guint epoch)
{
  g_return_if_fail (LV_IS_TIMELINE (self));
  if (epoch == 0)
    lv_timeline_set_playing (self, FALSE);
  show_epoch (self, epoch);
}

guint
lv_timeline_get_frontier (LvTimeline *self)
{
  return self->frontier;
}

static void
on_play_toggled (LvTimeline *self)
{
  if (!self->syncing)
    lv_timeline_set_playing (self, gtk_toggle_button_get_active (self->play_button));
}

static void
on_back_clicked (LvTimeline *self)
{
  lv_timeline_step (self, -1);
}

static void
on_step_clicked (LvTimeline *self)
{
  lv_timeline_step (self, +1);
}

static void
on_latest_toggled (LvTimeline *self)
{
  if (self->syncing)
    return;
  if (gtk_toggle_button_get_active (self->latest_button))
    lv_timeline_set_epoch (self, 0);
  else
    lv_timeline_set_epoch (self, MAX (self->frontier, 1));
}

static void
on_scale_changed (LvTimeline *self)
{
  double value = gtk_range_get_value (GTK_RANGE (self->scale));

  if (self->syncing)
    return;
  /* Dragging the scrubber takes over from playback. */
  lv_timeline_set_playing (self, FALSE);
  show_epoch (self, (guint) CLAMP (lround (value), 1, MAX (self->frontier, 1)));
}

static void
lv_timeline_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  LvTimeline *self = LV_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_EPOCH:
      g_value_set_uint (value, self->epoch);
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, self->tick_id != 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lv_timeline_dispose (GObject *object)
{
  LvTimeline *self = LV_TIMELINE (object);

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  gtk_widget_dispose_template (GTK_WIDGET (self), LV_TYPE_TIMELINE);
  G_OBJECT_CLASS (lv_timeline_parent_class)->dispose (object);
}

static void
lv_timeline_class_init (LvTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lv_timeline_dispose;
  object_class->get_property = lv_timeline_get_property;

  /**
   * LvTimeline:epoch:
   *
   * The epoch shown, 1-based; 0 means each run's latest values.
   */
  properties[PROP_EPOCH] =
    g_param_spec_uint ("epoch", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lv-timeline.ui");
  gtk_widget_class_bind_template_child (widget_class, LvTimeline, play_button);
  gtk_widget_class_bind_template_child (widget_class, LvTimeline, back_button);
  gtk_widget_class_bind_template_child (widget_class, LvTimeline, step_button);
  gtk_widget_class_bind_template_child (widget_class, LvTimeline, latest_button);
  gtk_widget_class_bind_template_child (widget_class, LvTimeline, scale);
  gtk_widget_class_bind_template_child (widget_class, LvTimeline, epoch_label);
  gtk_widget_class_bind_template_child (widget_class, LvTimeline, speed_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, on_play_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_step_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_latest_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_scale_changed);
  gtk_widget_class_set_css_name (widget_class, "timeline");
}

static void
lv_timeline_init (LvTimeline *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* 1 epoch per second by default: slow enough to narrate. */
  gtk_drop_down_set_selected (self->speed_dropdown, 1);
  gtk_range_set_show_fill_level (GTK_RANGE (self->scale), TRUE);
  gtk_range_set_restrict_to_fill_level (GTK_RANGE (self->scale), TRUE);
  sync_controls (self);
}

GtkWidget *
lv_timeline_new (void)
{
  return g_object_new (LV_TYPE_TIMELINE, NULL);
}
