// SPDX-License-Identifier: MIT
// linalg.solve_triangular's kernel: BLAS trsm on row-major copies, matrix by matrix.
#include "tensor/kernels/triangular.h"

#include <cblas.h>

#include <algorithm>
#include <limits>

#include "tensor/kernels/copy.h"

namespace fluxion::kernels {

static void trsm(CBLAS_SIDE side, CBLAS_UPLO uplo, CBLAS_DIAG diag, int m, int n, const float* a, int lda, float* b,
                 int ldb) {
  cblas_strsm(CblasRowMajor, side, uplo, CblasNoTrans, diag, m, n, 1.0f, a, lda, b, ldb);
}
static void trsm(CBLAS_SIDE side, CBLAS_UPLO uplo, CBLAS_DIAG diag, int m, int n, const double* a, int lda, double* b,
                 int ldb) {
  cblas_dtrsm(CblasRowMajor, side, uplo, CblasNoTrans, diag, m, n, 1.0, a, lda, b, ldb);
}

// x [*, r, c] viewed with the batch dims `batch` (size-1 dims broadcast by stride 0).
static TensorData expand_batch(const TensorData& x, const Shape& batch) {
  Shape shape = batch, strides(batch.size() + 2, 0);
  shape.push_back(x.shape[x.dim() - 2]);
  shape.push_back(x.shape.back());
  for (size_t i = 0; i < x.shape.size(); ++i) {
    size_t d = shape.size() - x.shape.size() + i;
    strides[d] = x.shape[i] == 1 && shape[d] != 1 ? 0 : x.strides[i];
  }
  return x.as_strided(shape, strides, x.offset);
}

TensorData solve_triangular(const TensorData& a_in, const TensorData& b_in, bool upper, bool left, bool unit) {
  const char* op = "linalg.solve_triangular";
  check(a_in.dim() >= 2 && a_in.shape.back() == a_in.shape[a_in.dim() - 2], op,
        ": expected a square A or a batch of them [*, n, n], got shape ", a_in.shape);
  int64_t n = a_in.shape.back();
  check(b_in.dim() >= 2 && (left ? b_in.shape[b_in.dim() - 2] : b_in.shape.back()) == n, op, ": A of shape ",
        a_in.shape, " and B of shape ", b_in.shape, " do not match; B must be ",
        left ? "[*, n, k] (left = true)" : "[*, k, n] (left = false)", " with n = ", n);
  check(a_in.dtype == b_in.dtype, op, ": dtypes ", dtype_name(a_in.dtype), " and ", dtype_name(b_in.dtype),
        " differ; convert one with .to(dtype)");
  Shape batch = broadcast_shapes(Shape(a_in.shape.begin(), a_in.shape.end() - 2),
                                 Shape(b_in.shape.begin(), b_in.shape.end() - 2), op);
  TensorData a = contiguous(expand_batch(a_in, batch));
  TensorData x = clone(expand_batch(b_in, batch));  // trsm overwrites B with X
  int64_t r = x.shape[x.dim() - 2], c = x.shape.back();
  check(r <= std::numeric_limits<int>::max() && c <= std::numeric_limits<int>::max(), op, ": B of shape ",
        b_in.shape, " is too large for BLAS's 32-bit ints");
  int64_t count = x.numel() ? x.numel() / (r * c) : 0;
  dispatch_float(a.dtype, op, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < count; ++i)
      trsm(left ? CblasLeft : CblasRight, upper ? CblasUpper : CblasLower, unit ? CblasUnit : CblasNonUnit, (int)r,
           (int)c, a.data<T>() + i * n * n, (int)std::max<int64_t>(n, 1), x.data<T>() + i * r * c,
           (int)std::max<int64_t>(c, 1));
  });
  return x;
}

}  // namespace fluxion::kernels
