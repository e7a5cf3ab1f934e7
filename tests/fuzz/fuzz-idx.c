/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer entry point of the idx target (see lv-fuzz-targets.h, build-aux/fuzz.sh). */
#include "config.h"

#define LV_FUZZ_TARGET lv_fuzz_idx
#include "lv-fuzz-main.h"
