/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The landscape, Hessian and index-survey probes without a display: the slice centre is the
 * network's own loss, the interpolation's ends are the two networks' losses, PCA from a given
 * trajectory equals PCA by retraining, results do not depend on the thread count, and a
 * cancelled probe says so and keeps a consistent partial result. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lossviz.h>

#include "lv-test-data.h"

#define EPOCHS 4

typedef struct
{
  LvDataset *ds;
  LvMlpShape shape;
  LvTrainConfig config;
  float *a, *b, *c;      /* three trained networks (seeds 1, 2, 3) */
  GArray *trajectory;    /* network a's parameters after every epoch */
  gsize np;
} Fixture;

static void
train_one (Fixture *f, guint64 seed, float **params, GArray *trajectory)
{
  LvTrajectoryRun run = { &f->shape, &f->config, f->ds, seed, FALSE, 0 };

  *params = g_new (float, f->np);
  g_assert_cmpint (lv_trajectory_record (&run, *params, trajectory, NULL), ==, LV_RUN_FINISHED);
}

static void
fixture_init (Fixture *f, guint hidden)
{
  f->ds = lv_test_blobs (300, 100, 4, 1.0, 42);
  g_assert_true (lv_mlp_shape_init (&f->shape, 4, 1, hidden, 2, LV_ACTIVATION_TANH,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, NULL));
  f->np = lv_mlp_n_params (&f->shape);
  lv_train_config_init (&f->config);
  f->config.epochs = EPOCHS;
  f->config.batch = 20;
  f->config.lr = 0.1;
  f->trajectory = g_array_new (FALSE, FALSE, sizeof (float));
  train_one (f, 1, &f->a, f->trajectory);
  train_one (f, 2, &f->b, NULL);
  train_one (f, 3, &f->c, NULL);
}

static void
fixture_clear (Fixture *f)
{
  lv_dataset_unref (f->ds);
  g_free (f->a);
  g_free (f->b);
  g_free (f->c);
  g_array_unref (f->trajectory);
}

/* The reference: lv_mlp_evaluate over a whole split, independent of the slice evaluator. */
static double
own_loss (const Fixture *f, const float *params, gboolean test)
{
  g_autoptr(LvMlpWorkspace) ws = lv_mlp_workspace_new (&f->shape, LV_SLICE_CHUNK);

  return test ? lv_mlp_evaluate (&f->shape, params, f->ds->x_test, f->ds->y_test, NULL,
                                 f->ds->n_test, NULL, ws)
              : lv_mlp_evaluate (&f->shape, params, f->ds->x_train, f->ds->y_train, NULL,
                                 f->ds->n_train, NULL, ws);
}

static void
input_for (const Fixture *f, LvLandscapeInput *in, LvWorkerPool *pool)
{
  lv_landscape_input_init (in);
  in->shape = f->shape;
  in->dataset = f->ds;
  in->center = f->a;
  in->partner = f->b;
  in->slice.grid = 9;
  in->slice.span = 0.5;
  in->n_interp = 7;          /* t = −0.25, 0, 0.25, …, 1.25: t = 0 at 1, t = 1 at 5 */
  in->hessian = TRUE;
  in->run_seed = 11;
  in->train = f->config;
  in->pool = pool;
}

