/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <lossviz/lossviz.h>

#include "lv-cli-commands.h"
#include "lv-cli-common.h"
#include "lv-cli-ensemble.h"
#include "lv-cli-validate.h"

/* `lossviz-cli render`: redraws and summarises a saved experiment without retraining. */
int
lv_cli_render (int argc, char **argv)
{
  g_autofree char *session_path = NULL, *view = NULL, *plot = NULL, *plot_size = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_FILENAME, &session_path,
      "The experiment file (from `ensemble --out` or the app's Save)", "FILE" },
    { "view", 0, 0, G_OPTION_ARG_STRING, &view,
      "figure | histogram | mean-std | spread | scatter (default figure)", "VIEW" },
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, &plot, "Draw the view to FILE.png|svg|pdf", "FILE" },
    { "plot-size", 0, 0, G_OPTION_ARG_STRING, &plot_size, "Figure size WxH (default 1200x800)",
      "WxH" },
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
  if (plot != NULL && !lv_cli_check_figure_output ("--plot", plot, plot_size, FALSE, &error))
    return lv_cli_fail (error);
  session = lv_session_load (session_path, &error);
  if (session == NULL)
    return lv_cli_fail (error);
  if (plot != NULL && !lv_cli_ensemble_plot (session, view, plot, plot_size, &error))
    return lv_cli_fail (error);
  if (json)
    lv_cli_ensemble_print_json (session);
  else if (plot == NULL)
    lv_cli_ensemble_print_table (session);
  return LV_CLI_EXIT_OK;
}
