/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <glib.h>

#include <lossviz/lossviz.h>

#include "lv-test-util.h"

/*
 * `lossviz-cli ensemble --soak SECONDS` (issue 9, item 6), briefly: it keeps training and
 * restarting, then reports its resident set size over time. The minutes-long measurement is
 * documented in the README; here the report's contract is checked.
 */

static void
test_soak_json (void)
{
  g_auto(LvCliResult) r = { 0 };
  g_autoptr(JsonObject) root = NULL;
  JsonObject *soak;
  gint64 start, warm, peak, end;

  lv_test_run_cli (&r, "ensemble", "--dataset", "random:80:4:3", "--sizes", "3,6", "--runs",
                   "3", "--epochs", "2", "--threads", "2", "--soak", "2", "--json", NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  root = lv_test_parse_json_object (r.out);
  soak = json_object_get_object_member (root, "soak");
  g_assert_nonnull (soak);
  g_assert_cmpfloat (json_object_get_double_member (soak, "seconds"), >=, 2.0);
  g_assert_cmpint (json_object_get_int_member (soak, "completed"), >=, 1);
  g_assert_cmpint (json_object_get_int_member (soak, "ensembles"), ==,
                   json_object_get_int_member (soak, "completed") +
                   json_object_get_int_member (soak, "restarted"));
  /* Completed ensembles finished every run (no divergence at this learning rate). */
  g_assert_cmpint (json_object_get_int_member (soak, "runs_finished"), >=,
                   6 * json_object_get_int_member (soak, "completed"));
  start = json_object_get_int_member (soak, "rss_start_kib");
  warm = json_object_get_int_member (soak, "rss_warm_kib");
  peak = json_object_get_int_member (soak, "rss_peak_kib");
  end = json_object_get_int_member (soak, "rss_end_kib");
  g_assert_cmpint (start, >, 0);
  g_assert_cmpint (peak, >=, start);
  g_assert_cmpint (peak, >=, warm);
  g_assert_cmpint (peak, >=, end);
  g_assert_cmpint (json_object_get_int_member (soak, "rss_growth_kib"), ==, end - warm);
  g_assert_cmpint (json_object_get_int_member (root, "threads"), ==, 2);
}

static void
test_soak_bad_input (void)
{
  const char *values[] = { "-1", "604801", "ten" };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_auto(LvCliResult) r = { 0 };
      lv_test_run_cli (&r, "ensemble", "--soak", values[i], "--json", NULL);
      lv_test_assert_bad_input (&r, "--soak");
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/reliability/soak/json", test_soak_json);
  g_test_add_func ("/lossviz/reliability/soak/bad-input", test_soak_bad_input);
  return g_test_run ();
}
