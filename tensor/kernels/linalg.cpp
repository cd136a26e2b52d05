// SPDX-License-Identifier: MIT
// LAPACK behind fluxion::linalg. LAPACK is column-major, so each matrix of a
// batch is copied into a column-major buffer (O(n^2), beside the O(n^3)
// factorization), factored there, and copied back out row-major. The Fortran
// routines are declared here directly: OpenBLAS exports them with 32-bit
// integers and, for character arguments, a trailing hidden length.
#include "tensor/kernels/linalg.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>


extern "C" {
void sgesv_(const int* n, const int* nrhs, float* a, const int* lda, int* ipiv, float* b, const int* ldb, int* info);
void dgesv_(const int* n, const int* nrhs, double* a, const int* lda, int* ipiv, double* b, const int* ldb, int* info);
void sgetrf_(const int* m, const int* n, float* a, const int* lda, int* ipiv, int* info);
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t);
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info, size_t);
void ssyevd_(const char* jobz, const char* uplo, const int* n, float* a, const int* lda, float* w, float* work,
             const int* lwork, int* iwork, const int* liwork, int* info, size_t, size_t);
void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w, double* work,
             const int* lwork, int* iwork, const int* liwork, int* info, size_t, size_t);
void sgesdd_(const char* jobz, const int* m, const int* n, float* a, const int* lda, float* s, float* u, const int* ldu,
             float* vt, const int* ldvt, float* work, const int* lwork, int* iwork, int* info, size_t);
void dgesdd_(const char* jobz, const int* m, const int* n, double* a, const int* lda, double* s, double* u,
             const int* ldu, double* vt, const int* ldvt, double* work, const int* lwork, int* iwork, int* info, size_t);
void sgeqrf_(const int* m, const int* n, float* a, const int* lda, float* tau, float* work, const int* lwork, int* info);
void dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work, const int* lwork,
             int* info);
void sorgqr_(const int* m, const int* n, const int* k, float* a, const int* lda, const float* tau, float* work,
             const int* lwork, int* info);
void dorgqr_(const int* m, const int* n, const int* k, double* a, const int* lda, const double* tau, double* work,
             const int* lwork, int* info);
}

