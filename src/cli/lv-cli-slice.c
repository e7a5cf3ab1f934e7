/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-plot.h>

#include "lv-cli-commands.h"
#include "lv-cli-common.h"
#include "lv-cli-validate.h"
#include "lv-cli-mpi.h"
#include "lv-cli-train-one.h"

/* `lossviz-cli slice`: train one network and evaluate its loss on a plane through it. */

typedef struct
{
  char *directions;
  int grid;
  double span;
  gint64 direction_seed;
  gboolean keep_bias;
  gboolean naive;
  int threads;
  gboolean json;
  char *csv;
  char *plot;
  char *plot_size;
  gboolean log_color;
} SliceOptions;

static void
slice_options_clear (SliceOptions *o)
{
  g_free (o->directions);
  g_free (o->csv);
  g_free (o->plot);
  g_free (o->plot_size);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SliceOptions, slice_options_clear)

/* Everything the outputs need: the grid, the plane's landmarks and the trained point's losses. */
typedef struct
{
  LvSliceDirections kind;
  LvSliceGrid *grid;
  double center_train, center_test;
  GArray *path_x, *path_y;   /* PCA: the trajectory in (α, β) */
  double explained[2];       /* PCA */
  GArray *minima_x, *minima_y; /* interpolate: the other minima, (1, 0) and (0, 1) */
  double elapsed;
} SliceResult;

