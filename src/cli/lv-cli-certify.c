/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lossviz/lossviz.h>

#include "lv-cli-commands.h"
#include "lv-cli-common.h"
#include "lv-cli-matrix.h"

/*
 * `lossviz-cli certify`: gradient descent on the width-r matrix factorisation of a CSV matrix,
 * compared with the SVT closed form, and the Haeffele–Vidal certificate (THEORY.md §4.3).
 */

#define MAX_SIDE LV_CLI_MATRIX_MAX_SIDE

/* Largest |Y|_F accepted: its square and the objective stay far from overflowing. */
#define MAX_NORM 1e150
/* Most floating-point operations a run may plan (about 3 hours at 10 GFLOP/s). */
#define MAX_WORK 1e14

/* Refuses matrices whose objective would overflow and runs that would take days, before any
 * work; prints a work estimate on stderr for runs longer than a few seconds. */
static gboolean
check_scale_and_work (const double *y, guint m, guint n, guint rank, guint max_iters,
                      GError **error)
{
  double ymax = 0, work;

  for (gsize i = 0; i < (gsize) m * n; i++)
    ymax = MAX (ymax, fabs (y[i]));
  if (ymax * sqrt ((double) m * n) > MAX_NORM)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--matrix: entries up to %g make |Y|_F exceed %g, where the objective "
                   "overflows; rescale the matrix", ymax, MAX_NORM);
      return FALSE;
    }
  /* Each gradient step forms U V^T, R V and R^T U: about 6 m n r operations. */
  work = 6.0 * max_iters * m * n * rank;
  if (work > MAX_WORK)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "up to %u iterations on a %u × %u matrix at rank %u is about %.2g "
                   "floating-point operations (%.0f hours at 10 GFLOP/s; the limit is %.0g): "
                   "lower --max-iters or --rank", max_iters, m, n, rank, work, work / 1e10 / 3600,
                   MAX_WORK);
      return FALSE;
    }
  if (work > 1e11)
    fprintf (stderr, "certify: up to %.2g floating-point operations (about %.0f minutes)\n", work,
             work / 1e10 / 60);
  return TRUE;
}

/**
 * lv_cli_certify:
 * @argc: argument count (argv[0] is "certify").
 * @argv: arguments.
 *
 * Returns: the process exit code.
 */
