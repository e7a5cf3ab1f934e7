/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-landscape-inputs.h"

#include <glib/gi18n.h>

#include "lv-experiment-bundle.h"

/* The Landscape page's jobs (see lv-landscape-inputs.h): experiment → probe input → LvJob. */

#define CURVATURE_PROBES 8

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

/* ---- the run's landscape ---- */

static void
landscape_data_free (gpointer p)
{
  LvLandscapeJobData *d = p;

  lv_landscape_result_clear (&d->result);
  g_clear_pointer (&d->dataset, lv_dataset_unref);
  g_free (d->center);
  g_free (d->partner);
  g_free (d->partner2);
  g_free (d->trajectory);
  g_free (d);
}

static gboolean
landscape_probe (LvProbeContext *context, gpointer data, GError **error)
{
  LvLandscapeJobData *d = data;

  return lv_landscape_probe_run (&d->input, &d->result, context, error);
}

/* PCA needs the run's trajectory: a reopened bundle run uses the one the bundle saved (and
 * cannot be retrained faithfully without it); a run trained here is retrained by the probe. */
static gboolean
find_trajectory (LvExperiment *experiment, const LvEnsembleConfig *config,
                 LvLandscapeJobData *d, GError **error)
{
  const LvLandscapeRequest *r = &d->request;

  if (!lv_experiment_bundle_copy_run_trajectory (experiment, config, r->hidden, r->run,
                                                 &d->input.n_trajectory, &d->trajectory))
    return TRUE;
  if (d->trajectory != NULL && d->input.n_trajectory >= 2)
    {
      d->input.trajectory = d->trajectory;
      return TRUE;
    }
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
               _("PCA directions need the run's training trajectory, and this bundle has none: "
                 "write it with “lossviz-cli ensemble --save-trajectory K”, or choose random or "
                 "three-minima directions"));
  return FALSE;
}

static gboolean
fill_landscape_input (LvExperiment *experiment, LvLandscapeJobData *d, GError **error)
{
  const LvLandscapeRequest *r = &d->request;
  LvLandscapeInput *in = &d->input;
  LvEnsembleConfig config;
  LvMlpShape other;

  if (!copy_run (experiment, r->hidden, r->run, &in->shape, &config, &d->center, error) ||
      (r->partner != G_MAXUINT &&
       !copy_run (experiment, r->hidden, r->partner, &other, NULL, &d->partner, error)) ||
      (r->partner2 != G_MAXUINT &&
       !copy_run (experiment, r->hidden, r->partner2, &other, NULL, &d->partner2, error)))
    return FALSE;
  in->dataset = d->dataset;
  in->center = d->center;
  in->partner = d->partner;
  in->partner2 = d->partner2;
  in->kind = r->kind;
  in->direction_seed = r->direction_seed;
  in->train = config.train;
  in->run_seed = lv_ensemble_run_seed (config.seed, r->hidden, r->run);
  in->shared_order = config.shared_order;
  in->order_seed = lv_ensemble_order_seed (config.seed, r->hidden);
  in->slice.grid = r->grid;
  in->slice.span = r->span;
  in->n_interp = d->partner != NULL ? MAX (r->n_interp, 3) : 0;
  in->hessian = TRUE;
  in->pool = lv_job_get_worker_pool ();
  if (r->kind == LV_SLICE_DIRECTIONS_INTERPOLATE && (d->partner == NULL || d->partner2 == NULL))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   _("The plane through three minima needs three trained runs of this size"));
      return FALSE;
    }
  return r->kind != LV_SLICE_DIRECTIONS_PCA || find_trajectory (experiment, &config, d, error);
}

/**
 * lv_landscape_run_job_new:
 * @experiment: the experiment holding the trained runs and the dataset
 * @request: what to compute
 * @error: return location for an %LV_ERROR_INVALID_INPUT error
 *
 * Copies the runs' parameters (main thread, cheap) into a landscape probe's input.
 *
 * Returns: (transfer full) (nullable): the job (data: #LvLandscapeJobData), not started
 */
LvJob *
lv_landscape_run_job_new (LvExperiment *experiment, const LvLandscapeRequest *request,
                          GError **error)
{
  LvDataset *dataset = lv_experiment_get_dataset (experiment);
  LvLandscapeJobData *d;

  if (dataset == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, _("No dataset is loaded"));
      return NULL;
    }
  d = g_new0 (LvLandscapeJobData, 1);
  d->request = *request;
  d->dataset = lv_dataset_ref (dataset);
  lv_landscape_input_init (&d->input);
  lv_landscape_result_init (&d->result);
  if (!fill_landscape_input (experiment, d, error) ||
      !lv_landscape_input_check (&d->input, error))
    {
      landscape_data_free (d);
      return NULL;
    }
  return lv_job_new ("landscape", landscape_probe, d, landscape_data_free);
}

/* ---- the run's eigenvalue density ---- */

static void
curvature_data_free (gpointer p)
{
  LvCurvatureJobData *d = p;

  lv_hessian_result_clear (&d->result);
  g_clear_pointer (&d->dataset, lv_dataset_unref);
  g_free (d->params);
  g_free (d);
}

static gboolean
curvature_probe (LvProbeContext *context, gpointer data, GError **error)
{
  LvCurvatureJobData *d = data;

  return lv_hessian_probe_run (&d->input, &d->result, context, error);
}