static void
slice_result_clear (SliceResult *r)
{
  g_clear_pointer (&r->grid, lv_slice_grid_free);
  g_clear_pointer (&r->path_x, g_array_unref);
  g_clear_pointer (&r->path_y, g_array_unref);
  g_clear_pointer (&r->minima_x, g_array_unref);
  g_clear_pointer (&r->minima_y, g_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SliceResult, slice_result_clear)

/* The two directions of the requested kind, training whatever they need. */
static gboolean
make_directions (const LvCliTrainSetup *setup, const SliceOptions *o, const float *center,
                 GArray *checkpoints, SliceResult *r, float *d1, float *d2, GError **error)
{
  gsize np = setup->n_params;

  switch (r->kind)
    {
    case LV_SLICE_DIRECTIONS_FILTER:
      /* Seeds independent of --seed and of the size: every run's slice uses the same draws. */
      return lv_slice_direction_filter (&setup->shape, center,
                                        lv_seed_mix ((guint64) o->direction_seed, 1, 0),
                                        o->keep_bias, d1, error) &&
             lv_slice_direction_filter (&setup->shape, center,
                                        lv_seed_mix ((guint64) o->direction_seed, 2, 0),
                                        o->keep_bias, d2, error);
    case LV_SLICE_DIRECTIONS_PCA:
      {
        guint m = checkpoints->len / (guint) np;
        if (!lv_slice_directions_pca (&setup->shape, center, (const float *) checkpoints->data,
                                      m, d1, d2, r->explained, error))
          return FALSE;
        r->path_x = g_array_new (FALSE, FALSE, sizeof (double));
        r->path_y = g_array_new (FALSE, FALSE, sizeof (double));
        for (guint k = 0; k < m; k++)
          {
            double a, b;
            if (lv_slice_project (np, center, d1, d2,
                                  (const float *) checkpoints->data + (gsize) k * np, &a, &b))
              {
                g_array_append_val (r->path_x, a);
                g_array_append_val (r->path_y, b);
              }
          }
        return TRUE;
      }
    case LV_SLICE_DIRECTIONS_INTERPOLATE:
    default:
      {
        /* The other two minima: the same setup trained from seeds --seed + 1 and + 2. */
        g_autofree float *b = lv_cli_train_one (setup, setup->seed + 1, NULL, error);
        g_autofree float *c = b != NULL ? lv_cli_train_one (setup, setup->seed + 2, NULL, error)
                                        : NULL;
        const double one = 1, zero = 0;
        if (c == NULL)
          return FALSE;
        lv_slice_directions_between (np, center, b, c, d1, d2);
        r->minima_x = g_array_new (FALSE, FALSE, sizeof (double));
        r->minima_y = g_array_new (FALSE, FALSE, sizeof (double));
        g_array_append_val (r->minima_x, one);
        g_array_append_val (r->minima_y, zero);
        g_array_append_val (r->minima_x, zero);
        g_array_append_val (r->minima_y, one);
        return TRUE;
      }
    }
}

static void
on_progress (const LvSliceGrid *grid, guint level, guint n_levels, gpointer user_data)
{
  if (GPOINTER_TO_INT (user_data))
    fprintf (stderr, "\rslice: level %u/%u (stride %u)", level, n_levels, grid->stride);
}

/* Index of the smallest finite train loss, or -1. */
static gssize
grid_argmin (const LvSliceGrid *g, double *max_out)
{
  gssize best = -1;
  double max = NAN;

  for (gsize k = 0; k < (gsize) g->grid * g->grid; k++)
    {
      double v = g->train_loss[k];
      if (!isfinite (v))
        continue;
      if (best < 0 || v < g->train_loss[best])
        best = (gssize) k;
      if (!(v <= max))
        max = v;
    }
  *max_out = max;
  return best;
}

static void
add_matrix (JsonBuilder *b, const char *name, const LvSliceGrid *g, const double *values)
{
  json_builder_set_member_name (b, name);
  if (values == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  for (guint j = 0; j < g->grid; j++)
    {
      json_builder_begin_array (b);
      for (guint i = 0; i < g->grid; i++)
        {
          double v = values[(gsize) j * g->grid + i];
          if (isfinite (v))
            json_builder_add_double_value (b, v);
          else
            json_builder_add_null_value (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}

static void
add_points (JsonBuilder *b, const char *name, GArray *xs, GArray *ys)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint k = 0; xs != NULL && k < xs->len; k++)
    {
      json_builder_begin_array (b);
      json_builder_add_double_value (b, g_array_index (xs, double, k));
      json_builder_add_double_value (b, g_array_index (ys, double, k));
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}

static void
print_json (const LvCliTrainSetup *setup, const SliceOptions *o, const SliceResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const LvSliceGrid *g = r->grid;
  double max;
  gssize best = grid_argmin (g, &max);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "grid");
  json_builder_add_int_value (b, g->grid);
  lv_cli_add_double (b, "span", g->span);
  json_builder_set_member_name (b, "directions");
  json_builder_add_string_value (b, lv_slice_directions_to_string (r->kind));
  json_builder_set_member_name (b, "center");
  json_builder_begin_object (b);
  lv_cli_add_double (b, "train_loss", r->center_train);
  lv_cli_add_double (b, "test_loss", r->center_test);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "min");
  json_builder_begin_object (b);
  lv_cli_add_double (b, "alpha", best >= 0 ? lv_slice_grid_coord (g, best % g->grid) : NAN);
  lv_cli_add_double (b, "beta", best >= 0 ? lv_slice_grid_coord (g, best / g->grid) : NAN);
  lv_cli_add_double (b, "train_loss", best >= 0 ? g->train_loss[best] : NAN);
  json_builder_end_object (b);
  lv_cli_add_double (b, "max_train_loss", max);
  add_matrix (b, "train_loss", g, g->train_loss);
  add_matrix (b, "test_loss", g, g->test_loss);
  json_builder_set_member_name (b, "params");
  json_builder_add_int_value (b, (gint64) setup->n_params);
  json_builder_set_member_name (b, "hidden");
  json_builder_add_int_value (b, setup->shape.widths[1]);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, (gint64) setup->seed);
  json_builder_set_member_name (b, "direction_seed");
  json_builder_add_int_value (b, o->direction_seed);
  if (r->kind == LV_SLICE_DIRECTIONS_PCA)
    {
      json_builder_set_member_name (b, "explained_variance");
      json_builder_begin_array (b);
      json_builder_add_double_value (b, r->explained[0]);
      json_builder_add_double_value (b, r->explained[1]);
      json_builder_end_array (b);
      add_points (b, "trajectory", r->path_x, r->path_y);
    }
  if (r->kind == LV_SLICE_DIRECTIONS_INTERPOLATE)
    add_points (b, "minima", r->minima_x, r->minima_y);
  json_builder_set_member_name (b, "evaluator");
  json_builder_add_string_value (b, o->naive ? "naive" : "linearity");
  lv_cli_add_double (b, "elapsed_s", r->elapsed);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  lv_cli_print_json (root);
}

static gboolean
write_csv (const char *path, const LvSliceGrid *g, GError **error)
{
  g_autoptr(GString) s = g_string_new ("alpha,beta,train_loss,test_loss\n");
  char buf[4][G_ASCII_DTOSTR_BUF_SIZE];

  for (guint j = 0; j < g->grid; j++)
    for (guint i = 0; i < g->grid; i++)
      {
        gsize k = (gsize) j * g->grid + i;
        double test = g->test_loss != NULL ? g->test_loss[k] : NAN;
        g_string_append_printf (s, "%s,%s,%s,%s\n",
                                g_ascii_dtostr (buf[0], sizeof buf[0], lv_slice_grid_coord (g, i)),
                                g_ascii_dtostr (buf[1], sizeof buf[1], lv_slice_grid_coord (g, j)),
                                isfinite (g->train_loss[k])
                                  ? g_ascii_dtostr (buf[2], sizeof buf[2], g->train_loss[k]) : "",
                                isfinite (test) ? g_ascii_dtostr (buf[3], sizeof buf[3], test)
                                                : "");
      }
  return lv_plot_write_text_file (path, s->str, s->len, error);
}

static gboolean
write_plot (const SliceOptions *o, const SliceResult *r, GError **error)
{
  const LvSliceGrid *g = r->grid;
  LvPlotHeatmapModel model = { 0 };
  g_autoptr(GArray) points = g_array_new (FALSE, TRUE, sizeof (LvPlotPoint));
  g_autofree char *title = g_strdup_printf ("Train loss on a plane (%s directions)",
                                            lv_slice_directions_to_string (r->kind));
  guint width = 900, height = 760;
  double max;
  gssize best = grid_argmin (g, &max);
  LvPlotPoint trained = { 0, 0, "trained", LV_PLOT_COLOR_AUTO };

  if (o->plot_size != NULL && !lv_cli_parse_size (o->plot_size, &width, &height, error))
    return FALSE;
  g_array_append_val (points, trained);
  if (best >= 0)
    {
      LvPlotPoint p = { lv_slice_grid_coord (g, best % g->grid),
                        lv_slice_grid_coord (g, best / g->grid), "grid min", 1 };
      /* One marker when the trained point is itself the grid minimum. */
      if (p.x == 0 && p.y == 0)
        g_array_index (points, LvPlotPoint, 0).label = "trained = grid min";
      else
        g_array_append_val (points, p);
    }
  for (guint k = 0; r->minima_x != NULL && k < r->minima_x->len; k++)
    {
      LvPlotPoint p = { g_array_index (r->minima_x, double, k),
                        g_array_index (r->minima_y, double, k), k == 0 ? "seed+1" : "seed+2",
                        2 };
      g_array_append_val (points, p);
    }
  model.common.title = title;
  model.common.x_label = "α";
  model.common.y_label = "β";
  model.values = g->train_loss;
  model.nx = model.ny = g->grid;
  model.x_min = model.y_min = -g->span;
  model.x_max = model.y_max = g->span;
  model.colormap = LV_PLOT_COLORMAP_VIRIDIS;
  model.log_color = o->log_color;
  model.n_contours = 10;
  if (r->path_x != NULL)
    {
      model.path_x = (const double *) r->path_x->data;
      model.path_y = (const double *) r->path_y->data;
      model.n_path = r->path_x->len;
    }
  model.points = (const LvPlotPoint *) points->data;
  model.n_points = points->len;
  model.colorbar_label = o->log_color ? "train loss (log)" : "train loss";
  return lv_plot_export ((LvPlotDrawFunc) lv_plot_heatmap_draw, &model, o->plot, width, height,
                         96, error);
}

static gboolean
check_options (SliceOptions *o, SliceResult *r, GError **error)
{
  if (o->directions == NULL)
    o->directions = g_strdup ("filter");
  if (!lv_slice_directions_from_string (o->directions, &r->kind))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--directions: '%s' is not filter, pca or interpolate", o->directions);
      return FALSE;
    }
  if (!lv_cli_check_double_or_default ("--span", o->span, 1e-9, 1e6, error))
    return FALSE;
  /* Default spans: filter 1 (perturbations as large as the weights), PCA 1.2 (the trajectory
   * reaches 1), interpolate 1.5 (the other minima sit at 1). */
  if (o->span == 0)
    o->span = r->kind == LV_SLICE_DIRECTIONS_FILTER ? 1.0
              : r->kind == LV_SLICE_DIRECTIONS_PCA  ? 1.2
                                                    : 1.5;
  if ((o->plot != NULL &&
       !lv_cli_check_figure_output ("--plot", o->plot, o->plot_size, FALSE, error)) ||
      (o->csv != NULL && !lv_cli_check_output ("--csv", o->csv, error)))
    return FALSE;
  return lv_cli_check_int ("--grid", o->grid, 2, LV_SLICE_MAX_GRID, error) &&
         lv_cli_check_int ("--direction-seed", o->direction_seed, 0, G_MAXINT64, error) &&
         lv_cli_check_threads (o->threads, error);
}

