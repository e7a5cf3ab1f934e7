/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lossviz/lossviz.h>

#include "lv-test-util.h"

#define M 6
#define N 5

/* Y = P diag(s) Q^T with P (M × N) and Q (N × N) orthonormal columns from Gram–Schmidt, so the
 * singular values are known without any SVD. */
static const double sing[N] = { 3.0, 2.0, 0.9, 0.4, 0.1 };
static const double lambda = 1.2; /* rank(Z*) = 2 */

static void
orthonormal (LvRng *rng, guint rows, guint cols, double *out /* rows × cols, row-major */)
{
  for (guint c = 0; c < cols; c++)
    {
      double norm = 0;

      for (guint r = 0; r < rows; r++)
        out[r * cols + c] = lv_rng_gaussian (rng);
      for (guint p = 0; p < c; p++)
        {
          double dot = 0;

          for (guint r = 0; r < rows; r++)
            dot += out[r * cols + c] * out[r * cols + p];
          for (guint r = 0; r < rows; r++)
            out[r * cols + c] -= dot * out[r * cols + p];
        }
      for (guint r = 0; r < rows; r++)
        norm += out[r * cols + c] * out[r * cols + c];
      for (guint r = 0; r < rows; r++)
        out[r * cols + c] /= sqrt (norm);
    }
}

typedef struct
{
  double y[M * N];
  double p[M * N];
  double q[N * N];
  double fstar;
} Problem;

static void
problem_init (Problem *pb)
{
  LvRng rng;

  lv_rng_init (&rng, 41);
  orthonormal (&rng, M, N, pb->p);
  orthonormal (&rng, N, N, pb->q);
  for (guint i = 0; i < M; i++)
    for (guint j = 0; j < N; j++)
      {
        double s = 0;

        for (guint l = 0; l < N; l++)
          s += pb->p[i * N + l] * sing[l] * pb->q[j * N + l];
        pb->y[i * N + j] = s;
      }
  pb->fstar = 0;
  for (guint l = 0; l < N; l++)
    pb->fstar += 0.5 * MIN (sing[l], lambda) * MIN (sing[l], lambda) +
                 lambda * MAX (sing[l] - lambda, 0.0);
}

