/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-plot"

#include "config.h"

#include <math.h>
#include <string.h>

#include "lv-plot-private.h"

/*
 * PangoLayouts kept between frames (issue 14: a loss-view frame in ≤ 2 ms of Cairo time).
 *
 * A figure redrawn at a new epoch sets mostly the same strings (tick labels, titles, legends),
 * and shaping them again was the largest part of its text cost. Each thread keeps a few
 * PangoContexts, one per (linear part of the user-to-device matrix, target font options) —
 * the two things pango_cairo_update_context() takes from a cairo_t. A context is updated only
 * when it is created: pango_cairo_update_context() bumps the context's serial even when nothing
 * changed, and a changed serial makes every layout of that context lay itself out again.
 * Each context owns its layouts, keyed by everything that shapes them (font, size, weight,
 * text, box width, wrapping, ellipsizing, and for fitted titles the room they were fitted to),
 * so a cached layout is exactly what a fresh one would be. Cached layouts are shared: callers
 * must not change them.
 */

#define MAX_CONTEXTS 8
#define MAX_LAYOUTS 2048

typedef struct
{
  char *family;
  char *text;
  double size;
  int width;            /* Pango units, -1: no box */
  double room;          /* fitted titles: the room they were fitted to; NAN otherwise */
  guint8 bold, wrap, ellipsize, fitted;
} LayoutKey;

typedef struct
{
  LayoutKey key;        /* owns its strings */
  PangoLayout *layout;
  double font_size;     /* fitted titles: the size they are set in */
} LayoutEntry;

typedef struct
{
  double m[4];          /* xx, yx, xy, yy */
  guint options_hash;
  PangoContext *context;
  GHashTable *layouts;  /* LayoutKey* → LayoutEntry* (the key is the entry's own) */
} ContextEntry;

static guint
hash_double (double v)
{
  guint64 bits;

  v = v == 0 ? 0 : v;   /* −0 and 0 alike */
  memcpy (&bits, &v, sizeof bits);
  return (guint) (bits ^ (bits >> 32));
}

static guint
layout_key_hash (gconstpointer data)
{
  const LayoutKey *k = data;
  guint h = g_str_hash (k->text);

  h = h * 31 + g_str_hash (k->family);
  h = h * 31 + hash_double (k->size);
  h = h * 31 + (guint) k->width;
  h = h * 31 + (isnan (k->room) ? 0u : hash_double (k->room));
  return h * 31 + (guint) (k->bold | k->wrap << 1 | k->ellipsize << 4 | k->fitted << 7);
}

static gboolean
layout_key_equal (gconstpointer a, gconstpointer b)
{
  const LayoutKey *x = a, *y = b;

  return x->size == y->size && x->width == y->width && x->bold == y->bold &&
         x->wrap == y->wrap && x->ellipsize == y->ellipsize && x->fitted == y->fitted &&
         (x->room == y->room || (isnan (x->room) && isnan (y->room))) &&
         strcmp (x->text, y->text) == 0 && strcmp (x->family, y->family) == 0;
}

static void
layout_entry_free (gpointer data)
{
  LayoutEntry *e = data;

  g_free (e->key.family);
  g_free (e->key.text);
  g_clear_object (&e->layout);
  g_free (e);
}

static void
context_entry_free (gpointer data)
{
  ContextEntry *c = data;

  g_clear_pointer (&c->layouts, g_hash_table_unref);
  g_clear_object (&c->context);
  g_free (c);
}

static GPrivate contexts_key = G_PRIVATE_INIT ((GDestroyNotify) g_ptr_array_unref);

/* The linear part of @cr's matrix and the hash of its target's font options. */
static void
context_signature (cairo_t *cr, double m[4], guint *options_hash)
{
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_matrix_t matrix;

  cairo_get_matrix (cr, &matrix);
  m[0] = matrix.xx;
  m[1] = matrix.yx;
  m[2] = matrix.xy;
  m[3] = matrix.yy;
  cairo_surface_get_font_options (cairo_get_target (cr), options);
  *options_hash = (guint) cairo_font_options_hash (options);
  cairo_font_options_destroy (options);
}

static PangoContext *
new_context (cairo_t *cr)
{
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Metrics hinting off: layout does not depend on the target (see lv-plot-text.c). */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  /* Sizes are in user units, independent of the surface's resolution. */
  pango_cairo_context_set_resolution (context, 72.0);
  cairo_font_options_destroy (options);
  pango_cairo_update_context (cr, context);
  return context;
}