int
lv_cli_slice (int argc, char **argv)
{
  g_auto(LvCliTrainOptions) t = { 0 };
  /* String options start NULL: GOption replaces a string without freeing it. */
  g_auto(SliceOptions) o = { .grid = 21, .direction_seed = 1 };
  const GOptionEntry entries[] = {
    { "directions", 0, 0, G_OPTION_ARG_STRING, &o.directions,
      "filter (random, filter-normalised) | pca (training trajectory) | interpolate (towards "
      "the minima of seeds S+1 and S+2)", "KIND" },
    { "grid", 0, 0, G_OPTION_ARG_INT, &o.grid, "Points per axis (default 21)", "G" },
    { "span", 0, 0, G_OPTION_ARG_DOUBLE, &o.span,
      "α, β ∈ [−X, X] (default: 1 filter, 1.2 pca, 1.5 interpolate)", "X" },
    { "direction-seed", 0, 0, G_OPTION_ARG_INT64, &o.direction_seed,
      "Seed of the filter directions, independent of --seed and --hidden (default 1)", "S" },
    { "keep-bias", 0, 0, G_OPTION_ARG_NONE, &o.keep_bias,
      "Filter directions perturb biases too (default: biases fixed)", NULL },
    { "naive", 0, 0, G_OPTION_ARG_NONE, &o.naive,
      "Full forward pass per point instead of the linearity trick", NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o.threads, "Worker threads (default: one per core)",
      "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "Print one JSON object on stdout", NULL },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &o.csv,
      "Write alpha,beta,train_loss,test_loss per grid point", "FILE" },
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, &o.plot, "Heatmap: FILE.png, .svg or .pdf", "FILE" },
    { "plot-size", 0, 0, G_OPTION_ARG_STRING, &o.plot_size, "Figure size WxH (default 900x760)",
      "WxH" },
    { "log", 0, 0, G_OPTION_ARG_NONE, &o.log_color, "Colour the heatmap by log10 of the loss",
      NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- loss on a plane through a trained network");
  g_autoptr(GError) error = NULL;
  g_auto(LvCliTrainSetup) setup = { 0 };
  g_auto(SliceResult) r = { 0 };
  g_autoptr(GArray) checkpoints = NULL;
  g_autoptr(LvWorkerPool) pool = NULL;
  g_autofree float *center = NULL, *d1 = NULL, *d2 = NULL;
  LvSliceConfig config;
  gboolean tty = isatty (STDERR_FILENO);
  gint64 t0;

  lv_cli_train_options_init (&t);
  lv_cli_train_options_add (context, &t);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Trains one network, then evaluates its train and test loss on "
                                "θ + α d₁ + β d₂ over a G × G grid\n(Li et al. 2018). The centre "
                                "is the trained network's own loss.");
  if (!lv_cli_parse (context, &argc, &argv))
    return LV_CLI_EXIT_BAD_INPUT;
  if (!check_options (&o, &r, &error) || !lv_cli_train_setup (&t, &setup, &error))
    return lv_cli_fail (error);

  t0 = g_get_monotonic_time ();
  if (r.kind == LV_SLICE_DIRECTIONS_PCA)
    checkpoints = g_array_new (FALSE, FALSE, sizeof (float));
  center = lv_cli_train_one (&setup, setup.seed, checkpoints, &error);
  d1 = g_new (float, setup.n_params);
  d2 = g_new (float, setup.n_params);
  if (center == NULL || !make_directions (&setup, &o, center, checkpoints, &r, d1, d2, &error))
    return lv_cli_fail (error);

  lv_slice_config_init (&config);
  config.grid = (guint) o.grid;
  config.span = o.span;
  config.naive = o.naive;
  pool = lv_worker_pool_try_new (lv_cli_mpi_threads ((guint) o.threads), &error);
  if (pool == NULL)
    return lv_cli_fail (error);
  if (lv_cli_mpi_size () > 1) /* under mpirun: rows split over the ranks (lv-cli-mpi-slice.c) */
    r.grid = lv_cli_mpi_slice_grid (&setup.shape, center, d1, d2, setup.dataset, &config, pool,
                                    &error);
  else
    r.grid = lv_slice_grid_compute (&setup.shape, center, d1, d2, setup.dataset, &config, pool,
                                    on_progress, GINT_TO_POINTER (tty), NULL, &error);
  if (tty && lv_cli_mpi_size () == 1)
    fprintf (stderr, "\r\033[K");
  if (r.grid == NULL)
    return lv_cli_fail (error);
  if (!lv_cli_mpi_is_root ())
    return LV_CLI_EXIT_OK; /* rank 0 reports */
  r.center_train = lv_cli_train_loss (&setup, center, FALSE);
  r.center_test = lv_cli_train_loss (&setup, center, TRUE);
  r.elapsed = (g_get_monotonic_time () - t0) / 1e6;

  if (o.csv != NULL && !write_csv (o.csv, r.grid, &error))
    return lv_cli_fail (error);
  if (o.plot != NULL && !write_plot (&o, &r, &error))
    return lv_cli_fail (error);
  if (o.json)
    print_json (&setup, &o, &r);
  else
    {
      double max;
      gssize best = grid_argmin (r.grid, &max);
      printf ("%s slice, %u × %u over [−%g, %g]², %" G_GSIZE_FORMAT " parameters, %.2f s\n",
              lv_slice_directions_to_string (r.kind), r.grid->grid, r.grid->grid, o.span,
              o.span, setup.n_params, r.elapsed);
      printf ("centre: train loss %.6g, test loss %.6g\n", r.center_train, r.center_test);
      if (best >= 0)
        printf ("grid minimum %.6g at (α, β) = (%g, %g); maximum %.6g\n", r.grid->train_loss[best],
                lv_slice_grid_coord (r.grid, best % r.grid->grid),
                lv_slice_grid_coord (r.grid, best / r.grid->grid), max);
    }
  return LV_CLI_EXIT_OK;
}
