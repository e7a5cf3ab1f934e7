/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-size-toggle.h"

#include <glib/gi18n.h>

/*
 * One toggle of the sidebar's "Hidden units" row: its label is the number and its accessible
 * name says what the number counts ("25 hidden units"), which a .ui file cannot format; the
 * look (the size-toggle CSS class) is in ui/lv-size-toggle.ui.
 */

struct _LvSizeToggle
{
  GtkToggleButton parent_instance;
  guint units;
};

G_DEFINE_FINAL_TYPE (LvSizeToggle, lv_size_toggle, GTK_TYPE_TOGGLE_BUTTON)

enum { PROP_0, PROP_UNITS, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
set_units (LvSizeToggle *self, guint units)
{
  g_autofree char *label = g_strdup_printf ("%u", units);
  g_autofree char *accessible = NULL;

  self->units = units;
  gtk_button_set_label (GTK_BUTTON (self), label);
  /* Translators: accessible name of a size toggle; %u is a number of hidden units. */
  accessible = g_strdup_printf (_("%u hidden units"), units);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
}

static void
lv_size_toggle_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  LvSizeToggle *self = LV_SIZE_TOGGLE (object);

  switch (prop_id)
    {
    case PROP_UNITS:
      set_units (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lv_size_toggle_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  LvSizeToggle *self = LV_SIZE_TOGGLE (object);

  switch (prop_id)
    {
    case PROP_UNITS:
      g_value_set_uint (value, self->units);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lv_size_toggle_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), LV_TYPE_SIZE_TOGGLE);
  G_OBJECT_CLASS (lv_size_toggle_parent_class)->dispose (object);
}

static void
lv_size_toggle_class_init (LvSizeToggleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = lv_size_toggle_set_property;
  object_class->get_property = lv_size_toggle_get_property;
  object_class->dispose = lv_size_toggle_dispose;

  /**
   * LvSizeToggle:units:
   *
   * The number of hidden units the toggle stands for.
   */
  properties[PROP_UNITS] =
    g_param_spec_uint ("units", NULL, NULL, 1, G_MAXUINT, 1,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass),
                                               RESOURCE_PREFIX "/lv-size-toggle.ui");
}

static void
lv_size_toggle_init (LvSizeToggle *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * lv_size_toggle_new:
 * @units: the number of hidden units
 *
 * Returns: (transfer floating): a toggle labelled @units.
 */
GtkWidget *
lv_size_toggle_new (guint units)
{
  return g_object_new (LV_TYPE_SIZE_TOGGLE, "units", units, NULL);
}

guint
lv_size_toggle_get_units (LvSizeToggle *self)
{
  g_return_val_if_fail (LV_IS_SIZE_TOGGLE (self), 0);
  return self->units;
}
