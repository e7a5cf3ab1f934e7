/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The libFuzzer entry points, written once. Each fuzz-<name>.c defines LV_FUZZ_TARGET as one of
 * the targets of lv-fuzz-targets.h and includes this file (see build-aux/fuzz.sh).
 */

#include <stddef.h>
#include <stdint.h>

#include <lossviz/lossviz.h>

#include "lv-fuzz-targets.h"

#ifndef LV_FUZZ_TARGET
#error "define LV_FUZZ_TARGET before including lv-fuzz-main.h"
#endif

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  lv_core_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  LV_FUZZ_TARGET (data, size);
  return 0;
}
