/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-plot.h>
#include <lossviz/lv-plot-landscape.h>

#include "lv-cli-commands.h"
#include "lv-cli-common.h"
#include "lv-cli-train-memory.h"
#include "lv-cli-validate.h"
#include "lv-cli-mpi.h"
#include "lv-cli-train-one.h"
#include "lv-cli-network-source.h"

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

/* Everything the outputs need: the probe's result (grid, centre losses, PCA path) and, for
 * interpolate, the other minima at (1, 0) and (0, 1). */
typedef struct
{
  LvSliceDirections kind;
  LvLandscapeResult probe;
  GArray *minima_x, *minima_y;
  double elapsed;
  guint printed_level;       /* progress line on a terminal */
  gboolean tty;
} SliceResult;

static void
slice_result_clear (SliceResult *r)
{
  lv_landscape_result_clear (&r->probe);
  g_clear_pointer (&r->minima_x, g_array_unref);
  g_clear_pointer (&r->minima_y, g_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SliceResult, slice_result_clear)

/* The other two minima of interpolate directions: the same setup trained from seeds --seed + 1
 * and + 2, placed at (1, 0) and (0, 1) of the plane. */
static gboolean
train_partners (const LvCliTrainSetup *setup, float **b, float **c, SliceResult *r,
                GError **error)
{
  const double one = 1, zero = 0;

  *b = lv_cli_train_one (setup, setup->seed + 1, NULL, error);
  *c = *b != NULL ? lv_cli_train_one (setup, setup->seed + 2, NULL, error) : NULL;
  if (*c == NULL)
    return FALSE;
  r->minima_x = g_array_new (FALSE, FALSE, sizeof (double));
  r->minima_y = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_append_val (r->minima_x, one);
  g_array_append_val (r->minima_y, zero);
  g_array_append_val (r->minima_x, zero);
  g_array_append_val (r->minima_y, one);
  return TRUE;
}

/* Called after each publish of the probe: a progress line per refinement level. */
static void
on_progress (gpointer user_data, double fraction)
{
  SliceResult *r = user_data;
  const LvSliceGrid *grid = r->probe.grid;

  if (!r->tty || grid == NULL || r->probe.stage != LV_LANDSCAPE_STAGE_SLICE ||
      r->probe.level == r->printed_level)
    return;
  r->printed_level = r->probe.level;
  fprintf (stderr, "\rslice: level %u/%u (stride %u)", r->probe.level, r->probe.n_levels,
           grid->stride);
}

/* Index of the smallest finite train loss, or -1 (lv_landscape_grid_extremes). */
static gssize
grid_argmin (const LvSliceGrid *g, double *max_out)
{
  gssize best;

  lv_landscape_grid_extremes (g, &best, max_out);
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
  const LvSliceGrid *g = r->probe.grid;
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
  lv_cli_add_double (b, "train_loss", r->probe.center_train);
  lv_cli_add_double (b, "test_loss", r->probe.center_test);
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
      json_builder_add_double_value (b, r->probe.explained[0]);
      json_builder_add_double_value (b, r->probe.explained[1]);
      json_builder_end_array (b);
      add_points (b, "trajectory", r->probe.path_x, r->probe.path_y);
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
  const LvSliceGrid *g = r->probe.grid;
  LvPlotHeatmapModel model = { 0 };
  LvPlotPoint points[4];
  g_autofree char *title = g_strdup_printf ("Train loss on a plane (%s directions)",
                                            lv_slice_directions_to_string (r->kind));
  guint width = 900, height = 760, n_points;

  if (o->plot_size != NULL && !lv_cli_parse_size (o->plot_size, &width, &height, error))
    return FALSE;
  n_points = lv_plot_slice_landmarks (g, "trained", "grid min", "trained = grid min", points);
  for (guint k = 0; r->minima_x != NULL && k < r->minima_x->len; k++)
    points[n_points++] = (LvPlotPoint) { g_array_index (r->minima_x, double, k),
                                         g_array_index (r->minima_y, double, k),
                                         k == 0 ? "seed+1" : "seed+2", 2 };
  lv_plot_slice_heatmap_init (&model, g->train_loss, g->grid, g->span);
  model.common.title = title;
  model.log_color = o->log_color;
  model.path_x = (const double *) r->probe.path_x->data;
  model.path_y = (const double *) r->probe.path_y->data;
  model.n_path = r->probe.path_x->len;
  model.points = points;
  model.n_points = n_points;
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

/* The network to slice: loaded (--from, --model) or trained from the options; PCA records its
 * trajectory (a bundle's saved one with --from). */
static float *
load_network (const LvCliTrainOptions *t, const LvCliNetworkSource *source,
              const SliceOptions *o, LvSliceDirections kind, LvCliTrainSetup *setup,
              GArray *checkpoints, GError **error)
{
  if (lv_cli_network_source_is_set (source))
    {
      if (kind == LV_SLICE_DIRECTIONS_INTERPOLATE)
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                       "--directions interpolate trains two more networks: with --from or "
                       "--model use filter or pca");
          return NULL;
        }
      return lv_cli_network_source_load (source, t, setup, checkpoints, error);
    }
  if (!lv_cli_train_setup (t, setup, error) ||
      !lv_cli_train_check_memory (setup, "this slice", 3,
                                  kind == LV_SLICE_DIRECTIONS_PCA ? setup->config.epochs : 0,
                                  (guint) o->threads, LV_SLICE_CHUNK, error))
    return NULL;
  return lv_cli_train_one (setup, setup->seed, checkpoints, error);
}