/* The closed form, built here from P, Q and s, is certified and has F = F*. */
static void
test_closed_form (void)
{
  Problem pb;
  double z[M * N], u[M * 2], v[N * 2], f;
  guint rank;
  LvMfCertificate cert;
  g_autoptr(GError) error = NULL;

  problem_init (&pb);
  g_assert_true (lv_mf_closed_form (pb.y, M, N, lambda, z, &f, &rank, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rank, ==, 2);
  g_assert_cmpfloat_with_epsilon (f, pb.fstar, 1e-12);
  for (guint i = 0; i < M; i++)
    for (guint j = 0; j < N; j++)
      {
        double expect = 0;

        for (guint l = 0; l < 2; l++)
          expect += pb.p[i * N + l] * (sing[l] - lambda) * pb.q[j * N + l];
        g_assert_cmpfloat_with_epsilon (z[i * N + j], expect, 1e-12);
      }
  /* Balanced factors of Z*: U = P_2 sqrt(s − lambda), V = Q_2 sqrt(s − lambda). */
  for (guint l = 0; l < 2; l++)
    {
      for (guint i = 0; i < M; i++)
        u[i * 2 + l] = pb.p[i * N + l] * sqrt (sing[l] - lambda);
      for (guint j = 0; j < N; j++)
        v[j * 2 + l] = pb.q[j * N + l] * sqrt (sing[l] - lambda);
    }
  g_assert_cmpfloat_with_epsilon (lv_mf_objective (pb.y, M, N, u, v, 2, lambda), pb.fstar,
                                  1e-12);
  g_assert_true (lv_mf_certify (pb.y, M, N, u, v, 2, lambda, 1e-9, &cert, &error));
  g_assert_true (cert.stationary);
  g_assert_true (cert.certified);
  g_assert_cmpuint (cert.rank, ==, 2);
  /* The residual's singular values are min(s, lambda): its norm is lambda. */
  g_assert_cmpfloat_with_epsilon (cert.residual_norm, lambda, 1e-12);
  lv_mf_certificate_clear (&cert);
}

static void
run_gd (const Problem *pb, guint r, double *u, double *v)
{
  LvRng rng;
  double step = 0;

  lv_rng_init (&rng, 43 + r);
  lv_mf_init_random (&rng, M, N, r, 0.3, u, v);
  lv_mf_descend (pb->y, M, N, u, v, r, lambda, 200000, 1e-11, &step);
}

/* Width 4 >= rank(Z*): GD reaches F* and the certificate holds. */
static void
test_gd_wide (void)
{
  Problem pb;
  double u[M * 4], v[N * 4];
  LvMfCertificate cert;

  problem_init (&pb);
  run_gd (&pb, 4, u, v);
  g_assert_true (lv_mf_certify (pb.y, M, N, u, v, 4, lambda, 1e-8, &cert, NULL));
  g_assert_cmpfloat_with_epsilon (cert.objective, pb.fstar, 1e-9);
  g_assert_true (cert.stationary);
  g_assert_true (cert.certified);
  g_assert_cmpuint (cert.rank, ==, 2);
  lv_mf_certificate_clear (&cert);
}

/* Width 1 < rank(Z*) = 2: GD stops at a stationary point with |R|_2 = s_2 > lambda; adding the
 * top singular pair of R changes F by exactly −eps (s_2 − lambda) + eps²/2. */
static void
test_gd_narrow_and_descent (void)
{
  Problem pb;
  double u[M], v[N], u2[M * 2], v2[N * 2];
  LvMfCertificate cert;

  problem_init (&pb);
  run_gd (&pb, 1, u, v);
  g_assert_true (lv_mf_certify (pb.y, M, N, u, v, 1, lambda, 1e-8, &cert, NULL));
  g_assert_true (cert.stationary);
  g_assert_false (cert.certified);
  g_assert_cmpfloat (cert.residual_norm, >, lambda);
  g_assert_cmpfloat_with_epsilon (cert.residual_norm, sing[1], 1e-6);
  g_assert_cmpfloat (cert.objective, >, pb.fstar + 0.1);
  for (double eps = 1e-1; eps >= 1e-4; eps /= 10)
    {
      double f2;

      lv_mf_add_unit (&cert, u, v, 1, eps, u2, v2);
      f2 = lv_mf_objective (pb.y, M, N, u2, v2, 2, lambda);
      g_assert_cmpfloat (f2, <, cert.objective);
      g_assert_cmpfloat_with_epsilon (f2 - cert.objective,
                                      -eps * (cert.residual_norm - lambda) + eps * eps / 2,
                                      1e-10);
    }
  lv_mf_certificate_clear (&cert);
}

/* Gradient against central finite differences. */
static void
test_mf_gradient (void)
{
  Problem pb;
  double u[M * 3], v[N * 3], gu[M * 3], gv[N * 3];
  LvRng rng;
  const double h = 1e-6;

  problem_init (&pb);
  lv_rng_init (&rng, 5);
  lv_mf_init_random (&rng, M, N, 3, 1.0, u, v);
  lv_mf_gradient (pb.y, M, N, u, v, 3, lambda, gu, gv);
  /* Central differences of the objective in every entry of U, then of V. */
  for (guint f = 0; f < 2; f++)
    {
      double *x = f == 0 ? u : v, *g = f == 0 ? gu : gv;

      for (guint i = 0; i < (f == 0 ? M : N) * 3; i++)
        {
          double keep = x[i], fp, fm;

          x[i] = keep + h;
          fp = lv_mf_objective (pb.y, M, N, u, v, 3, lambda);
          x[i] = keep - h;
          fm = lv_mf_objective (pb.y, M, N, u, v, 3, lambda);
          x[i] = keep;
          g_assert_cmpfloat_with_epsilon (g[i], (fp - fm) / (2 * h), 1e-6);
        }
    }
}

/* docs/THEORY.md §4.5's table for y = 1, lambda = 0.1, L = 3 (computed there with mpmath). */
static void
test_chain_minima (void)
{
  static const struct
  {
    double q;
    guint count;
    double z[2], g[2];
  } table[] = {
    { 1, 2, { 0, 0.892090 }, { 0.5, 0.294618 } },
    { 2, 2, { 0, 0.783009 }, { 0.5, 0.278401 } },
    { 3, 1, { 0.700000 }, { 0.255000 } },
    { 4, 1, { 0.652976 }, { 0.230161 } },
    { 6, 1, { 0.625000 }, { 0.187500 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      double z[2], g[2];
      guint count = lv_chain_local_minima (1.0, 0.1, 3, table[i].q, z, g);

      g_assert_cmpuint (count, ==, table[i].count);
      for (guint j = 0; j < count; j++)
        {
          g_assert_cmpfloat_with_epsilon (z[j], table[i].z[j], 1e-6);
          g_assert_cmpfloat_with_epsilon (g[j], table[i].g[j], 1e-6);
        }
      /* y -> -y mirrors the minima. */
      count = lv_chain_local_minima (-1.0, 0.1, 3, table[i].q, z, g);
      g_assert_cmpuint (count, ==, table[i].count);
      for (guint j = 0; j < count; j++)
        g_assert_cmpfloat_with_epsilon (z[j], -table[i].z[j], 1e-6);
    }
  g_assert_true (lv_degree_is_balanced (3.0, 3));
  g_assert_false (lv_degree_is_balanced (2.0, 3));
  g_assert_cmpuint (lv_chain_local_minima (1.0, 0.0, 3, 2.0, (double[2]) { 0 }, NULL), ==, 0);
}

/* Every minimum found is a local minimum on a fine grid, and the grid has no other one. */
static void
test_chain_vs_grid (void)
{
  const double qs[] = { 0.5, 1.5, 2.5, 3.0, 5.0 };

  for (guint i = 0; i < G_N_ELEMENTS (qs); i++)
    {
      double z[2];
      guint count = lv_chain_local_minima (0.8, 0.05, 3, qs[i], z, NULL), grid_count = 0;
      const int steps = 400000;
      const double lo = -1.5, hi = 1.5, dz = (hi - lo) / steps;

      for (int s = 1; s < steps; s++)
        {
          double zc = lo + s * dz;
          double g0 = lv_chain_g (zc - dz, 0.8, 0.05, 3, qs[i]);
          double g1 = lv_chain_g (zc, 0.8, 0.05, 3, qs[i]);
          double g2 = lv_chain_g (zc + dz, 0.8, 0.05, 3, qs[i]);

          if (g1 < g0 && g1 <= g2)
            {
              gboolean found = FALSE;

              for (guint j = 0; j < count; j++)
                found = found || fabs (z[j] - zc) < 2 * dz;
              g_assert_true (found);
              grid_count++;
            }
        }
      g_assert_cmpuint (grid_count, ==, count);
    }
}

/* The exact polar scan against a fine grid of directions. */
static void
test_polar_scan (void)
{
  LvRng rng;
  double x[40 * 2], g[40], lip = 0;
  const int steps = 200000;
  double grid_best = 0, exact, angle;

  lv_rng_init (&rng, 47);
  for (int i = 0; i < 40; i++)
    {
      x[2 * i] = lv_rng_gaussian (&rng);
      x[2 * i + 1] = lv_rng_gaussian (&rng);
      g[i] = lv_rng_gaussian (&rng);
      lip += fabs (g[i]) * hypot (x[2 * i], x[2 * i + 1]);
    }
  for (int s = 0; s < steps; s++)
    {
      double t = 2 * M_PI * s / steps, c = cos (t), sn = sin (t), acc = 0;

      for (int i = 0; i < 40; i++)
        acc += g[i] * MAX (0.0, c * x[2 * i] + sn * x[2 * i + 1]);
      grid_best = MAX (grid_best, fabs (acc));
    }
  exact = lv_relu_polar_2d (x, 40, g, &angle);
  g_assert_cmpfloat (exact, >=, grid_best - 1e-12);
  g_assert_cmpfloat (exact - grid_best, <=, lip * M_PI / steps);
  g_assert_cmpfloat_with_epsilon (lv_relu_polar_value (x, 40, g, angle), exact, 1e-12);
}

/* A 2-D ReLU net: gradient by finite differences; the empty net is certified iff lambda is
 * above the polar of y / n, and the unit the scan proposes decreases the objective. */
static void
test_relu2 (void)
{
  LvRng rng;
  double x[50 * 2], y[50], u[3 * 2], v[3], gu[6], gv[3], polar, angle;
  const double h = 1e-6, lam = 0.01;

  lv_rng_init (&rng, 53);
  for (int i = 0; i < 50; i++)
    {
      x[2 * i] = lv_rng_gaussian (&rng);
      x[2 * i + 1] = lv_rng_gaussian (&rng);
      y[i] = MAX (0.0, x[2 * i] - 0.5 * x[2 * i + 1]) + 0.1 * lv_rng_gaussian (&rng);
    }
  for (int i = 0; i < 6; i++)
    u[i] = lv_rng_gaussian (&rng);
  for (int i = 0; i < 3; i++)
    v[i] = lv_rng_gaussian (&rng);
  lv_relu2_gradient (x, y, 50, u, v, 3, lam, gu, gv);
  for (int i = 0; i < 6; i++)
    {
      double keep = u[i], fp, fm;

      u[i] = keep + h;
      fp = lv_relu2_objective (x, y, 50, u, v, 3, lam, NULL);
      u[i] = keep - h;
      fm = lv_relu2_objective (x, y, 50, u, v, 3, lam, NULL);
      u[i] = keep;
      g_assert_cmpfloat_with_epsilon (gu[i], (fp - fm) / (2 * h), 1e-6);
    }
  for (int i = 0; i < 3; i++)
    {
      double keep = v[i], fp, fm;

      v[i] = keep + h;
      fp = lv_relu2_objective (x, y, 50, u, v, 3, lam, NULL);
      v[i] = keep - h;
      fm = lv_relu2_objective (x, y, 50, u, v, 3, lam, NULL);
      v[i] = keep;
      g_assert_cmpfloat_with_epsilon (gv[i], (fp - fm) / (2 * h), 1e-6);
    }

  /* Empty network (r = 0): G = y / (n lambda). */
  g_assert_false (lv_relu2_certify (x, y, 50, NULL, NULL, 0, lam, &polar, &angle));
  g_assert_cmpfloat (polar, >, 1);
  {
    /* Adding eps (u_t, sign) decreases 1/(2n)|y − f|² + lam/2(...) at first order by
     * eps lam (polar − 1). */
    double ua[2] = { cos (angle), sin (angle) }, va[1], f0, f1, acc = 0, eps = 1e-4;

    for (int i = 0; i < 50; i++)
      acc += y[i] * MAX (0.0, ua[0] * x[2 * i] + ua[1] * x[2 * i + 1]);
    va[0] = acc > 0 ? sqrt (eps) : -sqrt (eps);
    ua[0] *= sqrt (eps);
    ua[1] *= sqrt (eps);
    f0 = lv_relu2_objective (x, y, 50, NULL, NULL, 0, lam, NULL);
    f1 = lv_relu2_objective (x, y, 50, ua, va, 1, lam, NULL);
    g_assert_cmpfloat (f1, <, f0);
    g_assert_cmpfloat_with_epsilon ((f1 - f0) / eps, -lam * (polar - 1), 1e-3);
  }
  g_assert_true (lv_relu2_certify (x, y, 50, NULL, NULL, 0, polar * lam * 1.01, NULL, NULL));
}

static void
test_unit_status (void)
{
  LvMlpShape shape;
  g_autofree float *params = NULL;
  g_autofree LvUnitStatus *units = NULL;
  LvRng rng;
  gsize w0, w1;
  guint n;

  g_assert_true (lv_mlp_shape_init (&shape, 3, 1, 4, 2, LV_ACTIVATION_RELU, LV_LOSS_MSE, FALSE,
                                    NULL));
  g_assert_cmpuint (lv_mlp_mapping_degree (&shape), ==, 2);
  params = g_new (float, lv_mlp_n_params (&shape));
  lv_rng_init (&rng, 59);
  for (gsize i = 0; i < lv_mlp_n_params (&shape); i++)
    params[i] = (float) lv_rng_gaussian (&rng);
  w0 = lv_mlp_weight_offset (&shape, 0); /* 4 × 3 */
  w1 = lv_mlp_weight_offset (&shape, 1); /* 2 × 4 */
  /* Unit 2: zero slice. Unit 1: zero outgoing weights only (dead, not zero). */
  for (int i = 0; i < 3; i++)
    params[w0 + 2 * 3 + i] = 0;
  for (int o = 0; o < 2; o++)
    {
      params[w1 + o * 4 + 2] = 0;
      params[w1 + o * 4 + 1] = 0;
    }
  n = lv_mlp_unit_status (&shape, params, 1e-6, &units);
  g_assert_cmpuint (n, ==, 4);
  for (guint j = 0; j < 4; j++)
    {
      g_assert_cmpuint (units[j].unit, ==, j);
      g_assert_cmpint (units[j].zero, ==, j == 2);
      g_assert_cmpint (units[j].dead, ==, j == 1 || j == 2);
    }
}

static char *
write_csv (const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_cli_certify (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autofree char *path = NULL;
  Problem pb;

  problem_init (&pb);
  for (guint i = 0; i < M; i++)
    for (guint j = 0; j < N; j++)
      g_string_append_printf (csv, "%.17g%s", pb.y[i * N + j], j + 1 < N ? "," : "\n");
  path = write_csv (dir, "y.csv", csv->str);

  {
    g_auto(LvCliResult) res = { 0 };
    g_autoptr(JsonObject) obj = NULL;

    lv_test_run_cli (&res, "certify", "--matrix", path, "--lambda", "1.2", "--rank", "3",
                     "--seed", "2", "--json", NULL);
    g_assert_cmpint (res.exit_code, ==, 0);
    obj = lv_test_parse_json_object (res.out);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (obj, "closed_form_objective"),
                                    pb.fstar, 1e-9);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (obj, "objective"), pb.fstar,
                                    1e-7);
    g_assert_true (json_object_get_boolean_member (obj, "certified"));
    g_assert_cmpint (json_object_get_int_member (obj, "rank_of_solution"), ==, 2);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (obj, "residual_spectral_norm"),
                                    lambda, 1e-4);
  }
  {
    g_auto(LvCliResult) res = { 0 };
    g_autoptr(JsonObject) obj = NULL;

    lv_test_run_cli (&res, "certify", "--matrix", path, "--lambda", "1.2", "--rank", "1",
                     "--seed", "2", "--json", NULL);
    g_assert_cmpint (res.exit_code, ==, 0);
    obj = lv_test_parse_json_object (res.out);
    g_assert_false (json_object_get_boolean_member (obj, "certified"));
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (obj, "residual_spectral_norm"),
                                    sing[1], 1e-5);
    g_assert_cmpint (json_object_get_int_member (obj, "rank_of_solution"), ==, 1);
  }
}

