// SPDX-License-Identifier: MIT
// linalg.eig's kernel: LAPACK sgeev_ / dgeev_ (right eigenvectors only), matrix by matrix.
#include "tensor/kernels/eig.h"

#include <cmath>
#include <limits>
#include <vector>

#include "tensor/kernels/copy.h"

extern "C" {
void sgeev_(const char* jobvl, const char* jobvr, const int* n, float* a, const int* lda, float* wr, float* wi,
            float* vl, const int* ldvl, float* vr, const int* ldvr, float* work, const int* lwork, int* info, size_t,
            size_t);
void dgeev_(const char* jobvl, const char* jobvr, const int* n, double* a, const int* lda, double* wr, double* wi,
            double* vl, const int* ldvl, double* vr, const int* ldvr, double* work, const int* lwork, int* info, size_t,
            size_t);
}

namespace fluxion::kernels {

static int geev(int n, float* a, float* wr, float* wi, float* vr, float* work, int lwork) {
  int info, one = 1;
  sgeev_("N", "V", &n, a, &n, wr, wi, nullptr, &one, vr, &n, work, &lwork, &info, 1, 1);
  return info;
}
static int geev(int n, double* a, double* wr, double* wi, double* vr, double* work, int lwork) {
  int info, one = 1;
  dgeev_("N", "V", &n, a, &n, wr, wi, nullptr, &one, vr, &n, work, &lwork, &info, 1, 1);
  return info;
}

std::pair<TensorData, TensorData> eig(const TensorData& a, const char* op) {
  check(a.dim() >= 2 && a.shape.back() == a.shape[a.dim() - 2], op,
        ": expects a square matrix or a batch of them [*, n, n], got shape ", a.shape);
  int64_t n = a.shape.back();
  check(n <= std::numeric_limits<int>::max(), op, ": matrix dimension ", n, " is too large for LAPACK");
  Shape values_shape(a.shape.begin(), a.shape.end() - 1);
  TensorData c = contiguous(a);
  TensorData values = TensorData::empty(values_shape, a.dtype), vectors = TensorData::empty(a.shape, a.dtype);
  int64_t count = n ? a.numel() / (n * n) : 0;
  dispatch_float(a.dtype, op, [&](auto tag) {
    using T = decltype(tag);
    int ni = (int)n;
    std::vector<T> col((size_t)(n * n)), wr((size_t)n), wi((size_t)n), vr((size_t)(n * n)), work(1);
    for (int64_t b = 0; b < count; ++b) {
      const T* src = c.data<T>() + b * n * n;
      for (int64_t i = 0; i < n; ++i)  // row-major in, column-major for LAPACK
        for (int64_t j = 0; j < n; ++j) col[(size_t)(i + j * n)] = src[i * n + j];
      check(geev(ni, col.data(), wr.data(), wi.data(), vr.data(), work.data(), -1) == 0, op,
            ": LAPACK's workspace query failed");
      work.resize((size_t)work[0] + 1);
      int info = geev(ni, col.data(), wr.data(), wi.data(), vr.data(), work.data(), (int)work.size());
      check(info == 0, op, ": LAPACK's geev did not converge for the matrix of shape ", a.shape, " (info ",
            info, "); check it for NaN or Inf");
      for (int64_t i = 0; i < n; ++i)
        check(wi[(size_t)i] == 0, op, ": the matrix of shape ", a.shape, " (batch entry ", b,
              ") has complex eigenvalues ", (double)wr[(size_t)i], " +- ", std::abs((double)wi[(size_t)i]),
              "i, and fluxion has no complex dtype; eig supports matrices whose eigenvalues are all real (for a "
              "symmetric matrix use linalg::eigh)");
      for (int64_t i = 0; i < n; ++i) {
        values.data<T>()[b * n + i] = wr[(size_t)i];
        for (int64_t j = 0; j < n; ++j) vectors.data<T>()[b * n * n + i * n + j] = vr[(size_t)(i + j * n)];
      }
    }
  });
  return {values, vectors};
}

}  // namespace fluxion::kernels
