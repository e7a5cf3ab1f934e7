/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-ensemble-spread.h>
#include <lossviz/lv-run-records.h>

/* The guided tour's numbers (lv-ensemble-spread.c): the spread of one size's final test losses
 * over its finished runs, and whether a quantity falls or rises steadily with size. Expected
 * values are worked out by hand below. */

/* Run @r ends at test loss @loss after two epochs, in @state. */
static void
set_run (LvEnsembleSnapshot *snap, guint r, LvRunState state, double loss)
{
  LvRunRecord *run = &snap->runs[r];

  run->state = state;
  run->epochs_done = 2;
  run->train_loss = g_new (double, 2);
  run->test_loss = g_new (double, 2);
  run->test_accuracy = g_new0 (double, 2);
  run->train_loss[0] = run->train_loss[1] = 1.0;
  run->test_loss[0] = 9.0; /* only the last epoch counts */
  run->test_loss[1] = loss;
}

static void
test_spread_of_size (void)
{
  LvEnsembleSnapshot *snap = lv_run_records_new (5);
  LvSummary s;

  set_run (snap, 0, LV_RUN_FINISHED, 0.1);
  set_run (snap, 1, LV_RUN_FINISHED, 0.3);
  set_run (snap, 2, LV_RUN_DIVERGED, 0.0);
  set_run (snap, 3, LV_RUN_FINISHED, 0.5);
  /* run 4 pending: nothing trained */
  g_assert_true (lv_ensemble_spread_of_size (snap, &s));
  /* 0.1, 0.3, 0.5: mean 0.3, sample variance (0.04 + 0 + 0.04) / 2 = 0.04, std 0.2. */
  g_assert_cmpuint (s.count, ==, 3);
  g_assert_cmpfloat_with_epsilon (s.mean, 0.3, 1e-15);
  g_assert_cmpfloat_with_epsilon (s.std, 0.2, 1e-15);
  snap->runs[3].state = LV_RUN_CANCELLED;
  snap->runs[1].state = LV_RUN_DIVERGED;
  g_assert_false (lv_ensemble_spread_of_size (snap, &s)); /* one finished run: no spread */
  g_assert_cmpuint (s.count, ==, 1);
  lv_ensemble_snapshot_free (snap);
  snap = lv_run_records_new (0);
  g_assert_false (lv_ensemble_spread_of_size (snap, &s));
  lv_ensemble_snapshot_free (snap);
}

static void
test_trend (void)
{
  g_assert_cmpint (lv_ensemble_spread_trend ((double[]) { 0.3, 0.2, 0.1 }, 3), ==, -1);
  g_assert_cmpint (lv_ensemble_spread_trend ((double[]) { 0.1, 0.2, 0.3 }, 3), ==, 1);
  g_assert_cmpint (lv_ensemble_spread_trend ((double[]) { 0.3, 0.1, 0.2 }, 3), ==, 0);
  g_assert_cmpint (lv_ensemble_spread_trend ((double[]) { 0.2, 0.2 }, 2), ==, 0); /* a tie */
  g_assert_cmpint (lv_ensemble_spread_trend ((double[]) { 0.2 }, 1), ==, 0);
  g_assert_cmpint (lv_ensemble_spread_trend (NULL, 0), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ensemble-spread/of-size", test_spread_of_size);
  g_test_add_func ("/ensemble-spread/trend", test_trend);
  return g_test_run ();
}
