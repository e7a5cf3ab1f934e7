/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lv-cli-train-one.h"

G_BEGIN_DECLS

gboolean lv_cli_train_check_memory (const LvCliTrainSetup *setup, const char *what,
                                    guint vectors, guint checkpoint_epochs, guint threads,
                                    guint rows_per_thread, GError **error);

G_END_DECLS
