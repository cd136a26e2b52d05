// SPDX-License-Identifier: MIT
// FLUXION_SIMD_CLONES: compile a hot loop three times and choose by CPUID when
// the library loads, so the binary runs on any x86-64 and still uses 512-bit
// vectors where present. Used by the kernels (kernels/loops.h) and by the
// vector loops of vec.h and its callers.
#pragma once

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && !defined(__clang__)
#define FLUXION_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define FLUXION_SIMD_CLONES
#endif
