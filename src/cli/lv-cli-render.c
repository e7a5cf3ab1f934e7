/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <lossviz/lossviz.h>
#include <lossviz/lv-plot-ensemble.h>

#include "lv-cli-commands.h"
#include "lv-cli-common.h"
#include "lv-cli-ensemble.h"
#include "lv-cli-validate.h"

/* `lossviz-cli render`: redraws and summarises a saved experiment without retraining. */
int
lv_cli_render (int argc, char **argv)
{
  g_autofree char *session_path = NULL, *view = NULL, *plot = NULL, *plot_size = NULL;
  g_autofree char *epoch_text = NULL, *data = NULL;
  guint64 epoch = LV_PLOT_ENSEMBLE_LATEST;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_FILENAME, &session_path,
      "The experiment file (from `ensemble --out` or the app's Save)", "FILE" },
    { "view", 0, 0, G_OPTION_ARG_STRING, &view,
      "figure | histogram | mean-std | spread | scatter (default figure)", "VIEW" },
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, &plot, "Draw the view to FILE.png|svg|pdf", "FILE" },
    { "plot-size", 0, 0, G_OPTION_ARG_STRING, &plot_size, "Figure size WxH (default 1200x800)",
      "WxH" },
    { "epoch", 0, 0, G_OPTION_ARG_STRING, &epoch_text,
      "Draw the runs as they were after E epochs (1 … epochs; default: the last), as the app's "
      "timeline shows and exports them", "E" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data,
      "Also write the numbers behind the figure (one row per run, at --epoch) to FILE.csv",
      "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print the summary `ensemble --json` printed when the file was made", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- redraw a saved experiment");
  g_autoptr(GError) error = NULL;
  g_autoptr(LvSession) session = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!lv_cli_parse (context, &argc, &argv))
    return LV_CLI_EXIT_BAD_INPUT;
  if (session_path == NULL)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "--session FILE is required");
  if (view != NULL && !lv_cli_ensemble_view_is_valid (view))
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                "--view: '%s' is not figure, histogram, mean-std, spread or "
                                "scatter", view);
  if (epoch_text != NULL && plot == NULL && data == NULL)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "--epoch needs --plot FILE or --data FILE");
  if (plot != NULL && !lv_cli_check_figure_output ("--plot", plot, plot_size, FALSE, &error))
    return lv_cli_fail (error);
  session = lv_session_load (session_path, &error);
  if (session == NULL)
    return lv_cli_fail (error);
  if (epoch_text != NULL &&
      !g_ascii_string_to_unsigned (epoch_text, 10, 1, session->config.train.epochs, &epoch,
                                   NULL))
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                "--epoch: '%s' is not an epoch of this experiment (1 … %u)",
                                epoch_text, session->config.train.epochs);
  if ((plot != NULL || data != NULL) &&
      !lv_cli_ensemble_plot_epoch (session, view, plot, plot_size, (guint) epoch, data, &error))
    return lv_cli_fail (error);
  if (json)
    lv_cli_ensemble_print_json (session);
  else if (plot == NULL && data == NULL)
    lv_cli_ensemble_print_table (session);
  return LV_CLI_EXIT_OK;
}
