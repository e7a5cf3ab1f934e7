/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <lossviz/lv-dataset.h>
#include <lossviz/lv-mlp.h>
#include <lossviz/lv-worker-pool.h>

G_BEGIN_DECLS

/*
 * Loss slices (Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets"): the loss on the
 * plane θ(α, β) = θ₀ + α d₁ + β d₂ through a trained point θ₀, or on a line through two trained
 * points. Directions are flat parameter vectors laid out like the network's parameters.
 */

/**
 * LV_SLICE_CHUNK:
 *
 * Samples per data chunk of every slice evaluation. lv_mlp_evaluate() with a workspace of this
 * max_batch sums the same chunks in the same order, so a slice's value at (0, 0) equals the
 * trained network's own loss bit for bit.
 */
#define LV_SLICE_CHUNK 256

/**
 * LV_SLICE_MAX_GRID:
 *
 * Largest grid side accepted by lv_slice_grid_compute().
 */
#define LV_SLICE_MAX_GRID 1001

typedef enum {
  LV_SLICE_DIRECTIONS_FILTER,      /* random Gaussian, filter-normalised */
  LV_SLICE_DIRECTIONS_PCA,         /* top-2 PCA of a training trajectory */
  LV_SLICE_DIRECTIONS_INTERPOLATE, /* towards two other trained minima */
} LvSliceDirections;

const char *lv_slice_directions_to_string (LvSliceDirections d);
gboolean    lv_slice_directions_from_string (const char *s, LvSliceDirections *out);

/* Directions (lv-slice-directions.c) */

gboolean lv_slice_direction_filter (const LvMlpShape *shape, const float *center, guint64 seed,
                                    gboolean keep_bias, float *direction, GError **error);
gboolean lv_slice_directions_pca (const LvMlpShape *shape, const float *center,
                                  const float *checkpoints, guint n_checkpoints, float *d1,
                                  float *d2, double *explained, GError **error);
void     lv_slice_directions_between (gsize n_params, const float *center, const float *a,
                                      const float *b, float *d1, float *d2);
gboolean lv_slice_project (gsize n_params, const float *center, const float *d1,
                           const float *d2, const float *point, double *alpha, double *beta);

/* Evaluation (lv-slice-grid.c) */

/**
 * LvSliceConfig:
 * @grid: points per axis, 2..%LV_SLICE_MAX_GRID (odd values put a point at the centre).
 * @span: the grid covers α, β ∈ [−span, span].
 * @naive: run a full forward pass per grid point instead of the linearity trick (reference and
 *   benchmark; the values agree to float rounding).
 * @test: also evaluate the dataset's test split (when it has one).
 *
 * What to compute.
 */
typedef struct {
  guint    grid;
  double   span;
  gboolean naive;
  gboolean test;
} LvSliceConfig;

void lv_slice_config_init (LvSliceConfig *config);

/**
 * LvSliceGrid:
 * @grid: points per axis.
 * @span: half-width of the square.
 * @stride: the points with i % stride == 0 and j % stride == 0 are computed; 1 once complete.
 * @train_loss: @grid × @grid mean train losses, row = β: `train_loss[j * grid + i]` is the loss
 *   at (α_i, β_j); NAN where not computed yet or not finite.
 * @train_accuracy: the same layout, fraction correct.
 * @test_loss: (nullable): test losses, %NULL without a test split.
 * @test_accuracy: (nullable): test accuracies.
 *
 * A loss slice on a regular grid. α_i = −span + 2 span i / (grid − 1), likewise β_j.
 */
typedef struct {
  guint   grid;
  double  span;
  guint   stride;
  double *train_loss;
  double *train_accuracy;
  double *test_loss;
  double *test_accuracy;
} LvSliceGrid;

void         lv_slice_grid_free (LvSliceGrid *grid);
LvSliceGrid *lv_slice_grid_copy (const LvSliceGrid *grid);
double       lv_slice_grid_coord (const LvSliceGrid *grid, guint index);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvSliceGrid, lv_slice_grid_free)
LvSliceGrid *lv_slice_grid_new_nan (const LvSliceConfig *config, gboolean with_test,
                                    GError **error);

/**
 * LvSliceProgressFunc:
 * @grid: the grid so far (borrowed; copy what you keep).
 * @level: the refinement level just finished, from 1.
 * @n_levels: levels in all; the grid is complete when @level equals it.
 * @user_data: closure.
 *
 * Called on the thread that called lv_slice_grid_compute() after each refinement level.
 */
typedef void (*LvSliceProgressFunc) (const LvSliceGrid *grid, guint level, guint n_levels,
                                     gpointer user_data);

LvSliceGrid *lv_slice_grid_compute (const LvMlpShape *shape, const float *center,
                                    const float *d1, const float *d2, const LvDataset *dataset,
                                    const LvSliceConfig *config, LvWorkerPool *pool,
                                    LvSliceProgressFunc progress, gpointer user_data,
                                    GCancellable *cancellable, GError **error);

/**
 * LvSliceValues:
 * @train_loss: mean train loss.
 * @train_accuracy: fraction of training samples classified correctly.
 * @test_loss: mean test loss, NAN without a test split or when not asked.
 * @test_accuracy: test accuracy, NAN likewise.
 *
 * The losses at one point of a slice.
 */
typedef struct {
  double train_loss;
  double train_accuracy;
  double test_loss;
  double test_accuracy;
} LvSliceValues;

gboolean lv_slice_evaluate_points (const LvMlpShape *shape, const float *center,
                                   const float *d1, const float *d2, const LvDataset *dataset,
                                   const double *alphas, const double *betas, gsize n_points,
                                   gboolean naive, gboolean test, LvWorkerPool *pool,
                                   LvSliceValues *values, GCancellable *cancellable,
                                   GError **error);

G_END_DECLS