/* Options → the landscape probe's input (no interpolation line, no Hessian). */
static void
slice_input (const LvCliTrainSetup *setup, const SliceOptions *o, LvSliceDirections kind,
             const float *center, GArray *checkpoints, LvLandscapeInput *in)
{
  lv_landscape_input_init (in);
  in->shape = setup->shape;
  in->dataset = setup->dataset;
  in->center = center;
  in->kind = kind;
  in->direction_seed = (guint64) o->direction_seed;
  in->keep_bias = o->keep_bias;
  if (checkpoints != NULL)
    {
      in->trajectory = (const float *) checkpoints->data;
      in->n_trajectory = checkpoints->len / (guint) setup->n_params;
    }
  lv_slice_config_init (&in->slice);
  in->slice.grid = (guint) o->grid;
  in->slice.span = o->span;
  in->slice.naive = o->naive;
  /* Under mpirun the rows are split over the ranks (lv-cli-mpi-slice.c). */
  in->grid_func = lv_cli_mpi_size () > 1 ? lv_cli_mpi_slice_grid : NULL;
}

static void
print_text (const LvCliTrainSetup *setup, const SliceOptions *o, const SliceResult *r)
{
  const LvSliceGrid *g = r->probe.grid;
  double max;
  gssize best = grid_argmin (g, &max);

  printf ("%s slice, %u × %u over [−%g, %g]², %" G_GSIZE_FORMAT " parameters, %.2f s\n",
          lv_slice_directions_to_string (r->kind), g->grid, g->grid, o->span, o->span,
          setup->n_params, r->elapsed);
  printf ("centre: train loss %.6g, test loss %.6g\n", r->probe.center_train,
          r->probe.center_test);
  if (best >= 0)
    printf ("grid minimum %.6g at (α, β) = (%g, %g); maximum %.6g\n", g->train_loss[best],
            lv_slice_grid_coord (g, best % g->grid), lv_slice_grid_coord (g, best / g->grid), max);
}

static gboolean
write_outputs (const LvCliTrainSetup *setup, const SliceOptions *o, const SliceResult *r,
               GError **error)
{
  if ((o->csv != NULL && !write_csv (o->csv, r->probe.grid, error)) ||
      (o->plot != NULL && !write_plot (o, r, error)))
    return FALSE;
  if (o->json)
    print_json (setup, o, r);
  else
    print_text (setup, o, r);
  return TRUE;
}

/* Loads or trains the network (and the partners), then runs the probe on the pool. */
static gboolean
compute (const LvCliTrainOptions *t, const LvCliNetworkSource *source, const SliceOptions *o,
         LvCliTrainSetup *setup, SliceResult *r, GError **error)
{
  g_autoptr(GArray) checkpoints = NULL;
  g_autoptr(LvWorkerPool) pool = NULL;
  g_autofree float *center = NULL, *b = NULL, *c = NULL;
  LvProbeContext context = { NULL, NULL, on_progress, r };
  LvLandscapeInput in;
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok;

  if (r->kind == LV_SLICE_DIRECTIONS_PCA)
    checkpoints = g_array_new (FALSE, FALSE, sizeof (float));
  center = load_network (t, source, o, r->kind, setup, checkpoints, error);
  if (center == NULL ||
      (r->kind == LV_SLICE_DIRECTIONS_INTERPOLATE && !train_partners (setup, &b, &c, r, error)))
    return FALSE;
  if (checkpoints != NULL && checkpoints->len < 2 * setup->n_params)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--directions pca needs the network's training trajectory (two checkpoints "
                   "or more): train here with --epochs 2 or more, or use --from on a bundle "
                   "written with `ensemble --save-trajectory K`");
      return FALSE;
    }
  pool = lv_worker_pool_try_new (lv_cli_mpi_threads ((guint) o->threads), error);
  if (pool == NULL)
    return FALSE;
  slice_input (setup, o, r->kind, center, checkpoints, &in);
  in.partner = b;
  in.partner2 = c;
  in.pool = pool;
  lv_landscape_result_init (&r->probe);
  r->tty = isatty (STDERR_FILENO) && lv_cli_mpi_size () == 1;
  ok = lv_landscape_probe_run (&in, &r->probe, &context, error);
  if (r->tty)
    fprintf (stderr, "\r\033[K");
  r->elapsed = (g_get_monotonic_time () - t0) / 1e6;
  return ok;
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
  g_auto(LvCliNetworkSource) source = { 0 };
  g_auto(SliceResult) r = { 0 };

  lv_cli_train_options_init (&t);
  lv_cli_train_options_add (context, &t);
  lv_cli_network_source_add (context, &source); /* --from, --run, --model */
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Trains one network, then evaluates its train and test loss on "
                                "θ + α d₁ + β d₂ over a G × G grid\n(Li et al. 2018). The centre "
                                "is the trained network's own loss.");
  if (!lv_cli_parse (context, &argc, &argv))
    return LV_CLI_EXIT_BAD_INPUT;
  if (!check_options (&o, &r, &error) || !compute (&t, &source, &o, &setup, &r, &error))
    return lv_cli_fail (error);
  if (!lv_cli_mpi_is_root ())
    return LV_CLI_EXIT_OK; /* rank 0 reports */
  if (!write_outputs (&setup, &o, &r, &error))
    return lv_cli_fail (error);
  return LV_CLI_EXIT_OK;
}
