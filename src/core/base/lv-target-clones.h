/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * LV_TARGET_CLONES ("avx2", "default"): GCC compiles the function once per listed target and
 * the loader picks the clone for the CPU it runs on (an ifunc), so the build can target baseline
 * x86-64 and still use AVX2/AVX-512 where present.
 *
 * Not under ThreadSanitizer: GCC instruments the ifunc resolver, which then runs before the TSan
 * runtime is initialised and crashes at load time. Not with clang or outside ELF/x86-64 either.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__) && \
    !defined(__SANITIZE_THREAD__)
#define LV_TARGET_CLONES(...) __attribute__ ((target_clones (__VA_ARGS__)))
#else
#define LV_TARGET_CLONES(...)
#endif
