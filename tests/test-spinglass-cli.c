/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lossviz.h>

#include "lv-test-util.h"

/* `lossviz-cli spinglass …`: the JSON keys pinned by issue 4 and one-line bad-input errors. */

static void
test_bands_json (void)
{
  g_auto(LvCliResult) result = { 0 };
  g_autoptr(JsonObject) obj = NULL;
  JsonArray *e;

  lv_test_run_cli (&result, "spinglass", "bands", "--p", "3", "--k", "4", "--json", NULL);
  g_assert_cmpint (result.exit_code, ==, 0);
  obj = lv_test_parse_json_object (result.out);
  g_assert_cmpint (json_object_get_int_member (obj, "p"), ==, 3);
  g_assert_cmpfloat (fabs (json_object_get_double_member (obj, "E_inf") - 2 * sqrt (2.0 / 3)), <,
                     1e-12);
  e = json_object_get_array_member (obj, "E");
  g_assert_cmpuint (json_array_get_length (e), ==, 5);
  g_assert_cmpfloat (fabs (json_array_get_double_element (e, 0) - 1.657), <, 0.001);
  for (guint k = 1; k < 5; k++)
    g_assert_cmpfloat (json_array_get_double_element (e, k - 1), >,
                       json_array_get_double_element (e, k));
  g_assert_cmpfloat (fabs (json_object_get_double_member (obj, "plateau") - 0.0132403), <, 5e-8);
}

static void
test_complexity_json (void)
{
  g_auto(LvCliResult) result = { 0 };
  g_autoptr(JsonObject) obj = NULL;
  JsonArray *points;
  JsonObject *pt;

  lv_test_run_cli (&result, "spinglass", "complexity", "--p", "4", "--k", "2", "--u",
                   "-2,-1,0.5", "--json", NULL);
  g_assert_cmpint (result.exit_code, ==, 0);
  obj = lv_test_parse_json_object (result.out);
  g_assert_cmpint (json_object_get_int_member (obj, "p"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (obj, "k"), ==, 2);
  points = json_object_get_array_member (obj, "points");
  g_assert_cmpuint (json_array_get_length (points), ==, 3);
  pt = json_array_get_object_element (points, 2);
  g_assert_cmpfloat (json_object_get_double_member (pt, "u"), ==, 0.5);
  /* Above 0 the total complexity is ½ log(p − 1); above −E_inf Θ_k is the plateau. */
  g_assert_cmpfloat (fabs (json_object_get_double_member (pt, "theta_total") - 0.5 * log (3.0)),
                     <, 1e-15);
  g_assert_cmpfloat (fabs (json_object_get_double_member (pt, "theta_k") -
                           (0.5 * log (3.0) - 0.5)), <, 1e-15);
}

static void
test_simulate_json (void)
{
  g_auto(LvCliResult) result = { 0 };
  g_autoptr(JsonObject) obj = NULL;
  JsonArray *sizes, *runs;
  const char *size_keys[] = { "lambda", "runs", "energy", "fraction_in_band",
                              "fraction_below_E0", "max_index" };
  const char *summary_keys[] = { "mean", "std", "min", "median", "max" };
  const char *run_keys[] = { "lambda", "run", "energy", "index", "steps" };

  lv_test_run_cli (&result, "spinglass", "simulate", "--p", "3", "--lambda", "12,16", "--runs",
                   "5", "--method", "gd", "--disorder", "fixed", "--seed", "3", "--threads", "2",
                   "--json", NULL);
  g_assert_cmpint (result.exit_code, ==, 0);
  obj = lv_test_parse_json_object (result.out);
  g_assert_cmpint (json_object_get_int_member (obj, "p"), ==, 3);
  sizes = json_object_get_array_member (obj, "sizes");
  g_assert_cmpuint (json_array_get_length (sizes), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *size = json_array_get_object_element (sizes, i);
      JsonObject *energy;

      for (guint k = 0; k < G_N_ELEMENTS (size_keys); k++)
        g_assert_true (json_object_has_member (size, size_keys[k]));
      energy = json_object_get_object_member (size, "energy");
      for (guint k = 0; k < G_N_ELEMENTS (summary_keys); k++)
        g_assert_true (json_object_has_member (energy, summary_keys[k]));
      g_assert_cmpint (json_object_get_int_member (size, "max_index"), ==, 0);
    }
  runs = json_object_get_array_member (obj, "runs");
  g_assert_cmpuint (json_array_get_length (runs), ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);
      for (guint k = 0; k < G_N_ELEMENTS (run_keys); k++)
        g_assert_true (json_object_has_member (run, run_keys[k]));
      g_assert_cmpfloat (json_object_get_double_member (run, "energy"), <, 0.0);
    }
}

