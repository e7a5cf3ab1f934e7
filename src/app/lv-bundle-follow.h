/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lv-window-private.h"

G_BEGIN_DECLS

/*
 * Follow (issue 13): while a job (`lossviz-cli ensemble --out X.h5 --checkpoint S`, a cluster
 * run) rewrites the bundle the window shows, the window reloads it at every checkpoint and the
 * figures grow live. The stateful action win.follow (File menu, and the toggle next to the
 * status line under the progress bar) turns it on and off; it is on by default for a bundle
 * whose runs are not all finished, and ends by itself once they are.
 */

/* lv-window-files.c calls these: at window construction (adds win.follow and the status row
 * under the progress bar), after a file was opened, and at dispose. */
void        lv_bundle_follow_init       (LvWindow        *window);
void        lv_bundle_follow_opened     (LvWindow        *window,
                                         const char      *path,
                                         const LvSession *session);
void        lv_bundle_follow_dispose    (LvWindow        *window);

/* Whether the window is following its file now. */
gboolean    lv_bundle_follow_is_active  (LvWindow        *window);
/* The status line ("following X.h5 · last checkpoint 14:02:11 · 12 / 40 runs"), NULL when
 * the window's file is no bundle being (or that was being) followed. */
const char *lv_bundle_follow_get_status (LvWindow        *window);
/* For tests: checkpoints shown, and rewrites that could not be read (left for the next). */
guint       lv_bundle_follow_get_n_reloads (LvWindow     *window);
guint       lv_bundle_follow_get_n_ignored (LvWindow     *window);

G_END_DECLS
