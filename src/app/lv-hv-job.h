/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include <lossviz/lossviz.h>

G_BEGIN_DECLS

/*
 * LvHvJob — one paced gradient descent of the Haeffele–Vidal panel (matrix factorisation or
 * the depth-L chain) in a GTask thread. The worker appends a point per batch of steps to its
 * history and publishes under a mutex; the main thread is told through one coalesced
 * low-priority idle (at most one pending), so it reads each job at most once per turn of the
 * main loop and never waits for the worker.
 */

typedef enum {
  LV_HV_JOB_MF,
  LV_HV_JOB_CHAIN,
} LvHvJobKind;

typedef struct _LvHvJob LvHvJob;

/* Called on the main thread with the job's lock held; @data is what was given at start. */
typedef void (*LvHvJobNotify) (LvHvJob *job, gpointer data);

/**
 * LvHvJobView:
 * @xs: gradient step + 1 of each history point
 * @a: MF: objective; chain: product z
 * @b: MF: ‖Y − UVᵀ‖₂; chain: F(w)
 * @n: history points
 * @done: the descent stopped
 * @mf_cert: MF: the certificate at the last point (singular vectors owned by the job)
 * @u: MF: current U (m × r)
 * @v: MF: current V (n × r)
 * @w: chain: current factors
 *
 * A read-only view of a job's results, valid while its lock is held (inside the notify).
 */
typedef struct
{
  const double *xs, *a, *b;
  guint n;
  gboolean done;
  const LvMfCertificate *mf_cert;
  const double *u, *v;
  const double *w;
} LvHvJobView;

LvHvJob *lv_hv_job_new_mf    (const double *y, guint m, guint n, double lambda, guint r,
                              const double *u, const double *v, guint first_step, guint pace_us);
LvHvJob *lv_hv_job_new_chain (guint depth, double y, double lambda, double q, const double *w,
                              guint pace_us);
void     lv_hv_job_start     (LvHvJob *job, LvHvJobNotify notify, gpointer data);
void     lv_hv_job_abandon   (LvHvJob *job);
void     lv_hv_job_join_all  (void);
void     lv_hv_job_read      (LvHvJob *job, LvHvJobView *view);

G_END_DECLS
