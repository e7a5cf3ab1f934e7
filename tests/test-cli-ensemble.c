/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "lv-test-util.h"

static const char *const summary_keys[] = { "mean", "std", "min", "median", "max" };

/* The pinned JSON contract of `ensemble --json` (the README's keys), key by key. */
static void
test_json_contract (void)
{
  g_auto(LvCliResult) r = { 0 };
  g_autoptr(JsonObject) root = NULL;
  JsonObject *dataset;
  JsonArray *sizes, *runs;

  lv_test_run_cli (&r, "ensemble", "--dataset", "digits", "--sizes", "5,25", "--runs", "3",
                   "--epochs", "2", "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  root = lv_test_parse_json_object (r.out);
  dataset = json_object_get_object_member (root, "dataset");
  g_assert_cmpstr (json_object_get_string_member (dataset, "name"), ==, "digits");
  g_assert_cmpint (json_object_get_int_member (dataset, "train") +
                   json_object_get_int_member (dataset, "test"), ==, 1797);
  g_assert_cmpint (json_object_get_int_member (dataset, "inputs"), ==, 64);
  g_assert_cmpint (json_object_get_int_member (dataset, "classes"), ==, 10);
  sizes = json_object_get_array_member (root, "sizes");
  g_assert_cmpuint (json_array_get_length (sizes), ==, 2);
  for (guint s = 0; s < 2; s++)
    {
      JsonObject *size = json_array_get_object_element (sizes, s);
      g_assert_cmpint (json_object_get_int_member (size, "hidden"), ==, s == 0 ? 5 : 25);
      g_assert_cmpint (json_object_get_int_member (size, "runs"), ==, 3);
      g_assert_cmpint (json_object_get_int_member (size, "finished"), ==, 3);
      g_assert_cmpint (json_object_get_int_member (size, "diverged"), ==, 0);
      for (guint k = 0; k < G_N_ELEMENTS (summary_keys); k++)
        {
          g_assert_true (json_object_has_member (json_object_get_object_member (size, "test_loss"),
                                                 summary_keys[k]));
          g_assert_true (json_object_has_member (json_object_get_object_member (size, "train_loss"),
                                                 summary_keys[k]));
          g_assert_true (json_object_has_member (
            json_object_get_object_member (size, "test_accuracy"), summary_keys[k]));
        }
    }
  runs = json_object_get_array_member (root, "runs");
  g_assert_cmpuint (json_array_get_length (runs), ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);
      const char *keys[] = { "hidden", "run", "seed", "state", "train_loss", "test_loss",
                             "test_accuracy" };
      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        g_assert_true (json_object_has_member (run, keys[k]));
      g_assert_cmpstr (json_object_get_string_member (run, "state"), ==, "finished");
    }
  g_assert_true (json_object_has_member (root, "threads"));
  g_assert_true (json_object_has_member (root, "elapsed_s"));
  g_assert_true (json_object_has_member (root, "samples_per_s"));
  g_assert_true (json_object_has_member (root, "gflops"));
}

