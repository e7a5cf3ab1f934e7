/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <lossviz/lossviz.h>

#include "lv-cli-common.h"
#include "lv-cli-ensemble.h"
#include "lv-cli-mpi.h"

/* What `ensemble` (and `render`) print: the JSON object of --json and the table. */

void
lv_cli_ensemble_print_json (const LvSession *session)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  lv_cli_ensemble_report (b, session);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  lv_cli_print_json (root);
}

static void
report_dataset (JsonBuilder *b, const LvDatasetInfo *ds)
{
  json_builder_set_member_name (b, "dataset");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, ds->name);
  json_builder_set_member_name (b, "train");
  json_builder_add_int_value (b, ds->n_train);
  json_builder_set_member_name (b, "test");
  json_builder_add_int_value (b, ds->n_test);
  json_builder_set_member_name (b, "inputs");
  json_builder_add_int_value (b, ds->n_inputs);
  json_builder_set_member_name (b, "classes");
  json_builder_add_int_value (b, ds->n_classes);
  json_builder_end_object (b);
}

/* One element of "sizes": the summaries of size @s; adds its runs' samples and flops. */
static void
report_size (JsonBuilder *b, const LvSession *session, guint s, double *samples, double *flops)
{
  const LvEnsembleConfig *config = &session->config;
  const LvDatasetInfo *ds = &session->dataset;
  const LvRunRecord *runs = session->snapshot->runs + (gsize) s * config->runs;
  g_autofree double *test = g_new (double, config->runs);
  g_autofree double *train = g_new (double, config->runs);
  g_autofree double *acc = g_new (double, config->runs);
  guint finished = 0, diverged = 0;
  LvMlpShape shape;

  lv_mlp_shape_init (&shape, ds->n_inputs, config->depth, config->sizes[s],
                     lv_dataset_info_network_outputs (ds, config->loss),
                     config->activation, config->loss, config->bias, NULL);
  for (guint r = 0; r < config->runs; r++)
    {
      /* Diverged runs report NAN, which the summaries skip. */
      test[r] = lv_run_record_final_test_loss (&runs[r]);
      train[r] = lv_run_record_final_train_loss (&runs[r]);
      acc[r] = lv_run_record_final_test_accuracy (&runs[r]);
      finished += runs[r].state == LV_RUN_FINISHED;
      diverged += runs[r].state == LV_RUN_DIVERGED;
      *samples += (double) runs[r].epochs_done * ds->n_train;
      /* Training: 2 flops per weight and sample forward, 4 backward; evaluation: 2. */
      *flops += (double) runs[r].epochs_done * lv_mlp_n_params (&shape) *
                (6.0 * ds->n_train + 2.0 * ds->n_test);
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "hidden");
  json_builder_add_int_value (b, config->sizes[s]);
  json_builder_set_member_name (b, "runs");
  json_builder_add_int_value (b, config->runs);
  json_builder_set_member_name (b, "finished");
  json_builder_add_int_value (b, finished);
  json_builder_set_member_name (b, "diverged");
  json_builder_add_int_value (b, diverged);
  lv_cli_add_summary (b, "test_loss", test, config->runs);
  lv_cli_add_summary (b, "train_loss", train, config->runs);
  lv_cli_add_summary (b, "test_accuracy", acc, config->runs);
  lv_cli_add_double (b, "train_test_pearson", lv_pearson (train, test, config->runs));
  json_builder_end_object (b);
}

static void
report_runs (JsonBuilder *b, const LvEnsembleSnapshot *snap)
{
  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (guint i = 0; i < snap->n_runs; i++)
    {
      const LvRunRecord *r = &snap->runs[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "hidden");
      json_builder_add_int_value (b, r->hidden);
      json_builder_set_member_name (b, "run");
      json_builder_add_int_value (b, r->run);
      json_builder_set_member_name (b, "seed");
      json_builder_add_int_value (b, (gint64) r->seed);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, lv_run_state_to_string (r->state));
      lv_cli_add_double (b, "train_loss", lv_run_record_final_train_loss (r));
      lv_cli_add_double (b, "test_loss", lv_run_record_final_test_loss (r));
      lv_cli_add_double (b, "test_accuracy", lv_run_record_final_test_accuracy (r));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

void
lv_cli_ensemble_report (JsonBuilder *b, const LvSession *session)
{
  double elapsed = session->elapsed_s;
  double flops = 0, samples = 0;

  report_dataset (b, &session->dataset);
  json_builder_set_member_name (b, "sizes");
  json_builder_begin_array (b);
  for (guint s = 0; s < session->config.n_sizes; s++)
    report_size (b, session, s, &samples, &flops);
  json_builder_end_array (b);
  report_runs (b, session->snapshot);
  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, session->threads);
  json_builder_set_member_name (b, "ranks");
  json_builder_add_int_value (b, lv_cli_mpi_size ());
  json_builder_set_member_name (b, "precision");
  json_builder_add_string_value (b, lv_precision_to_string (session->config.train.precision));
  lv_cli_add_double (b, "elapsed_s", elapsed);
  lv_cli_add_double (b, "samples_per_s", elapsed > 0 ? samples / elapsed : NAN);
  lv_cli_add_double (b, "gflops", elapsed > 0 ? flops / elapsed / 1e9 : NAN);
}

void
lv_cli_ensemble_print_table (const LvSession *session)
{
  const LvEnsembleConfig *config = &session->config;
  const LvDatasetInfo *ds = &session->dataset;
  const LvEnsembleSnapshot *snap = session->snapshot;
  double elapsed = session->elapsed_s;

  printf ("dataset %s: %u train, %u test, %u inputs, %u classes\n", ds->name, ds->n_train,
          ds->n_test, ds->n_inputs, ds->n_classes);
  printf ("%8s %6s %9s %12s %10s %10s %10s %10s %9s\n", "hidden", "runs", "diverged",
          "test mean", "std", "min", "median", "max", "accuracy");
  for (guint s = 0; s < config->n_sizes; s++)
    {
      const LvRunRecord *runs = snap->runs + (gsize) s * config->runs;
      g_autofree double *loss = g_new (double, config->runs);
      g_autofree double *acc = g_new (double, config->runs);
      guint diverged = 0;
      LvSummary ls, as;

      for (guint r = 0; r < config->runs; r++)
        {
          gboolean has_test = ds->n_test > 0;
          loss[r] = has_test ? lv_run_record_final_test_loss (&runs[r])
                             : lv_run_record_final_train_loss (&runs[r]);
          acc[r] = lv_run_record_final_test_accuracy (&runs[r]);
          diverged += runs[r].state == LV_RUN_DIVERGED;
        }
      lv_summary_compute (loss, config->runs, &ls);
      lv_summary_compute (acc, config->runs, &as);
      printf ("%8u %6u %9u %12.5f %10.5f %10.5f %10.5f %10.5f %9.4f\n", config->sizes[s],
              config->runs, diverged, ls.mean, ls.std, ls.min, ls.median, ls.max, as.mean);
    }
  if (ds->n_test == 0)
    printf ("(no test split: the loss columns are final train losses)\n");
  printf ("%u runs in %.2f s\n", snap->n_runs, elapsed);
}
