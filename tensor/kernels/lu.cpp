// SPDX-License-Identifier: MIT
// LU with partial pivoting (LAPACK sgetrf_ / dgetrf_), matrix by matrix, and
// the permutation its pivots describe. A is m x n; min(m, n) pivots.
#include "tensor/kernels/lu.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <vector>

#include "tensor/kernels/copy.h"

extern "C" {
void sgetrf_(const int* m, const int* n, float* a, const int* lda, int* ipiv, int* info);
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
}

namespace fluxion::kernels {

static void getrf(int m, int n, float* a, int* ipiv, int* info) { sgetrf_(&m, &n, a, &m, ipiv, info); }
static void getrf(int m, int n, double* a, int* ipiv, int* info) { dgetrf_(&m, &n, a, &m, ipiv, info); }

std::pair<TensorData, TensorData> lu_factor(const TensorData& a) {
  check(a.dim() >= 2, "linalg.lu_factor: expects a matrix or a batch of them [*, m, n], got shape ", a.shape);
  int64_t m = a.shape[a.dim() - 2], n = a.shape.back(), k = std::min(m, n);
  check(m <= std::numeric_limits<int>::max() && n <= std::numeric_limits<int>::max(),
        "linalg.lu_factor: matrix of shape ", a.shape, " is too large for LAPACK's 32-bit ints");
  Shape piv_shape(a.shape.begin(), a.shape.end() - 2);
  piv_shape.push_back(k);
  TensorData c = contiguous(a);
  TensorData lu = TensorData::empty(a.shape, a.dtype), pivots = TensorData::empty(piv_shape, Int64);
  int64_t count = m * n != 0 ? a.numel() / (m * n) : 0;
  dispatch_float(a.dtype, "linalg.lu_factor", [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> col((size_t)(m * n));
    std::vector<int> ipiv((size_t)k);
    for (int64_t b = 0; b < count; ++b) {
      const T* src = c.data<T>() + b * m * n;
      T* dst = lu.data<T>() + b * m * n;
      for (int64_t i = 0; i < m; ++i)  // row-major in, column-major (leading dim m) for LAPACK
        for (int64_t j = 0; j < n; ++j) col[(size_t)(i + j * m)] = src[i * n + j];
      int info = 0;
      getrf((int)m, (int)n, col.data(), ipiv.data(), &info);
      check(info >= 0, "linalg.lu_factor: LAPACK rejected argument ", -info);  // info > 0: singular, still factored
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) dst[i * n + j] = col[(size_t)(i + j * m)];
      for (int64_t i = 0; i < k; ++i) pivots.data<int64_t>()[b * k + i] = ipiv[(size_t)i];
    }
  });
  return {lu, pivots};
}

TensorData lu_permutation(const TensorData& pivots, int64_t n, DType dtype) {
  check(pivots.dtype == Int64 && pivots.dim() >= 1 && pivots.shape.back() <= n,
        "lu_solve: pivots must be int64 [*, k] with k <= ", n, ", got shape ", pivots.shape);
  TensorData p = contiguous(pivots);
  int64_t k = pivots.shape.back(), count = 1;
  for (size_t d = 0; d + 1 < pivots.shape.size(); ++d) count *= pivots.shape[d];
  Shape shape = pivots.shape;
  shape.back() = n;
  shape.push_back(n);
  TensorData y = full(shape, 0, dtype);
  dispatch_float(dtype, "lu_solve", [&](auto tag) {
    using T = decltype(tag);
    std::vector<int64_t> perm((size_t)n);
    for (int64_t b = 0; b < count; ++b) {
      // Apply the swaps to the identity's rows: row i of P^T A is row perm[i] of A.
      std::iota(perm.begin(), perm.end(), int64_t{0});
      for (int64_t i = 0; i < k; ++i) {
        int64_t j = p.data<int64_t>()[b * k + i] - 1;
        check(j >= i && j < n, "lu_solve: pivot ", j + 1, " at position ", i + 1, " is out of range [", i + 1, ", ", n,
              "]; pass the pivots lu_factor returned");
        std::swap(perm[(size_t)i], perm[(size_t)j]);
      }
      for (int64_t i = 0; i < n; ++i) y.data<T>()[b * n * n + perm[(size_t)i] * n + i] = T(1);  // P[perm[i], i] = 1
    }
  });
  return y;
}

}  // namespace fluxion::kernels
