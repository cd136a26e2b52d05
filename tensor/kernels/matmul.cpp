// SPDX-License-Identifier: MIT
// torch.matmul's semantics over the GEMM paths: dot products, matrix and
// batched products, with small ones through small_gemm.
#include "tensor/kernels/matmul.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "tensor/kernels/copy.h"
#include "tensor/kernels/gemm.h"
#include "tensor/kernels/loops.h"
#include "tensor/kernels/small_gemm.h"

extern "C" char* openblas_get_corename(void);
extern "C" int openblas_get_parallel(void);

namespace fluxion::kernels {

static void bad_shapes(const Shape& a, const Shape& b) {
  fail("matmul: shapes ", a, " and ", b, " cannot be multiplied (",
       a.empty() || b.empty() ? "both arguments need at least 1 dim" : "inner dims differ", ")");
}

Shape matmul_shape(const Shape& a, const Shape& b) {
  if (a.empty() || b.empty()) bad_shapes(a, b);
  int64_t k_a = a.back(), k_b = b.size() == 1 ? b[0] : b[b.size() - 2];
  if (k_a != k_b) bad_shapes(a, b);
  Shape batch_a(a.begin(), a.end() - std::min<size_t>(a.size(), 2));
  Shape batch_b(b.begin(), b.end() - std::min<size_t>(b.size(), 2));
  Shape out = broadcast_shapes(batch_a, batch_b, "matmul");
  if (a.size() >= 2) out.push_back(a[a.size() - 2]);
  if (b.size() >= 2) out.push_back(b.back());
  return out;
}

// A 2-D operand as BLAS wants it: a pointer, a leading dim and whether it is
// transposed. Row-major [r, c] with strides (ld, 1), or its transpose with
// strides (1, ld), go to BLAS as they are; anything else is copied first.
struct BlasMat {
  TensorData data;
  bool trans = false;
  int64_t ld = 0;
};

static BlasMat as_blas(const TensorData& m) {
  BlasMat out{m};
  if (blas_operand(m.shape[0], m.shape[1], m.strides[0], m.strides[1], out.trans, out.ld)) return out;
  return {contiguous(m), false, std::max<int64_t>(m.shape[1], 1)};
}

// n numbers of scratch memory, one of two buffers (`which`) per thread, kept
// between calls: a small product's packed operand costs no allocation. Large
// requests get an array of their own, so no thread keeps much memory.
template <class T>
class Scratch {
 public:
  Scratch(int64_t n, int which) {
    thread_local std::vector<T> kept[2];
    constexpr int64_t kKept = int64_t{1} << 16;
    if (n > kKept) {
      own_.resize((size_t)n);
      p_ = own_.data();
      return;
    }
    if ((int64_t)kept[which].size() < n) kept[which].resize((size_t)kKept);
    p_ = kept[which].data();
  }
  T* data() const { return p_; }

 private:
  T* p_;
  std::vector<T> own_;
};

// A copy of a [rows, cols] matrix (stored transposed when `trans`) as small_gemm
// wants its B: row-major with leading dim small_gemm_ldb(cols), zero past column `cols`.
template <class T>
struct PaddedRows {
  PaddedRows(const T* b, int64_t rows, int64_t cols, int64_t ldb, bool trans)
      : ld(small_gemm_ldb<T>(cols)), copy(rows * ld, 0) {
    T* pb = copy.data();
    for (int64_t r = 0; r < rows; ++r) {
      if (trans)
        for (int64_t j = 0; j < cols; ++j) pb[r * ld + j] = b[j * ldb + r];
      else
        std::copy(b + r * ldb, b + r * ldb + cols, pb + r * ld);
      std::fill(pb + r * ld + cols, pb + (r + 1) * ld, T(0));
    }
    p = pb;
  }
  int64_t ld;
  Scratch<T> copy;
  const T* p;
};

// Whether small_gemm takes [n, k] @ [k, m]: a small product, when fluxion's GEMM
// multiplies (gemm_path) or OpenBLAS's kernels are narrow.
template <class T>
static bool small_gemm_takes(int64_t n, int64_t m, int64_t k) {
  return (gemm_path() == GemmPath::fluxion || blas_kernels_narrow()) && small_gemm_pays<T>(n, m, k);
}

// C[n, m] (rows ldc apart) = A B by small_gemm, A(i, p) = a[i * sa_i + p * sa_p]; B [k, m]
// row-major with leading dim ldb, or stored transposed (tb). A row-major B is read in
// place for its whole vectors of columns, and the columns past the last (fewer than a
// vector) are dot products; a transposed or narrower one is copied, padded.
template <class T>
static void small_product(int64_t n, int64_t m, int64_t k, const T* a, int64_t sa_i, int64_t sa_p, const T* b,
                          int64_t ldb, bool tb, T* c, int64_t ldc) {
  constexpr int64_t L = 64 / sizeof(T);
  const int64_t whole = m / L * L;
  if (tb || whole == 0) {
    PaddedRows<T> bp(b, k, m, ldb, tb);
    small_gemm<T>(n, m, k, a, sa_i, sa_p, bp.p, bp.ld, c, ldc);
    return;
  }
  small_gemm<T>(n, whole, k, a, sa_i, sa_p, b, ldb, c, ldc);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = whole; j < m; ++j) {
      T sum = 0;
      for (int64_t p = 0; p < k; ++p) sum += a[i * sa_i + p * sa_p] * b[p * ldb + j];
      c[i * ldc + j] = sum;
    }
}

