/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The index-vs-loss survey probe (see lv-index-survey.h).
 *
 * Throttling: the pool runs tasks in submission order, so queueing the whole survey at once
 * would put a slice the user asks for behind every Lanczos run. The probe keeps at most
 * max_in_flight tasks queued and waits at its checkpoint (lv_probe_context_check(), which also
 * blocks while the app pauses the job) before queueing each next one. */
#include "config.h"

#include <math.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-hessian-probe.h>
#include <lossviz/lv-index-survey.h>

typedef struct
{
  const LvIndexSurveyInput *input;
  LvIndexSurveyResult *result;
  LvProbeContext *context;
  guint *run_of_point;  /* the input run each point surveys */
  GMutex lock;          /* guards in_flight */
  GCond cond;
  guint in_flight;
} Survey;

typedef struct
{
  Survey *survey;
  guint index;
} Task;

/**
 * lv_index_survey_input_init:
 * @input: (out): the app's defaults (at most 2000 parameters, 3 extremes, tolerance 1e-6)
 */
void
lv_index_survey_input_init (LvIndexSurveyInput *input)
{
  *input = (LvIndexSurveyInput) { 0 };
  input->max_params = 2000;
  input->extremes = 3;
  input->tolerance = 1e-6;
}

/**
 * lv_index_survey_input_check:
 * @input: the input
 * @error: return location for an %LV_ERROR_INVALID_INPUT error
 *
 * Returns: whether the probe can run on @input
 */
gboolean
lv_index_survey_input_check (const LvIndexSurveyInput *input, GError **error)
{
  if ((input->n_runs > 0 && (input->dataset == NULL || input->runs == NULL)) ||
      input->extremes == 0)
    {
      g_set_error_literal (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                           "The index survey needs a dataset, runs and at least one extreme");
      return FALSE;
    }
  return TRUE;
}

/**
 * lv_index_survey_result_clear:
 * @result: a result
 */
void
lv_index_survey_result_clear (LvIndexSurveyResult *result)
{
  g_free (result->points);
  *result = (LvIndexSurveyResult) { 0 };
}

/* Pool thread: one run's Lanczos extremes. A failure (e.g. cancelled) leaves the point undone. */
static void
run_task (gpointer data)
{
  Task *task = data;
  Survey *s = task->survey;
  const LvIndexSurveyRun *run = &s->input->runs[s->run_of_point[task->index]];
  LvHessianInput h;
  LvHessianResult hr = { 0 };
  LvProbeContext quiet = LV_PROBE_CONTEXT_INIT (lv_probe_context_get_cancellable (s->context));

  lv_hessian_input_init (&h);
  h.shape = run->shape;
  h.params = run->params;
  h.dataset = s->input->dataset;
  h.extremes = s->input->extremes;
  h.tolerance = s->input->tolerance;
  h.seed = run->seed;
  if (!g_cancellable_is_cancelled (quiet.cancellable) &&
      lv_hessian_probe_run (&h, &hr, &quiet, NULL))
    {
      LvIndexPoint *p = &s->result->points[task->index];

      lv_probe_context_publish_begin (s->context);
      p->done = TRUE;
      p->min_eigenvalue = hr.spectrum->min_eigenvalue;
      p->max_eigenvalue = hr.spectrum->max_eigenvalue;
      p->index = hr.spectrum->negative_count;
      s->result->n_done++;
      lv_probe_context_publish_end (s->context,
                                    (double) s->result->n_done / MAX (s->result->n_points, 1));
    }
  lv_hessian_result_clear (&hr);
  g_mutex_lock (&s->lock);
  s->in_flight--;
  g_cond_signal (&s->cond);
  g_mutex_unlock (&s->lock);
  g_free (task);
}

static void
wait_below (Survey *s, guint limit)
{
  g_mutex_lock (&s->lock);
  while (s->in_flight > limit)
    g_cond_wait (&s->cond, &s->lock);
  g_mutex_unlock (&s->lock);
}

/* Every point, with NAN eigenvalues until computed; oversized runs counted as skipped. */
static void
init_points (Survey *s)
{
  const LvIndexSurveyInput *input = s->input;
  LvIndexPoint *points = g_new0 (LvIndexPoint, MAX (input->n_runs, 1));
  guint n = 0, skipped = 0;

  s->run_of_point = g_new (guint, MAX (input->n_runs, 1));
  for (guint i = 0; i < input->n_runs; i++)
    {
      const LvIndexSurveyRun *r = &input->runs[i];
      gsize np = lv_mlp_n_params (&r->shape);

      if (r->params == NULL || np > input->max_params)
        {
          skipped++;
          continue;
        }
      s->run_of_point[n] = i;
      points[n++] = (LvIndexPoint) { r->hidden, r->run, np, r->loss, FALSE, NAN, NAN, 0 };
    }
  lv_probe_context_publish_begin (s->context);
  g_free (s->result->points);
  s->result->points = points;
  s->result->n_points = n;
  s->result->n_done = 0;
  s->result->n_skipped = skipped;
  lv_probe_context_publish_end (s->context, n > 0 ? 0 : 1);
}

/**
 * lv_index_survey_probe_run:
 * @input: the runs
 * @result: (out caller-allocates): zero-initialised; every point is listed at once, each
 *   gets its eigenvalues when its task finishes
 * @context: (nullable): lock, progress, cancellation and pause (queueing waits while paused)
 * @error: return location for an error (%G_IO_ERROR_CANCELLED when cancelled)
 *
 * Returns: %TRUE unless cancelled (a run whose Lanczos fails stays not done)
 */
gboolean
lv_index_survey_probe_run (const LvIndexSurveyInput *input, LvIndexSurveyResult *result,
                           LvProbeContext *context, GError **error)
{
  Survey s = { input, result, context };
  guint limit = input->max_in_flight > 0 ? input->max_in_flight
                : MAX (input->pool != NULL ? lv_worker_pool_get_n_threads (input->pool) : 1, 1);
  gboolean ok = TRUE;
  /* One submitter: its points take turns with other jobs' tasks (lv-worker-pool.c). */
  g_autoptr(LvWorkerQueue) queue = NULL;

  if (!lv_index_survey_input_check (input, error))
    return FALSE;
  if (input->pool != NULL)
    queue = lv_worker_queue_new (input->pool);
  g_mutex_init (&s.lock);
  g_cond_init (&s.cond);
  init_points (&s);
  for (guint i = 0; i < result->n_points && ok; i++)
    {
      Task *task = g_new (Task, 1);

      wait_below (&s, limit - 1);
      ok = lv_probe_context_check (context, error);
      if (!ok)
        {
          g_free (task);
          break;
        }
      *task = (Task) { &s, i };
      g_mutex_lock (&s.lock);
      s.in_flight++;
      g_mutex_unlock (&s.lock);
      if (input->pool != NULL)
        lv_worker_queue_push (queue, run_task, task);
      else
        run_task (task);
    }
  /* The tasks borrow the survey's state: wait for every one, cancelled or not. */
  wait_below (&s, 0);
  g_mutex_clear (&s.lock);
  g_cond_clear (&s.cond);
  g_free (s.run_of_point);
  return ok && lv_probe_context_check (context, error);
}
