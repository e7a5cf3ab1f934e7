/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include <lossviz/lossviz.h>

#include "lv-test-ui.h"
#include "lv-test-util.h"
#include "lv-landscape-view.h"
#include "lv-spinglass-view.h"
#include "lv-theory-view.h"
#include "lv-wrap-layout.h"

/*
 * Fits every screen a lecture uses (issue 15): at 1024 × 600, 1280 × 720 and presentation mode
 * at 1280 × 720, in English and in French, the window keeps the asked size and every visible
 * widget of every page (and both Theory panels) lies inside the window, with no label cut
 * short by an ellipsis. Widgets inside a scrolled window are checked against it only through
 * the scrolled window itself (their content may scroll). The figures of the Loss, Landscape and
 * Spin glass pages, with results, draw no text cut short either (an ellipsized legend entry or
 * axis title, a title running off the figure), as the plot library reports it.
 *
 * With LOSSVIZ_SCREENSHOT_DIR set, each page is also saved there as PNG (light and dark) after
 * a real training run: build-aux/screenshots.sh uses it for the README's pictures.
 */

typedef struct
{
  const char *name;
  int width, height;
  gboolean presentation;
} Screen;

static const Screen screens[] = {
  { "1024x600", 1024, 600, FALSE },
  { "1280x720", 1280, 720, FALSE },
  { "presentation-1280x720", 1280, 720, TRUE },
  { "1600x1000", 1600, 1000, FALSE },
};

typedef struct
{
  const char *page;
  const char *panel; /* Theory panel, or NULL */
} Page;

static const Page pages[] = {
  { "loss", NULL }, { "landscape", NULL }, { "theory", "hv" }, { "theory", "lift" },
  { "spinglass", NULL },
};

static gboolean
settle_done (gpointer data)
{
  return g_get_monotonic_time () > *(gint64 *) data;
}

/* Whether a transition is under way in @w's subtree: a stack's crossfade, a revealer's slide
 * (the presentation caption), the flap's reveal. A revealer's child is laid out at its full
 * size while it slides in, so a check in the middle sees it reach past the window. */
static gboolean
transition_running (GtkWidget *w)
{
  if (GTK_IS_STACK (w) && gtk_stack_get_transition_running (GTK_STACK (w)))
    return TRUE;
  if (GTK_IS_REVEALER (w) && gtk_revealer_get_child_revealed (GTK_REVEALER (w)) !=
                               gtk_revealer_get_reveal_child (GTK_REVEALER (w)))
    return TRUE;
  if (ADW_IS_FLAP (w) &&
      adw_flap_get_reveal_progress (ADW_FLAP (w)) != (adw_flap_get_reveal_flap (ADW_FLAP (w)) ? 1 : 0))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (transition_running (c))
      return TRUE;
  return FALSE;
}

typedef struct
{
  GtkWidget *window;
  guint frames; /* painted since settle() began */
} Settle;

static void
count_frame (GdkFrameClock *clock, gpointer data)
{
  ((Settle *) data)->frames++;
}

static gboolean
settled (gpointer data)
{
  Settle *s = data;
  return s->frames > 0 && !transition_running (s->window);
}

/* Lets layout, transitions (the flap folding, the stack's crossfade) and redraws settle. A
 * fixed wait is not enough on a loaded machine: one frame can take longer than the wait (the
 * page just shown then still has no allocation: its widgets sit squeezed at 0,0) or than a
 * whole transition. So this also waits for a frame painted after the change, and for every
 * transition to end (the frame that ends one also lays it out). */
static void
settle (GtkWidget *window, guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  Settle s = { window, 0 };
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (count_frame), &s);

  gtk_widget_queue_draw (window); /* a frame even when nothing changed */
  lv_test_ui_wait (settle_done, &until);
  g_assert_true (lv_test_ui_wait (settled, &s));
  g_signal_handler_disconnect (clock, id);
}

/* Appends to @problems every visible widget under @w that leaves the window's rectangle, and
 * every ellipsized label. */
