/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The speeds the timeline offers, in epochs per second. */
#define LV_TIMELINE_N_SPEEDS 5
extern const double lv_timeline_speeds[LV_TIMELINE_N_SPEEDS];

#define LV_TYPE_TIMELINE (lv_timeline_get_type ())
G_DECLARE_FINAL_TYPE (LvTimeline, lv_timeline, LV, TIMELINE, GtkBox)

GtkWidget *lv_timeline_new          (void);
void       lv_timeline_set_extent   (LvTimeline *self,
                                     guint       n_epochs,
                                     guint       frontier,
                                     gboolean    training);
guint      lv_timeline_get_epoch    (LvTimeline *self);
void       lv_timeline_set_epoch    (LvTimeline *self,
                                     guint       epoch);
guint      lv_timeline_get_frontier (LvTimeline *self);
gboolean   lv_timeline_get_playing  (LvTimeline *self);
void       lv_timeline_set_playing  (LvTimeline *self,
                                     gboolean    playing);
void       lv_timeline_step         (LvTimeline *self,
                                     int         delta);
double     lv_timeline_get_speed    (LvTimeline *self);
void       lv_timeline_change_speed (LvTimeline *self,
                                     int         delta);
/* Moves playback on by @seconds of wall time (the frame clock calls it; tests too). */
void       lv_timeline_advance      (LvTimeline *self,
                                     double      seconds);

G_END_DECLS
