/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer entry point of the cli-ensemble target (see lv-fuzz-targets.h, build-aux/fuzz.sh). */
#include "config.h"

#define LV_FUZZ_TARGET lv_fuzz_cli_ensemble
#include "lv-fuzz-main.h"
