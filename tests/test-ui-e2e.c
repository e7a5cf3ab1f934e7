/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include <lossviz/lv-plot.h>

#include "lv-test-util.h"

/*
 * End to end: the real `lossviz` binary on the Xvfb display and a private D-Bus session bus
 * (GTestDBus). The test starts training the way `gapplication action io.github.lossviz.LossViz
 * start` does — org.gtk.Actions.Activate on the running instance — and the app's
 * --export-on-finish exports the figure through the window's export action and quits. Then the
 * PNG is checked for what a person would see: the right size and every size's colour.
 */

#define DEADLINE_S 180

static gboolean
activate_start (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (bus, APPLICATION_ID, "/io/github/lossviz/LossViz",
                                       "org.gtk.Actions", "Activate",
                                       g_variant_new ("(sava{sv})", "start", NULL, NULL),
                                       NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, 5000, NULL,
                                       &error);
  if (reply == NULL)
    g_test_message ("activate: %s", error->message);
  return reply != NULL;
}

static guint
count_colour (cairo_surface_t *surface, LvPlotRgba c)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  guint n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 v = *(const guint32 *) (data + y * stride + 4 * x);
        n += abs ((int) ((v >> 16) & 0xff) - (int) (c.r * 255)) < 12 &&
             abs ((int) ((v >> 8) & 0xff) - (int) (c.g * 255)) < 12 &&
             abs ((int) (v & 0xff) - (int) (c.b * 255)) < 12;
      }
  return n;
}

static void
test_end_to_end (void)
{
  const char *app = g_getenv ("LOSSVIZ_APP");
  g_autoptr(GTestDBus) dbus = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "e2e.png", NULL);
  g_autofree char *csv = g_build_filename (dir, "e2e.csv", NULL);
  gint64 deadline = g_get_monotonic_time () + (gint64) DEADLINE_S * G_USEC_PER_SEC;
  cairo_surface_t *surface;
  gboolean started = FALSE;

  if (app == NULL || g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("needs LOSSVIZ_APP and an X display (run under xvfb-run)");
      return;
    }
  dbus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (dbus);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  /* GTestDBus unsets DISPLAY (against D-Bus autolaunch); the app needs it back. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", display, TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, app, "--export-on-finish", png, NULL);
  g_assert_no_error (error);

  /* Retry until the instance owns its name and its window exists. */
  while (!started && g_get_monotonic_time () < deadline)
    {
      g_usleep (200 * 1000);
      started = activate_start (bus);
    }
  g_assert_true (started);

  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 1600);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 1100);
  /* The default demo trains four sizes: each one's colour appears (legend, points, bars). */
  for (guint s = 0; s < 4; s++)
    g_assert_cmpuint (count_colour (surface, lv_plot_palette_category (lv_plot_theme_light (), s)),
                      >, 20);
  cairo_surface_destroy (surface);
  g_assert_true (g_file_test (csv, G_FILE_TEST_IS_REGULAR));

  g_clear_object (&bus); /* the bus connection must be gone before the bus goes down */
  g_test_dbus_down (dbus);
  g_remove (png);
  g_remove (csv);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  lv_test_isolate_state ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/ui/e2e/start-over-dbus-export-png", test_end_to_end);
  return g_test_run ();
}
