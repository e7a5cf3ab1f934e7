/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <lossviz/lossviz.h>

#include "lv-test-util.h"

/*
 * Bad numbers (issue 9, item 3): each case has one clear outcome, checked through the CLI
 * (exit 0 with null metrics, or exit 2 with a one-line error naming the problem) and, where the
 * library decides, through the library.
 */

static char *
write_file (const char *dir, const char *name, const char *contents)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static JsonObject *
run_json (LvCliResult *r, const char *const *args)
{
  lv_test_run_cli_argv (r, args);
  if (r->exit_code != 0)
    g_test_message ("stderr: %s", r->err);
  g_assert_cmpint (r->exit_code, ==, 0);
  return lv_test_parse_json_object (r->out);
}

static JsonObject *
first_size (JsonObject *root)
{
  return json_array_get_object_element (json_object_get_array_member (root, "sizes"), 0);
}

static gboolean
summary_is_null (JsonObject *size, const char *member)
{
  JsonObject *s = json_object_get_object_member (size, member);

  return json_object_get_null_member (s, "mean") && json_object_get_null_member (s, "max");
}

/* A learning rate of 1e5 blows every run up: all "diverged", null losses, exit 0. */
static void
test_divergent_lr (void)
{
  g_auto(LvCliResult) r = { 0 };
  const char *args[] = { "ensemble", "--dataset", "random:100:3:3", "--sizes", "4", "--runs",
                         "3", "--epochs", "3", "--lr", "1e5", "--json", NULL };
  g_autoptr(JsonObject) root = run_json (&r, args);
  JsonObject *size = first_size (root);
  JsonArray *runs = json_object_get_array_member (root, "runs");

  g_assert_cmpint (json_object_get_int_member (size, "diverged"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (size, "finished"), ==, 0);
  g_assert_true (summary_is_null (size, "test_loss"));
  g_assert_true (summary_is_null (size, "train_loss"));
  for (guint i = 0; i < json_array_get_length (runs); i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);
      g_assert_cmpstr (json_object_get_string_member (run, "state"), ==, "diverged");
      g_assert_true (json_object_get_null_member (run, "train_loss"));
      g_assert_true (json_object_get_null_member (run, "test_loss"));
    }
}

/* The same through the library: the trainer stops with LV_RUN_DIVERGED, never a crash. */
static void
test_divergent_lr_library (void)
{
  LvDatasetOptions opts;
  g_autoptr(LvDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  LvTrainConfig config;
  LvMlpShape shape;
  g_autofree float *params = NULL;

  lv_dataset_options_init (&opts);
  ds = lv_dataset_load ("random:64:4:3", &opts, &error);
  g_assert_no_error (error);
  g_assert_true (lv_mlp_shape_init (&shape, ds->n_inputs, 1, 8, ds->n_classes,
                                    LV_ACTIVATION_RELU, LV_LOSS_CROSS_ENTROPY, TRUE, &error));
  lv_train_config_init (&config);
  config.lr = 1e6;
  config.epochs = 5;
  params = g_new (float, lv_mlp_n_params (&shape));
  g_assert_cmpint (lv_train_run (&shape, &config, ds, 1, params, NULL, NULL, NULL), ==,
                   LV_RUN_DIVERGED);
}

/* NaN and infinities in a CSV are refused with the row and column; so is an overflow. */
static void
test_csv_non_finite (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  const char *cells[] = { "nan", "NaN", "inf", "-inf", "Infinity", "1e999" };

  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      g_auto(LvCliResult) r = { 0 };
      g_autofree char *text = g_strdup_printf ("1,2,0\n3,%s,1\n5,6,0\n", cells[i]);
      g_autofree char *path = write_file (dir, "bad.csv", text);
      g_autofree char *spec = g_strconcat ("csv:", path, NULL);

      lv_test_run_cli (&r, "ensemble", "--dataset", spec, "--sizes", "2", "--runs", "1",
                       "--json", NULL);
      lv_test_assert_bad_input (&r, "non-finite value at row 2, column 2");
    }
}

