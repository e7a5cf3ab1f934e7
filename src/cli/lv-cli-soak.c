/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include "lv-cli-soak.h"

#include <stdio.h>
#include <unistd.h>

#include "lv-cli-common.h"

/*
 * `lossviz-cli ensemble --soak SECONDS`: a long run that shows memory stays flat. It keeps
 * training the configured ensemble on one worker pool, over and over, and every third time
 * restarts it part way (cancel + free while the workers train, as the app does when a slider
 * moves). The resident set size is sampled from /proc/self/statm every SAMPLE_MS; the report
 * gives it at the start, after the first complete ensemble (allocator and library caches warm),
 * half way, at its peak and at the end, and the growth from warm to end and over the second
 * half (a leak keeps growing there; allocator warm-up does not).
 */

#define SAMPLE_MS 250
#define POLL_MS 20

typedef struct
{
  guint64 start, warm, mid, peak, end;
  guint n_samples;
  gint64 last_sample;
} RssStats;

/* Resident set size in KiB (second field of /proc/self/statm, in pages); 0 if unavailable. */
static guint64
read_rss_kib (void)
{
  g_autofree char *text = NULL;
  unsigned long long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &text, NULL, NULL) ||
      sscanf (text, "%llu %llu", &size, &resident) != 2)
    return 0;
  return resident * (guint64) sysconf (_SC_PAGESIZE) / 1024;
}

static void
sample (RssStats *rss, gboolean force)
{
  gint64 now = g_get_monotonic_time ();
  guint64 kib;

  if (!force && now - rss->last_sample < SAMPLE_MS * 1000)
    return;
  kib = read_rss_kib ();
  rss->last_sample = now;
  rss->n_samples++;
  rss->end = kib;
  rss->peak = MAX (rss->peak, kib);
}

/* Polls until the ensemble is done or @deadline (monotonic µs) passes; samples meanwhile. */
static gboolean
wait_sampling (LvEnsemble *ensemble, gint64 deadline, RssStats *rss)
{
  while (!lv_ensemble_is_done (ensemble))
    {
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      sample (rss, FALSE);
      g_usleep (POLL_MS * 1000);
    }
  return TRUE;
}

static double
kib_to_mib (guint64 kib)
{
  return kib / 1024.0;
}

/* What the soak did, for the report. */
typedef struct
{
  guint ensembles, completed, restarted;
  guint64 runs_finished, runs_diverged;
  gint64 full_us;   /* duration of the first complete ensemble, 0 until there is one */
} SoakTally;

/* Trains ensemble number tally->ensembles until it is done, or is restarted part way (every
 * third one, once a full duration is known), or @end passes; then frees it. */
static gboolean
soak_one_ensemble (LvDataset *dataset, const LvEnsembleConfig *config, LvWorkerPool *pool,
                   GRand *rand, gint64 end, SoakTally *tally, RssStats *rss, GError **error)
{
  LvEnsembleConfig c = *config;
  g_autoptr(LvEnsemble) ensemble = NULL;
  /* Every third ensemble is restarted part way through a full one's duration. */
  gboolean restart = tally->ensembles % 3 == 2 && tally->full_us > 0;
  gint64 started = g_get_monotonic_time ();
  gint64 deadline = restart ? started + (gint64) (g_rand_double (rand) * tally->full_us) : end;

  c.seed = config->seed + tally->ensembles;
  ensemble = lv_ensemble_new (dataset, &c, error);
  if (ensemble == NULL)
    return FALSE;
  lv_ensemble_start (ensemble, pool);
  tally->ensembles++;
  if (wait_sampling (ensemble, MIN (deadline, end), rss))
    {
      g_autoptr(LvEnsembleSnapshot) snap = lv_ensemble_snapshot (ensemble);

      tally->runs_finished += snap->finished;
      tally->runs_diverged += snap->diverged;
      tally->completed++;
      if (tally->full_us == 0)
        tally->full_us = g_get_monotonic_time () - started;
    }
  else
    tally->restarted++;
  /* Free cancels and joins whatever still runs. */
  g_clear_pointer (&ensemble, lv_ensemble_free);
  return TRUE;
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
print_soak_json (const SoakTally *t, const RssStats *rss, guint threads, double elapsed)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "soak");
  json_builder_begin_object (b);
  lv_cli_add_double (b, "seconds", elapsed);
  add_int (b, "ensembles", t->ensembles);
  add_int (b, "completed", t->completed);
  add_int (b, "restarted", t->restarted);
  add_int (b, "runs_finished", (gint64) t->runs_finished);
  add_int (b, "runs_diverged", (gint64) t->runs_diverged);
  add_int (b, "rss_samples", rss->n_samples);
  add_int (b, "rss_start_kib", (gint64) rss->start);
  add_int (b, "rss_warm_kib", (gint64) rss->warm);
  add_int (b, "rss_mid_kib", (gint64) rss->mid);
  add_int (b, "rss_peak_kib", (gint64) rss->peak);
  add_int (b, "rss_end_kib", (gint64) rss->end);
  add_int (b, "rss_growth_kib", (gint64) rss->end - (gint64) rss->warm);
  add_int (b, "rss_second_half_growth_kib", (gint64) rss->end - (gint64) rss->mid);
  lv_cli_add_double (b, "rss_growth_percent",
                     rss->warm > 0 ? 100.0 * ((double) rss->end - rss->warm) / rss->warm : 0);
  json_builder_end_object (b);
  add_int (b, "threads", threads);
  lv_cli_add_double (b, "elapsed_s", elapsed);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  lv_cli_print_json (root);
}

