/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `lossviz-cli render --epoch E` (issue 15): the figure and its numbers at one epoch. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lv-test-util.h"

/* Trains a small experiment to a file; returns its parsed JSON. */
static JsonObject *
make_experiment (const char *path)
{
  g_auto(LvCliResult) r = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  lv_test_run_cli (&r, "ensemble", "--dataset", "digits", "--sizes", "4,16", "--runs", "3",
                   "--epochs", "4", "--out", path, "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Column @col of every data row of a CSV file. */
static GPtrArray *
csv_column (const char *path, guint col)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);
      g_assert_cmpuint (g_strv_length (cells), >, col);
      g_ptr_array_add (out, g_strdup (cells[col]));
    }
  return out;
}

/* At every epoch E the CSV beside the figure holds each run's losses after E epochs, read here
 * straight from the experiment file's per-epoch arrays; the figure file is written too. */
static void
test_epoch_values (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *exp = g_build_filename (dir, "exp.json", NULL);
  g_autofree char *png = g_build_filename (dir, "fig.png", NULL);
  g_autofree char *csv = g_build_filename (dir, "fig.csv", NULL);
  g_autoptr(JsonObject) root = make_experiment (exp);
  JsonArray *runs = json_object_get_array_member (root, "runs");

  for (guint e = 1; e <= 4; e++)
    {
      g_auto(LvCliResult) r = { 0 };
      g_autofree char *epoch = g_strdup_printf ("%u", e);
      g_autoptr(GPtrArray) test = NULL, train = NULL, shown = NULL;

      lv_test_run_cli (&r, "render", "--session", exp, "--epoch", epoch, "--plot", png,
                       "--data", csv, NULL);
      g_assert_cmpint (r.exit_code, ==, 0);
      g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
      test = csv_column (csv, 6);
      train = csv_column (csv, 5);
      shown = csv_column (csv, 8);
      g_assert_cmpuint (test->len, ==, json_array_get_length (runs));
      for (guint i = 0; i < test->len; i++)
        {
          JsonObject *run = json_array_get_object_element (runs, i);
          JsonArray *tl = json_object_get_array_member (run, "test_loss");
          JsonArray *rl = json_object_get_array_member (run, "train_loss");

          g_assert_cmpfloat (g_ascii_strtod (g_ptr_array_index (test, i), NULL), ==,
                             json_array_get_double_element (tl, e - 1));
          g_assert_cmpfloat (g_ascii_strtod (g_ptr_array_index (train, i), NULL), ==,
                             json_array_get_double_element (rl, e - 1));
          g_assert_cmpstr (g_ptr_array_index (shown, i), ==, epoch);
        }
      g_remove (png);
      g_remove (csv);
    }
  g_remove (exp);
  g_rmdir (dir);
}

/* Bad epochs are refused with one clear line and exit 2. */
static void
test_bad_epoch (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *exp = g_build_filename (dir, "exp.json", NULL);
  g_autofree char *png = g_build_filename (dir, "fig.png", NULL);
  g_autoptr(JsonObject) root = make_experiment (exp);
  const char *bad[] = { "0", "5", "-1", "2x", "" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(LvCliResult) r = { 0 };

      lv_test_run_cli (&r, "render", "--session", exp, "--epoch", bad[i], "--plot", png, NULL);
      lv_test_assert_bad_input (&r, "--epoch");
      g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
    }
  {
    g_auto(LvCliResult) r = { 0 };

    lv_test_run_cli (&r, "render", "--session", exp, "--epoch", "2", NULL);
    lv_test_assert_bad_input (&r, "--epoch needs --plot");
  }
  g_remove (exp);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/render-epoch/values", test_epoch_values);
  g_test_add_func ("/cli/render-epoch/bad", test_bad_epoch);
  return g_test_run ();
}
