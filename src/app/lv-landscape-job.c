/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-landscape-job.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

/*
 * Lifetimes. The job is reference counted: the view holds one reference until it abandons the
 * job, the GTask thread one, and every pending idle one. The worker uses the experiment's
 * worker pool, which the experiment frees in its dispose, so the job also holds a reference
 * to the experiment; it is dropped in the task's completion callback, on the main thread, so
 * the experiment is never disposed from the worker.
 */

/* Above this many parameters the Hessian summary uses Lanczos: forming and diagonalising the
 * full matrix costs n HVPs plus O(n³) (about 5 s at 1000 parameters on a laptop core). */
#define FULL_SPECTRUM_MAX_PARAMS 600
#define LANCZOS_EXTREMES 5
#define HESSIAN_TOLERANCE 1e-6

static gint n_alive;

struct _LvLandscapeJob
{
  gint ref_count;
  GMutex lock;
  GCancellable *cancellable;
  LvExperiment *experiment;       /* main thread: dropped in task_done */
  LvWorkerPool *pool;             /* the experiment's */

  /* inputs, immutable once started */
  LvLandscapeRequest request;
  LvDataset *dataset;
  LvEnsembleConfig config;
  LvMlpShape shape;
  gsize n_params;
  guint64 run_seed;
  float *center, *partner, *partner2;

  /* main thread only */
  LvLandscapeJobNotify notify;
  gpointer notify_data;

  /* published, under @lock */
  gboolean idle_pending;
  LvLandscapeStage stage;
  char *error;
  LvSliceGrid *grid;
  guint level, n_levels;
  GArray *path_x, *path_y;
  double explained[2];
  double center_train, center_test;
  double *interp_t, *interp_train, *interp_test;
  guint n_interp;
  LvHessianSpectrum *spectrum;
};

static LvLandscapeJob *
job_ref (LvLandscapeJob *job)
{
  g_atomic_int_inc (&job->ref_count);
  return job;
}

static void
job_unref (gpointer data)
{
  LvLandscapeJob *job = data;

  if (!g_atomic_int_dec_and_test (&job->ref_count))
    return;
  /* task_done dropped it already unless the job never started (then this is the main
   * thread: lv_landscape_job_abandon of an unstarted job). */
  g_clear_object (&job->experiment);
  g_mutex_clear (&job->lock);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->dataset, lv_dataset_unref);
  g_free (job->center);
  g_free (job->partner);
  g_free (job->partner2);
  g_free (job->error);
  g_clear_pointer (&job->grid, lv_slice_grid_free);
  g_array_unref (job->path_x);
  g_array_unref (job->path_y);
  g_free (job->interp_t);
  g_free (job->interp_train);
  g_free (job->interp_test);
  g_clear_pointer (&job->spectrum, lv_hessian_spectrum_free);
  g_free (job);
  g_atomic_int_dec_and_test (&n_alive);
}

/**
 * lv_landscape_job_count_alive:
 *
 * Jobs not freed yet, for tests that check abandoned jobs end.
 *
 * Returns: the count.
 */
guint
lv_landscape_job_count_alive (void)
{
  return (guint) g_atomic_int_get (&n_alive);
}

static gboolean
copy_run (LvExperiment *experiment, guint hidden, guint run, LvMlpShape *shape,
          LvEnsembleConfig *config, float **params, GError **error)
{
  if (lv_experiment_copy_run_params (experiment, hidden, run, config, shape, params))
    return TRUE;
  /* Finished runs without parameters were restored (from an experiment file, or from a
   * cached ensemble with fewer runs): their records are kept, their weights are not. */
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
               _("The weights of run %u (n = %u) are not in memory (its results were restored); "
                 "reset and train again to explore it"), run, hidden);
  return FALSE;
}

/**
 * lv_landscape_job_new:
 * @experiment: the experiment holding the trained runs, the dataset and the worker pool
 * @request: what to compute
 * @error: return location for an %LV_ERROR_INVALID_INPUT error
 *
 * Copies the runs' parameters (on the main thread, cheap) and prepares the job.
 *
 * Returns: (transfer full) (nullable): the job, not started.
 */
