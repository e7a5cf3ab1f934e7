/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Cairo helpers of the figure tests (header-only: the test utility library has no Cairo). */
#include <cairo.h>
#include <glib.h>

/* Counts pixels that differ from the top-left (background) pixel. */
static inline guint
painted_pixels (cairo_surface_t *surface)
{
  const guint32 *data = (const guint32 *) (gpointer) cairo_image_surface_get_data (surface);
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface) / 4;
  guint n = 0;

  cairo_surface_flush (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      n += data[y * stride + x] != data[0];
  return n;
}

