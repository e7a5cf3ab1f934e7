/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-window-private.h"

#include <math.h>

#include <glib/gi18n.h>

#include <lossviz/lv-ensemble-spread.h>

/*
 * The guided tour's measured sentences (issue 15): a caption states the numbers on screen and
 * phrases the trend by what they are, so it never claims what the data contradicts (with sizes
 * 250 and 500 on digits the spread can rise with size while the theory says it falls). The
 * numbers come from the core (lv-ensemble-spread.h); this file only words them.
 */

/**
 * lv_tour_caption_spread:
 * @snapshots: (array length=n): the experiment's snapshots, one per size
 * @n: their number
 *
 * Returns: (transfer full) (nullable): "On screen, the spread … is 0.047 for n = 5, …: it
 *   falls with size." with the trend the numbers have; %NULL while fewer than two sizes have
 *   two finished runs.
 */
char *
lv_tour_caption_spread (const LvEnsembleSnapshot *const *snapshots,
                        guint                            n)
{
  g_autoptr(GString) list = g_string_new (NULL);
  g_autofree double *stds = g_new0 (double, MAX (n, 1));
  g_autofree double *means = g_new0 (double, MAX (n, 1));
  const char *verdict;
  guint k = 0;

  for (guint s = 0; s < n; s++)
    {
      LvSummary summary;

      if (snapshots[s]->n_runs == 0 || !lv_ensemble_spread_of_size (snapshots[s], &summary))
        continue;
      means[k] = summary.mean;
      stds[k] = summary.std;
      /* Translators: one item of the tour's list of spreads: "0.047 for n = 5". */
      g_string_append_printf (list, _("%s%.3f for n = %u"), k > 0 ? ", " : "", stds[k],
                              snapshots[s]->runs[0].hidden);
      k++;
    }
  if (k < 2)
    return NULL;
  switch (lv_ensemble_spread_trend (stds, k))
    {
    case -1:
      verdict = _("it falls with size, as predicted");
      break;
    case 1:
      verdict = _("it rises with size here, against the prediction: too few epochs or too "
                  "small a dataset for these sizes?");
      break;
    default:
      verdict = _("it does not fall steadily with size here");
      break;
    }
  /* Translators: the tour's measured sentence; %s: the list of spreads, then the verdict,
   * then whether the mean falls. */
  return g_strdup_printf (_("On screen, the spread (standard deviation of the test loss) is %s: "
                            "%s. The mean test loss %s."), list->str, verdict,
                          lv_ensemble_spread_trend (means, k) < 0 ? _("falls with size")
                          : lv_ensemble_spread_trend (means, k) > 0 ? _("rises with size")
                          : _("does not move steadily with size"));
}

/**
 * lv_tour_caption_chain:
 * @state: the Haeffele–Vidal panel's state
 *
 * Returns: (transfer full): what the panel's chain shows: where descent from w = 0.05 is, and
 *   whether z = 0 is a spurious local minimum for this q and L.
 */
char *
lv_tour_caption_chain (const LvHvPanelState *state)
{
  double global = NAN;

  for (guint i = 0; i < state->n_minima; i++)
    if (fabs (state->minima_z[i]) > 1e-9)
      global = state->minima_z[i];
  if (state->zero_is_spurious)
    /* Translators: tour; q, L, the descent's product z, the global minimum's z. */
    return g_strdup_printf (_("On screen (q = %.1f, L = %u): z = 0 is a spurious local minimum; "
                              "descent from w = 0.05 is at z = %.3f, the global minimum at "
                              "z = %.3f."), state->q, state->depth, state->chain_z, global);
  return g_strdup_printf (_("On screen (q = %.1f, L = %u): no spurious minimum at z = 0; "
                            "descent from w = 0.05 is at z = %.3f."), state->q, state->depth,
                          state->chain_z);
}
