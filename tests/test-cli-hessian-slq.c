/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "lv-test-util.h"

/* `lossviz-cli hessian --method slq --trace --json`: the documented keys, a density grid that
 * integrates to about 1, unit-mass quadratures per probe, the SLQ top eigenvalue equal to the
 * full method's on the same trained network (all 3 × 64 + 3 + 10 × 3 + 10 = 235 parameters:
 * with as many Lanczos steps as parameters it is exact), the exact trace (the sum of the full
 * method's eigenvalues) within 4 of Hutchinson's standard errors, and bad input refused. */

static double
sum_array (JsonArray *a)
{
  double s = 0.0;

  for (guint i = 0; i < json_array_get_length (a); i++)
    s += json_array_get_double_element (a, i);
  return s;
}

static void
test_slq_json (void)
{
  g_auto(LvCliResult) slq = { 0 }, full = { 0 };
  g_autoptr(JsonObject) o = NULL, f = NULL;
  JsonObject *density, *trace;
  JsonArray *grid, *weights, *nodes, *node_weights;
  double exact, top;

  lv_test_run_cli (&slq, "hessian", "--dataset", "digits", "--hidden", "3", "--seed", "2",
                   "--epochs", "2", "--method", "slq", "--probes", "3", "--steps", "235",
                   "--grid", "50", "--trace", "--trace-probes", "60", "--json", NULL);
  g_assert_cmpint (slq.exit_code, ==, 0);
  o = lv_test_parse_json_object (slq.out);
  g_assert_cmpstr (json_object_get_string_member (o, "method"), ==, "slq");
  g_assert_cmpint (json_object_get_int_member (o, "params"), ==, 235);
  g_assert_cmpint (json_object_get_int_member (o, "probes"), ==, 3);
  density = json_object_get_object_member (o, "density");
  grid = json_object_get_array_member (density, "grid");
  weights = json_object_get_array_member (density, "weights");
  g_assert_cmpuint (json_array_get_length (grid), ==, 50);
  g_assert_cmpuint (json_array_get_length (weights), ==, 50);
  g_assert_cmpfloat (fabs (sum_array (weights) - 1.0), <, 0.05);
  nodes = json_object_get_array_member (o, "nodes");
  node_weights = json_object_get_array_member (o, "node_weights");
  g_assert_cmpuint (json_array_get_length (nodes), ==, 3);
  for (guint k = 0; k < 3; k++)
    g_assert_cmpfloat (fabs (sum_array (json_array_get_array_element (node_weights, k)) - 1.0),
                       <, 1e-9);

  lv_test_run_cli (&full, "hessian", "--dataset", "digits", "--hidden", "3", "--seed", "2",
                   "--epochs", "2", "--method", "full", "--json", NULL);
  g_assert_cmpint (full.exit_code, ==, 0);
  f = lv_test_parse_json_object (full.out);
  top = json_object_get_double_member (f, "max_eigenvalue");
  g_assert_cmpfloat (fabs (json_object_get_double_member (o, "max_eigenvalue") - top), <,
                     1e-4 * fabs (top));
  exact = sum_array (json_object_get_array_member (f, "eigenvalues"));
  trace = json_object_get_object_member (o, "trace");
  g_assert_cmpstr (json_object_get_string_member (trace, "method"), ==, "hutchinson");
  g_assert_cmpfloat (json_object_get_double_member (trace, "std_error"), >, 0.0);
  g_assert_cmpfloat (fabs (json_object_get_double_member (trace, "estimate") - exact), <,
                     4 * json_object_get_double_member (trace, "std_error"));
}

static void
test_bad_input (void)
{
  g_auto(LvCliResult) a = { 0 }, b = { 0 }, c = { 0 };

  lv_test_run_cli (&a, "hessian", "--method", "slq", "--probes", "0", "--json", NULL);
  lv_test_assert_bad_input (&a, "--probes");
  lv_test_run_cli (&b, "hessian", "--method", "density", NULL);
  lv_test_assert_bad_input (&b, "slq");
  lv_test_run_cli (&c, "hessian", "--method", "slq", "--grid", "1", NULL);
  lv_test_assert_bad_input (&c, "--grid");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/cli-hessian-slq/json", test_slq_json);
  g_test_add_func ("/lossviz/cli-hessian-slq/bad-input", test_bad_input);
  return g_test_run ();
}