/* A constant feature standardises to exactly 0 (no 0/0), and training on it is finite. */
static void
test_zero_variance_feature (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autoptr(GString) text = g_string_new ("a,b,label\n");
  g_autofree char *path = NULL;
  g_autofree char *spec = NULL;
  LvDatasetOptions opts;
  g_autoptr(LvDataset) ds = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (text, "7.5,%u,%u\n", i % 9, i % 2);
  path = write_file (dir, "const.csv", text->str);
  spec = g_strconcat ("csv:", path, NULL);

  lv_dataset_options_init (&opts);
  opts.standardize = TRUE;
  opts.test_fraction = 0.25;
  ds = lv_dataset_load (spec, &opts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_inputs, ==, 2);
  for (guint i = 0; i < ds->n_train; i++)
    {
      g_assert_cmpfloat (ds->x_train[i * 2], ==, 0.0f);
      g_assert_true (isfinite (ds->x_train[i * 2 + 1]));
    }
  for (guint i = 0; i < ds->n_test; i++)
    g_assert_cmpfloat (ds->x_test[i * 2], ==, 0.0f);

  {
    g_auto(LvCliResult) r = { 0 };
    const char *args[] = { "ensemble", "--dataset", spec, "--sizes", "3", "--runs", "2",
                           "--epochs", "3", "--json", NULL };
    g_autoptr(JsonObject) root = run_json (&r, args);
    JsonObject *size = first_size (root);

    g_assert_cmpint (json_object_get_int_member (size, "finished"), ==, 2);
    g_assert_false (summary_is_null (size, "train_loss"));
  }
}

/* One class: classification losses refuse it by name; MSE trains. */
static void
test_single_class (void)
{
  g_auto(LvCliResult) r = { 0 };
  const char *args[] = { "ensemble", "--dataset", "random:30:3:1", "--sizes", "3", "--runs",
                         "2", "--epochs", "2", "--loss", "mse", "--json", NULL };
  g_autoptr(JsonObject) root = NULL;

  for (guint i = 0; i < 2; i++)
    {
      g_auto(LvCliResult) bad = { 0 };
      lv_test_run_cli (&bad, "ensemble", "--dataset", "random:30:3:1", "--loss",
                       i == 0 ? "cross-entropy" : "hinge", "--json", NULL);
      lv_test_assert_bad_input (&bad, "single-class data");
    }
  root = run_json (&r, args);
  g_assert_cmpint (json_object_get_int_member (first_size (root), "finished"), ==, 2);
  g_assert_false (summary_is_null (first_size (root), "train_loss"));
}

/* No held-out set: test 0, null test metrics, finite train losses, exit 0. */
static void
test_empty_test_split (void)
{
  const char *specs[] = { "random:20:2:2", "random:1:2:2" };

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_auto(LvCliResult) r = { 0 };
      /* One sample is one class: classification refuses it (issue 16), MSE trains on it. */
      const char *args[] = { "ensemble", "--dataset", specs[i], "--test-fraction", "0",
                             "--sizes", "3", "--runs", "2", "--epochs", "2", "--loss",
                             i == 1 ? "mse" : "cross-entropy", "--json", NULL };
      g_autoptr(JsonObject) root = run_json (&r, args);
      JsonObject *dataset = json_object_get_object_member (root, "dataset");
      JsonObject *size = first_size (root);
      JsonObject *run = json_array_get_object_element (
        json_object_get_array_member (root, "runs"), 0);

      g_assert_cmpint (json_object_get_int_member (dataset, "test"), ==, 0);
      g_assert_true (summary_is_null (size, "test_loss"));
      g_assert_true (summary_is_null (size, "test_accuracy"));
      g_assert_false (summary_is_null (size, "train_loss"));
      g_assert_true (json_object_get_null_member (run, "test_loss"));
      g_assert_true (isfinite (json_object_get_double_member (run, "train_loss")));
    }
}