static void
print_soak_text (const SoakTally *t, const RssStats *rss, double elapsed)
{
  printf ("soak: %u ensembles in %.1f s (%u completed, %u restarted part way), "
          "%" G_GUINT64_FORMAT " runs finished, %" G_GUINT64_FORMAT " diverged\n",
          t->ensembles, elapsed, t->completed, t->restarted, t->runs_finished,
          t->runs_diverged);
  printf ("RSS: start %.1f MiB, after the first ensemble %.1f MiB, half way %.1f MiB, "
          "peak %.1f MiB, end %.1f MiB; growth %+" G_GINT64_FORMAT " KiB, second half %+"
          G_GINT64_FORMAT " KiB (%u samples)\n",
          kib_to_mib (rss->start), kib_to_mib (rss->warm), kib_to_mib (rss->mid),
          kib_to_mib (rss->peak), kib_to_mib (rss->end), (gint64) rss->end - (gint64) rss->warm,
          (gint64) rss->end - (gint64) rss->mid, rss->n_samples);
}

/**
 * lv_cli_ensemble_soak:
 * @dataset: the data.
 * @config: the ensemble to train again and again (already validated).
 * @threads: worker threads (0: one per core).
 * @seconds: how long to keep going.
 * @json: print one JSON object instead of the summary lines.
 *
 * Returns: the exit code.
 */
int
lv_cli_ensemble_soak (LvDataset *dataset, const LvEnsembleConfig *config, guint threads,
                      guint seconds, gboolean json)
{
  g_autoptr(GError) pool_error = NULL;
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_try_new (threads, &pool_error);
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) config->seed);
  gboolean show = !json && isatty (STDERR_FILENO);
  gint64 t0 = g_get_monotonic_time ();
  gint64 end = t0 + (gint64) seconds * G_USEC_PER_SEC;
  SoakTally tally = { 0 };
  RssStats rss = { 0 };
  double elapsed;

  if (pool == NULL)
    return lv_cli_fail (pool_error);

  sample (&rss, TRUE);
  rss.start = rss.peak = rss.end;
  while (g_get_monotonic_time () < end)
    {
      g_autoptr(GError) error = NULL;

      if (!soak_one_ensemble (dataset, config, pool, rand, end, &tally, &rss, &error))
        return lv_cli_fail (error);
      sample (&rss, TRUE);
      if (tally.completed == 1 && rss.warm == 0)
        rss.warm = rss.end;
      if (rss.mid == 0 && g_get_monotonic_time () >= t0 + (end - t0) / 2)
        rss.mid = rss.end;
      if (show)
        fprintf (stderr, "\rsoak: %u ensembles, %.0f s left, RSS %.1f MiB ", tally.ensembles,
                 (end - g_get_monotonic_time ()) / 1e6, kib_to_mib (rss.end));
    }
  if (show)
    fprintf (stderr, "\r\033[K");
  elapsed = (g_get_monotonic_time () - t0) / 1e6;
  if (rss.warm == 0)
    rss.warm = rss.end;
  if (rss.mid == 0)
    rss.mid = rss.end;

  if (json)
    print_soak_json (&tally, &rss, lv_worker_pool_get_n_threads (pool), elapsed);
  else
    print_soak_text (&tally, &rss, elapsed);
  return LV_CLI_EXIT_OK;
}
