// SPDX-License-Identifier: MIT
// LU with partial pivoting (LAPACK sgetrf_ / dgetrf_), matrix by matrix, and
// the permutation its pivots describe.
#include "tensor/kernels/lu.h"

#include <limits>
#include <numeric>
#include <vector>

#include "tensor/kernels/copy.h"

extern "C" {
void sgetrf_(const int* m, const int* n, float* a, const int* lda, int* ipiv, int* info);
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
}

namespace fluxion::kernels {

static void getrf(int n, float* a, int* ipiv, int* info) { sgetrf_(&n, &n, a, &n, ipiv, info); }
static void getrf(int n, double* a, int* ipiv, int* info) { dgetrf_(&n, &n, a, &n, ipiv, info); }

std::pair<TensorData, TensorData> lu_factor(const TensorData& a) {
  check(a.dim() >= 2 && a.shape[a.dim() - 1] == a.shape[a.dim() - 2], "linalg.lu_factor: expects square matrices ",
        "[*, n, n], got shape ", a.shape);
  int64_t n = a.shape.back();
  check(n <= std::numeric_limits<int>::max(), "linalg.lu_factor: matrix dimension ", n, " is too large for LAPACK");
  Shape batch(a.shape.begin(), a.shape.end() - 2), piv_shape = batch;
  piv_shape.push_back(n);
  TensorData c = contiguous(a);
  TensorData lu = TensorData::empty(a.shape, a.dtype), pivots = TensorData::empty(piv_shape, Int64);
  int64_t count = n ? a.numel() / (n * n) : 0;
  dispatch_float(a.dtype, "linalg.lu_factor", [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> col((size_t)(n * n));
    std::vector<int> ipiv((size_t)n);
    for (int64_t b = 0; b < count; ++b) {
      const T* src = c.data<T>() + b * n * n;
      T* dst = lu.data<T>() + b * n * n;
      for (int64_t i = 0; i < n; ++i)  // row-major in, column-major for LAPACK
        for (int64_t j = 0; j < n; ++j) col[(size_t)(i + j * n)] = src[i * n + j];
      int info = 0;
      getrf((int)n, col.data(), ipiv.data(), &info);
      check(info >= 0, "linalg.lu_factor: LAPACK rejected argument ", -info);  // info > 0: singular, still factored
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j) dst[i * n + j] = col[(size_t)(i + j * n)];
      for (int64_t i = 0; i < n; ++i) pivots.data<int64_t>()[b * n + i] = ipiv[(size_t)i];
    }
  });
  return {lu, pivots};
}

TensorData lu_permutation(const TensorData& pivots, DType dtype) {
  check(pivots.dtype == Int64 && pivots.dim() >= 1, "lu_solve: pivots must be int64 [*, n], got shape ", pivots.shape);
  TensorData p = contiguous(pivots);
  int64_t n = pivots.shape.back(), count = n ? p.numel() / n : 0;
  Shape shape = pivots.shape;
  shape.push_back(n);
  TensorData y = full(shape, 0, dtype);
  dispatch_float(dtype, "lu_solve", [&](auto tag) {
    using T = decltype(tag);
    std::vector<int64_t> perm((size_t)n);
    for (int64_t b = 0; b < count; ++b) {
      // Apply the swaps to the identity's rows: row i of P^T A is row perm[i] of A.
      std::iota(perm.begin(), perm.end(), int64_t{0});
      for (int64_t i = 0; i < n; ++i) {
        int64_t j = p.data<int64_t>()[b * n + i] - 1;
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
