/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-window-private.h"
#include "lv-size-toggle.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include <glib/gi18n.h>

/*
 * The sidebar ↔ configuration: building the size toggles and the dataset list, reading the
 * controls into an LvEnsembleConfig, and writing a configuration back into them (opened
 * files, the last configuration from GSettings, the guided tour).
 */

const guint lv_window_standard_sizes[LV_WINDOW_N_SIZES] = { 2, 5, 10, 25, 50, 100, 250, 500 };
#define standard_sizes lv_window_standard_sizes
static const guint default_sizes[] = { 5, 10, 25, 100 };

typedef struct
{
  const char *spec;
  const char *title;
  gboolean optional;
} DatasetChoice;

static const DatasetChoice dataset_choices[] = {
  { "digits", N_("Handwritten digits (8 × 8)"), FALSE },
  { "teacher", N_("Teacher network (synthetic)"), FALSE },
  { "fashion-mnist", N_("Fashion-MNIST (10 × 10)"), TRUE },
};

static const LvActivation activations[] = {
  LV_ACTIVATION_RELU, LV_ACTIVATION_TANH, LV_ACTIVATION_LOGISTIC, LV_ACTIVATION_LINEAR,
};
static const LvRegKind reg_kinds[] = { LV_REG_LAYER, LV_REG_UNIT };

static gboolean
parse_custom_sizes (const char *text, guint *sizes, guint *n, guint max, GError **error)
{
  g_auto(GStrv) parts = g_strsplit_set (text, ", ;", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *end = NULL;
      guint64 value;

      if (parts[i][0] == '\0')
        continue;
      errno = 0;
      value = g_ascii_strtoull (parts[i], &end, 10);
      if (errno != 0 || end == parts[i] || *end != '\0' || value == 0 || value > 100000)
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                       _("More sizes: “%s” is not a whole number between 1 and 100000"),
                       parts[i]);
          return FALSE;
        }
      if (*n >= max)
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                       _("At most %u network sizes at a time"), max);
          return FALSE;
        }
      sizes[(*n)++] = (guint) value;
    }
  return TRUE;
}

/**
 * lv_window_read_controls:
 * @self: the window
 * @dataset: (out): the dataset spec chosen
 * @config: (out): the configuration the sidebar shows, with the fields it does not show taken
 *   from the last opened or restored configuration
 * @error: return location for an input error (shown in the banner by the caller)
 *
 * Returns: whether the sidebar holds a valid configuration.
 */
gboolean
lv_window_read_controls (LvWindow          *self,
                         const char       **dataset,
                         LvEnsembleConfig  *config,
                         GError           **error)
{
  guint n = 0, selected;

  *config = self->base_config;
  config->first_run = 0;
  for (guint i = 0; i < G_N_ELEMENTS (standard_sizes); i++)
    if (gtk_toggle_button_get_active (self->size_toggles[i]))
      config->sizes[n++] = standard_sizes[i];
  gtk_widget_remove_css_class (GTK_WIDGET (self->custom_sizes_entry), "error");
  if (!parse_custom_sizes (gtk_editable_get_text (GTK_EDITABLE (self->custom_sizes_entry)),
                           config->sizes, &n, G_N_ELEMENTS (config->sizes), error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->custom_sizes_entry), "error");
      return FALSE;
    }
  /* Ascending and without repeats: one histogram per distinct size. */
  config->n_sizes = lv_uint_sort_unique (config->sizes, n);

  selected = gtk_drop_down_get_selected (self->dataset_dropdown);
  *dataset = g_ptr_array_index (self->dataset_specs,
                                MIN (selected, self->dataset_specs->len - 1));
  config->runs = gtk_spin_button_get_value_as_int (self->runs_spin);
  config->depth = gtk_spin_button_get_value_as_int (self->depth_spin);
  config->activation = activations[MIN (gtk_drop_down_get_selected (self->activation_dropdown),
                                        G_N_ELEMENTS (activations) - 1)];
  config->train.epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  config->train.lr = gtk_spin_button_get_value (self->lr_spin);
  config->train.batch = gtk_spin_button_get_value_as_int (self->batch_spin);
  config->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  config->train.reg.kind = reg_kinds[MIN (gtk_drop_down_get_selected (self->reg_kind_dropdown),
                                          G_N_ELEMENTS (reg_kinds) - 1)];
  config->train.reg.degree = gtk_range_get_value (GTK_RANGE (self->degree_scale));
  config->train.reg.lambda = gtk_spin_button_get_value (self->lambda_spin);
  lv_window_speed_read (self, config);
  return TRUE;
}

/* One LvSizeToggle per standard size, the defaults on. */
static void
build_size_toggles (LvWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (standard_sizes); i++)
    {
      GtkWidget *button = lv_size_toggle_new (standard_sizes[i]);

      for (guint d = 0; d < G_N_ELEMENTS (default_sizes); d++)
        if (default_sizes[d] == standard_sizes[i])
          gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
      g_signal_connect_swapped (button, "toggled", G_CALLBACK (lv_window_control_changed),
                                self);
      gtk_flow_box_append (self->size_box, button);
      self->size_toggles[i] = GTK_TOGGLE_BUTTON (button);
    }
}

