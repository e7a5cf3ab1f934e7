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
 * compared with the SVT closed form, and the Haeffele–Vidal certificate (docs/THEORY.md §4.3).
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

/* What the command line asked for. */
typedef struct
{
  char *matrix_path;
  double lambda, grad_tol;
  gint rank, max_iters;
  gint64 seed;
  gboolean json;
} CertifyOptions;

/* What was computed: the matrix, the descent's end point and both certificates' numbers. */
typedef struct
{
  double *y, *u, *v;
  guint m, n, cf_rank, iters;
  double cf_objective;
  LvMfCertificate cert;
} CertifyResult;

static void
certify_result_clear (CertifyResult *r)
{
  g_clear_pointer (&r->y, g_free);
  g_clear_pointer (&r->u, g_free);
  g_clear_pointer (&r->v, g_free);
  lv_mf_certificate_clear (&r->cert);
}

/* Parses and checks the options; on bad input prints the one-line error and returns FALSE
 * with *exit_code set. */
static gboolean
parse_options (int argc, char **argv, CertifyOptions *o, int *exit_code)
{
  GOptionEntry entries[] = {
    { "matrix", 0, 0, G_OPTION_ARG_FILENAME, &o->matrix_path, "CSV file of the matrix Y (required)", "FILE" },
    { "lambda", 0, 0, G_OPTION_ARG_DOUBLE, &o->lambda, "Regularisation weight lambda > 0 (required)", "L" },
    { "rank", 0, 0, G_OPTION_ARG_INT, &o->rank, "Width r of the factors U, V (required, >= 1)", "R" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, "Seed of the random initialisation (default 1)", "S" },
    { "max-iters", 0, 0, G_OPTION_ARG_INT, &o->max_iters, "Gradient-descent iterations at most (default 200000)", "N" },
    { "grad-tol", 0, 0, G_OPTION_ARG_DOUBLE, &o->grad_tol, "Stationarity tolerance, relative to max(1, |Y|_F) (default 1e-9)", "TOL" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "Print one JSON object", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("- certify a matrix factorisation globally optimal (Haeffele–Vidal)");
  g_autoptr(GError) error = NULL;

  *exit_code = LV_CLI_EXIT_BAD_INPUT;
  g_option_context_add_main_entries (context, entries, NULL);
  if (!lv_cli_parse (context, &argc, &argv))
    return FALSE;
  if (o->matrix_path == NULL)
    {
      *exit_code = lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "--matrix FILE.csv is required");
      return FALSE;
    }
  if (!isfinite (o->lambda) || o->lambda <= 0)
    {
      *exit_code = lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                        "--lambda must be a finite number > 0 (got %g)",
                                        o->lambda);
      return FALSE;
    }
  if (!lv_cli_check_int ("--rank", o->rank, 1, MAX_SIDE, &error) ||
      !lv_cli_check_int ("--seed", o->seed, 0, G_MAXINT64, &error) ||
      !lv_cli_check_int ("--max-iters", o->max_iters, 1, G_MAXINT, &error) ||
      !lv_cli_check_double ("--grad-tol", o->grad_tol, 1e-15, 1.0, &error))
    {
      *exit_code = lv_cli_fail (error);
      return FALSE;
    }
  return TRUE;
}

/* The Haeffele–Vidal probe in one batch (lv-hv-probe.h): descent from r->u, r->v to 0.1 @tol,
 * then the certificate at @tol; r->u, r->v become the end point. */
static gboolean
descend_and_certify (const CertifyOptions *o, CertifyResult *r, double tol, GError **error)
{
  LvHvDescentInput in;
  LvHvDescentResult res = { 0 };

  lv_hv_descent_input_init (&in, LV_HV_DESCENT_MF);
  in.single_batch = TRUE;
  in.max_steps = (guint) o->max_iters;
  in.grad_tol = 0.1 * tol;
  in.cert_grad_tol = tol;
  in.lambda = o->lambda;
  in.y = r->y;
  in.m = r->m;
  in.n = r->n;
  in.r = (guint) o->rank;
  in.u = r->u;
  in.v = r->v;
  if (!lv_hv_descent_probe_run (&in, &res, NULL, error))
    {
      lv_hv_descent_result_clear (&res);
      return FALSE;
    }
  r->iters = res.steps;
  memcpy (r->u, res.u, sizeof (double) * r->m * o->rank);
  memcpy (r->v, res.v, sizeof (double) * r->n * o->rank);
  r->cert = res.cert;
  memset (&res.cert, 0, sizeof res.cert);
  lv_hv_descent_result_clear (&res);
  return TRUE;
}

