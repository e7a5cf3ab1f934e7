/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-wrap-layout.h"

/*
 * LvWrapLayout — lays a toolbar's children out left to right like words of a paragraph: a
 * child that does not fit on the current line starts the next one (GTK 4.8 has no wrap box).
 * Each child gets its natural width, at most the whole line; children that expand share the
 * space left on their line. A toolbar is then as narrow as its widest child, so a page fits a
 * 1024-pixel screen, in French too, without cutting a control off (issue 15).
 */
struct _LvWrapLayout
{
  GtkLayoutManager parent_instance;

  int spacing;      /* between children of a line */
  int line_spacing; /* between lines */
};

G_DEFINE_FINAL_TYPE (LvWrapLayout, lv_wrap_layout, GTK_TYPE_LAYOUT_MANAGER)

static gboolean
is_laid_out (GtkWidget *child)
{
  return gtk_widget_should_layout (child);
}

static int
child_width (GtkWidget *child, int line_width)
{
  int min, nat;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  return MAX (min, MIN (nat, line_width));
}

/* Walks the lines for @width: calls @place (when set) with each child's box, and returns the
 * total height. */
static int
flow (LvWrapLayout *self, GtkWidget *widget, int width,
      void (*place) (GtkWidget *child, int x, int y, int w, int h))
{
  GtkWidget *first = gtk_widget_get_first_child (widget);
  int y = 0;
  gboolean any_line = FALSE;

  while (first != NULL)
    {
      GtkWidget *end = first, *c;
      int used = 0, n = 0, n_expand = 0, height = 0, x = 0, extra;

      /* The children of this line: at least one, then as many as fit. */
      for (; end != NULL; end = gtk_widget_get_next_sibling (end))
        {
          int w;

          if (!is_laid_out (end))
            continue;
          w = child_width (end, width);
          if (n > 0 && used + self->spacing + w > width)
            break;
          used += (n > 0 ? self->spacing : 0) + w;
          n_expand += gtk_widget_compute_expand (end, GTK_ORIENTATION_HORIZONTAL);
          n++;
        }
      if (n == 0)
        break;
      extra = MAX (width - used, 0);
      for (c = first; c != end; c = gtk_widget_get_next_sibling (c))
        if (is_laid_out (c))
          {
            int w = child_width (c, width), min_h;

            if (n_expand > 0 && gtk_widget_compute_expand (c, GTK_ORIENTATION_HORIZONTAL))
              w += extra / n_expand;
            gtk_widget_measure (c, GTK_ORIENTATION_VERTICAL, w, &min_h, NULL, NULL, NULL);
            height = MAX (height, min_h);
          }
      if (any_line)
        y += self->line_spacing;
      for (c = first; c != end; c = gtk_widget_get_next_sibling (c))
        if (is_laid_out (c))
          {
            int w = child_width (c, width);

            if (n_expand > 0 && gtk_widget_compute_expand (c, GTK_ORIENTATION_HORIZONTAL))
              w += extra / n_expand;
            if (place != NULL)
              place (c, x, y, w, height);
            x += w + self->spacing;
          }
      y += height;
      any_line = TRUE;
      first = end;
    }
  return y;
}

/* A child of a taller line keeps its natural height, centred, unless it asks to fill. */
static void
place_child (GtkWidget *child, int x, int y, int w, int h)
{
  GskTransform *at;
  int nat_h = h;

  if (gtk_widget_get_valign (child) != GTK_ALIGN_FILL || !gtk_widget_get_vexpand (child))
    {
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, w, NULL, &nat_h, NULL, NULL);
      nat_h = MIN (nat_h, h);
    }
  at = gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (x, y + (h - nat_h) / 2));
  gtk_widget_allocate (child, w, nat_h, -1, at);
}

static GtkSizeRequestMode
lv_wrap_layout_get_request_mode (GtkLayoutManager *manager, GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
lv_wrap_layout_measure (GtkLayoutManager *manager, GtkWidget *widget,
                        GtkOrientation orientation, int for_size, int *minimum, int *natural,
                        int *minimum_baseline, int *natural_baseline)
{
  LvWrapLayout *self = LV_WRAP_LAYOUT (manager);
  int min = 0, nat = 0, n = 0;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* As narrow as the widest child; naturally, everything on one line. */
      for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
           c = gtk_widget_get_next_sibling (c))
        if (is_laid_out (c))
          {
            int cmin, cnat;

            gtk_widget_measure (c, orientation, -1, &cmin, &cnat, NULL, NULL);
            min = MAX (min, cmin);
            nat += (n++ > 0 ? self->spacing : 0) + cnat;
          }
    }
  else
    {
      if (for_size < 0)
        lv_wrap_layout_measure (manager, widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL,
                                &for_size, NULL, NULL);
      min = nat = flow (self, widget, for_size, NULL);
    }
  if (minimum != NULL)
    *minimum = min;
  if (natural != NULL)
    *natural = MAX (nat, min);
}

static void
lv_wrap_layout_allocate (GtkLayoutManager *manager, GtkWidget *widget, int width, int height,
                         int baseline)
{
  flow (LV_WRAP_LAYOUT (manager), widget, width, place_child);
}

static void
lv_wrap_layout_class_init (LvWrapLayoutClass *klass)
{
  GtkLayoutManagerClass *manager_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  manager_class->get_request_mode = lv_wrap_layout_get_request_mode;
  manager_class->measure = lv_wrap_layout_measure;
  manager_class->allocate = lv_wrap_layout_allocate;
}

static void
lv_wrap_layout_init (LvWrapLayout *self)
{
}

/**
 * lv_wrap_layout_apply:
 * @box: a horizontal GtkBox used as a toolbar (append children as usual, before or after)
 * @spacing: pixels between children of a line
 * @line_spacing: pixels between lines
 *
 * Makes @box wrap its children onto further lines when the window is narrow. Do not change
 * the box's spacing or orientation afterwards (those belong to GtkBox's own layout).
 */
void
lv_wrap_layout_apply (GtkWidget *box,
                      int        spacing,
                      int        line_spacing)
{
  LvWrapLayout *layout = g_object_new (LV_TYPE_WRAP_LAYOUT, NULL);

  layout->spacing = spacing;
  layout->line_spacing = line_spacing;
  gtk_widget_set_layout_manager (box, GTK_LAYOUT_MANAGER (layout));
}