static gboolean
fashion_mnist_present (void)
{
  const char *dir = g_getenv ("LOSSVIZ_FASHION_MNIST_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL || dir[0] == '\0')
    dir = "/usr/share/datasets/fashion-mnist";
  path = g_build_filename (dir, "train-images-idx3-ubyte.gz", NULL);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
build_dataset_model (LvWindow *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  self->dataset_specs = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (dataset_choices); i++)
    {
      if (dataset_choices[i].optional && !fashion_mnist_present ())
        continue;
      gtk_string_list_append (model, _(dataset_choices[i].title));
      g_ptr_array_add (self->dataset_specs, g_strdup (dataset_choices[i].spec));
    }
  gtk_drop_down_set_model (self->dataset_dropdown, G_LIST_MODEL (model));
}

static void
register_controls (LvWindow *self)
{
  self->controls = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (self->controls, "dataset", self->dataset_dropdown);
  g_hash_table_insert (self->controls, "custom-sizes", self->custom_sizes_entry);
  g_hash_table_insert (self->controls, "runs", self->runs_spin);
  g_hash_table_insert (self->controls, "depth", self->depth_spin);
  g_hash_table_insert (self->controls, "activation", self->activation_dropdown);
  g_hash_table_insert (self->controls, "epochs", self->epochs_spin);
  g_hash_table_insert (self->controls, "lr", self->lr_spin);
  g_hash_table_insert (self->controls, "batch", self->batch_spin);
  g_hash_table_insert (self->controls, "seed", self->seed_spin);
  g_hash_table_insert (self->controls, "reg-kind", self->reg_kind_dropdown);
  g_hash_table_insert (self->controls, "degree", self->degree_scale);
  g_hash_table_insert (self->controls, "lambda", self->lambda_spin);
  g_hash_table_insert (self->controls, "precision-fp32", self->precision_fp32_toggle);
  g_hash_table_insert (self->controls, "precision-bf16", self->precision_bf16_toggle);
  g_hash_table_insert (self->controls, "data-order-per-run", self->order_per_run_toggle);
  g_hash_table_insert (self->controls, "data-order-shared", self->order_shared_toggle);
}

static void
set_spin (GtkSpinButton *spin, double value)
{
  GtkAdjustment *adj = gtk_spin_button_get_adjustment (spin);

  /* A file made by the CLI may go beyond the sidebar's usual range: widen it, never clamp
   * (a clamped value would be another configuration, and retrain). */
  if (value > gtk_adjustment_get_upper (adj))
    gtk_adjustment_set_upper (adj, value);
  if (value < gtk_adjustment_get_lower (adj))
    gtk_adjustment_set_lower (adj, value);
  gtk_spin_button_set_value (spin, value);
}

static guint
dataset_index (LvWindow *self, const char *spec)
{
  GtkStringList *model;

  for (guint i = 0; i < self->dataset_specs->len; i++)
    if (g_str_equal (g_ptr_array_index (self->dataset_specs, i), spec))
      return i;
  /* A dataset the list does not offer (a CSV or IDX path from the CLI): add it. */
  model = GTK_STRING_LIST (gtk_drop_down_get_model (self->dataset_dropdown));
  gtk_string_list_append (model, spec);
  g_ptr_array_add (self->dataset_specs, g_strdup (spec));
  return self->dataset_specs->len - 1;
}

/**
 * lv_window_write_controls:
 * @self: the window
 * @dataset: a dataset spec
 * @config: the configuration to show
 *
 * Sets every control of the sidebar to @config (and remembers the fields the sidebar does not
 * show). The controls' change handlers schedule an apply; call lv_window_apply_controls() to
 * apply at once.
 */
void
lv_window_write_controls (LvWindow               *self,
                          const char             *dataset,
                          const LvEnsembleConfig *config)
{
  GString *custom = g_string_new (NULL);

  self->base_config = *config;
  gtk_drop_down_set_selected (self->dataset_dropdown, dataset_index (self, dataset));
  for (guint i = 0; i < LV_WINDOW_N_SIZES; i++)
    {
      gboolean on = FALSE;
      for (guint s = 0; s < config->n_sizes; s++)
        on = on || config->sizes[s] == standard_sizes[i];
      gtk_toggle_button_set_active (self->size_toggles[i], on);
    }
  for (guint s = 0; s < config->n_sizes; s++)
    {
      gboolean standard = FALSE;
      for (guint i = 0; i < LV_WINDOW_N_SIZES; i++)
        standard = standard || config->sizes[s] == standard_sizes[i];
      if (!standard)
        g_string_append_printf (custom, "%s%u", custom->len > 0 ? ", " : "", config->sizes[s]);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->custom_sizes_entry), custom->str);
  g_string_free (custom, TRUE);
  set_spin (self->runs_spin, config->runs);
  set_spin (self->depth_spin, config->depth);
  for (guint i = 0; i < G_N_ELEMENTS (activations); i++)
    if (activations[i] == config->activation)
      gtk_drop_down_set_selected (self->activation_dropdown, i);
  set_spin (self->epochs_spin, config->train.epochs);
  set_spin (self->lr_spin, config->train.lr);
  set_spin (self->batch_spin, config->train.batch);
  set_spin (self->seed_spin, (double) config->seed);
  for (guint i = 0; i < G_N_ELEMENTS (reg_kinds); i++)
    if (reg_kinds[i] == config->train.reg.kind)
      gtk_drop_down_set_selected (self->reg_kind_dropdown, i);
  gtk_range_set_value (GTK_RANGE (self->degree_scale), config->train.reg.degree);
  set_spin (self->lambda_spin, config->train.reg.lambda);
  lv_window_speed_write (self, config);
}

/**
 * lv_window_build_controls:
 * @self: the window
 *
 * Fills the sidebar's dataset list and size toggles and registers the controls by name.
 */
void
lv_window_build_controls (LvWindow *self)
{
  lv_ensemble_config_init (&self->base_config);
  build_dataset_model (self);
  build_size_toggles (self);
  register_controls (self);
  lv_window_speed_init (self);
}