/* Reads Y, computes the SVT closed form, descends from a random start and certifies. */
static gboolean
compute (const CertifyOptions *o, CertifyResult *r, GError **error)
{
  double ynorm = 0.0, tol;
  LvRng rng;

  r->y = lv_cli_matrix_read_csv (o->matrix_path, &r->m, &r->n, error);
  if (r->y == NULL ||
      !check_scale_and_work (r->y, r->m, r->n, (guint) o->rank, (guint) o->max_iters, error) ||
      !lv_mf_closed_form (r->y, r->m, r->n, o->lambda, NULL, &r->cf_objective, &r->cf_rank,
                          error))
    return FALSE;
  for (gsize i = 0; i < (gsize) r->m * r->n; i++)
    ynorm += r->y[i] * r->y[i];
  ynorm = sqrt (ynorm);
  tol = o->grad_tol * MAX (1.0, ynorm);

  r->u = g_new (double, (gsize) r->m * o->rank);
  r->v = g_new (double, (gsize) r->n * o->rank);
  lv_rng_init (&rng, lv_seed_mix ((guint64) o->seed, 0xce, 0));
  lv_mf_init_random (&rng, r->m, r->n, (guint) o->rank, 0.1, r->u, r->v);
  if (!descend_and_certify (o, r, tol, error))
    return FALSE;
  /* Never "stationary" with a null objective: a non-finite result is a failure. */
  if (!isfinite (r->cert.objective) || !isfinite (r->cert.gradient_norm) ||
      !isfinite (r->cert.residual_norm))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                   "gradient descent diverged: the objective is not finite "
                   "(rescale the matrix or lower --lambda)");
      return FALSE;
    }
  return TRUE;
}

static JsonNode *
result_to_json (const CertifyOptions *o, const CertifyResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const LvMfCertificate *cert = &r->cert;

  json_builder_begin_object (b);
  lv_cli_add_double (b, "objective", cert->objective);
  lv_cli_add_double (b, "closed_form_objective", r->cf_objective);
  lv_cli_add_double (b, "residual_spectral_norm", cert->residual_norm);
  lv_cli_add_bool (b, "certified", cert->certified);
  lv_cli_add_int (b, "rank_of_solution", cert->rank);
  lv_cli_add_int (b, "closed_form_rank", r->cf_rank);
  lv_cli_add_int (b, "rows", r->m);
  lv_cli_add_int (b, "columns", r->n);
  lv_cli_add_int (b, "rank", o->rank);
  lv_cli_add_double (b, "lambda", o->lambda);
  lv_cli_add_double (b, "gradient_norm", cert->gradient_norm);
  lv_cli_add_bool (b, "stationary", cert->stationary);
  lv_cli_add_int (b, "iterations", r->iters);
  if (!cert->certified && cert->residual_norm > o->lambda)
    {
      /* Adding u = sqrt(eps) a, v = sqrt(eps) b changes F by −eps (s_1 − lambda) + O(eps²). */
      json_builder_set_member_name (b, "descent");
      json_builder_begin_object (b);
      lv_cli_add_double (b, "top_singular_value", cert->residual_norm);
      lv_cli_add_double (b, "first_order_decrease", cert->residual_norm - o->lambda);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_table (const CertifyOptions *o, const CertifyResult *r)
{
  const LvMfCertificate *cert = &r->cert;

  printf ("F(U,V) = %.10g after %u iterations (closed form F* = %.10g, rank %u)\n"
          "|Y - UV^T|_2 = %.10g vs lambda = %g: %s\n",
          cert->objective, r->iters, r->cf_objective, r->cf_rank, cert->residual_norm,
          o->lambda,
          cert->certified ? "certified globally optimal"
          : !cert->stationary ? "not stationary yet"
          : "NOT certified: add the top singular pair of the residual");
}

/**
 * lv_cli_certify:
 * @argc: argument count (argv[0] is "certify").
 * @argv: arguments.
 *
 * Options → compute → JSON or a two-line summary.
 *
 * Returns: the process exit code.
 */
int
lv_cli_certify (int argc, char **argv)
{
  CertifyOptions o = { NULL, NAN, 1e-9, 0, 200000, 1, FALSE };
  CertifyResult r = { 0 };
  g_autoptr(GError) error = NULL;
  int exit_code;

  if (!parse_options (argc, argv, &o, &exit_code))
    {
      g_free (o.matrix_path);
      return exit_code;
    }
  if (!compute (&o, &r, &error))
    exit_code = lv_cli_fail (error);
  else
    {
      if (o.json)
        {
          g_autoptr(JsonNode) root = result_to_json (&o, &r);
          lv_cli_print_json (root);
        }
      else
        print_table (&o, &r);
      exit_code = LV_CLI_EXIT_OK;
    }
  certify_result_clear (&r);
  g_free (o.matrix_path);
  return exit_code;
}