static void
check_widget (GtkWidget *w, GtkWidget *window, double width, double height, GString *problems)
{
  graphene_rect_t r;

  if (!gtk_widget_get_mapped (w) || !gtk_widget_get_child_visible (w))
    return;
  if (w == window)
    goto children; /* its bounds include the client-side shadow */
  if (w != window && GTK_IS_NATIVE (w))
    return; /* popovers and dialogs are windows of their own */
  if (gtk_widget_compute_bounds (w, window, &r) && r.size.width > 0 && r.size.height > 0)
    {
      /* 1.5 px: the header bar's rounded border overlaps the window's edge by one pixel. */
      if (r.origin.x < -1.5 || r.origin.y < -1.5 || r.origin.x + r.size.width > width + 1.5 ||
          r.origin.y + r.size.height > height + 1.5)
        g_string_append_printf (problems, "  %s “%s” at %.0f,%.0f size %.0f×%.0f\n",
                                G_OBJECT_TYPE_NAME (w),
                                GTK_IS_LABEL (w) ? gtk_label_get_text (GTK_LABEL (w)) : "",
                                r.origin.x, r.origin.y, r.size.width, r.size.height);
      if (GTK_IS_LABEL (w) && pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (w))))
        g_string_append_printf (problems, "  label cut short: “%s”\n",
                                gtk_label_get_text (GTK_LABEL (w)));
    }
  if (GTK_IS_SCROLLED_WINDOW (w))
    return;
children:
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    check_widget (c, window, width, height, problems);
}

/* Issue 15: no two text items of one figure overlap (a short Landscape panel on a projector
 * had its caption over the x title, its y ticks crowding). Extents touching by a pixel are
 * allowed (rounding). */