namespace fluxion::kernels {
namespace {

// One name per routine for both precisions; each returns LAPACK's info.
int gesv(int n, int k, float* a, int* ipiv, float* b) { int info; sgesv_(&n, &k, a, &n, ipiv, b, &n, &info); return info; }
int gesv(int n, int k, double* a, int* ipiv, double* b) { int info; dgesv_(&n, &k, a, &n, ipiv, b, &n, &info); return info; }
int getrf(int n, float* a, int* ipiv) { int info; sgetrf_(&n, &n, a, &n, ipiv, &info); return info; }
int getrf(int n, double* a, int* ipiv) { int info; dgetrf_(&n, &n, a, &n, ipiv, &info); return info; }
int potrf(int n, float* a) { int info; spotrf_("L", &n, a, &n, &info, 1); return info; }
int potrf(int n, double* a) { int info; dpotrf_("L", &n, a, &n, &info, 1); return info; }
int syevd(int n, float* a, float* w, float* work, int lwork, int* iwork, int liwork) {
  int info; ssyevd_("V", "L", &n, a, &n, w, work, &lwork, iwork, &liwork, &info, 1, 1); return info;
}
int syevd(int n, double* a, double* w, double* work, int lwork, int* iwork, int liwork) {
  int info; dsyevd_("V", "L", &n, a, &n, w, work, &lwork, iwork, &liwork, &info, 1, 1); return info;
}
int gesdd(int m, int n, float* a, float* s, float* u, float* vt, float* work, int lwork, int* iwork) {
  int info, k = std::min(m, n); sgesdd_("S", &m, &n, a, &m, s, u, &m, vt, &k, work, &lwork, iwork, &info, 1); return info;
}
int gesdd(int m, int n, double* a, double* s, double* u, double* vt, double* work, int lwork, int* iwork) {
  int info, k = std::min(m, n); dgesdd_("S", &m, &n, a, &m, s, u, &m, vt, &k, work, &lwork, iwork, &info, 1); return info;
}
int geqrf(int m, int n, float* a, float* tau, float* work, int lwork) { int info; sgeqrf_(&m, &n, a, &m, tau, work, &lwork, &info); return info; }
int geqrf(int m, int n, double* a, double* tau, double* work, int lwork) { int info; dgeqrf_(&m, &n, a, &m, tau, work, &lwork, &info); return info; }
int orgqr(int m, int n, float* a, const float* tau, float* work, int lwork) { int info; sorgqr_(&m, &n, &n, a, &m, tau, work, &lwork, &info); return info; }
int orgqr(int m, int n, double* a, const double* tau, double* work, int lwork) { int info; dorgqr_(&m, &n, &n, a, &m, tau, work, &lwork, &info); return info; }

// A batch [*, r, c] seen as a list of matrices: where matrix `i` starts.
int64_t matrix_offset(const TensorData& x, int64_t i) {
  int64_t off = x.offset;
  for (int64_t d = x.dim() - 3; d >= 0; --d) {
    off += (i % x.shape[d]) * x.strides[d];
    i /= x.shape[d];
  }
  return off;
}
int64_t rows(const TensorData& x) { return x.shape[x.dim() - 2]; }
int64_t cols(const TensorData& x) { return x.shape.back(); }
int64_t batch_count(const TensorData& x) { return x.numel() == 0 ? 0 : x.numel() / (rows(x) * cols(x)); }
Shape batch_shape(const Shape& s) { return Shape(s.begin(), s.end() - 2); }
Shape with(Shape s, std::initializer_list<int64_t> tail) {
  s.insert(s.end(), tail);
  return s;
}

// Matrix i of x into a column-major buffer (leading dim = rows).
template <class T>
std::vector<T> load(const TensorData& x, int64_t i) {
  const T* p = static_cast<const T*>(x.storage->data) + matrix_offset(x, i);
  int64_t r = rows(x), c = cols(x), sr = x.strides[x.dim() - 2], sc = x.strides.back();
  std::vector<T> out((size_t)(r * c));
  for (int64_t j = 0; j < c; ++j)
    for (int64_t k = 0; k < r; ++k) out[(size_t)(k + j * r)] = p[k * sr + j * sc];
  return out;
}

// The r x c column-major buffer `in` (leading dim ld) into row-major `out`.
template <class T>
void store(const T* in, int64_t r, int64_t c, int64_t ld, T* out) {
  for (int64_t k = 0; k < r; ++k)
    for (int64_t j = 0; j < c; ++j) out[k * c + j] = in[k + j * ld];
}

int checked_int(int64_t n, const char* op) {
  check(n <= std::numeric_limits<int>::max(), op, ": matrix dimension ", n, " is too large for LAPACK's 32-bit ints");
  return (int)n;
}

void check_converged(int info, const char* op, const Shape& shape) {
  check(info >= 0, op, ": LAPACK rejected argument ", -info, " for shape ", shape);
  check(info == 0, op, ": the algorithm did not converge for the matrix of shape ", shape,
        " (LAPACK info ", info, "); check the input for NaN or Inf");
}

}  // namespace

void check_square(const Shape& a, const char* op) {
  check(a.size() >= 2 && a[a.size() - 2] == a.back(), op, ": expects a square matrix or a batch of them [*, n, n], got shape ",
        a);
}

// X with A X = B; `op` names the caller in errors (solve, or inv with B = I).
static TensorData solve_impl(const TensorData& a_in, const TensorData& b_in, const char* op) {
  check_square(a_in.shape, op);
  check(b_in.dim() >= 2 && rows(b_in) == rows(a_in), op, ": A of shape ", a_in.shape, " and B of shape ",
        b_in.shape, " do not match (B needs ", rows(a_in), " rows)");
  check(a_in.dtype == b_in.dtype, op, ": dtypes ", dtype_name(a_in.dtype), " and ", dtype_name(b_in.dtype),
        " differ; convert one with .to(dtype)");
  Shape batch = broadcast_shapes(batch_shape(a_in.shape), batch_shape(b_in.shape), op);
  int64_t n = rows(a_in), k = cols(b_in);
  // Broadcast both to the common batch with stride-0 views, then go matrix by matrix.
  auto expand = [&](const TensorData& x, int64_t c) {
    Shape shape = with(batch, {n, c}), strides(shape.size(), 0);
    for (size_t i = 0; i < x.shape.size(); ++i) {
      size_t d = shape.size() - x.shape.size() + i;
      strides[d] = x.shape[i] == 1 && shape[d] != 1 ? 0 : x.strides[i];
    }
    return x.as_strided(shape, strides, x.offset);
  };
  TensorData a = expand(a_in, n), b = expand(b_in, k);
  TensorData x = TensorData::empty(with(batch, {n, k}), a.dtype);
  dispatch_float(a.dtype, op, [&](auto tag) {
    using T = decltype(tag);
    int ni = checked_int(n, op), ki = checked_int(k, op);
    if (n == 0 || k == 0) return;
    std::vector<int> ipiv((size_t)n);
    for (int64_t i = 0; i < batch_count(x); ++i) {
      std::vector<T> lu = load<T>(a, i), rhs = load<T>(b, i);
      int info = gesv(ni, ki, lu.data(), ipiv.data(), rhs.data());
      check(info <= 0, op, ": the matrix A of shape ", a_in.shape, " is singular (U[", info - 1, ", ",
            info - 1, "] = 0 in its LU factorization), so it has no inverse; for a least-squares or minimum-norm "
            "answer use a pseudo-inverse built from linalg::svd, or regularise with A + eps * I");
      store(rhs.data(), n, k, n, x.data<T>() + i * n * k);
    }
  });
  return x;
}

TensorData solve(const TensorData& a, const TensorData& b) { return solve_impl(a, b, "linalg.solve"); }

TensorData inv(const TensorData& a) {
  check_square(a.shape, "linalg.inv");
  int64_t n = rows(a);
  TensorData eye = TensorData::empty({n, n}, a.dtype);
  dispatch_float(a.dtype, "linalg.inv", [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < n * n; ++i) eye.data<T>()[i] = T(i % (n + 1) == 0);
  });
  return solve_impl(a, eye, "linalg.inv");
}

