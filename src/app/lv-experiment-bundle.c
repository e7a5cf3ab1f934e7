/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-experiment-bundle.h"
#include "lv-experiment-private.h"

/* The bundle an experiment was opened from: where restored runs' weights are read again. */
typedef struct
{
  char *path;
  LvBundle *records; /* its configuration and runs, without weights */
} Source;

#define SOURCE_KEY "lv-bundle-source"

static void
source_free (gpointer data)
{
  Source *source = data;

  g_free (source->path);
  lv_bundle_free (source->records);
  g_free (source);
}

/* Makes the bundle at @path (read as @records, taken) the source of the runs' weights. */
void
lv_experiment_bundle_adopt (LvExperiment *self, const char *path, LvBundle *records)
{
  Source *source = g_new0 (Source, 1);

  source->path = g_strdup (path);
  source->records = records;
  g_object_set_data_full (G_OBJECT (self), SOURCE_KEY, source, source_free);
}

LvSession *
lv_experiment_file_load (LvExperiment *self, const char *path, GError **error)
{
  g_autoptr(LvBundle) records = NULL;
  g_autoptr(LvBundle) shown = NULL;
  LvSession *session;

  if (!lv_bundle_path_is_bundle (path))
    return lv_session_load (path, error);
  /* Read twice (records only, small): the window takes one session, the source keeps the
   * other to look up the runs' weights at the next save. */
  records = lv_bundle_load (path, LV_BUNDLE_LOAD_RECORDS, error);
  shown = records != NULL ? lv_bundle_load (path, LV_BUNDLE_LOAD_RECORDS, error) : NULL;
  if (shown == NULL)
    return NULL;
  session = g_steal_pointer (&shown->session);
  g_clear_pointer (&shown->runs, g_free); /* records only: no parameters to free */
  lv_experiment_bundle_adopt (self, path, g_steal_pointer (&records));
  return session;
}

typedef struct
{
  LvExperiment *self;
  const LvSession *session;
  Source *source;
  LvBundleRunParams current;
} Fetch;

/* Weights of run @index of the session being saved: from the ensemble that trained it in the
 * app, else from the bundle it was opened from (matched by width and run number). */
static void
fetch (guint index, LvBundleRunParams *out, gpointer user_data)
{
  Fetch *f = user_data;
  const LvRunRecord *r = &f->session->snapshot->runs[index];
  guint s = index / f->session->config.runs, run = index % f->session->config.runs;
  LvExperimentEntry *entry = s < f->self->active->len ? g_ptr_array_index (f->self->active, s)
                                                      : NULL;
  LvMlpShape shape;

  lv_bundle_run_params_clear (&f->current);
  if (entry != NULL && entry->ensemble != NULL && run >= entry->n_kept &&
      lv_ensemble_copy_params (entry->ensemble, run - entry->n_kept, &shape, &f->current.params))
    lv_ensemble_copy_trajectory (entry->ensemble, run - entry->n_kept, &f->current.n_trajectory,
                                 &f->current.trajectory_epochs, &f->current.trajectory);
  else if (f->source != NULL && r->state == LV_RUN_FINISHED)
    {
      const LvSession *from = f->source->records->session;
      gint i = lv_bundle_find_run (from, r->hidden, r->run, NULL);
      if (i >= 0 && from->snapshot->runs[i].state == LV_RUN_FINISHED &&
          from->config.depth == f->session->config.depth &&
          from->config.bias == f->session->config.bias)
        lv_bundle_load_run (f->source->path, from, (guint) i, &f->current, TRUE, NULL);
    }
  *out = f->current;
}

gboolean
lv_experiment_file_save (LvExperiment *self, const LvSession *session, const char *path,
                         GError **error)
{
  Fetch f = { self, session, g_object_get_data (G_OBJECT (self), SOURCE_KEY), { 0 } };
  LvBundleWriteOptions options = { 0, 0 };
  LvBundlePrep prep;
  gboolean ok;

  if (!lv_bundle_path_is_bundle (path))
    return lv_session_save (session, path, error);
  lv_bundle_prep_from_dataset (&prep, self->dataset, &session->dataset_options);
  ok = lv_bundle_write (path, session, &prep, &options, fetch, &f, error);
  lv_bundle_run_params_clear (&f.current);
  lv_bundle_prep_clear (&prep);
  return ok;
}

/* Whether the bundle's runs are networks of @config on the data the experiment now shows. */
static gboolean
source_matches (LvExperiment *self, const LvSession *from, const LvEnsembleConfig *config)
{
  LvDatasetOptions opts;

  lv_experiment_dataset_options (self, self->dataset_name, &opts);
  return g_strcmp0 (from->dataset_spec, self->dataset_name) == 0 &&
         opts.downsample == from->dataset_options.downsample &&
         opts.test_fraction == from->dataset_options.test_fraction &&
         opts.seed == from->dataset_options.seed &&
         !opts.standardize == !from->dataset_options.standardize &&
         from->dataset.n_inputs == self->dataset->n_inputs &&
         from->dataset.n_classes == self->dataset->n_classes &&
         from->config.depth == config->depth && from->config.activation == config->activation &&
         from->config.loss == config->loss && from->config.bias == config->bias;
}

/* Loads run @run of width @hidden (and its trajectory) from the bundle the experiment was
 * opened from, when its networks are the ones @config describes. */
static gboolean
load_run (LvExperiment *self, const LvEnsembleConfig *config, guint hidden, guint run,
          LvMlpShape *shape, LvBundleRunParams *loaded, gboolean trajectory)
{
  Source *source = g_object_get_data (G_OBJECT (self), SOURCE_KEY);
  const LvSession *from;
  gint index;

  if (source == NULL || self->dataset == NULL ||
      !source_matches (self, source->records->session, config))
    return FALSE;
  from = source->records->session;
  index = lv_bundle_find_run (from, hidden, run, NULL);
  return index >= 0 && from->snapshot->runs[index].state == LV_RUN_FINISHED &&
         lv_bundle_session_shape (from, hidden, shape, NULL) &&
         lv_bundle_load_run (source->path, from, (guint) index, loaded, trajectory, NULL);
}

gboolean
lv_experiment_bundle_copy_run_params (LvExperiment *self, const LvEnsembleConfig *config,
                                      guint hidden, guint run, LvMlpShape *shape,
                                      float **params)
{
  g_auto(LvBundleRunParams) loaded = { 0 };

  if (!load_run (self, config, hidden, run, shape, &loaded, FALSE))
    return FALSE;
  *params = g_steal_pointer (&loaded.params);
  return TRUE;
}

gboolean
lv_experiment_bundle_copy_run_trajectory (LvExperiment *self, const LvEnsembleConfig *config,
                                          guint hidden, guint run, guint *n_trajectory,
                                          float **trajectory)
{
  g_auto(LvBundleRunParams) loaded = { 0 };
  LvMlpShape shape;

  *n_trajectory = 0;
  *trajectory = NULL;
  if (!load_run (self, config, hidden, run, &shape, &loaded, TRUE))
    return FALSE;
  *n_trajectory = loaded.n_trajectory;
  *trajectory = g_steal_pointer (&loaded.trajectory);
  return TRUE;
}