static void
check_text_overlap (GtkWidget *w, const char *where, GString *problems)
{
  if (!gtk_widget_get_mapped (w))
    return;
  if (LV_IS_FIGURE (w))
    {
      g_autoptr(GPtrArray) items = lv_figure_record_text (LV_FIGURE (w));

      for (guint i = 0; i < items->len; i++)
        for (guint j = i + 1; j < items->len; j++)
          {
            const LvPlotTextItem *a = g_ptr_array_index (items, i);
            const LvPlotTextItem *b = g_ptr_array_index (items, j);
            double ox = MIN (a->extents.x + a->extents.width, b->extents.x + b->extents.width) -
                        MAX (a->extents.x, b->extents.x);
            double oy = MIN (a->extents.y + a->extents.height, b->extents.y + b->extents.height) -
                        MAX (a->extents.y, b->extents.y);

            if (ox > 1 && oy > 1)
              g_string_append_printf (problems, "  %s: “%s” overlaps “%s” by %.0f×%.0f px\n",
                                      where, a->text, b->text, ox, oy);
          }
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    check_text_overlap (c, where, problems);
}

/* Whether @w lies in a toolbar that wraps (an LvWrapLayout box). */
static gboolean
in_wrapping_toolbar (GtkWidget *w)
{
  for (GtkWidget *a = gtk_widget_get_parent (w); a != NULL; a = gtk_widget_get_parent (a))
    if (LV_IS_WRAP_LAYOUT (gtk_widget_get_layout_manager (a)))
      return TRUE;
  return FALSE;
}

/* Issue 15: in a toolbar that wraps, each label stays on the line of the field it names
 * (French “Ligne vers l’exécution” once ended one line and its number field began the next):
 * the two overlap vertically and the label comes first. */
static void
check_labels_by_fields (GtkWidget *w, GtkWidget *window, GString *problems)
{
  if (!gtk_widget_get_mapped (w))
    return;
  if (GTK_IS_LABEL (w) && in_wrapping_toolbar (w))
    {
      GtkWidget *field = gtk_label_get_mnemonic_widget (GTK_LABEL (w));
      graphene_rect_t l, f;

      /* A button's own label names the button it is in: not a separate field. */
      if (field != NULL && gtk_widget_get_mapped (field) && !gtk_widget_is_ancestor (w, field) &&
          gtk_widget_compute_bounds (w, window, &l) &&
          gtk_widget_compute_bounds (field, window, &f) &&
          (l.origin.y >= f.origin.y + f.size.height || f.origin.y >= l.origin.y + l.size.height ||
           l.origin.x > f.origin.x))
        g_string_append_printf (problems, "  “%s” at %.0f,%.0f is apart from its field at %.0f,%.0f\n",
                                gtk_label_get_text (GTK_LABEL (w)), l.origin.x, l.origin.y,
                                f.origin.x, f.origin.y);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    check_labels_by_fields (c, window, problems);
}

/* A shown string that the catalogue translates is one the window shows untranslated. */
static void
check_string (const char *text, const char *where, GString *problems)
{
  if (text == NULL || text[0] == '\0')
    return;
  if (g_strcmp0 (g_dgettext (GETTEXT_PACKAGE, text), text) != 0)
    g_string_append_printf (problems, "  untranslated %s: “%s”\n", where, text);
}

/* Every label, tooltip and drop-down item of the whole window, shown or not (issue 15: the
 * French test fails on any untranslated user-visible string). */
static void
check_translated (GtkWidget *w, GString *problems)
{
  if (GTK_IS_LABEL (w))
    {
      check_string (gtk_label_get_label (GTK_LABEL (w)), "label", problems);
      check_string (gtk_label_get_text (GTK_LABEL (w)), "label", problems);
    }
  check_string (gtk_widget_get_tooltip_text (w), "tooltip", problems);
  if (GTK_IS_DROP_DOWN (w) && GTK_IS_STRING_LIST (gtk_drop_down_get_model (GTK_DROP_DOWN (w))))
    {
      GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (w));

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        check_string (gtk_string_list_get_string (GTK_STRING_LIST (model), i), "item",
                      problems);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    check_translated (c, problems);
}

/* LOSSVIZ_FIT_DEBUG=1: lists the widgets whose minimum size exceeds the screen, to find what
 * holds a window open wider or taller than asked. */
static void
debug_minimum (GtkWidget *w, int depth, int max_w, int max_h)
{
  int min_w, min_h;

  if (!gtk_widget_get_visible (w))
    return;
  gtk_widget_measure (w, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
  gtk_widget_measure (w, GTK_ORIENTATION_VERTICAL, -1, &min_h, NULL, NULL, NULL);
  if (min_w <= max_w && min_h <= max_h)
    return;
  g_printerr ("%*s%s %s min %d×%d\n", depth, "", G_OBJECT_TYPE_NAME (w),
              GTK_IS_LABEL (w) ? gtk_label_get_text (GTK_LABEL (w)) : "", min_w, min_h);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    debug_minimum (c, depth + 1, max_w, max_h);
}

static void
save_screenshot (GtkWidget *window, const char *dir, const char *name)
{
  int w = gtk_widget_get_width (window), h = gtk_widget_get_height (window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_strdup_printf ("%s/%s.png", dir, name);

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

static void
show_page (LvWindow *window, const Page *page)
{
  GtkWidget *view = gtk_stack_get_child_by_name (window->stack, page->page);

  g_assert_nonnull (view);
  gtk_stack_set_visible_child (window->stack, view);
  if (page->panel != NULL)
    lv_theory_view_show_panel (LV_THEORY_VIEW (view), page->panel);
}

static gboolean
spin_glass_done (gpointer data)
{
  return !lv_spin_glass_view_get_running (data);
}

static gboolean
lift_done (gpointer data)
{
  LvLiftStage stage = lv_lift_panel_get_stage (data);
  return stage == LV_LIFT_STAGE_DONE || stage == LV_LIFT_STAGE_FAILED;
}

static gboolean
landscape_done (gpointer data)
{
  LvLandscapeState st;

  lv_landscape_view_get_state (data, &st);
  return st.hidden != 0 && (st.stage == LV_LANDSCAPE_STAGE_DONE ||
                            st.stage == LV_LANDSCAPE_STAGE_FAILED) &&
         st.index_done == st.index_total;
}

/* The Spin glass page with results (@runs per size), for the pictures and the figure check. */
static void
run_spin_glass (LvWindow *window, guint runs)
{
  static const guint lambdas[] = { 25, 50, 100 };
  GtkWidget *sg = gtk_stack_get_child_by_name (window->stack, "spinglass");

  if (sg == NULL)
    return;
  /* Shown: the page reads its job from the frame clock. */
  gtk_stack_set_visible_child (window->stack, sg);
  lv_spin_glass_view_set_p (LV_SPIN_GLASS_VIEW (sg), 3);
  lv_spin_glass_view_set_sizes (LV_SPIN_GLASS_VIEW (sg), lambdas, G_N_ELEMENTS (lambdas));
  lv_spin_glass_view_set_runs (LV_SPIN_GLASS_VIEW (sg), runs);
  lv_spin_glass_view_start (LV_SPIN_GLASS_VIEW (sg));
  g_assert_true (lv_test_ui_wait (spin_glass_done, sg));
}

/* Whether @page's figures are checked for cut text (the pages with plot-library figures). */
static gboolean
checks_figures (const Page *page)
{
  return g_str_equal (page->page, "loss") || g_str_equal (page->page, "landscape") ||
         g_str_equal (page->page, "spinglass");
}

/* For the pictures: the NN-LIFT panel with results too. */
static void
run_other_pages (LvWindow *window)
{
  GtkWidget *theory = gtk_stack_get_child_by_name (window->stack, "theory");

  if (theory != NULL)
    {
      LvLiftPanel *lift = lv_theory_view_get_lift_panel (LV_THEORY_VIEW (theory));

      gtk_stack_set_visible_child (window->stack, theory);
      lv_theory_view_show_panel (LV_THEORY_VIEW (theory), "lift");
      lv_lift_panel_run (lift);
      g_assert_true (lv_test_ui_wait (lift_done, lift));
    }
}

/* The smallest font of the figure captions under @w (NAN when none): a caption is a figure's
 * lowest text when it starts at the figure's left padding (the x axis title, the lowest text
 * otherwise, is centred under the plot). */
static double
caption_font_size (GtkWidget *w)
{
  double size = NAN;

  if (!gtk_widget_get_mapped (w))
    return NAN;
  if (LV_IS_FIGURE (w))
    {
      g_autoptr(GPtrArray) items = lv_figure_record_text (LV_FIGURE (w));
      const LvPlotTextItem *lowest = NULL;

      for (guint i = 0; i < items->len; i++)
        {
          const LvPlotTextItem *item = g_ptr_array_index (items, i);

          if (lowest == NULL || item->extents.y + item->extents.height >
                                  lowest->extents.y + lowest->extents.height)
            lowest = item;
        }
      if (lowest != NULL && lowest->extents.x < 0.05 * gtk_widget_get_width (w))
        size = lowest->font_size;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      double s = caption_font_size (c);

      if (isnan (size) || s < size)
        size = s;
    }
  return size;
}

/* Issue 15: on a projector the Spin glass and Landscape captions (once ≈ 8 px) are as large
 * as the loss view's, or, where a long caption shrank to leave its plot the room, at least as
 * large as the loss view's caption without presentation (@normal_caption). */
static void
check_captions (const Page *page, GtkWidget *view, double normal_caption, double *loss_caption,
                GString *problems)
{
  double size = caption_font_size (view);

  if (g_str_equal (page->page, "loss"))
    *loss_caption = size;
  else if (g_str_equal (page->page, "landscape") || g_str_equal (page->page, "spinglass"))
    {
      if (!(size >= *loss_caption - 1e-6) && !(size >= normal_caption - 1e-6))
        g_string_append_printf (problems, "  %s caption %.1f px, loss view's %.1f px (%.1f "
                                "without presentation)\n", page->page, size, *loss_caption,
                                normal_caption);
    }
}

/* Issue 15: a caption (a figure's text starting at its left padding, at the bottom) takes at
 * most 30 % of its figure's height, so the plot keeps the room (the French spin-glass caption
 * on a projector left the histogram ≈ 60 px). */
static void
check_caption_share (GtkWidget *w, GString *problems)
{
  if (!gtk_widget_get_mapped (w))
    return;
  if (LV_IS_FIGURE (w))
    {
      g_autoptr(GPtrArray) items = lv_figure_record_text (LV_FIGURE (w));
      double fh = gtk_widget_get_height (w);

      for (guint i = 0; i < items->len; i++)
        {
          const LvPlotTextItem *item = g_ptr_array_index (items, i);

          if (item->extents.x < 0.05 * gtk_widget_get_width (w) &&
              item->extents.y > 0.5 * fh && item->extents.height > 0.3 * fh + 1)
            g_string_append_printf (problems, "  caption “%.30s…” takes %.0f of %.0f px\n",
                                    item->text, item->extents.height, fh);
        }
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    check_caption_share (c, problems);
}

/* How far the pages scroll: the page stack sits in a scrolled window that scrolls only when
 * something above the pages (the recovery banner) leaves less height than a page needs. */
static double
pages_overflow (LvWindow *window)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (window->stack),
                                                 GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj;

  g_assert_nonnull (scroller);
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  return gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
}

/* The checks of the page @page shown in @window (@w × @h), appended to @problems. */
static void
check_shown_page (LvWindow *window, const Screen *screen, const Page *page, int w, int h,
                  double normal_caption, double *loss_caption, GString *problems)
{
  GtkWidget *view = gtk_stack_get_visible_child (window->stack);

  check_widget (GTK_WIDGET (window), GTK_WIDGET (window), w, h, problems);
  check_labels_by_fields (GTK_WIDGET (window), GTK_WIDGET (window), problems);
  /* Without a banner every page fits whole: nothing hides below a scroll. */
  if (pages_overflow (window) > 1)
    g_string_append_printf (problems, "  the page scrolls by %.0f px\n",
                            pages_overflow (window));
  if (checks_figures (page))
    {
      lv_test_ui_cut_figure_text (GTK_WIDGET (window), problems);
      check_caption_share (view, problems);
      if (screen->presentation)
        check_text_overlap (view, page->page, problems);
    }
  if (screen->presentation)
    check_captions (page, view, normal_caption, loss_caption, problems);
}

static void
check_screen (const Screen *screen, const char *lang, gboolean dark)
{
  double loss_caption = NAN, normal_caption = NAN;
  static const guint sizes[] = { 5, 10, 25, 100 };
  const char *shots = g_getenv ("LOSSVIZ_SCREENSHOT_DIR");
  LvWindow *window = lv_window_new (NULL);
  g_autoptr(GString) problems = g_string_new (NULL);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);
  lv_test_ui_configure (window, shots != NULL ? 40 : 6, shots != NULL ? 10 : 2, sizes,
                        G_N_ELEMENTS (sizes));
  gtk_window_set_default_size (GTK_WINDOW (window), screen->width, screen->height);
  /* No crossfade between pages: each check and picture sees one page. */
  gtk_stack_set_transition_type (window->stack, GTK_STACK_TRANSITION_TYPE_NONE);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_mapped, window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_finished, window));
  run_spin_glass (window, shots != NULL ? 200 : 30);
  if (shots != NULL)
    run_other_pages (window);
  if (screen->presentation)
    {
      show_page (window, &pages[0]); /* the loss view's caption before presentation */
      settle (GTK_WIDGET (window), 400);
      normal_caption = caption_font_size (gtk_stack_get_visible_child (window->stack));
      lv_window_set_presentation (window, TRUE);
    }
  if (g_str_equal (lang, "fr"))
    check_translated (GTK_WIDGET (window), problems);

  for (guint p = 0; p < G_N_ELEMENTS (pages); p++)
    {
      int w, h;

      show_page (window, &pages[p]);
      if (g_str_equal (pages[p].page, "landscape"))
        g_assert_true (lv_test_ui_wait (landscape_done, gtk_stack_get_visible_child (window->stack)));
      settle (GTK_WIDGET (window), shots != NULL ? 1200 : 400);
      w = gtk_widget_get_width (GTK_WIDGET (window));
      h = gtk_widget_get_height (GTK_WIDGET (window));
      if (g_getenv ("LOSSVIZ_FIT_DEBUG") != NULL)
        debug_minimum (GTK_WIDGET (window), 0, screen->width * 3 / 5, screen->height * 2 / 5);
      if (w > screen->width || h > screen->height || g_getenv ("LOSSVIZ_FIT_DEBUG") != NULL)
        g_string_append_printf (problems, "%s %s %s%s%s: window is %d×%d\n", screen->name,
                                lang, pages[p].page, pages[p].panel ? "/" : "",
                                pages[p].panel ? pages[p].panel : "", w, h);
      {
        gsize before = problems->len;

        check_shown_page (window, screen, &pages[p], w, h, normal_caption, &loss_caption,
                          problems);
        if (problems->len > before)
          g_string_insert (problems, before,
                           g_strdup_printf ("%s %s %s%s%s:\n", screen->name, lang,
                                            pages[p].page, pages[p].panel ? "/" : "",
                                            pages[p].panel ? pages[p].panel : ""));
      }
      if (shots != NULL)
        {
          g_autofree char *name = g_strdup_printf ("%s-%s%s%s-%s-%s", pages[p].page,
                                                   pages[p].panel ? pages[p].panel : "",
                                                   pages[p].panel ? "-" : "", screen->name,
                                                   lang, dark ? "dark" : "light");
          save_screenshot (GTK_WIDGET (window), shots, name);
        }
    }
  lv_test_ui_close (window);
  if (problems->len > 0)
    g_test_message ("%s", problems->str);
  if (shots == NULL) /* taking pictures: show every problem, look at them */
    g_assert_cmpuint (problems->len, ==, 0);
}

static void
set_language (const char *lang)
{
  /* LANGUAGE is ignored in the plain C locale: C.UTF-8 is always there. */
  g_setenv ("LANGUAGE", lang, TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static void
test_fit (gconstpointer data)
{
  const char *lang = data;
  const char *shots = g_getenv ("LOSSVIZ_SCREENSHOT_DIR");

  set_language (lang);
  for (guint s = 0; s < G_N_ELEMENTS (screens); s++)
    {
      if (shots == NULL && screens[s].width > 1280)
        continue; /* large screens are for the pictures; they fit when small ones do */
      check_screen (&screens[s], lang, FALSE);
      if (shots != NULL)
        check_screen (&screens[s], lang, TRUE);
    }
  set_language ("en");
}

/* Issue 15: the crash-recovery banner, shown above the pages at 1024 × 600, must not push
 * them past the window's bottom (the page stack once sized itself to its tallest hidden page,
 * and the pages ran ≈ 23 px below the window). The banner shows when an autosave is left
 * behind, as after a crash (see test-ui-session.c "autosave-recovery"). */
static void
test_recovery_banner (gconstpointer data)
{
  const char *lang = data;
  g_autofree char *autosave = lv_window_get_autosave_path ();
  g_autofree char *dir = g_path_get_dirname (autosave);
  g_autoptr(GString) problems = g_string_new (NULL);
  LvWindow *window;

  set_language (lang);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (autosave, "{}", -1, NULL));
  window = lv_window_new (NULL);
  lv_test_ui_configure (window, 2, 1, (const guint[]) { 5 }, 1);
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 600);
  gtk_stack_set_transition_type (window->stack, GTK_STACK_TRANSITION_TYPE_NONE);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (lv_test_ui_wait (lv_test_ui_is_mapped, window));
  g_assert_true (gtk_widget_get_visible (window->banner_action));
  for (guint p = 0; p < G_N_ELEMENTS (pages); p++)
    {
      int w, h;
      gsize before = problems->len;

      show_page (window, &pages[p]);
      settle (GTK_WIDGET (window), 400);
      w = gtk_widget_get_width (GTK_WIDGET (window));
      h = gtk_widget_get_height (GTK_WIDGET (window));
      if (w > 1024 || h > 600)
        g_string_append_printf (problems, "  window is %d×%d\n", w, h);
      check_widget (GTK_WIDGET (window), GTK_WIDGET (window), w, h, problems);
      /* The page may scroll, by no more than the banner takes. */
      if (pages_overflow (window) > gtk_widget_get_height (GTK_WIDGET (window->banner_revealer)) + 1)
        g_string_append_printf (problems, "  the page scrolls by %.0f px, the banner is %d px\n",
                                pages_overflow (window),
                                gtk_widget_get_height (GTK_WIDGET (window->banner_revealer)));
      if (problems->len > before)
        {
          g_autofree char *where = g_strdup_printf ("recovery banner 1024x600 %s %s%s%s:\n",
                                                    lang, pages[p].page,
                                                    pages[p].panel ? "/" : "",
                                                    pages[p].panel ? pages[p].panel : "");
          g_string_insert (problems, before, where);
        }
    }
  lv_test_ui_close (window);
  g_remove (autosave);
  set_language ("en");
  if (problems->len > 0)
    g_test_message ("%s", problems->str);
  g_assert_cmpuint (problems->len, ==, 0);
}

int
main (int argc, char *argv[])
{
  const char *localedir = g_getenv ("LOSSVIZ_LOCALEDIR");

  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  lv_test_isolate_state ();
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  adw_init ();
  lv_core_init ();
  lv_test_ui_load_app_style ();  /* so sizes are the app's */
  g_test_add_data_func ("/lossviz/ui/fit/english", "en", test_fit);
  g_test_add_data_func ("/lossviz/ui/fit/french", "fr", test_fit);
  g_test_add_data_func ("/lossviz/ui/fit/recovery-banner/english", "en", test_recovery_banner);
  g_test_add_data_func ("/lossviz/ui/fit/recovery-banner/french", "fr", test_recovery_banner);
  return g_test_run ();
}