/**
 * lv_curvature_job_new:
 * @experiment: the experiment
 * @hidden: the run's hidden width
 * @run: its index
 * @error: return location for an %LV_ERROR_INVALID_INPUT error
 *
 * The Hessian's eigenvalue density at the run (stochastic Lanczos quadrature, `lossviz-cli
 * hessian --method slq`'s defaults and seeds).
 *
 * Returns: (transfer full) (nullable): the job (data: #LvCurvatureJobData), not started
 */
LvJob *
lv_curvature_job_new (LvExperiment *experiment, guint hidden, guint run, GError **error)
{
  LvDataset *dataset = lv_experiment_get_dataset (experiment);
  LvCurvatureJobData *d;
  LvEnsembleConfig config;

  if (dataset == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, _("No dataset is loaded"));
      return NULL;
    }
  d = g_new0 (LvCurvatureJobData, 1);
  d->hidden = hidden;
  d->run = run;
  d->dataset = lv_dataset_ref (dataset);
  lv_hessian_input_init (&d->input);
  if (!copy_run (experiment, hidden, run, &d->input.shape, &config, &d->params, error))
    {
      curvature_data_free (d);
      return NULL;
    }
  d->input.params = d->params;
  d->input.dataset = d->dataset;
  d->input.method = LV_HESSIAN_PROBE_SLQ;
  d->input.probes = CURVATURE_PROBES;
  d->input.seed = lv_ensemble_run_seed (config.seed, hidden, run);
  d->input.pool = lv_job_get_worker_pool ();
  return lv_job_new ("curvature", curvature_probe, d, curvature_data_free);
}

/* ---- the index-vs-loss survey ---- */

static void
survey_data_free (gpointer p)
{
  LvIndexSurveyJobData *d = p;

  lv_index_survey_result_clear (&d->result);
  g_clear_pointer (&d->dataset, lv_dataset_unref);
  for (guint i = 0; i < d->input.n_runs; i++)
    g_free (d->params[i]);
  g_free (d->params);
  g_free (d->runs);
  g_free (d);
}

static gboolean
survey_probe (LvProbeContext *context, gpointer data, GError **error)
{
  LvIndexSurveyJobData *d = data;

  return lv_index_survey_probe_run (&d->input, &d->result, context, error);
}

/* Every finished run of the snapshots (at most @max_runs per size) with its parameters; those
 * over @max_params keep only their shape (the probe counts them as left out). */
static void
collect_runs (LvExperiment *experiment, LvIndexSurveyJobData *d, gsize max_params,
              guint max_runs)
{
  g_autoptr(GArray) runs = g_array_new (FALSE, TRUE, sizeof (LvIndexSurveyRun));
  g_autoptr(GPtrArray) params = g_ptr_array_new ();
  const LvEnsembleSnapshot *const *snapshots;
  guint n_snapshots = 0;
  guint64 base_seed = lv_experiment_get_config (experiment)->seed;

  snapshots = lv_experiment_get_snapshots (experiment, &n_snapshots);
  for (guint s = 0; d->dataset != NULL && s < n_snapshots; s++)
    for (guint r = 0, taken = 0; r < snapshots[s]->n_runs; r++)
      {
        const LvRunRecord *rec = &snapshots[s]->runs[r];
        LvIndexSurveyRun run = { rec->hidden, rec->run };
        float *p = NULL;

        if (rec->state != LV_RUN_FINISHED || taken >= max_runs ||
            !lv_experiment_copy_run_params (experiment, rec->hidden, rec->run, NULL, &run.shape,
                                            &p))
          continue;
        if (lv_mlp_n_params (&run.shape) > max_params)
          g_clear_pointer (&p, g_free);
        else
          taken++;
        run.loss = lv_run_record_final_train_loss (rec);
        run.seed = lv_ensemble_run_seed (base_seed, rec->hidden, rec->run);
        g_array_append_val (runs, run);
        g_ptr_array_add (params, p);
      }
  d->input.n_runs = runs->len;
  d->params = (float **) g_ptr_array_steal (params, NULL);
  d->runs = (LvIndexSurveyRun *) (gpointer) g_array_steal (runs, NULL);
  for (guint i = 0; i < d->input.n_runs; i++)
    d->runs[i].params = d->params[i];
}

/**
 * lv_index_survey_job_new:
 * @experiment: the experiment
 * @max_params: networks with more parameters are left out (counted)
 * @max_runs_per_size: at most this many finished runs of each size are surveyed
 *
 * Returns: (transfer full): the survey's job (data: #LvIndexSurveyJobData), not started (it
 *   may have no runs)
 */
LvJob *
lv_index_survey_job_new (LvExperiment *experiment, gsize max_params, guint max_runs_per_size)
{
  LvIndexSurveyJobData *d = g_new0 (LvIndexSurveyJobData, 1);
  LvDataset *dataset = lv_experiment_get_dataset (experiment);

  d->dataset = dataset != NULL ? lv_dataset_ref (dataset) : NULL;
  lv_index_survey_input_init (&d->input);
  collect_runs (experiment, d, max_params, max_runs_per_size);
  d->input.dataset = d->dataset;
  d->input.runs = d->runs;
  d->input.max_params = max_params;
  d->input.pool = lv_job_get_worker_pool ();
  return lv_job_new ("index survey", survey_probe, d, survey_data_free);
}
