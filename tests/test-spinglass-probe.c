/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The spin-glass simulation probe (lv_spin_glass_probe_run): its endpoints are those of
 * lv_spin_glass_simulate() run size by size on its own pool, whatever the pool the probe
 * gets; cancelling leaves a consistent partial result; every run is published once. */
#include "config.h"

#include <string.h>

#include <lossviz/lossviz.h>

static const guint sizes[] = { 12, 20 };
#define RUNS 24

static void
make_input (LvSpinGlassProbeInput *in, LvSpinGlassDisorder disorder, LvWorkerPool *pool)
{
  lv_spin_glass_probe_input_init (in, 3);
  in->base.runs = RUNS;
  in->base.disorder = disorder;
  in->base.seed = 7;
  in->base.n_threads = 2;
  memcpy (in->lambdas, sizes, sizeof sizes);
  in->n_sizes = G_N_ELEMENTS (sizes);
  in->pool = pool;
}

/* The reference: the simulation of one size through the public entry point. */
static LvSpinGlassRun *
reference (const LvSpinGlassProbeInput *in, guint i)
{
  LvSpinGlassConfig config = in->base;
  LvSpinGlassRun *runs = g_new0 (LvSpinGlassRun, RUNS);
  g_autoptr(GError) error = NULL;

  config.lambda = in->lambdas[i];
  config.compute_index = TRUE;
  config.n_threads = 1;
  g_assert_true (lv_spin_glass_simulate (&config, runs, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return runs;
}

static void
assert_same_run (const LvSpinGlassRun *a, const LvSpinGlassRun *b)
{
  g_assert_cmpfloat (a->energy, ==, b->energy);
  g_assert_cmpfloat (a->grad_norm, ==, b->grad_norm);
  g_assert_cmpint (a->index, ==, b->index);
  g_assert_cmpuint (a->steps, ==, b->steps);
  g_assert_cmpint (a->converged, ==, b->converged);
}

/* Every run in @size's completion order is there once and equals the reference's. */
static void
assert_published (const LvSpinGlassProbeSize *size, const LvSpinGlassRun *ref)
{
  gboolean seen[RUNS] = { 0 };

  g_assert_cmpuint (size->n_done, <=, RUNS);
  for (guint k = 0; k < size->n_done; k++)
    {
      guint r = size->order[k];

      g_assert_cmpuint (r, <, RUNS);
      g_assert_false (seen[r]);
      seen[r] = TRUE;
      assert_same_run (&size->runs[r], &ref[r]);
    }
  g_assert_true (size->complete == (size->n_done == RUNS));
}

static void
check_against_reference (LvSpinGlassDisorder disorder, guint pool_threads)
{
  g_autoptr(LvWorkerPool) pool = pool_threads > 0 ? lv_worker_pool_new (pool_threads) : NULL;
  LvSpinGlassProbeInput in;
  LvSpinGlassProbeResult result = { 0 };
  g_autoptr(GError) error = NULL;

  make_input (&in, disorder, pool);
  g_assert_true (lv_spin_glass_probe_run (&in, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_sizes, ==, G_N_ELEMENTS (sizes));
  g_assert_cmpuint (result.runs, ==, RUNS);
  for (guint i = 0; i < result.n_sizes; i++)
    {
      g_autofree LvSpinGlassRun *ref = reference (&in, i);

      g_assert_cmpuint (result.sizes[i].lambda, ==, sizes[i]);
      g_assert_cmpuint (result.sizes[i].n_done, ==, RUNS);
      g_assert_true (result.sizes[i].complete);
      assert_published (&result.sizes[i], ref);
      /* Λ ≤ 300: the index is computed. */
      g_assert_cmpint (result.sizes[i].runs[0].index, >=, 0);
    }
  lv_spin_glass_probe_result_clear (&result);
}

static void
test_matches_simulate (void)
{
  check_against_reference (LV_SPIN_GLASS_DISORDER_FIXED, 0);   /* a pool of its own */
  check_against_reference (LV_SPIN_GLASS_DISORDER_FIXED, 1);
  check_against_reference (LV_SPIN_GLASS_DISORDER_FIXED, 2);
  check_against_reference (LV_SPIN_GLASS_DISORDER_PER_RUN, 1);
  check_against_reference (LV_SPIN_GLASS_DISORDER_PER_RUN, 2);
}

typedef struct
{
  GMutex lock;
  GCancellable *cancellable;
  guint calls;
  guint cancel_after;
  double last;
  gboolean monotone;
} Watch;

/* Probe thread or core workers, without the lock: fractions only grow; cancels after N. */
static void
on_progress (gpointer data, double fraction)
{
  Watch *w = data;

  g_mutex_lock (&w->lock);
  w->calls++;
  /* Runs publish from several workers: their reports may arrive slightly out of order, but
   * never beyond [0, 1]. */
  w->monotone = w->monotone && fraction >= 0.0 && fraction <= 1.0;
  w->last = MAX (w->last, fraction);
  if (w->cancel_after > 0 && w->calls >= w->cancel_after)
    g_cancellable_cancel (w->cancellable);
  g_mutex_unlock (&w->lock);
}

static void
test_progress_and_lock (void)
{
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  GMutex lock;
  Watch w = { .monotone = TRUE };
  LvProbeContext context = { NULL, &lock, on_progress, &w };
  LvSpinGlassProbeInput in;
  LvSpinGlassProbeResult result = { 0 };
  g_autoptr(GError) error = NULL;

  g_mutex_init (&lock);
  g_mutex_init (&w.lock);
  make_input (&in, LV_SPIN_GLASS_DISORDER_FIXED, pool);
  g_assert_true (lv_spin_glass_probe_run (&in, &result, &context, &error));
  g_assert_no_error (error);
  /* The start, one publish per run and one per finished size. */
  g_assert_cmpuint (w.calls, ==, 1 + G_N_ELEMENTS (sizes) * (RUNS + 1));
  g_assert_true (w.monotone);
  g_assert_cmpfloat (w.last, ==, 1.0);
  lv_spin_glass_probe_result_clear (&result);
  g_mutex_clear (&lock);
  g_mutex_clear (&w.lock);
}

static void
test_cancel (void)
{
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Watch w = { .monotone = TRUE, .cancellable = cancellable, .cancel_after = 1 + RUNS + 3 };
  LvProbeContext context = { cancellable, NULL, on_progress, &w };
  LvSpinGlassProbeInput in;
  LvSpinGlassProbeResult result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree LvSpinGlassRun *ref0 = NULL, *ref1 = NULL;

  g_mutex_init (&w.lock);
  /* Per-run disorder: one task per start, so the second size stops part-way. */
  make_input (&in, LV_SPIN_GLASS_DISORDER_PER_RUN, pool);
  in.base.runs = RUNS;
  g_assert_false (lv_spin_glass_probe_run (&in, &result, &context, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  ref0 = reference (&in, 0);
  ref1 = reference (&in, 1);
  /* The first size finished (its publish is call 1 + RUNS + 1); the second has at least the
   * runs that triggered the cancel and fewer than all. */
  g_assert_true (result.sizes[0].complete);
  assert_published (&result.sizes[0], ref0);
  g_assert_false (result.sizes[1].complete);
  g_assert_cmpuint (result.sizes[1].n_done, >=, 2);
  g_assert_cmpuint (result.sizes[1].n_done, <, RUNS);
  assert_published (&result.sizes[1], ref1);
  lv_spin_glass_probe_result_clear (&result);
  g_mutex_clear (&w.lock);
}

/* A replacement simulation (the CLI's MPI/bundle path) is called once per size in order. */
static gboolean
fake_size (const LvSpinGlassConfig *config, guint size, LvSpinGlassRun *runs,
           LvSpinGlassStats *stats, gpointer user_data, GError **error)
{
  guint *calls = user_data;

  g_assert_cmpuint (size, ==, *calls);
  g_assert_cmpuint (config->lambda, ==, sizes[size]);
  g_assert_true (config->compute_index);
  (*calls)++;
  for (guint r = 0; r < config->runs; r++)
    runs[r] = (LvSpinGlassRun) { .energy = -(double) (size * 1000 + r), .index = (int) r };
  stats->wall_seconds = 1.5 + size;
  return TRUE;
}

static void
test_replacement (void)
{
  LvSpinGlassProbeInput in;
  LvSpinGlassProbeResult result = { 0 };
  g_autoptr(GError) error = NULL;
  guint calls = 0;

  make_input (&in, LV_SPIN_GLASS_DISORDER_FIXED, NULL);
  in.simulate_size = fake_size;
  in.simulate_data = &calls;
  g_assert_true (lv_spin_glass_probe_run (&in, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calls, ==, G_N_ELEMENTS (sizes));
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_assert_true (result.sizes[i].complete);
      g_assert_cmpfloat (result.sizes[i].stats.wall_seconds, ==, 1.5 + i);
      for (guint k = 0; k < RUNS; k++)
        {
          guint r = result.sizes[i].order[k];
          g_assert_cmpfloat (result.sizes[i].runs[r].energy, ==, -(double) (i * 1000 + r));
        }
    }
  lv_spin_glass_probe_result_clear (&result);
}

static void
test_bad_input (void)
{
  LvSpinGlassProbeInput in;
  LvSpinGlassProbeResult result = { 0 };
  g_autoptr(GError) error = NULL;
  guint calls = 0;

  make_input (&in, LV_SPIN_GLASS_DISORDER_FIXED, NULL);
  in.simulate_size = fake_size;
  in.simulate_data = &calls;
  in.lambdas[1] = 1; /* below LV_SPIN_GLASS_N_MIN: refused before the first size runs */
  g_assert_false (lv_spin_glass_probe_run (&in, &result, NULL, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_assert_cmpuint (calls, ==, 0);
  g_clear_error (&error);
  in.lambdas[1] = 20;
  in.n_sizes = LV_SPIN_GLASS_PROBE_MAX_SIZES + 1;
  g_assert_false (lv_spin_glass_probe_input_check (&in, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  lv_spin_glass_probe_result_clear (&result);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/spinglass-probe/matches-simulate", test_matches_simulate);
  g_test_add_func ("/lossviz/spinglass-probe/progress-and-lock", test_progress_and_lock);
  g_test_add_func ("/lossviz/spinglass-probe/cancel", test_cancel);
  g_test_add_func ("/lossviz/spinglass-probe/replacement", test_replacement);
  g_test_add_func ("/lossviz/spinglass-probe/bad-input", test_bad_input);
  return g_test_run ();
}
