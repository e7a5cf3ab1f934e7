/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The spin-glass simulation probe: sizes × random starts, each start published as it finishes
 * (docs/DESIGN.md, "Probes and jobs"). The descent itself is lv-spinglass-descent.c's. */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <string.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-spinglass-probe.h>

#include "lv-spinglass-private.h"

/* What the core's per-run callback needs to publish one start. */
typedef struct
{
  LvSpinGlassProbeResult *result;
  LvProbeContext *context;
  guint size;
  gboolean *seen;     /* runs already published (probe thread and workers, under the lock) */
  GMutex seen_lock;   /* guards @seen when the context has no lock */
} SizeSink;

/**
 * lv_spin_glass_probe_input_init:
 * @input: (out caller-allocates): the input
 * @p: order of the interaction
 *
 * Sets lv_spin_glass_config_init()'s defaults, no size, no pool and no replacement.
 */
void
lv_spin_glass_probe_input_init (LvSpinGlassProbeInput *input, guint p)
{
  memset (input, 0, sizeof *input);
  lv_spin_glass_config_init (&input->base, p, LV_SPIN_GLASS_N_MIN);
}

/* The configuration of size @i. */
static LvSpinGlassConfig
size_config (const LvSpinGlassProbeInput *input, guint i)
{
  LvSpinGlassConfig config = input->base;

  config.lambda = input->lambdas[i];
  config.compute_index = config.lambda <= LV_SPIN_GLASS_INDEX_MAX_N;
  return config;
}

/**
 * lv_spin_glass_probe_input_check:
 * @input: the input
 * @error: return location for %LV_ERROR_INVALID_INPUT
 *
 * Checks the configuration of every size before any is simulated.
 *
 * Returns: %TRUE when every size can run
 */
gboolean
lv_spin_glass_probe_input_check (const LvSpinGlassProbeInput *input, GError **error)
{
  if (input->n_sizes > LV_SPIN_GLASS_PROBE_MAX_SIZES)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "spin-glass simulation: %u sizes (at most %d)", input->n_sizes,
                   LV_SPIN_GLASS_PROBE_MAX_SIZES);
      return FALSE;
    }
  for (guint i = 0; i < input->n_sizes; i++)
    {
      LvSpinGlassConfig config = size_config (input, i);

      if (!lv_spin_glass_config_check (&config, error))
        return FALSE;
    }
  return TRUE;
}

static double
fraction_done (const LvSpinGlassProbeResult *result, guint size)
{
  double total = (double) result->n_sizes * MAX (result->runs, 1);

  return ((double) size * result->runs + result->sizes[size].n_done) / total;
}

/* Appends run @run to the size's completion order unless it is there already. Lock held. */
static void
publish_run_locked (SizeSink *sink, guint run, const LvSpinGlassRun *value)
{
  LvSpinGlassProbeSize *size = &sink->result->sizes[sink->size];

  if (sink->seen[run])
    return;
  sink->seen[run] = TRUE;
  size->runs[run] = *value;
  size->order[size->n_done++] = run;
}

/* Core workers: one start of the current size finished. */
static void
on_run (guint run, const LvSpinGlassRun *value, gpointer user_data)
{
  SizeSink *sink = user_data;
  double fraction;

  lv_probe_context_publish_begin (sink->context);
  g_mutex_lock (&sink->seen_lock);
  publish_run_locked (sink, run, value);
  fraction = fraction_done (sink->result, sink->size);
  g_mutex_unlock (&sink->seen_lock);
  lv_probe_context_publish_end (sink->context, fraction);
}

/* Publishes what the simulation returned (the runs a replacement did not report one by one)
 * and marks the size complete. */
