/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The window's instance struct and the functions its files share (lv-window.c: shell and
 * training actions; lv-window-controls.c: sidebar ↔ configuration; lv-window-files.c: save,
 * open, autosave, close prompt; lv-window-settings.c: GSettings; lv-window-presentation.c:
 * presentation mode and the guided tour). Tests use the accessors at the end.
 */

#include <adwaita.h>

#include "lv-follow-bar.h"
#include "lv-hv-panel.h"
#include "lv-window.h"

G_BEGIN_DECLS

#define LV_WINDOW_N_SIZES 8

struct _LvWindow
{
  GtkApplicationWindow parent_instance;

  LvExperiment *experiment;
  LvEnsembleConfig base_config; /* fields the sidebar does not show (loss, init, …) */
  GtkToggleButton *size_toggles[LV_WINDOW_N_SIZES];
  GPtrArray *dataset_specs;   /* char* (owned), parallel to the dataset dropdown */
  GHashTable *controls;       /* name → widget (borrowed) */
  guint tick_id;
  guint apply_id;
  char *export_on_finish;
  char *message;
  GtkWidget *banner_action;   /* an optional button in the banner (e.g. "Recover") */

  /* lv-window-files.c */
  char *file_path;            /* the experiment file, NULL when never saved */
  guint64 saved_serial;       /* results serial at the last save or open */
  gboolean close_confirmed;
  guint autosave_id;
  guint64 autosaved_serial;
  gboolean autosave_busy;
  gboolean owns_autosave;     /* wrote or recovered the autosave: remove it on a clean close */
  gint64 last_autosave;
  GCancellable *autosave_cancellable;

  /* lv-window-settings.c */
  GSettings *settings;        /* NULL when the schema is not installed */

  /* lv-window-presentation.c */
  gboolean presentation;
  GtkEventController *presentation_keys;
  int tour_step;              /* −1: no tour */
  guint tour_steps_skipped;

  AdwFlap *flap;              /* the sidebar: folds over the figures on a narrow window */
  guint fold_id;
  guint fold_tick_id;         /* waiting for the flap's first layout (see apply_fold) */
  AdwToastOverlay *toast_overlay;
  AdwToast *toast;            /* the information toast shown, or NULL (borrowed) */
  GtkBox *state_bar;          /* presentation: q, λ, depth, sizes, balanced badge */

  /* lv-window-state.c */
  GtkLabel *state_label;
  GtkLabel *state_badge;
  GtkLabel *pending_label;    /* "settings changed — press Start" */
  GtkWidget *pending_box;
  GtkLabel *degree_badge;     /* next to the q slider */
  GtkLabel *depth_note;       /* under "Hidden layers" */
  GtkLabel *page_note;        /* instead of the controls on a page with its own settings */
  GtkWidget *controls_scroller;
  gboolean settings_pending;  /* the sidebar differs from what the figures show */

  /* lv-window-tour.c: the user's settings while the guided tour borrows the sidebar */
  gboolean tour_saved;
  char *tour_saved_dataset;
  LvEnsembleConfig tour_saved_config;
  char *tour_saved_page;
  char *tour_saved_panel;
  guint tour_refresh_id;      /* re-measures the caption's numbers while a step shows */

  /* lv-window-undo.c: the results Reset forgot, while its toast offers Undo */
  LvSession *undo_session;
  gboolean undo_was_unsaved;
  GtkWidget *controls_pane;
  GtkWidget *start_button;   /* trains the networks: hidden where a page has its own Start */
  GtkRevealer *caption_revealer;
  GtkLabel *caption_title;
  GtkLabel *caption_label;
  GtkStack *title_stack;
  GtkStack *stack;
  GtkRevealer *banner_revealer;
  GtkWidget *banner_box;
  GtkLabel *banner_label;
  GtkLabel *progress_label;
  GtkProgressBar *progress_bar;
  LvFollowBar *follow_bar;    /* lv-bundle-follow.c */
  GtkDropDown *dataset_dropdown;
  GtkFlowBox *size_box;
  GtkEntry *custom_sizes_entry;
  GtkSpinButton *runs_spin;
  GtkSpinButton *depth_spin;
  GtkDropDown *activation_dropdown;
  GtkSpinButton *epochs_spin;
  GtkSpinButton *lr_spin;
  GtkSpinButton *batch_spin;
  GtkSpinButton *seed_spin;
  GtkDropDown *reg_kind_dropdown;
  GtkScale *degree_scale;
  GtkSpinButton *lambda_spin;
  /* lv-window-speed.c: precision and data order */
  GtkToggleButton *precision_fp32_toggle;
  GtkToggleButton *precision_bf16_toggle;
  GtkToggleButton *order_per_run_toggle;
  GtkToggleButton *order_shared_toggle;
};

