// SPDX-License-Identifier: MIT
// FLUXION_SIMD_CLONES: a hot loop built for AVX-512, AVX2 and any x86-64, picked by
// CPUID at load (kernels/loops.h, vec.h and its callers). Off under ASan and TSan:
// the loader runs those CPUID resolvers before the sanitizer runtime is set up,
// and TSan's instrumented resolver entry crashes the program at load.
#pragma once

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && !defined(__clang__)
#define FLUXION_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define FLUXION_SIMD_CLONES
#endif
