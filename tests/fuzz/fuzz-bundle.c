/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer entry point of the bundle target (see lv-fuzz-targets.h, build-aux/fuzz.sh). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include <lossviz/lossviz.h>

#include "lv-fuzz-targets.h"

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
  lv_fuzz_bundle (data, size);
  return 0;
}
