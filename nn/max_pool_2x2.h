// SPDX-License-Identifier: MIT
// MaxPool2d(2)'s forward on AVX-512: 2x2 windows, stride 2, every window inside
// the plane. Used by max_pool2d (pooling.cpp), which keeps the portable rule.
#pragma once
#include <cstdint>

namespace fluxion::nn::functional::detail {

/// Whether this CPU runs max_pool_2x2_avx512.
bool max_pool_2x2_vectorised();

/// y[i, j] = the max of plane[2i..2i+1, 2j..2j+1] for i < h_out, j < w_out, and
/// idx[i, j] its flat position in the plane (row length w_in >= 2 w_out): the
/// first largest in the order (0,0), (0,1), (1,0), (1,1), or the last NaN, as
/// PyTorch's kernel. Only when max_pool_2x2_vectorised().
void max_pool_2x2_avx512(const float* plane, float* y, int64_t* idx, int64_t h_out, int64_t w_out, int64_t w_in);
void max_pool_2x2_avx512(const double* plane, double* y, int64_t* idx, int64_t h_out, int64_t w_out, int64_t w_in);

}  // namespace fluxion::nn::functional::detail