/* lv-window.c */
void       lv_window_control_changed   (LvWindow   *self);
void       lv_window_ensure_ticking    (LvWindow   *self);
void       lv_window_update_progress   (LvWindow   *self);

/* lv-window-controls.c */
extern const guint lv_window_standard_sizes[LV_WINDOW_N_SIZES];
void       lv_window_build_controls    (LvWindow   *self);
gboolean   lv_window_read_controls     (LvWindow   *self,
                                        const char **dataset,
                                        LvEnsembleConfig *config,
                                        GError    **error);
void       lv_window_write_controls    (LvWindow   *self,
                                        const char *dataset,
                                        const LvEnsembleConfig *config);

/* lv-window-files.c */
void       lv_window_files_class_init  (GtkWidgetClass *widget_class);
void       lv_window_files_init        (LvWindow   *self);
void       lv_window_files_dispose     (LvWindow   *self);
void       lv_window_files_changed     (LvWindow   *self);
gboolean   lv_window_save_to           (LvWindow   *self,
                                        const char *path,
                                        GError    **error);
gboolean   lv_window_open_file         (LvWindow   *self,
                                        const char *path,
                                        GError    **error);
gboolean   lv_window_show_session      (LvWindow   *self,
                                        const char *path,
                                        const LvSession *session,
                                        GError    **error);
gboolean   lv_window_has_unsaved_work  (LvWindow   *self);
char      *lv_window_get_autosave_path (void);

/* lv-window-settings.c */
void       lv_window_settings_init     (LvWindow   *self);
void       lv_window_settings_save     (LvWindow   *self);
GSettings *lv_settings_new             (void);

/* lv-window-presentation.c */
void       lv_window_presentation_class_init (GtkWidgetClass *widget_class);
void       lv_window_presentation_dispose    (LvWindow   *self);
void       lv_window_update_figure_scale     (LvWindow   *self);
void       lv_window_set_presentation  (LvWindow   *self,
                                        gboolean    presentation);
gboolean   lv_window_get_presentation  (LvWindow   *self);
int        lv_window_get_tour_step     (LvWindow   *self);
const char *lv_window_get_caption      (LvWindow   *self);

/* lv-window-tour.c */
void       lv_window_tour_class_init   (GtkWidgetClass *widget_class);
void       lv_window_tour_end          (LvWindow   *self);
void       lv_window_tour_dispose      (LvWindow   *self);
void       lv_window_show_caption      (LvWindow   *self,
                                        const char *title,
                                        const char *text);

/* lv-window-tour-caption.c */
char      *lv_tour_caption_spread      (const LvEnsembleSnapshot *const *snapshots,
                                        guint       n);
char      *lv_tour_caption_chain       (const LvHvPanelState *state);

/* lv-window.c: the format drop-down decides an export's extension */
char      *lv_window_export_path_for_format (const char *path,
                                             const char *extension);

/* lv-window-export-info.c */
char      *lv_window_export_description (LvWindow  *self);
void       lv_window_export_prepare    (LvWindow   *self);
gboolean   lv_window_export_stamp_csv  (LvWindow   *self,
                                        const char *path,
                                        GError    **error);

/* lv-window-undo.c */
void       lv_window_undo_class_init   (GtkWidgetClass *widget_class);
void       lv_window_undo_dispose      (LvWindow   *self);

/* lv-window-state.c */
void       lv_window_state_init        (LvWindow   *self);
void       lv_window_state_update      (LvWindow   *self);
void       lv_window_state_set_pending (LvWindow   *self,
                                        gboolean    pending);
void       lv_window_state_page_changed (LvWindow  *self);
char      *lv_window_balance_text      (const LvEnsembleConfig *config);

/* lv-window-speed.c */
void       lv_window_speed_init        (LvWindow   *self);
void       lv_window_speed_read        (LvWindow   *self,
                                        LvEnsembleConfig *config);
void       lv_window_speed_write       (LvWindow   *self,
                                        const LvEnsembleConfig *config);
void       lv_window_speed_load_settings (LvWindow *self);
void       lv_window_speed_save_settings (LvWindow *self);
char      *lv_window_speed_text        (const LvEnsembleConfig *config);

/* For tests: reach the window's controls by name and apply them without the debounce. */
GtkWidget *lv_window_get_control       (LvWindow   *self,
                                        const char *name);
GtkWidget *lv_window_get_size_toggle   (LvWindow   *self,
                                        guint       hidden);
gboolean   lv_window_apply_controls    (LvWindow   *self);
const char *lv_window_get_message      (LvWindow   *self);

G_END_DECLS