// out[n, m] = op(a) op(b), op = transpose where ta / tb, leading dims lda / ldb.
// Small products go to small_gemm, the rest to gemm_auto: fluxion's GEMM or
// OpenBLAS, as gemm_path() says.
template <class T>
static void blas_gemm(bool ta, bool tb, int64_t n, int64_t m, int64_t k, const T* a, int64_t lda, const T* b,
                      int64_t ldb, T* out) {
  if (small_gemm_takes<T>(n, m, k)) {
    constexpr int64_t L = 64 / sizeof(T);
    if (m < L && !ta && tb) {  // x @ w^T with few rows in w: dot products of rows
      small_gemm_dots<T>(n, m, k, a, lda, b, ldb, out);
      return;
    }
    if (m < L && ta && !tb && n >= L) {  // g^T @ x with narrow x: C^T = x^T g, wide along n
      Scratch<T> ct(m * n, 1);
      small_product<T>(m, n, k, b, 1, ldb, a, lda, false, ct.data(), n);
      const T* pc = ct.data();
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < m; ++j) out[i * m + j] = pc[j * n + i];
      return;
    }
    small_product<T>(n, m, k, a, ta ? 1 : lda, ta ? lda : 1, b, ldb, tb, out, m);
    return;
  }
  gemm_auto<T>({.m = n, .n = m, .k = k, .a = a, .rsa = ta ? 1 : lda, .csa = ta ? lda : 1, .b = b,
                .rsb = tb ? 1 : ldb, .csb = tb ? ldb : 1, .c = out, .rsc = m});
}

// Operands of at most 2 dims in float, readable by BLAS as they are: one gemm
// straight from their strides. Small products (a network on one state, as in
// lesson 12) spent most of their time in the batched path's views and copies.
static bool matmul_unbatched(const TensorData& a, const TensorData& b, const TensorData& y) {
  if (a.dim() > 2 || b.dim() > 2 || a.dtype == Int64) return false;
  // a as [n, k], b as [k, m]; a 1-D operand is a row (a) or a column (b).
  int64_t n = a.dim() == 2 ? a.shape[0] : 1, k = a.shape.back(), m = b.dim() == 2 ? b.shape[1] : 1;
  int64_t as0 = a.dim() == 2 ? a.strides[0] : 0, as1 = a.strides.back();
  int64_t bs0 = b.strides[0], bs1 = b.dim() == 2 ? b.strides[1] : 0;
  bool ta = false, tb = false;
  int64_t lda = 0, ldb = 0;
  if (!blas_operand(n, k, as0, as1, ta, lda) || !blas_operand(k, m, bs0, bs1, tb, ldb)) return false;
  if (n == 0 || m == 0) return true;
  dispatch_float(a.dtype, "matmul", [&](auto tag) {
    using T = decltype(tag);
    if (k == 0) std::fill(y.data<T>(), y.data<T>() + n * m, T(0));
    else blas_gemm<T>(ta, tb, n, m, k, a.data<T>(), lda, b.data<T>(), ldb, y.data<T>());
  });
  return true;
}