static void
run_probe (const LvLandscapeInput *in, LvLandscapeResult *r)
{
  g_autoptr(GError) error = NULL;

  lv_landscape_result_init (r);
  g_assert_true (lv_landscape_probe_run (in, r, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r->stage, ==, LV_LANDSCAPE_STAGE_DONE);
}

static void
test_centre_and_interpolation (void)
{
  Fixture f = { 0 };
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  LvLandscapeInput in;
  LvLandscapeResult r;
  double own_a, own_b;
  guint mid;

  fixture_init (&f, 6);
  input_for (&f, &in, pool);
  run_probe (&in, &r);
  own_a = own_loss (&f, f.a, FALSE);
  own_b = own_loss (&f, f.b, FALSE);
  mid = r.grid->grid / 2;
  g_assert_cmpuint (r.level, ==, r.n_levels);
  /* The slice's centre is θ itself: the same chunked sums, equal to rounding. */
  g_assert_cmpfloat_with_epsilon (r.grid->train_loss[mid * r.grid->grid + mid], own_a,
                                  1e-9 * own_a);
  g_assert_cmpfloat_with_epsilon (r.center_train, own_a, 1e-12 * own_a);
  g_assert_cmpfloat_with_epsilon (r.center_test, own_loss (&f, f.a, TRUE), 1e-9);
  /* The line's ends: θ_a at t = 0, θ_a + (θ_b − θ_a) = θ_b up to float rounding at t = 1. */
  g_assert_cmpuint (r.n_interp, ==, 7);
  g_assert_cmpfloat (r.interp_t[1], ==, 0.0);
  g_assert_cmpfloat (r.interp_t[5], ==, 1.0);
  g_assert_cmpfloat_with_epsilon (r.interp_train[1], own_a, 1e-9 * own_a);
  g_assert_cmpfloat_with_epsilon (r.interp_train[5], own_b, 1e-5 * own_b);
  g_assert_true (own_a != own_b);
  /* A small network gets its full spectrum: one eigenvalue per parameter. */
  g_assert_nonnull (r.spectrum);
  g_assert_cmpint (r.spectrum->method, ==, LV_HESSIAN_METHOD_FULL);
  g_assert_cmpuint (r.spectrum->n_eigenvalues, ==, f.np);
  lv_landscape_result_clear (&r);
  fixture_clear (&f);
}

static void
assert_same_doubles (const double *x, const double *y, gsize n)
{
  for (gsize i = 0; i < n; i++)
    g_assert_true ((isnan (x[i]) && isnan (y[i])) || x[i] == y[i]);
}

/* One thread or two: bit-identical grids, lines and spectra. */
static void
test_threads (void)
{
  Fixture f = { 0 };
  g_autoptr(LvWorkerPool) one = lv_worker_pool_new (1);
  g_autoptr(LvWorkerPool) two = lv_worker_pool_new (2);
  LvLandscapeInput in1, in2;
  LvLandscapeResult r1, r2;
  gsize n;

  fixture_init (&f, 5);
  input_for (&f, &in1, one);
  input_for (&f, &in2, two);
  run_probe (&in1, &r1);
  run_probe (&in2, &r2);
  n = (gsize) r1.grid->grid * r1.grid->grid;
  assert_same_doubles (r1.grid->train_loss, r2.grid->train_loss, n);
  assert_same_doubles (r1.grid->test_loss, r2.grid->test_loss, n);
  assert_same_doubles (r1.interp_train, r2.interp_train, r1.n_interp);
  assert_same_doubles (r1.spectrum->eigenvalues, r2.spectrum->eigenvalues,
                       r1.spectrum->n_eigenvalues);
  lv_landscape_result_clear (&r1);
  lv_landscape_result_clear (&r2);
  fixture_clear (&f);
}

/* PCA from a saved trajectory equals PCA after retraining (the training is deterministic), and
 * the path has one point per epoch. */
static void
test_pca_trajectory (void)
{
  Fixture f = { 0 };
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  LvLandscapeInput in;
  LvLandscapeResult given, retrained;

  fixture_init (&f, 5);
  input_for (&f, &in, pool);
  in.kind = LV_SLICE_DIRECTIONS_PCA;
  in.run_seed = 1;                  /* network a's seed */
  in.hessian = FALSE;
  in.n_interp = 0;
  in.trajectory = (const float *) f.trajectory->data;
  in.n_trajectory = f.trajectory->len / (guint) f.np;
  g_assert_cmpuint (in.n_trajectory, ==, EPOCHS);
  run_probe (&in, &given);
  in.trajectory = NULL;
  in.n_trajectory = 0;
  run_probe (&in, &retrained);
  g_assert_cmpmem (given.d1, f.np * sizeof (float), retrained.d1, f.np * sizeof (float));
  g_assert_cmpmem (given.d2, f.np * sizeof (float), retrained.d2, f.np * sizeof (float));
  g_assert_cmpuint (given.path_x->len, ==, EPOCHS);
  g_assert_cmpuint (retrained.path_x->len, ==, EPOCHS);
  g_assert_true (given.explained[0] >= given.explained[1]);
  g_assert_true (given.explained[0] > 0 && given.explained[0] + given.explained[1] <= 1 + 1e-9);
  g_assert_null (given.spectrum);
  g_assert_cmpuint (given.n_interp, ==, 0);
  lv_landscape_result_clear (&given);
  lv_landscape_result_clear (&retrained);
  fixture_clear (&f);
}

/* Three minima: the plane passes through all three, (0,0), (1,0), (0,1) sit on the grid. */
static void
test_three_minima (void)
{
  Fixture f = { 0 };
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  LvLandscapeInput in;
  LvLandscapeResult r;
  guint g;

  fixture_init (&f, 5);
  input_for (&f, &in, pool);
  in.kind = LV_SLICE_DIRECTIONS_INTERPOLATE;
  in.partner2 = f.c;
  in.slice.span = 1.0;
  in.slice.grid = 5;                /* coordinates −1, −0.5, 0, 0.5, 1 */
  in.hessian = FALSE;
  run_probe (&in, &r);
  g = r.grid->grid;
  g_assert_cmpfloat_with_epsilon (r.grid->train_loss[2 * g + 4], own_loss (&f, f.b, FALSE),
                                  1e-5 * own_loss (&f, f.b, FALSE));
  g_assert_cmpfloat_with_epsilon (r.grid->train_loss[4 * g + 2], own_loss (&f, f.c, FALSE),
                                  1e-5 * own_loss (&f, f.c, FALSE));
  lv_landscape_result_clear (&r);
  fixture_clear (&f);
}

typedef struct
{
  LvLandscapeResult *result;
  GCancellable *cancellable;
  guint calls;
} CancelAfter;

/* Cancels once the first refinement level is published. */
static void
cancel_on_first_grid (gpointer data, double fraction)
{
  CancelAfter *c = data;

  c->calls++;
  if (c->result->grid != NULL)
    g_cancellable_cancel (c->cancellable);
}

static void
test_cancel (void)
{
  Fixture f = { 0 };
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  LvLandscapeInput in;
  LvLandscapeResult r;
  CancelAfter c = { &r, cancellable, 0 };
  LvProbeContext context = { cancellable, NULL, cancel_on_first_grid, &c };

  fixture_init (&f, 5);
  input_for (&f, &in, pool);
  in.slice.grid = 33;               /* several refinement levels */
  lv_landscape_result_init (&r);
  g_assert_false (lv_landscape_probe_run (&in, &r, &context, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Consistent: the last published level, nothing of the later stages. */
  g_assert_cmpint (r.stage, ==, LV_LANDSCAPE_STAGE_FAILED);
  g_assert_nonnull (r.grid);
  g_assert_cmpuint (r.level, <, r.n_levels);
  g_assert_cmpuint (r.n_interp, ==, 0);
  g_assert_null (r.spectrum);
  g_assert_true (isnan (r.center_train));
  g_assert_cmpuint (c.calls, >=, 2);
  lv_landscape_result_clear (&r);
  fixture_clear (&f);
}

static void
test_bad_input (void)
{
  LvLandscapeInput in;
  LvLandscapeResult r;
  g_autoptr(GError) error = NULL;
  Fixture f = { 0 };

  fixture_init (&f, 5);
  input_for (&f, &in, NULL);
  in.kind = LV_SLICE_DIRECTIONS_INTERPOLATE;    /* without partner2 */
  lv_landscape_result_init (&r);
  g_assert_false (lv_landscape_probe_run (&in, &r, NULL, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  in.kind = LV_SLICE_DIRECTIONS_FILTER;
  in.slice.grid = 1;
  g_assert_false (lv_landscape_input_check (&in, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  lv_landscape_result_clear (&r);
  fixture_clear (&f);
}

/* The survey's Lanczos extremes agree with the full spectrum of each run (an independent
 * dense eigen-decomposition); the oversized run is left out. */
static void
test_index_survey (void)
{
  Fixture f = { 0 };
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(GError) error = NULL;
  LvIndexSurveyInput in;
  LvIndexSurveyResult r = { 0 };
  LvIndexSurveyRun runs[3];
  LvMlpShape big;

  fixture_init (&f, 5);
  g_assert_true (lv_mlp_shape_init (&big, 4, 1, 500, 2, LV_ACTIVATION_TANH,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, NULL));
  runs[0] = (LvIndexSurveyRun) { 5, 0, f.shape, f.a, 0.1, 1 };
  runs[1] = (LvIndexSurveyRun) { 500, 0, big, f.a, 0.3, 9 };   /* params never read */
  runs[2] = (LvIndexSurveyRun) { 5, 1, f.shape, f.b, 0.2, 2 };
  lv_index_survey_input_init (&in);
  in.dataset = f.ds;
  in.runs = runs;
  in.n_runs = 3;
  in.max_params = 1000;
  in.pool = pool;
  g_assert_true (lv_index_survey_probe_run (&in, &r, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.n_points, ==, 2);
  g_assert_cmpuint (r.n_skipped, ==, 1);
  g_assert_cmpuint (r.n_done, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      LvHessianInput h;
      LvHessianResult full = { 0 };
      double top;

      lv_hessian_input_init (&h);
      h.shape = f.shape;
      h.params = i == 0 ? f.a : f.b;
      h.dataset = f.ds;
      h.method = LV_HESSIAN_PROBE_FULL;
      g_assert_true (lv_hessian_probe_run (&h, &full, NULL, &error));
      top = full.spectrum->max_eigenvalue;
      g_assert_true (r.points[i].done);
      g_assert_cmpuint (r.points[i].run, ==, i);
      g_assert_cmpfloat_with_epsilon (r.points[i].max_eigenvalue, top, 1e-6 * fabs (top));
      g_assert_cmpfloat_with_epsilon (r.points[i].min_eigenvalue, full.spectrum->min_eigenvalue,
                                      1e-6 * fabs (top));
      lv_hessian_result_clear (&full);
    }
  lv_index_survey_result_clear (&r);
  fixture_clear (&f);
}

/* A cancelled survey returns G_IO_ERROR_CANCELLED; a paused one queues nothing until resumed. */
static void
test_index_survey_cancel (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LvPausable) pausable = lv_pausable_new ();
  LvProbeContext context = LV_PROBE_CONTEXT_INIT (G_CANCELLABLE (pausable));
  LvIndexSurveyInput in;
  LvIndexSurveyResult r = { 0 };
  LvIndexSurveyRun run;

  fixture_init (&f, 5);
  run = (LvIndexSurveyRun) { 5, 0, f.shape, f.a, 0.1, 1 };
  lv_index_survey_input_init (&in);
  in.dataset = f.ds;
  in.runs = &run;
  in.n_runs = 1;
  g_cancellable_cancel (G_CANCELLABLE (pausable));
  g_assert_false (lv_index_survey_probe_run (&in, &r, &context, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (r.n_points, ==, 1);
  g_assert_cmpuint (r.n_done, ==, 0);
  lv_index_survey_result_clear (&r);
  fixture_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/landscape-probe/centre-and-interpolation", test_centre_and_interpolation);
  g_test_add_func ("/landscape-probe/threads", test_threads);
  g_test_add_func ("/landscape-probe/pca-trajectory", test_pca_trajectory);
  g_test_add_func ("/landscape-probe/three-minima", test_three_minima);
  g_test_add_func ("/landscape-probe/cancel", test_cancel);
  g_test_add_func ("/landscape-probe/bad-input", test_bad_input);
  g_test_add_func ("/landscape-probe/index-survey", test_index_survey);
  g_test_add_func ("/landscape-probe/index-survey-cancel", test_index_survey_cancel);
  return g_test_run ();
}
