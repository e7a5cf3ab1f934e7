/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <string.h>

#include <lossviz/lv-error.h>

#include "lv-cli-preset.h"

/*
 * choromanska2015: A. Choromanska, M. Henaff, M. Mathieu, G. Ben Arous, Y. LeCun, "The Loss
 * Surfaces of Multilayer Networks", AISTATS 2015. Networks: one hidden layer of 25, 50, 100,
 * 250 or 500 ReLU units, weights drawn uniformly in the unit cube, on 10×10 downsampled images,
 * 1000 networks per size. Fashion-MNIST stands in for MNIST, which Debian does not package.
 * The paper does not state step size, batch, momentum, schedule or epochs: the values below
 * were chosen by the measurement in the README ("The choromanska2015 preset"): of three
 * optimisers, only this one trains the 250- and 500-unit cube-initialised networks to a low
 * loss within a few epochs (lr 0.01 with momentum and decay, and plain SGD at 0.1 with
 * decay, leave them at 1–3.5 nats). Spin glass: p = 3,
 * Λ = 25 … 500, 1000 starts, the split-coupling SGD of the authors' code.
 */
static const LvCliEnsemblePreset choromanska2015_ensemble = {
  .dataset = "fashion-mnist",
  .downsample = 10,
  .sizes = "25,50,100,250,500",
  .runs = 1000,
  .epochs = 10,
  .depth = 1,
  .activation = "relu",
  .init = "cube",
  .batch = 32,
  .lr = 0.05,
  .lr_decay = 0,
  .momentum = 0.9,
  .shared_order = TRUE,
};

static const LvCliSpinGlassPreset choromanska2015_spinglass = {
  .p = 3,
  .lambda = "25,50,100,250,500",
  .runs = 1000,
  .method = "sgd",
};

gboolean
lv_cli_preset_find (int argc, char **argv, const char **name, GError **error)
{
  *name = NULL;
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--") == 0)
        break;
      if (strcmp (argv[i], "--preset") == 0 && i + 1 < argc)
        *name = argv[i + 1];
      else if (g_str_has_prefix (argv[i], "--preset="))
        *name = argv[i] + strlen ("--preset=");
    }
  if (*name != NULL && strcmp (*name, "choromanska2015") != 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--preset: '%s' is not a known preset (choromanska2015)", *name);
      return FALSE;
    }
  return TRUE;
}

const LvCliEnsemblePreset *
lv_cli_preset_ensemble (const char *name)
{
  return name != NULL ? &choromanska2015_ensemble : NULL;
}

const LvCliSpinGlassPreset *
lv_cli_preset_spinglass (const char *name)
{
  return name != NULL ? &choromanska2015_spinglass : NULL;
}