/* The summary's mean is the mean of the per-run test losses it summarises. */
static void
test_summary_matches_runs (void)
{
  g_auto(LvCliResult) r = { 0 };
  g_autoptr(JsonObject) root = NULL;
  JsonArray *runs;
  double sum = 0, mean;

  lv_test_run_cli (&r, "ensemble", "--sizes", "7", "--runs", "4", "--epochs", "2", "--json",
                   NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  root = lv_test_parse_json_object (r.out);
  runs = json_object_get_array_member (root, "runs");
  for (guint i = 0; i < 4; i++)
    sum += json_object_get_double_member (json_array_get_object_element (runs, i), "test_loss");
  mean = json_object_get_double_member (
    json_object_get_object_member (
      json_array_get_object_element (json_object_get_array_member (root, "sizes"), 0),
      "test_loss"),
    "mean");
  g_assert_cmpfloat_with_epsilon (mean, sum / 4, 1e-12);
}

static double
mean_test_loss (JsonObject *root, guint size_index)
{
  JsonObject *size = json_array_get_object_element (json_object_get_array_member (root, "sizes"),
                                                    size_index);
  return json_object_get_double_member (json_object_get_object_member (size, "test_loss"),
                                        "mean");
}

/* A real learning check on digits: 64 hidden units beat 2 hidden units by a wide margin. */
static void
test_wider_nets_learn_better (void)
{
  g_auto(LvCliResult) r = { 0 };
  g_autoptr(JsonObject) root = NULL;
  double narrow, wide;

  lv_test_run_cli (&r, "ensemble", "--sizes", "2,64", "--runs", "4", "--epochs", "8", "--json",
                   NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  root = lv_test_parse_json_object (r.out);
  narrow = mean_test_loss (root, 0);
  wide = mean_test_loss (root, 1);
  g_test_message ("mean test loss: 2 units %.4f, 64 units %.4f", narrow, wide);
  g_assert_cmpfloat (wide, <, 0.5 * narrow);
  /* Chance level is log(10) = 2.30 for cross-entropy: the wide nets are far below it. */
  g_assert_cmpfloat (wide, <, 0.5);
}

/* --threads 1 and --threads 2 print the same per-run results. */
static void
test_threads_invariance (void)
{
  g_auto(LvCliResult) a = { 0 };
  g_auto(LvCliResult) b = { 0 };
  g_autoptr(JsonObject) ra = NULL, rb = NULL;
  JsonArray *runs_a, *runs_b;

  lv_test_run_cli (&a, "ensemble", "--sizes", "4,9", "--runs", "3", "--epochs", "2",
                   "--threads", "1", "--json", NULL);
  lv_test_run_cli (&b, "ensemble", "--sizes", "4,9", "--runs", "3", "--epochs", "2",
                   "--threads", "2", "--json", NULL);
  g_assert_cmpint (a.exit_code, ==, 0);
  g_assert_cmpint (b.exit_code, ==, 0);
  ra = lv_test_parse_json_object (a.out);
  rb = lv_test_parse_json_object (b.out);
  runs_a = json_object_get_array_member (ra, "runs");
  runs_b = json_object_get_array_member (rb, "runs");
  g_assert_cmpuint (json_array_get_length (runs_a), ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      JsonObject *x = json_array_get_object_element (runs_a, i);
      JsonObject *y = json_array_get_object_element (runs_b, i);
      g_assert_cmpfloat (json_object_get_double_member (x, "test_loss"), ==,
                         json_object_get_double_member (y, "test_loss"));
      g_assert_cmpfloat (json_object_get_double_member (x, "train_loss"), ==,
                         json_object_get_double_member (y, "train_loss"));
    }
}

/* Without a test split the test metrics are null, not zero or NaN. */
static void
test_no_test_split (void)
{
  g_auto(LvCliResult) r = { 0 };
  g_autoptr(JsonObject) root = NULL;
  JsonObject *run;

  lv_test_run_cli (&r, "ensemble", "--sizes", "3", "--runs", "2", "--epochs", "1",
                   "--test-fraction", "0", "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  root = lv_test_parse_json_object (r.out);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "dataset"),
                                               "test"), ==, 0);
  run = json_array_get_object_element (json_object_get_array_member (root, "runs"), 0);
  g_assert_true (json_object_get_null_member (run, "test_loss"));
  g_assert_false (json_object_get_null_member (run, "train_loss"));
}

/* Divergence: runs are reported as diverged with null losses; exit is still 0. */
static void
test_divergence_reported (void)
{
  g_auto(LvCliResult) r = { 0 };
  g_autoptr(JsonObject) root = NULL;
  JsonObject *size;

  lv_test_run_cli (&r, "ensemble", "--sizes", "20", "--runs", "3", "--epochs", "3", "--lr",
                   "1e4", "--loss", "mse", "--activation", "linear", "--depth", "3", "--json",
                   NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  root = lv_test_parse_json_object (r.out);
  size = json_array_get_object_element (json_object_get_array_member (root, "sizes"), 0);
  g_assert_cmpint (json_object_get_int_member (size, "diverged"), ==, 3);
  g_assert_true (json_object_get_null_member (json_object_get_object_member (size, "test_loss"),
                                              "mean"));
}

/* `--plot FILE.svg` writes an SVG that an independent renderer (librsvg) converts, at the size
 * asked for, and that carries the legend's text. */
static void
test_plot_svg_opens_in_viewer (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *svg = g_build_filename (dir, "fig.svg", NULL);
  g_autofree char *png = g_build_filename (dir, "fig.png", NULL);
  g_autofree char *rsvg = g_find_program_in_path ("rsvg-convert");
  g_autofree char *text = NULL;
  g_auto(LvCliResult) r = { 0 };
  g_autoptr(GError) error = NULL;
  int status = 0;

  lv_test_run_cli (&r, "ensemble", "--sizes", "3,12", "--runs", "4", "--epochs", "2", "--plot",
                   svg, "--plot-size", "900x600", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "n = 12"));
  if (rsvg == NULL)
    {
      g_test_skip ("rsvg-convert (librsvg2-bin) is not installed");
      return;
    }
  {
    const char *argv[] = { rsvg, "-o", png, svg, NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                  NULL, &status, &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  {
    /* PNG header: width and height are big-endian at bytes 16..23. SVG sizes are in points;
     * librsvg renders at 96 px per inch, so 900×600 pt become 1200×800 px. */
    g_autofree guchar *bytes = NULL;
    gsize length = 0;
    g_assert_true (g_file_get_contents (png, (char **) &bytes, &length, NULL));
    g_assert_cmpuint (length, >, 24);
    g_assert_cmpuint ((bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19], ==,
                      900 * 96 / 72);
    g_assert_cmpuint ((bytes[20] << 24) | (bytes[21] << 16) | (bytes[22] << 8) | bytes[23], ==,
                      600 * 96 / 72);
  }
}

static void
test_bad_input (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *bad_idx = g_build_filename (dir, "bad.idx", NULL);
  g_autofree char *bad_spec = NULL;
  struct
  {
    const char *args[8];
    const char *needle;
  } cases[] = {
    { { "ensemble", "--no-such-option" }, "no-such-option" },
    { { "ensemble", "--runs", "abc" }, "runs" },
    { { "ensemble", "--runs", "0" }, "--runs" },
    { { "ensemble", "--lr", "nan" }, "--lr" },
    { { "ensemble", "--momentum", "1.5" }, "--momentum" },
    { { "ensemble", "--sizes", "5,,x" }, "--sizes" },
    { { "ensemble", "--sizes", "0" }, "--sizes" },
    { { "ensemble", "--depth", "9" }, "--depth" },
    { { "ensemble", "--activation", "swish" }, "--activation" },
    { { "ensemble", "--loss", "l7" }, "--loss" },
    { { "ensemble", "--reg-kind", "x" }, "--reg-kind" },
    { { "ensemble", "--test-fraction", "1.5" }, "--test-fraction" },
    { { "ensemble", "--dataset", "nope" }, "nope" },
    { { "ensemble", "--dataset", "csv:/nonexistent/file.csv" }, "/nonexistent/file.csv" },
    { { "ensemble", "--sizes", "100000", "--runs", "100000" }, "GiB" },
    { { "ensemble", "extra-argument" }, "extra-argument" },
    { { "no-such-command" }, "no-such-command" },
  };

  g_assert_true (g_file_set_contents (bad_idx, "\x00\x00\x08\x07garbage", 11, NULL));
  bad_spec = g_strdup_printf ("idx:%s:%s", bad_idx, bad_idx);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(LvCliResult) r = { 0 };
      lv_test_run_cli_argv (&r, cases[i].args);
      lv_test_assert_bad_input (&r, cases[i].needle);
      g_assert_cmpstr (r.out, ==, "");
    }
  {
    g_auto(LvCliResult) r = { 0 };
    lv_test_run_cli (&r, "ensemble", "--dataset", bad_spec, NULL);
    lv_test_assert_bad_input (&r, "magic");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/cli-ensemble/json-contract", test_json_contract);
  g_test_add_func ("/lossviz/cli-ensemble/summary-matches-runs", test_summary_matches_runs);
  g_test_add_func ("/lossviz/cli-ensemble/wider-nets-learn-better", test_wider_nets_learn_better);
  g_test_add_func ("/lossviz/cli-ensemble/threads-invariance", test_threads_invariance);
  g_test_add_func ("/lossviz/cli-ensemble/no-test-split", test_no_test_split);
  g_test_add_func ("/lossviz/cli-ensemble/divergence-reported", test_divergence_reported);
  g_test_add_func ("/lossviz/cli-ensemble/plot-svg-opens-in-viewer", test_plot_svg_opens_in_viewer);
  g_test_add_func ("/lossviz/cli-ensemble/bad-input", test_bad_input);
  return g_test_run ();
}