static ContextEntry *
context_for (cairo_t *cr)
{
  GPtrArray *contexts = g_private_get (&contexts_key);
  ContextEntry *c;
  double m[4];
  guint options_hash;

  if (contexts == NULL)
    {
      contexts = g_ptr_array_new_with_free_func (context_entry_free);
      g_private_set (&contexts_key, contexts);
    }
  context_signature (cr, m, &options_hash);
  for (guint i = 0; i < contexts->len; i++)
    {
      c = g_ptr_array_index (contexts, i);
      if (c->options_hash == options_hash && memcmp (c->m, m, sizeof m) == 0)
        return c;
    }
  if (contexts->len >= MAX_CONTEXTS)
    g_ptr_array_set_size (contexts, 0);
  c = g_new0 (ContextEntry, 1);
  memcpy (c->m, m, sizeof m);
  c->options_hash = options_hash;
  c->context = new_context (cr);
  c->layouts = g_hash_table_new_full (layout_key_hash, layout_key_equal, NULL, layout_entry_free);
  g_ptr_array_add (contexts, c);
  return c;
}

/* A new, unshared layout of @text in @c's context (no box). */
static PangoLayout *
plain_layout (ContextEntry *c, const LvPlotTheme *theme, double size, gboolean bold,
              const char *text)
{
  PangoLayout *layout = pango_layout_new (c->context);
  PangoFontDescription *desc = pango_font_description_from_string (theme->font_family);

  pango_font_description_set_absolute_size (desc, MAX (size, 1.0) * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (desc);
  return layout;
}

static LayoutEntry *
cache_insert (ContextEntry *c, const LayoutKey *key, PangoLayout *layout, double font_size)
{
  LayoutEntry *e = g_new0 (LayoutEntry, 1);

  if (g_hash_table_size (c->layouts) >= MAX_LAYOUTS)
    g_hash_table_remove_all (c->layouts);
  e->key = *key;
  e->key.family = g_strdup (key->family);
  e->key.text = g_strdup (key->text);
  e->layout = layout;
  e->font_size = font_size;
  g_hash_table_add (c->layouts, e);   /* the entry starts with its key */
  return e;
}

/**
 * lv_plot_text_layout_boxed: (skip)
 * @width: the box width in user units (≤ 0: none)
 *
 * The shared layout of @text at @size (bold or not) in @cr's context, in a box of @width with
 * @wrap and @ellipsize when @width > 0. Returns a new reference; do not change the layout.
 */
PangoLayout *
lv_plot_text_layout_boxed (cairo_t            *cr,
                           const LvPlotTheme  *theme,
                           double              size,
                           gboolean            bold,
                           const char         *text,
                           double              width,
                           PangoWrapMode       wrap,
                           PangoEllipsizeMode  ellipsize)
{
  ContextEntry *c = context_for (cr);
  LayoutKey key = { (char *) theme->font_family, (char *) (text != NULL ? text : ""), size,
                    width > 0 ? (int) (width * PANGO_SCALE) : -1, NAN, bold != FALSE,
                    width > 0 ? wrap : 0, width > 0 ? ellipsize : 0, FALSE };
  LayoutEntry *e = g_hash_table_lookup (c->layouts, &key);

  if (e == NULL)
    {
      PangoLayout *layout = plain_layout (c, theme, size, bold, key.text);

      if (key.width > 0)
        {
          pango_layout_set_width (layout, key.width);
          pango_layout_set_wrap (layout, wrap);
          pango_layout_set_ellipsize (layout, ellipsize);
        }
      e = cache_insert (c, &key, layout, size);
    }
  return g_object_ref (e->layout);
}

/* The cached fitted layout of @text for @room, or NULL; its font size in @font_size. */
PangoLayout *
lv_plot_text_fitted_lookup (cairo_t           *cr,
                            const LvPlotTheme *theme,
                            double             size,
                            gboolean           bold,
                            const char        *text,
                            double             room,
                            double            *font_size)
{
  ContextEntry *c = context_for (cr);
  LayoutKey key = { (char *) theme->font_family, (char *) text, size, -1, room, bold != FALSE,
                    0, 0, TRUE };
  LayoutEntry *e = g_hash_table_lookup (c->layouts, &key);

  if (e == NULL)
    return NULL;
  *font_size = e->font_size;
  return g_object_ref (e->layout);
}

/* Keeps @layout (a reference is taken) as the fitted layout of @text for @room. */
void
lv_plot_text_fitted_store (cairo_t           *cr,
                           const LvPlotTheme *theme,
                           double             size,
                           gboolean           bold,
                           const char        *text,
                           double             room,
                           PangoLayout       *layout,
                           double             font_size)
{
  ContextEntry *c = context_for (cr);
  LayoutKey key = { (char *) theme->font_family, (char *) text, size, -1, room, bold != FALSE,
                    0, 0, TRUE };

  cache_insert (c, &key, g_object_ref (layout), font_size);
}

/* A new, unshared layout in @cr's context, for callers that must change it. */
PangoLayout *
lv_plot_text_layout_new (cairo_t           *cr,
                         const LvPlotTheme *theme,
                         double             size,
                         gboolean           bold,
                         const char        *text)
{
  return plain_layout (context_for (cr), theme, size, bold, text != NULL ? text : "");
}