/* Five steps of gradient descent from a random point of the sphere cannot reach |∇H| < 1e-5
 * (the gradient at a random point is of order √Λ), so every start hits the cap: the JSON counts
 * none converged and one warning line names the size. Runs that converge give no warning. */
static void
test_step_cap_warning (void)
{
  g_auto(LvCliResult) capped = { 0 };
  g_auto(LvCliResult) full = { 0 };
  g_autoptr(JsonObject) obj = NULL;
  JsonObject *size;

  lv_test_run_cli (&capped, "spinglass", "simulate", "--p", "3", "--lambda", "20", "--runs", "3",
                   "--max-steps", "5", "--json", NULL);
  g_assert_cmpint (capped.exit_code, ==, 0);
  obj = lv_test_parse_json_object (capped.out);
  size = json_array_get_object_element (json_object_get_array_member (obj, "sizes"), 0);
  g_assert_cmpint (json_object_get_int_member (size, "converged"), ==, 0);
  g_assert_nonnull (strstr (capped.err, "warning: lambda 20: 3 of 3 starts stopped at the step cap"));
  g_assert_nonnull (strstr (capped.err, "--max-steps"));

  lv_test_run_cli (&full, "spinglass", "simulate", "--p", "3", "--lambda", "12", "--runs", "3",
                   NULL);
  g_assert_cmpint (full.exit_code, ==, 0);
  g_assert_nonnull (strstr (full.out, "converged"));
  g_assert_null (strstr (full.err, "step cap"));
}

static void
test_bad_input (void)
{
  struct
  {
    const char *args[8];
    const char *needle;
  } cases[] = {
    { { "spinglass", "bands", "--p", "6", NULL }, "--p" },
    { { "spinglass", "bands", "--p", "1", NULL }, "--p" },
    { { "spinglass", "bands", "--k", "11", NULL }, "--k" },
    { { "spinglass", "complexity", "--u", "1,x", NULL }, "--u" },
    { { "spinglass", "simulate", "--lambda", "25", "--runs", "0", NULL }, "--runs" },
    { { "spinglass", "simulate", "--lambda", "1", NULL }, "--lambda" },
    { { "spinglass", "simulate", "--lambda", "25,,50", NULL }, "--lambda" },
    { { "spinglass", "simulate", "--lambda", "100000", NULL }, "--lambda" },
    { { "spinglass", "simulate", "--p", "5", "--lambda", "300", NULL }, "GiB" },
    { { "spinglass", "simulate", "--lambda", "20", "--method", "adam", NULL }, "--method" },
    { { "spinglass", "simulate", "--lambda", "20", "--disorder", "x", NULL }, "--disorder" },
    { { "spinglass", "simulate", "--lambda", "20", "--double", "--bf16", NULL }, "--bf16" },
    { { "spinglass", "frobnicate", NULL }, "subcommand" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(LvCliResult) result = { 0 };
      lv_test_run_cli_argv (&result, cases[i].args);
      lv_test_assert_bad_input (&result, cases[i].needle);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/spinglass-cli/bands-json", test_bands_json);
  g_test_add_func ("/lossviz/spinglass-cli/complexity-json", test_complexity_json);
  g_test_add_func ("/lossviz/spinglass-cli/simulate-json", test_simulate_json);
  g_test_add_func ("/lossviz/spinglass-cli/step-cap-warning", test_step_cap_warning);
  g_test_add_func ("/lossviz/spinglass-cli/bad-input", test_bad_input);
  return g_test_run ();
}
