/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lossviz.h>

G_BEGIN_DECLS

int lv_cli_ensemble_soak (LvDataset *dataset, const LvEnsembleConfig *config, guint threads,
                          guint seconds, gboolean json);

G_END_DECLS
