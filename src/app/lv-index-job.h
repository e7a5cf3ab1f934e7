/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include <lossviz/lossviz.h>

#include "lv-experiment.h"

G_BEGIN_DECLS

/*
 * LvIndexJob — the "index vs loss" survey: for every finished run of the experiment's small
 * networks, the Hessian's smallest eigenvalue and index at its final point (Lanczos), one task
 * per run on the experiment's worker pool. Results are published under a mutex; the main
 * thread is woken through one coalesced low-priority idle.
 */

typedef struct _LvIndexJob LvIndexJob;

/**
 * LvIndexPoint:
 * @hidden: the run's hidden width
 * @run: its index within the size
 * @n_params: its parameters
 * @loss: its final train loss
 * @done: whether the eigenvalues below are computed
 * @min_eigenvalue: the smallest Ritz value
 * @max_eigenvalue: the largest
 * @index: negative Ritz values (a lower bound of the index)
 *
 * One run of the survey.
 */
typedef struct
{
  guint hidden;
  guint run;
  gsize n_params;
  double loss;
  gboolean done;
  double min_eigenvalue;
  double max_eigenvalue;
  guint index;
} LvIndexPoint;

typedef void (*LvIndexJobNotify) (LvIndexJob *job, gpointer data);

LvIndexJob *lv_index_job_new     (LvExperiment        *experiment,
                                  gsize                max_params,
                                  guint                max_runs_per_size);
void        lv_index_job_start   (LvIndexJob          *job,
                                  LvIndexJobNotify     notify,
                                  gpointer             data);
void        lv_index_job_set_paused (LvIndexJob       *job,
                                     gboolean          paused);
void        lv_index_job_abandon (LvIndexJob          *job);
void        lv_index_job_read    (LvIndexJob          *job,
                                  const LvIndexPoint **points,
                                  guint               *n_points,
                                  guint               *n_done,
                                  guint               *n_skipped);
void        lv_index_job_lock    (LvIndexJob          *job);
void        lv_index_job_unlock  (LvIndexJob          *job);

G_END_DECLS