// out[n, m] = a[n, 1] b[1, m], an outer product: one multiply per output, so
// the loop runs at the speed rows can be stored, where a GEMM call would pay
// its dispatch and packing for no reuse. Batched outer products are what
// vmap makes of a linear layer's weight gradient (per-example g^T x).
template <class T>
static void outer(const TensorData& a, const TensorData& b, T* out) {
  int64_t n = a.shape[0], m = b.shape[1];
  TensorData row = b.strides[1] == 1 ? b : contiguous(b);
  const T* pa = a.data<T>();
  const T* pb = row.data<T>();
  for (int64_t i = 0; i < n; ++i) {
    T ai = pa[i * a.strides[0]];
    T* o = out + i * m;
    for (int64_t j = 0; j < m; ++j) o[j] = ai * pb[j];
  }
}

// out[n, m] = a[n, k] @ b[k, m], any strides; `threads` for fluxion's GEMM.
template <class T>
static void gemm(const TensorData& a, const TensorData& b, T* out, int threads) {
  int64_t n = a.shape[0], k = a.shape[1], m = b.shape[1];
  if (n == 0 || m == 0) return;
  if (k == 0) {
    std::fill(out, out + n * m, T(0));
    return;
  }
  if (k == 1) {
    outer<T>(a, b, out);
    return;
  }
  if constexpr (std::is_floating_point_v<T>) {
    if (gemm_path() == GemmPath::fluxion && !small_gemm_takes<T>(n, m, k)) {  // packing reads any strides
      kernels::gemm<T>({.m = n, .n = m, .k = k, .a = a.data<T>(), .rsa = a.strides[0], .csa = a.strides[1],
                        .b = b.data<T>(), .rsb = b.strides[0], .csb = b.strides[1], .c = out, .rsc = m},
                       threads);
      return;
    }
    BlasMat A = as_blas(a), B = as_blas(b);
    blas_gemm<T>(A.trans, B.trans, n, m, k, A.data.data<T>(), A.ld, B.data.data<T>(), B.ld, out);
  } else {  // int64: no BLAS, plain loops
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < m; ++j) {
        T s = 0;
        for (int64_t p = 0; p < k; ++p) s += a.data<T>()[i * a.strides[0] + p * a.strides[1]] * b.data<T>()[p * b.strides[0] + j * b.strides[1]];
        out[i * m + j] = s;
      }
  }
}

// b [..batch, k, 1] seen as the rows [N, k] of its N column vectors (a
// view), or nullopt when its batch dims do not merge into one stride.
static std::optional<TensorData> columns_as_rows(const TensorData& b) {
  int64_t nd = b.dim(), k = b.shape[nd - 2], rows = 1, row_stride = 0, next = -1;
  for (int64_t d = nd - 3; d >= 0; --d) {  // innermost batch dim first
    if (b.shape[d] == 1) continue;
    if (next < 0) row_stride = b.strides[d];
    else if (b.strides[d] != next) return std::nullopt;
    rows *= b.shape[d];
    next = b.strides[d] * b.shape[d];
  }
  return b.as_strided({rows, k}, {row_stride, b.strides[nd - 2]}, b.offset);
}

// The 2-D slice `index` of the batch of x, where x has been viewed as [..batch, r, c].
static TensorData batch_item(const TensorData& x, const Shape& batch, int64_t index) {
  size_t nb = batch.size(), lead = nb - (x.shape.size() - 2);
  int64_t off = x.offset;
  for (size_t d = nb; d-- > 0;) {
    int64_t i = index % batch[d];
    index /= batch[d];
    if (d >= lead && x.shape[d - lead] != 1) off += i * x.strides[d - lead];
  }
  return x.as_strided({x.shape[x.dim() - 2], x.shape.back()}, {x.strides[x.dim() - 2], x.strides.back()}, off);
}