static void
publish_size (SizeSink *sink, const LvSpinGlassRun *runs, const LvSpinGlassStats *stats)
{
  LvSpinGlassProbeSize *size = &sink->result->sizes[sink->size];

  lv_probe_context_publish_begin (sink->context);
  g_mutex_lock (&sink->seen_lock);
  for (guint r = 0; r < sink->result->runs; r++)
    publish_run_locked (sink, r, &runs[r]);
  size->stats = *stats;
  size->complete = TRUE;
  g_mutex_unlock (&sink->seen_lock);
  lv_probe_context_publish_end (sink->context, fraction_done (sink->result, sink->size));
}

static gboolean
simulate_size (const LvSpinGlassProbeInput *input, LvSpinGlassProbeResult *result, guint i,
               LvProbeContext *context, GError **error)
{
  LvSpinGlassConfig config = size_config (input, i);
  g_autofree LvSpinGlassRun *runs = g_new0 (LvSpinGlassRun, MAX (config.runs, 1));
  g_autofree gboolean *seen = g_new0 (gboolean, MAX (config.runs, 1));
  SizeSink sink = { result, context, i, seen };
  LvSpinGlassStats stats = { 0 };
  gboolean ok;

  g_mutex_init (&sink.seen_lock);
  if (input->simulate_size != NULL)
    ok = input->simulate_size (&config, i, runs, &stats, input->simulate_data, error);
  else
    ok = lv_sg_simulate_part_on_pool (&config, input->pool, 0, 1, runs, &stats, on_run, &sink,
                                      lv_probe_context_get_cancellable (context), error);
  if (ok)
    publish_size (&sink, runs, &stats);
  g_mutex_clear (&sink.seen_lock);
  return ok;
}

/* Allocates the result's sizes, empty, in one publish. */
static void
result_start (const LvSpinGlassProbeInput *input, LvSpinGlassProbeResult *result,
              LvProbeContext *context)
{
  guint runs = input->base.runs;

  lv_probe_context_publish_begin (context);
  lv_spin_glass_probe_result_clear (result);
  result->runs = runs;
  result->n_sizes = input->n_sizes;
  for (guint i = 0; i < input->n_sizes; i++)
    {
      result->sizes[i].lambda = input->lambdas[i];
      result->sizes[i].runs = g_new0 (LvSpinGlassRun, MAX (runs, 1));
      result->sizes[i].order = g_new0 (guint, MAX (runs, 1));
    }
  lv_probe_context_publish_end (context, 0.0);
}

/**
 * lv_spin_glass_probe_run:
 * @input: the sizes and the descent's settings
 * @result: (out caller-allocates): zero-initialised (or cleared); filled as runs finish; clear
 *   with lv_spin_glass_probe_result_clear()
 * @context: (nullable): lock, progress and cancellation
 * @error: return location for an error
 *
 * Simulates every size in turn. Cancelling stops within a descent step or two; the runs
 * finished so far stay in @result (a partly done size is not @complete).
 *
 * Returns: %TRUE when every size completed; %FALSE with %G_IO_ERROR_CANCELLED when cancelled
 */
gboolean
lv_spin_glass_probe_run (const LvSpinGlassProbeInput *input, LvSpinGlassProbeResult *result,
                         LvProbeContext *context, GError **error)
{
  if (!lv_spin_glass_probe_input_check (input, error))
    return FALSE;
  result_start (input, result, context);
  for (guint i = 0; i < input->n_sizes; i++)
    {
      g_autoptr(GError) local = NULL;

      if (!lv_probe_context_check (context, error))
        return FALSE;
      if (!simulate_size (input, result, i, context, &local))
        {
          /* A cancelled core may report it in its own words: report it the probe's way. */
          if (lv_probe_context_should_stop (context))
            return lv_probe_context_check (context, error);
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * lv_spin_glass_probe_result_clear:
 * @result: a result
 *
 * Frees its arrays and zeroes it.
 */
void
lv_spin_glass_probe_result_clear (LvSpinGlassProbeResult *result)
{
  for (guint i = 0; i < result->n_sizes; i++)
    {
      g_free (result->sizes[i].runs);
      g_free (result->sizes[i].order);
    }
  memset (result, 0, sizeof *result);
}