std::pair<TensorData, TensorData> slogdet(const TensorData& a) {
  check_square(a.shape, "linalg.slogdet");
  int64_t n = rows(a);
  Shape batch = batch_shape(a.shape);
  TensorData sign = TensorData::empty(batch, a.dtype), logabs = TensorData::empty(batch, a.dtype);
  dispatch_float(a.dtype, "linalg.slogdet", [&](auto tag) {
    using T = decltype(tag);
    int ni = checked_int(n, "linalg.slogdet");
    std::vector<int> ipiv((size_t)std::max<int64_t>(n, 1));
    for (int64_t i = 0; i < numel(batch); ++i) {
      std::vector<T> lu = load<T>(a, i);
      int info = n == 0 ? 0 : getrf(ni, lu.data(), ipiv.data());
      check(info >= 0, "linalg.slogdet: LAPACK rejected argument ", -info);
      // det A = (-1)^(row swaps) * prod_i U_ii
      double s = 1, l = 0;
      for (int64_t j = 0; j < n; ++j) {
        double u = lu[(size_t)(j * (n + 1))];
        if (ipiv[(size_t)j] != j + 1) s = -s;
        if (u < 0) s = -s;
        l += std::log(std::abs(u));
      }
      if (info > 0) s = 0, l = -std::numeric_limits<double>::infinity();
      sign.data<T>()[i] = T(s);
      logabs.data<T>()[i] = T(l);
    }
  });
  return {sign, logabs};
}

TensorData det(const TensorData& a) {
  check_square(a.shape, "linalg.det");
  TensorData y = TensorData::empty(batch_shape(a.shape), a.dtype);
  dispatch_float(a.dtype, "linalg.det", [&](auto tag) {
    using T = decltype(tag);
    int64_t n = rows(a);
    int ni = checked_int(n, "linalg.det");
    std::vector<int> ipiv((size_t)std::max<int64_t>(n, 1));
    for (int64_t i = 0; i < y.numel(); ++i) {
      std::vector<T> lu = load<T>(a, i);
      if (n > 0) getrf(ni, lu.data(), ipiv.data());  // an exactly singular A leaves a zero on U's diagonal
      double d = 1;
      for (int64_t j = 0; j < n; ++j) d *= (ipiv[(size_t)j] != j + 1 ? -1.0 : 1.0) * lu[(size_t)(j * (n + 1))];
      y.data<T>()[i] = T(d);
    }
  });
  return y;
}

TensorData cholesky(const TensorData& a) {
  check_square(a.shape, "linalg.cholesky");
  int64_t n = rows(a);
  TensorData l = TensorData::empty(a.shape, a.dtype);
  dispatch_float(a.dtype, "linalg.cholesky", [&](auto tag) {
    using T = decltype(tag);
    int ni = checked_int(n, "linalg.cholesky");
    for (int64_t i = 0; i < batch_count(a); ++i) {
      std::vector<T> buf = load<T>(a, i);
      int info = potrf(ni, buf.data());
      check(info <= 0, "linalg.cholesky: the matrix of shape ", a.shape, " is not positive-definite (the "
            "leading minor of order ", info, " is not positive); it must be symmetric positive-definite, e.g. "
            "B B^T + eps * I");
      for (int64_t c = 0; c < n; ++c)  // potrf leaves the strict upper triangle untouched: zero it
        for (int64_t r = 0; r < c; ++r) buf[(size_t)(r + c * n)] = T(0);
      store(buf.data(), n, n, n, l.data<T>() + i * n * n);
    }
  });
  return l;
}