// y = a @ b, y contiguous of the product's shape and dtype (as matmul and matmul_into check).
static void product(const TensorData& a_in, const TensorData& b_in, const TensorData& y) {
  if (matmul_unbatched(a_in, b_in, y)) return;
  // a [n, k] @ b [..batch, k, 1], a matrix times a batch of vectors (what
  // vmap makes of a matrix-vector product): the products' transposes b_iᵀ aᵀ
  // are the rows of one gemm [N, k] @ aᵀ [k, n], laid out as y [..batch, n, 1].
  if (a_in.dim() == 2 && b_in.dim() > 2 && b_in.shape.back() == 1 && a_in.dtype != Int64 &&
      a_in.dtype == b_in.dtype && a_in.shape[1] == b_in.shape[b_in.dim() - 2]) {
    if (std::optional<TensorData> rows = columns_as_rows(b_in)) {
      TensorData at = a_in.as_strided({a_in.shape[1], a_in.shape[0]}, {a_in.strides[1], a_in.strides[0]}, a_in.offset);
      dispatch_float(a_in.dtype, "matmul", [&](auto tag) { gemm<decltype(tag)>(*rows, at, y.data<decltype(tag)>(), 0); });
      return;
    }
  }
  // View 1-D operands as matrices: a [k] -> [1, k], b [k] -> [k, 1].
  TensorData a = a_in, b = b_in;
  if (a.dim() == 1) a = a.as_strided({1, a.shape[0]}, {0, a.strides[0]}, a.offset);
  if (b.dim() == 1) b = b.as_strided({b.shape[0], 1}, {b.strides[0], 0}, b.offset);
  // [B.., n, k] @ [k, m] with a contiguous: fold the batch into the rows, one gemm.
  if (a.dim() > 2 && b.dim() == 2 && a.is_contiguous()) {
    int64_t rows = a.numel() / a.shape.back();
    a = a.as_strided({rows, a.shape.back()}, {a.shape.back(), 1}, a.offset);
  }
  Shape batch = broadcast_shapes(Shape(a.shape.begin(), a.shape.end() - 2), Shape(b.shape.begin(), b.shape.end() - 2), "matmul");
  int64_t nbatch = numel(batch), n = a.shape[a.dim() - 2], m = b.shape.back();
  int64_t k = a.shape.back();
  dispatch(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    auto item = [&](int64_t i, int threads) {
      gemm<T>(batch_item(a, batch, i), batch_item(b, batch, i), y.data<T>() + i * n * m, threads);
    };
    // Many small products (attention heads, per-sample work): threads over the batch,
    // each product on one thread. Large ones share their threads inside.
    constexpr int64_t grain = int64_t{1} << 21;  // multiply-adds per thread
    if (gemm_path() == GemmPath::fluxion && nbatch > 1 && n * m * k < grain)
      parallel_for(nbatch, std::max<int64_t>(1, grain / std::max<int64_t>(1, n * m * k)), [&](int64_t b0, int64_t b1) {
        for (int64_t i = b0; i < b1; ++i) item(i, 1);
      });
    else
      for (int64_t i = 0; i < nbatch; ++i) item(i, 0);
  });
}

TensorData matmul(const TensorData& a, const TensorData& b) {
  check(a.dtype == b.dtype, "matmul: dtypes ", dtype_name(a.dtype), " and ", dtype_name(b.dtype),
        " differ; convert one with .to(dtype)");
  TensorData y = TensorData::empty(matmul_shape(a.shape, b.shape), a.dtype);
  product(a, b, y);
  return y;
}

void matmul_into(const TensorData& a, const TensorData& b, const TensorData& y) {
  check(a.dtype == b.dtype && y.dtype == a.dtype && y.is_contiguous() && y.shape == matmul_shape(a.shape, b.shape),
        "matmul_into: y (shape ", y.shape, ", ", dtype_name(y.dtype), ") must be contiguous, of the product's shape ",
        "and of the operands' dtype (", a.shape, " and ", b.shape, ", ", dtype_name(a.dtype), " and ",
        dtype_name(b.dtype), ")");
  product(a, b, y);
}

TensorData matmul_naive(const TensorData& a, const TensorData& b) {
  check(a.dim() == 2 && b.dim() == 2 && a.shape[1] == b.shape[0] && a.dtype == b.dtype,
        "matmul_naive: expects [n, k] and [k, m] of one dtype");
  TensorData y = TensorData::empty({a.shape[0], b.shape[1]}, a.dtype);
  dispatch(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < a.shape[0]; ++i)
      for (int64_t j = 0; j < b.shape[1]; ++j) {
        double s = 0;
        for (int64_t p = 0; p < a.shape[1]; ++p)
          s += (double)a.data<T>()[i * a.strides[0] + p * a.strides[1]] * (double)b.data<T>()[p * b.strides[0] + j * b.strides[1]];
        y.data<T>()[i * b.shape[1] + j] = static_cast<T>(s);
      }
  });
  return y;
}

const char* blas_core() { return openblas_get_corename(); }

const char* blas_threading() {
  switch (openblas_get_parallel()) {
    case 0: return "sequential";
    case 1: return "pthread";
    default: return "openmp";
  }
}

}  // namespace fluxion::kernels