LvLandscapeJob *
lv_landscape_job_new (LvExperiment *experiment, const LvLandscapeRequest *request,
                      GError **error)
{
  LvDataset *dataset = lv_experiment_get_dataset (experiment);
  g_autofree float *center = NULL, *partner = NULL, *partner2 = NULL;
  LvEnsembleConfig config;
  LvMlpShape shape, other;
  LvLandscapeJob *job;

  if (dataset == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, _("No dataset is loaded"));
      return NULL;
    }
  if (!copy_run (experiment, request->hidden, request->run, &shape, &config, &center, error))
    return NULL;
  if (request->partner != G_MAXUINT &&
      !copy_run (experiment, request->hidden, request->partner, &other, NULL, &partner, error))
    return NULL;
  if (request->kind == LV_SLICE_DIRECTIONS_INTERPOLATE &&
      (partner == NULL || request->partner2 == G_MAXUINT))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   _("The plane through three minima needs three trained runs of this size"));
      return NULL;
    }
  if (request->partner2 != G_MAXUINT &&
      !copy_run (experiment, request->hidden, request->partner2, &other, NULL, &partner2, error))
    return NULL;

  job = g_new0 (LvLandscapeJob, 1);
  g_atomic_int_inc (&n_alive);
  job->ref_count = 1;
  g_mutex_init (&job->lock);
  job->cancellable = g_cancellable_new ();
  job->experiment = g_object_ref (experiment);
  job->pool = lv_experiment_get_pool (experiment);
  job->request = *request;
  job->dataset = lv_dataset_ref (dataset);
  job->config = config;
  job->shape = shape;
  job->n_params = lv_mlp_n_params (&shape);
  job->run_seed = lv_ensemble_run_seed (config.seed, request->hidden, request->run);
  job->center = g_steal_pointer (&center);
  job->partner = g_steal_pointer (&partner);
  job->partner2 = g_steal_pointer (&partner2);
  job->path_x = g_array_new (FALSE, FALSE, sizeof (double));
  job->path_y = g_array_new (FALSE, FALSE, sizeof (double));
  job->center_train = job->center_test = NAN;
  return job;
}

/* ---- worker side ---- */

static gboolean
notify_idle (gpointer data)
{
  LvLandscapeJob *job = data;

  g_mutex_lock (&job->lock);
  job->idle_pending = FALSE;
  if (job->notify != NULL)
    job->notify (job, job->notify_data);
  g_mutex_unlock (&job->lock);
  return G_SOURCE_REMOVE;
}

/* Call with the lock held: wakes the main thread once, however often the worker publishes. */
static void
wake_main (LvLandscapeJob *job)
{
  if (job->idle_pending)
    return;
  job->idle_pending = TRUE;
  g_idle_add_full (G_PRIORITY_LOW, notify_idle, job_ref (job), job_unref);
}

static void
set_stage (LvLandscapeJob *job, LvLandscapeStage stage)
{
  g_mutex_lock (&job->lock);
  job->stage = stage;
  wake_main (job);
  g_mutex_unlock (&job->lock);
}

typedef struct
{
  const float *params;
  gsize n_params;
  GArray *checkpoints;
} Recorder;

/* lv_train_run updates its parameter buffer in place: after each epoch it holds θ_e. */
static void
record_checkpoint (guint epoch, const LvEpochStats *stats, gpointer user_data)
{
  Recorder *r = user_data;

  g_array_append_vals (r->checkpoints, r->params, (guint) r->n_params);
}

/* PCA directions need the trajectory, which ensembles do not keep: train the run again with
 * its own seeds (and shared minibatch order, when the ensemble used one), recording every
 * epoch. Small networks train in well under a second. */
static gboolean
pca_directions (LvLandscapeJob *job, float *d1, float *d2, GError **error)
{
  gsize np = job->n_params;
  g_autofree float *params = g_new (float, np);
  g_autoptr(GArray) checkpoints = g_array_new (FALSE, FALSE, sizeof (float));
  Recorder recorder = { params, np, checkpoints };
  LvRunState state;
  double explained[2];
  guint m;

  if (job->config.shared_order)
    state = lv_train_run_ordered (&job->shape, &job->config.train, job->dataset, job->run_seed,
                                  lv_ensemble_order_seed (job->config.seed, job->request.hidden),
                                  params, record_checkpoint, &recorder, job->cancellable);
  else
    state = lv_train_run (&job->shape, &job->config.train, job->dataset, job->run_seed, params,
                          record_checkpoint, &recorder, job->cancellable);
  if (state != LV_RUN_FINISHED)
    {
      g_set_error (error, LV_ERROR, state == LV_RUN_CANCELLED ? LV_ERROR_CANCELLED
                                                              : LV_ERROR_FAILED,
                   _("Retraining the run for its trajectory ended %s"),
                   lv_run_state_to_string (state));
      return FALSE;
    }
  m = checkpoints->len / (guint) np;
  if (!lv_slice_directions_pca (&job->shape, job->center, (const float *) checkpoints->data, m,
                                d1, d2, explained, error))
    return FALSE;
  g_mutex_lock (&job->lock);
  job->explained[0] = explained[0];
  job->explained[1] = explained[1];
  for (guint k = 0; k < m; k++)
    {
      double a, b;
      if (lv_slice_project (np, job->center, d1, d2,
                            (const float *) checkpoints->data + (gsize) k * np, &a, &b))
        {
          g_array_append_val (job->path_x, a);
          g_array_append_val (job->path_y, b);
        }
    }
  g_mutex_unlock (&job->lock);
  return TRUE;
}