int
lv_cli_certify (int argc, char **argv)
{
  g_autofree char *matrix_path = NULL;
  double lambda = NAN, grad_tol = 1e-9;
  gint rank = 0, max_iters = 200000;
  gint64 seed = 1;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "matrix", 0, 0, G_OPTION_ARG_FILENAME, &matrix_path, "CSV file of the matrix Y (required)", "FILE" },
    { "lambda", 0, 0, G_OPTION_ARG_DOUBLE, &lambda, "Regularisation weight lambda > 0 (required)", "L" },
    { "rank", 0, 0, G_OPTION_ARG_INT, &rank, "Width r of the factors U, V (required, >= 1)", "R" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the random initialisation (default 1)", "S" },
    { "max-iters", 0, 0, G_OPTION_ARG_INT, &max_iters, "Gradient-descent iterations at most (default 200000)", "N" },
    { "grad-tol", 0, 0, G_OPTION_ARG_DOUBLE, &grad_tol, "Stationarity tolerance, relative to max(1, |Y|_F) (default 1e-9)", "TOL" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("- certify a matrix factorisation globally optimal (Haeffele–Vidal)");
  g_autoptr(GError) error = NULL;
  g_autofree double *y = NULL, *u = NULL, *v = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  LvMfCertificate cert;
  guint m = 0, n = 0, cf_rank = 0, iters;
  double cf_objective = 0.0, ynorm = 0.0, tol, step = 0.0;
  LvRng rng;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!lv_cli_parse (context, &argc, &argv))
    return LV_CLI_EXIT_BAD_INPUT;
  if (matrix_path == NULL)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "--matrix FILE.csv is required");
  if (!isfinite (lambda) || lambda <= 0)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                "--lambda must be a finite number > 0 (got %g)", lambda);
  if (!lv_cli_check_int ("--rank", rank, 1, MAX_SIDE, &error) ||
      !lv_cli_check_int ("--seed", seed, 0, G_MAXINT64, &error) ||
      !lv_cli_check_int ("--max-iters", max_iters, 1, G_MAXINT, &error) ||
      !lv_cli_check_double ("--grad-tol", grad_tol, 1e-15, 1.0, &error))
    return lv_cli_fail (error);
  y = lv_cli_matrix_read_csv (matrix_path, &m, &n, &error);
  if (y == NULL || !check_scale_and_work (y, m, n, (guint) rank, (guint) max_iters, &error))
    return lv_cli_fail (error);

  if (!lv_mf_closed_form (y, m, n, lambda, NULL, &cf_objective, &cf_rank, &error))
    return lv_cli_fail (error);
  for (gsize i = 0; i < (gsize) m * n; i++)
    ynorm += y[i] * y[i];
  ynorm = sqrt (ynorm);
  tol = grad_tol * MAX (1.0, ynorm);

  u = g_new (double, (gsize) m * rank);
  v = g_new (double, (gsize) n * rank);
  lv_rng_init (&rng, lv_seed_mix ((guint64) seed, 0xce, 0));
  lv_mf_init_random (&rng, m, n, (guint) rank, 0.1, u, v);
  iters = lv_mf_descend (y, m, n, u, v, (guint) rank, lambda, (guint) max_iters, 0.1 * tol,
                         &step);
  if (!lv_mf_certify (y, m, n, u, v, (guint) rank, lambda, tol, &cert, &error))
    return lv_cli_fail (error);
  /* Never "stationary" with a null objective: a non-finite result is a failure. */
  if (!isfinite (cert.objective) || !isfinite (cert.gradient_norm) ||
      !isfinite (cert.residual_norm))
    {
      lv_mf_certificate_clear (&cert);
      return lv_cli_fail_message (LV_CLI_EXIT_RUNTIME,
                                  "gradient descent diverged: the objective is not finite "
                                  "(rescale the matrix or lower --lambda)");
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  lv_cli_add_double (b, "objective", cert.objective);
  lv_cli_add_double (b, "closed_form_objective", cf_objective);
  lv_cli_add_double (b, "residual_spectral_norm", cert.residual_norm);
  json_builder_set_member_name (b, "certified");
  json_builder_add_boolean_value (b, cert.certified);
  json_builder_set_member_name (b, "rank_of_solution");
  json_builder_add_int_value (b, cert.rank);
  json_builder_set_member_name (b, "closed_form_rank");
  json_builder_add_int_value (b, cf_rank);
  json_builder_set_member_name (b, "rows");
  json_builder_add_int_value (b, m);
  json_builder_set_member_name (b, "columns");
  json_builder_add_int_value (b, n);
  json_builder_set_member_name (b, "rank");
  json_builder_add_int_value (b, rank);
  lv_cli_add_double (b, "lambda", lambda);
  lv_cli_add_double (b, "gradient_norm", cert.gradient_norm);
  json_builder_set_member_name (b, "stationary");
  json_builder_add_boolean_value (b, cert.stationary);
  json_builder_set_member_name (b, "iterations");
  json_builder_add_int_value (b, iters);
  if (!cert.certified && cert.residual_norm > lambda)
    {
      /* Adding u = sqrt(eps) a, v = sqrt(eps) b changes F by −eps (s_1 − lambda) + O(eps²). */
      json_builder_set_member_name (b, "descent");
      json_builder_begin_object (b);
      lv_cli_add_double (b, "top_singular_value", cert.residual_norm);
      lv_cli_add_double (b, "first_order_decrease", cert.residual_norm - lambda);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  if (json)
    lv_cli_print_json (root);
  else
    printf ("F(U,V) = %.10g after %u iterations (closed form F* = %.10g, rank %u)\n"
            "|Y - UV^T|_2 = %.10g vs lambda = %g: %s\n",
            cert.objective, iters, cf_objective, cf_rank, cert.residual_norm, lambda,
            cert.certified ? "certified globally optimal"
            : !cert.stationary ? "not stationary yet"
            : "NOT certified: add the top singular pair of the residual");
  lv_mf_certificate_clear (&cert);
  return LV_CLI_EXIT_OK;
}
