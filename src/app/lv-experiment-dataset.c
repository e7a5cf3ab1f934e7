/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-experiment-private.h"

#include <glib/gi18n.h>

/*
 * The experiment's dataset: the options each dataset spec loads with (the app's defaults, or
 * those of an opened experiment file) and the load itself, in a GTask thread so that the main
 * thread never waits for it. When the load ends the configuration is applied again.
 */

/* Options the app loads @spec with, unless an opened file asked for others. */
void
lv_experiment_dataset_options (LvExperiment *self, const char *spec, LvDatasetOptions *opts)
{
  const LvDatasetOptions *override = g_hash_table_lookup (self->dataset_overrides, spec);

  lv_dataset_options_init (opts);
  /* Choromanska et al. trained on 10 × 10 downsampled images; so does the demo. */
  if (g_str_equal (spec, "fashion-mnist"))
    opts->downsample = 10;
  if (override != NULL)
    *opts = *override;
}

typedef struct
{
  char *name;
  LvDatasetOptions options;
} LoadRequest;

static void
load_request_free (LoadRequest *request)
{
  g_free (request->name);
  g_free (request);
}

static void
load_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LoadRequest *request = task_data;
  GError *error = NULL;
  LvDataset *dataset = lv_dataset_load (request->name, &request->options, &error);

  if (dataset == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, dataset, (GDestroyNotify) lv_dataset_unref);
}

static void
load_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LvExperiment *self = LV_EXPERIMENT (source);
  const char *name = ((LoadRequest *) g_task_get_task_data (G_TASK (result)))->name;
  g_autoptr(GError) error = NULL;
  LvDataset *dataset = g_task_propagate_pointer (G_TASK (result), &error);

  self->loading = FALSE;
  if (self->disposed)
    {
      g_clear_pointer (&dataset, lv_dataset_unref);
      return;
    }
  if (dataset == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not load the dataset “%s”: %s"), name,
                                              error->message);
      lv_experiment_report_error (self, msg);
      return;
    }
  g_clear_pointer (&self->dataset, lv_dataset_unref);
  self->dataset = dataset;
  g_free (self->dataset_name);
  self->dataset_name = g_strdup (name);
  lv_experiment_apply_config (self);
  /* Nothing else may be polling right now (an idle window stops its frame clock). */
  lv_experiment_poll (self);
}

void
lv_experiment_request_dataset (LvExperiment *self)
{
  g_autoptr(GTask) task = NULL;
  LoadRequest *request;

  if (self->loading)
    return; /* load_done → apply_config notices if the wanted name changed meanwhile */
  self->loading = TRUE;
  request = g_new0 (LoadRequest, 1);
  request->name = g_strdup (self->wanted_name);
  lv_experiment_dataset_options (self, request->name, &request->options);
  task = g_task_new (self, self->load_cancellable, load_done, NULL);
  g_task_set_task_data (task, request, (GDestroyNotify) load_request_free);
  g_task_run_in_thread (task, load_thread);
}