static gboolean
make_directions (LvLandscapeJob *job, float *d1, float *d2, GError **error)
{
  switch (job->request.kind)
    {
    case LV_SLICE_DIRECTIONS_FILTER:
      /* The CLI's seeds: independent of the run and of the size, so every slice uses the same
       * draws and pictures of different sizes are comparable. */
      return lv_slice_direction_filter (&job->shape, job->center,
                                        lv_seed_mix (job->request.direction_seed, 1, 0), FALSE,
                                        d1, error) &&
             lv_slice_direction_filter (&job->shape, job->center,
                                        lv_seed_mix (job->request.direction_seed, 2, 0), FALSE,
                                        d2, error);
    case LV_SLICE_DIRECTIONS_PCA:
      return pca_directions (job, d1, d2, error);
    case LV_SLICE_DIRECTIONS_INTERPOLATE:
    default:
      lv_slice_directions_between (job->n_params, job->center, job->partner, job->partner2, d1,
                                   d2);
      return TRUE;
    }
}

static void
on_slice_progress (const LvSliceGrid *grid, guint level, guint n_levels, gpointer user_data)
{
  LvLandscapeJob *job = user_data;
  LvSliceGrid *copy = lv_slice_grid_copy (grid);

  g_mutex_lock (&job->lock);
  g_clear_pointer (&job->grid, lv_slice_grid_free);
  job->grid = copy;
  job->level = level;
  job->n_levels = n_levels;
  wake_main (job);
  g_mutex_unlock (&job->lock);
}

/* The run's own losses, by the evaluation the slice's centre reproduces exactly. */
static void
center_losses (LvLandscapeJob *job)
{
  const LvDataset *ds = job->dataset;
  gboolean targets = job->shape.loss == LV_LOSS_MSE && ds->t_train != NULL;
  g_autoptr(LvMlpWorkspace) ws = lv_mlp_workspace_new (&job->shape, LV_SLICE_CHUNK);
  double train, test = NAN;

  train = lv_mlp_evaluate (&job->shape, job->center, ds->x_train, ds->y_train,
                           targets ? ds->t_train : NULL, ds->n_train, NULL, ws);
  if (ds->n_test > 0)
    test = lv_mlp_evaluate (&job->shape, job->center, ds->x_test, ds->y_test,
                            targets ? ds->t_test : NULL, ds->n_test, NULL, ws);
  g_mutex_lock (&job->lock);
  job->center_train = train;
  job->center_test = test;
  g_mutex_unlock (&job->lock);
}

/* Train and test loss on θ + t (θ_partner − θ), t ∈ [−0.25, 1.25]. */
static gboolean
interpolate (LvLandscapeJob *job, GError **error)
{
  guint n = MAX (job->request.n_interp, 3);
  g_autofree float *d1 = g_new (float, job->n_params);
  g_autofree float *d2 = g_new0 (float, job->n_params);
  g_autofree double *t = g_new (double, n), *zeros = g_new0 (double, n);
  g_autofree double *train = g_new (double, n), *test = g_new (double, n);
  g_autofree LvSliceValues *values = g_new (LvSliceValues, n);

  for (gsize i = 0; i < job->n_params; i++)
    d1[i] = job->partner[i] - job->center[i];
  for (guint k = 0; k < n; k++)
    t[k] = -0.25 + 1.5 * k / (n - 1);
  if (!lv_slice_evaluate_points (&job->shape, job->center, d1, d2, job->dataset, t, zeros, n,
                                 FALSE, TRUE, job->pool, values, job->cancellable, error))
    return FALSE;
  for (guint k = 0; k < n; k++)
    {
      train[k] = values[k].train_loss;
      test[k] = values[k].test_loss;
    }
  g_mutex_lock (&job->lock);
  job->interp_t = g_steal_pointer (&t);
  job->interp_train = g_steal_pointer (&train);
  job->interp_test = g_steal_pointer (&test);
  job->n_interp = n;
  wake_main (job);
  g_mutex_unlock (&job->lock);
  return TRUE;
}

static gboolean
hessian_summary (LvLandscapeJob *job, GError **error)
{
  g_autofree double *pd = g_new (double, job->n_params);
  g_autoptr(LvHessian) hessian = NULL;
  LvHessianSpectrum *spectrum;

  for (gsize i = 0; i < job->n_params; i++)
    pd[i] = job->center[i];
  hessian = lv_hessian_new (&job->shape, pd, job->dataset, error);
  if (hessian == NULL)
    return FALSE;
  if (job->n_params <= FULL_SPECTRUM_MAX_PARAMS)
    spectrum = lv_hessian_spectrum_full (hessian, job->pool, HESSIAN_TOLERANCE,
                                         job->cancellable, error);
  else
    spectrum = lv_hessian_spectrum_lanczos (hessian, 0, LANCZOS_EXTREMES,
                                            lv_seed_mix (job->run_seed, 0x1a2c, 0),
                                            HESSIAN_TOLERANCE, job->cancellable, error);
  if (spectrum == NULL)
    return FALSE;
  g_mutex_lock (&job->lock);
  job->spectrum = spectrum;
  g_mutex_unlock (&job->lock);
  return TRUE;
}