std::pair<TensorData, TensorData> eigh(const TensorData& a) {
  check_square(a.shape, "linalg.eigh");
  int64_t n = rows(a);
  TensorData w = TensorData::empty(with(batch_shape(a.shape), {n}), a.dtype);
  TensorData v = TensorData::empty(a.shape, a.dtype);
  dispatch_float(a.dtype, "linalg.eigh", [&](auto tag) {
    using T = decltype(tag);
    int ni = checked_int(n, "linalg.eigh");
    if (n == 0) return;
    T work_size;
    int iwork_size, lwork = -1, liwork = -1;
    syevd(ni, nullptr, nullptr, &work_size, lwork, &iwork_size, liwork);  // workspace query
    lwork = (int)work_size, liwork = iwork_size;
    std::vector<T> work((size_t)lwork);
    std::vector<int> iwork((size_t)liwork);
    for (int64_t i = 0; i < batch_count(a); ++i) {
      std::vector<T> buf = load<T>(a, i);
      check_converged(syevd(ni, buf.data(), w.data<T>() + i * n, work.data(), lwork, iwork.data(), liwork),
                      "linalg.eigh", a.shape);
      store(buf.data(), n, n, n, v.data<T>() + i * n * n);
    }
  });
  return {w, v};
}

std::array<TensorData, 3> svd(const TensorData& a) {
  check(a.dim() >= 2, "linalg.svd: expects a matrix or a batch of them [*, m, n], got shape ", a.shape);
  int64_t m = rows(a), n = cols(a), k = std::min(m, n);
  Shape batch = batch_shape(a.shape);
  TensorData u = TensorData::empty(with(batch, {m, k}), a.dtype), s = TensorData::empty(with(batch, {k}), a.dtype),
             vh = TensorData::empty(with(batch, {k, n}), a.dtype);
  dispatch_float(a.dtype, "linalg.svd", [&](auto tag) {
    using T = decltype(tag);
    int mi = checked_int(m, "linalg.svd"), ni = checked_int(n, "linalg.svd");
    if (k == 0) return;
    T work_size;
    std::vector<int> iwork((size_t)(8 * k));
    std::vector<T> ub((size_t)(m * k)), vb((size_t)(k * n));
    gesdd(mi, ni, nullptr, nullptr, ub.data(), vb.data(), &work_size, -1, iwork.data());  // workspace query
    std::vector<T> work((size_t)work_size);
    for (int64_t i = 0; i < numel(batch); ++i) {
      std::vector<T> buf = load<T>(a, i);
      // LAPACK itself would only say "argument 4 rejected".
      check(std::all_of(buf.begin(), buf.end(), [](T v) { return std::isfinite(v); }), "linalg.svd: matrix ", i,
            " of shape ", a.shape, " contains NaN or Inf; the SVD is defined for finite matrices only");
      check_converged(gesdd(mi, ni, buf.data(), s.data<T>() + i * k, ub.data(), vb.data(), work.data(),
                            (int)work.size(), iwork.data()),
                      "linalg.svd", a.shape);
      store(ub.data(), m, k, m, u.data<T>() + i * m * k);
      store(vb.data(), k, n, k, vh.data<T>() + i * k * n);
    }
  });
  return {u, s, vh};
}

std::pair<TensorData, TensorData> qr(const TensorData& a) {
  check(a.dim() >= 2, "linalg.qr: expects a matrix or a batch of them [*, m, n], got shape ", a.shape);
  int64_t m = rows(a), n = cols(a), k = std::min(m, n);
  Shape batch = batch_shape(a.shape);
  TensorData q = TensorData::empty(with(batch, {m, k}), a.dtype), r = TensorData::empty(with(batch, {k, n}), a.dtype);
  dispatch_float(a.dtype, "linalg.qr", [&](auto tag) {
    using T = decltype(tag);
    int mi = checked_int(m, "linalg.qr"), ni = checked_int(n, "linalg.qr"), ki = (int)k;
    if (k == 0) return;
    T size_qr, size_q;
    std::vector<T> tau((size_t)k);
    geqrf(mi, ni, nullptr, nullptr, &size_qr, -1);  // workspace queries
    orgqr(mi, ki, nullptr, nullptr, &size_q, -1);
    std::vector<T> work((size_t)std::max(size_qr, size_q));
    for (int64_t i = 0; i < numel(batch); ++i) {
      std::vector<T> buf = load<T>(a, i);
      check_converged(geqrf(mi, ni, buf.data(), tau.data(), work.data(), (int)work.size()), "linalg.qr", a.shape);
      T* ri = r.data<T>() + i * k * n;  // R: the upper triangle of the first k rows
      for (int64_t row = 0; row < k; ++row)
        for (int64_t c = 0; c < n; ++c) ri[row * n + c] = c >= row ? buf[(size_t)(row + c * m)] : T(0);
      check_converged(orgqr(mi, ki, buf.data(), tau.data(), work.data(), (int)work.size()), "linalg.qr", a.shape);
      store(buf.data(), m, k, m, q.data<T>() + i * m * k);
    }
  });
  return {q, r};
}

}  // namespace fluxion::kernels
