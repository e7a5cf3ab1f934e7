/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include <lossviz/lossviz.h>

G_BEGIN_DECLS

/*
 * LvJob — the app's one way to run background work: a core probe (see lv-probe.h) in a GTask
 * thread. The probe publishes its partial results under the job's lock; the job turns each
 * publish into at most one pending low-priority idle, which emits `updated` on the main thread,
 * so a fast probe never floods the main loop and the UI never waits for a worker. `finished`
 * follows the last `updated` once the probe returns (with its error, or %NULL). Heavy parallel
 * work inside a probe goes to the process's one worker pool (lv_job_get_worker_pool()).
 *
 * Reading results: lv_job_lock() … lv_job_unlock() around any access to the data given at
 * lv_job_new(). Abandoning: lv_job_abandon() (cancel, disconnect, unref) — never waits; the thread
 * ends at the probe's next check and frees the data. Shutdown: lv_job_join_all().
 */

#define LV_TYPE_JOB (lv_job_get_type ())
G_DECLARE_FINAL_TYPE (LvJob, lv_job, LV, JOB, GObject)

/* Runs on the job's thread: the probe call with @data's input and result. */
typedef gboolean (*LvJobFunc) (LvProbeContext *context, gpointer data, GError **error);

LvJob        *lv_job_new              (const char      *name,
                                       LvJobFunc        func,
                                       gpointer         data,
                                       GDestroyNotify   data_free);
void          lv_job_start            (LvJob           *self);
void          lv_job_cancel           (LvJob           *self);
void          lv_job_abandon          (LvJob          **job,
                                       gpointer         listener);
void          lv_job_set_paused       (LvJob           *self,
                                       gboolean         paused);
gboolean      lv_job_get_paused       (LvJob           *self);
gpointer      lv_job_lock             (LvJob           *self);
void          lv_job_unlock           (LvJob           *self);
gpointer      lv_job_get_data         (LvJob           *self);
const char   *lv_job_get_name         (LvJob           *self);
gboolean      lv_job_is_running       (LvJob           *self);
gboolean      lv_job_is_finished      (LvJob           *self);
double        lv_job_get_fraction     (LvJob           *self);
const GError *lv_job_get_error        (LvJob           *self);
GCancellable *lv_job_get_cancellable  (LvJob           *self);

guint         lv_job_count_running    (void);
void          lv_job_join_all         (void);
LvWorkerPool *lv_job_get_worker_pool  (void);
void          lv_job_free_worker_pool (void);

G_END_DECLS
