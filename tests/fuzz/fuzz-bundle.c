/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer entry point of the bundle target (see lv-fuzz-targets.h, build-aux/fuzz.sh). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include <lossviz/lossviz.h>
#ifdef HAVE_HDF5
#include <hdf5.h>
#endif

#include "lv-fuzz-targets.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  lv_core_init ();
#ifdef HAVE_HDF5
  /* HDF5 keeps freed blocks on free lists: libFuzzer would see every input "leak" and run a
   * full leak scan after each. No free lists: memory goes back at once. */
  H5set_free_list_limits (0, 0, 0, 0, 0, 0);
#endif
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  lv_fuzz_bundle (data, size);
  return 0;
}