static void
test_cli_certify_bad_input (void)
{
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *good = write_csv (dir, "good.csv", "1,2\n3,4\n");
  g_autofree char *ragged = write_csv (dir, "ragged.csv", "1,2,3\n4,5\n");
  g_autofree char *text = write_csv (dir, "text.csv", "1,2\n3,abc\n");
  g_autofree char *nan = write_csv (dir, "nan.csv", "1,nan\n3,4\n");
  g_autofree char *empty = write_csv (dir, "empty.csv", "\n\n");
  g_autofree char *missing = g_build_filename (dir, "missing.csv", NULL);
  const struct { const char *file, *lambda, *rank, *needle; } cases[] = {
    { ragged, "1", "1", "row 2" },
    { text, "1", "1", "abc" },
    { nan, "1", "1", "finite" },
    { empty, "1", "1", "empty" },
    { missing, "1", "1", "missing.csv" },
    { good, "0", "1", "--lambda" },
    { good, "-1", "1", "--lambda" },
    { good, "1", "0", "--rank" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(LvCliResult) res = { 0 };

      lv_test_run_cli (&res, "certify", "--matrix", cases[i].file, "--lambda", cases[i].lambda,
                       "--rank", cases[i].rank, "--json", NULL);
      lv_test_assert_bad_input (&res, cases[i].needle);
    }
  {
    g_auto(LvCliResult) res = { 0 };

    lv_test_run_cli (&res, "certify", "--lambda", "1", "--json", NULL);
    lv_test_assert_bad_input (&res, "--matrix");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/certificate/closed-form", test_closed_form);
  g_test_add_func ("/lossviz/certificate/gd-wide", test_gd_wide);
  g_test_add_func ("/lossviz/certificate/gd-narrow-descent", test_gd_narrow_and_descent);
  g_test_add_func ("/lossviz/certificate/mf-gradient", test_mf_gradient);
  g_test_add_func ("/lossviz/certificate/chain-minima", test_chain_minima);
  g_test_add_func ("/lossviz/certificate/chain-vs-grid", test_chain_vs_grid);
  g_test_add_func ("/lossviz/certificate/polar-scan", test_polar_scan);
  g_test_add_func ("/lossviz/certificate/relu2", test_relu2);
  g_test_add_func ("/lossviz/certificate/unit-status", test_unit_status);
  g_test_add_func ("/lossviz/certificate/cli", test_cli_certify);
  g_test_add_func ("/lossviz/certificate/cli-bad-input", test_cli_certify_bad_input);
  return g_test_run ();
}
