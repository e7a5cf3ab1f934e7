/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-window-private.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lv-spinglass-view.h"

/*
 * Exported figures record the settings that made them (issue 15): SVG gets <title> and <desc>,
 * PDF its Title and Subject (lv_plot_export_set_metadata()), and the CSV next to the figure a
 * first line "# LossViz 0.1.0 · …" (comment lines are skipped by pandas' comment="#", R's
 * comment.char and numpy's loadtxt).
 */

/**
 * lv_window_export_description:
 * @self: the window
 *
 * Returns: (transfer full): one line of the settings the visible page's figures show, in
 *   English and with "." decimals (it is data, read by scripts).
 */
char *
lv_window_export_description (LvWindow *self)
{
  const LvEnsembleConfig *c = lv_experiment_get_config (self->experiment);
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  GString *text = g_string_new ("LossViz " PACKAGE_VERSION " · ");
  char lr[G_ASCII_DTOSTR_BUF_SIZE], q[G_ASCII_DTOSTR_BUF_SIZE], lambda[G_ASCII_DTOSTR_BUF_SIZE];

  if (g_strcmp0 (page, LV_SPIN_GLASS_VIEW_PAGE) == 0)
    {
      LvSpinGlassView *sg = LV_SPIN_GLASS_VIEW (gtk_stack_get_visible_child (self->stack));

      g_string_append_printf (text, "page spinglass · p %u", lv_spin_glass_view_get_p (sg));
      return g_string_free (text, FALSE);
    }
  g_ascii_formatd (lr, sizeof lr, "%g", c->train.lr);
  g_ascii_formatd (q, sizeof q, "%g", c->train.reg.degree);
  g_ascii_formatd (lambda, sizeof lambda, "%g", c->train.reg.lambda);
  g_string_append_printf (text, "page %s · dataset %s · sizes ", page != NULL ? page : "",
                          lv_experiment_get_dataset_name (self->experiment)
                          ? lv_experiment_get_dataset_name (self->experiment) : "");
  for (guint i = 0; i < c->n_sizes; i++)
    g_string_append_printf (text, "%s%u", i > 0 ? "," : "", c->sizes[i]);
  g_string_append_printf (text, " · runs %u · hidden layers %u · activation %s · epochs %u · "
                          "lr %s · batch %u · seed %" G_GUINT64_FORMAT, c->runs, c->depth,
                          lv_activation_to_string (c->activation), c->train.epochs, lr, c->train.batch,
                          c->seed);
  g_string_append_printf (text, " · precision %s · data order %s",
                          lv_precision_to_string (c->train.precision),
                          c->shared_order ? "shared" : "per-run");
  g_string_append_printf (text, " · regulariser %s q %s lambda %s",
                          c->train.reg.kind == LV_REG_UNIT ? "per-unit" : "per-layer", q,
                          lambda);
  return g_string_free (text, FALSE);
}

/**
 * lv_window_export_prepare:
 * @self: the window
 *
 * Makes the next export's SVG or PDF carry the settings (see lv_window_export_description()).
 */
void
lv_window_export_prepare (LvWindow *self)
{
  g_autofree char *description = lv_window_export_description (self);

  lv_plot_export_set_metadata (_("LossViz figure"), description);
}

/**
 * lv_window_export_stamp_csv:
 * @self: the window
 * @path: the exported figure; its CSV is the sibling with the ".csv" extension
 * @error: return location for an error
 *
 * Puts "# <settings>" as the CSV's first line (when the view wrote one).
 *
 * Returns: %FALSE when the CSV exists but could not be rewritten.
 */
gboolean
lv_window_export_stamp_csv (LvWindow    *self,
                            const char  *path,
                            GError     **error)
{
  g_autofree char *csv = lv_plot_sibling_path (path, ".csv");
  g_autofree char *description = NULL;
  g_autofree char *old = NULL;
  g_autofree char *stamped = NULL;
  gsize len = 0;

  lv_plot_export_set_metadata (NULL, NULL);
  if (!g_file_test (csv, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  if (!g_file_get_contents (csv, &old, &len, error))
    return FALSE;
  description = lv_window_export_description (self);
  stamped = g_strdup_printf ("# %s\n%s", description, old);
  return lv_plot_write_text_file (csv, stamped, strlen (stamped), error);
}