static gboolean
run_job (LvLandscapeJob *job, GError **error)
{
  g_autofree float *d1 = g_new (float, job->n_params);
  g_autofree float *d2 = g_new (float, job->n_params);
  g_autoptr(LvSliceGrid) grid = NULL;
  LvSliceConfig config;

  if (!make_directions (job, d1, d2, error))
    return FALSE;
  set_stage (job, LV_LANDSCAPE_STAGE_SLICE);
  lv_slice_config_init (&config);
  config.grid = job->request.grid;
  config.span = job->request.span;
  config.test = TRUE;
  grid = lv_slice_grid_compute (&job->shape, job->center, d1, d2, job->dataset, &config,
                                job->pool, on_slice_progress, job, job->cancellable, error);
  if (grid == NULL)
    return FALSE;
  center_losses (job);
  if (job->partner != NULL)
    {
      set_stage (job, LV_LANDSCAPE_STAGE_INTERPOLATION);
      if (!interpolate (job, error))
        return FALSE;
    }
  set_stage (job, LV_LANDSCAPE_STAGE_HESSIAN);
  return hessian_summary (job, error);
}

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LvLandscapeJob *job = task_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = run_job (job, &error);

  g_mutex_lock (&job->lock);
  if (ok)
    job->stage = LV_LANDSCAPE_STAGE_DONE;
  else
    {
      job->stage = LV_LANDSCAPE_STAGE_FAILED;
      job->error = g_strdup (error->message);
    }
  wake_main (job);
  g_mutex_unlock (&job->lock);
  /* Last: from here on the worker touches neither the pool nor the experiment. */
  g_task_return_boolean (task, ok);
}

static void
task_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LvLandscapeJob *job = g_task_get_task_data (G_TASK (result));

  g_clear_object (&job->experiment);
}

/**
 * lv_landscape_job_start:
 * @job: a new job
 * @notify: called on the main thread (lock held) after the worker published
 * @data: for @notify; must stay valid until lv_landscape_job_abandon()
 *
 * Runs the job in a GTask thread; the slice's evaluations run on the experiment's pool.
 */
void
lv_landscape_job_start (LvLandscapeJob *job, LvLandscapeJobNotify notify, gpointer data)
{
  g_autoptr(GTask) task = g_task_new (NULL, job->cancellable, task_done, NULL);

  job->notify = notify;
  job->notify_data = data;
  g_task_set_task_data (task, job_ref (job), job_unref);
  g_task_run_in_thread (task, job_thread);
}

/**
 * lv_landscape_job_abandon:
 * @job: (transfer full): the job
 *
 * Cancels the job, makes sure its notify is never called again and drops the caller's
 * reference. Never waits: the worker stops at its next data chunk or Hessian–vector product.
 */
void
lv_landscape_job_abandon (LvLandscapeJob *job)
{
  g_cancellable_cancel (job->cancellable);
  g_mutex_lock (&job->lock);
  job->notify = NULL;
  job->notify_data = NULL;
  g_mutex_unlock (&job->lock);
  job_unref (job);
}

/**
 * lv_landscape_job_get_request:
 * @job: the job
 *
 * Returns: (transfer none): what it computes.
 */
const LvLandscapeRequest *
lv_landscape_job_get_request (LvLandscapeJob *job)
{
  return &job->request;
}

/**
 * lv_landscape_job_read:
 * @job: the job, its lock held (call from the notify)
 * @view: (out caller-allocates): borrowed views of its results
 */
void
lv_landscape_job_read (LvLandscapeJob *job, LvLandscapeJobView *view)
{
  memset (view, 0, sizeof *view);
  view->stage = job->stage;
  view->error = job->error;
  view->n_params = job->n_params;
  view->grid = job->grid;
  view->level = job->level;
  view->n_levels = job->n_levels;
  view->path_x = (const double *) job->path_x->data;
  view->path_y = (const double *) job->path_y->data;
  view->n_path = job->path_x->len;
  view->explained[0] = job->explained[0];
  view->explained[1] = job->explained[1];
  view->center_train = job->center_train;
  view->center_test = job->center_test;
  view->interp_t = job->interp_t;
  view->interp_train = job->interp_train;
  view->interp_test = job->interp_test;
  view->n_interp = job->n_interp;
  view->spectrum = job->spectrum;
}