/* Zero sizes anywhere: one-line errors naming the option or the dataset. */
static void
test_zero_sizes (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *header_only = write_file (dir, "header.csv", "a,b,label\n");
  g_autofree char *empty = write_file (dir, "empty.csv", "");
  g_autofree char *header_spec = g_strconcat ("csv:", header_only, NULL);
  g_autofree char *empty_spec = g_strconcat ("csv:", empty, NULL);
  const struct { const char *option, *value, *needle; } cases[] = {
    { "--sizes", "0", "--sizes" },
    { "--sizes", "", "--sizes: empty list" },
    { "--runs", "0", "--runs" },
    { "--epochs", "0", "--epochs" },
    { "--batch", "0", "--batch" },
    { "--dataset", "random:0:5:3", "sample count '0'" },
    { "--dataset", "random:5:0:3", "random:5:0:3" },
    { "--dataset", header_spec, "empty dataset" },
    { "--dataset", empty_spec, "empty dataset" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(LvCliResult) r = { 0 };
      lv_test_run_cli (&r, "ensemble", cases[i].option, cases[i].value, "--json", NULL);
      lv_test_assert_bad_input (&r, cases[i].needle);
    }
}

/* Absurd sizes are refused before anything is allocated, with the memory they would take. */
static void
test_absurd_sizes (void)
{
  const char *const cases[][9] = {
    /* 10^6 hidden units × 10^5 runs: parameters alone are thousands of GiB. */
    { "--sizes", "1000000", "--runs", "100000", NULL },
    /* Tiny networks, but 10^5 runs × 10^6 epochs of history (24 MB a run). */
    { "--dataset", "random:10:2:2", "--sizes", "1", "--runs", "100000", "--epochs", "1000000",
      NULL },
    /* 10^8 samples × 1000 inputs. */
    { "--dataset", "random:100000000:1000:10", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(LvCliResult) r = { 0 };
      g_autoptr(GPtrArray) args = g_ptr_array_new ();

      g_ptr_array_add (args, (gpointer) "ensemble");
      for (guint k = 0; cases[i][k] != NULL; k++)
        g_ptr_array_add (args, (gpointer) cases[i][k]);
      g_ptr_array_add (args, (gpointer) "--json");
      g_ptr_array_add (args, NULL);
      lv_test_run_cli_argv (&r, (const char *const *) args->pdata);
      lv_test_assert_bad_input (&r, "GiB");
    }
  {
    g_auto(LvCliResult) r = { 0 };
    lv_test_run_cli (&r, "ensemble", "--sizes", "4294967296", "--json", NULL);
    lv_test_assert_bad_input (&r, "--sizes");
  }
}

/* Non-finite option values are out of every range. */
static void
test_non_finite_options (void)
{
  const char *const cases[][2] = {
    { "--lr", "nan" }, { "--lr", "inf" }, { "--lr", "-1" }, { "--momentum", "1" },
    { "--momentum", "nan" }, { "--reg-degree", "nan" }, { "--reg-lambda", "inf" },
    { "--lr-decay", "-inf" }, { "--test-fraction", "nan" }, { "--test-fraction", "1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(LvCliResult) r = { 0 };
      lv_test_run_cli (&r, "ensemble", cases[i][0], cases[i][1], "--json", NULL);
      lv_test_assert_bad_input (&r, cases[i][0]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/reliability/numbers/divergent-lr", test_divergent_lr);
  g_test_add_func ("/lossviz/reliability/numbers/divergent-lr-library",
                   test_divergent_lr_library);
  g_test_add_func ("/lossviz/reliability/numbers/csv-non-finite", test_csv_non_finite);
  g_test_add_func ("/lossviz/reliability/numbers/zero-variance-feature",
                   test_zero_variance_feature);
  g_test_add_func ("/lossviz/reliability/numbers/single-class", test_single_class);
  g_test_add_func ("/lossviz/reliability/numbers/empty-test-split", test_empty_test_split);
  g_test_add_func ("/lossviz/reliability/numbers/zero-sizes", test_zero_sizes);
  g_test_add_func ("/lossviz/reliability/numbers/absurd-sizes", test_absurd_sizes);
  g_test_add_func ("/lossviz/reliability/numbers/non-finite-options", test_non_finite_options);
  return g_test_run ();
}
