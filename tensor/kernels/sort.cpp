// SPDX-License-Identifier: MIT
// The order kernels of sort.h: std::stable_sort on row positions (O(n log n)),
// rows in parallel, then simple scans.
#include "tensor/kernels/sort.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

// NaN above every number: a < b in that order.
template <class T>
static bool less(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(b)) return !std::isnan(a);
    if (std::isnan(a)) return false;
  }
  return a < b;
}

template <class T>
static bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>)
    return std::isnan(v);
  else
    return false;
}

// Runs row(values, n, out) over the rows of x's last dim, x made contiguous.
template <class Row>
static void for_rows(const TensorData& x, Row row) {
  TensorData c = contiguous(x);
  int64_t n = x.shape.empty() ? 1 : x.shape.back(), rows = n ? c.numel() / n : 0;
  dispatch(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* p = c.data<T>();
    parallel_for(rows, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(n, 1)), [&](int64_t b, int64_t e) {
      std::vector<int64_t> order;
      for (int64_t r = b; r < e; ++r) row(p + r * n, n, r, order);
    });
  });
}

static Shape without_last(const Shape& s) { return s.empty() ? s : Shape(s.begin(), s.end() - 1); }

TensorData sort_indices(const TensorData& x, bool descending) {
  TensorData y = TensorData::empty(x.shape, Int64);
  int64_t* out = y.data<int64_t>();
  for_rows(x, [&](const auto* v, int64_t n, int64_t r, std::vector<int64_t>& order) {
    order.resize(n);
    std::iota(order.begin(), order.end(), int64_t{0});
    if (descending)
      std::stable_sort(order.begin(), order.end(), [v](int64_t a, int64_t b) { return less(v[b], v[a]); });
    else
      std::stable_sort(order.begin(), order.end(), [v](int64_t a, int64_t b) { return less(v[a], v[b]); });
    std::copy(order.begin(), order.end(), out + r * n);
  });
  return y;
}

TensorData cumextreme_indices(const TensorData& x, bool max) {
  TensorData y = TensorData::empty(x.shape, Int64);
  int64_t* out = y.data<int64_t>();
  for_rows(x, [&](const auto* v, int64_t n, int64_t r, std::vector<int64_t>&) {
    int64_t best = 0;
    for (int64_t i = 0; i < n; ++i) {
      bool take = max ? v[i] >= v[best] : v[i] <= v[best];
      if (i == 0 || is_nan(v[i]) || (take && !is_nan(v[best]))) best = i;
      out[r * n + i] = best;
    }
  });
  return y;
}

TensorData median_indices(const TensorData& x, bool ignore_nan) {
  TensorData y = TensorData::empty(without_last(x.shape), Int64);
  int64_t* out = y.data<int64_t>();
  check(x.shape.empty() || x.shape.back() > 0, ignore_nan ? "nanmedian" : "median", ": the dim of shape ", x.shape,
        " is empty; there is no median");
  for_rows(x, [&](const auto* v, int64_t n, int64_t r, std::vector<int64_t>& order) {
    order.resize(n);
    std::iota(order.begin(), order.end(), int64_t{0});
    std::stable_sort(order.begin(), order.end(), [v](int64_t a, int64_t b) { return less(v[a], v[b]); });
    int64_t numbers = n;  // NaNs sort last
    while (numbers > 0 && is_nan(v[order[numbers - 1]])) --numbers;
    if (numbers < n && (!ignore_nan || numbers == 0))
      out[r] = order[numbers];  // the first NaN
    else
      out[r] = order[(numbers - 1) / 2];
  });
  return y;
}

TensorData mode_indices(const TensorData& x) {
  TensorData y = TensorData::empty(without_last(x.shape), Int64);
  int64_t* out = y.data<int64_t>();
  check(x.shape.empty() || x.shape.back() > 0, "mode: the dim of shape ", x.shape, " is empty; there is no mode");
  for_rows(x, [&](const auto* v, int64_t n, int64_t r, std::vector<int64_t>& order) {
    order.resize(n);
    std::iota(order.begin(), order.end(), int64_t{0});
    std::stable_sort(order.begin(), order.end(), [v](int64_t a, int64_t b) { return less(v[a], v[b]); });
    int64_t best = order[0], best_count = 0;
    for (int64_t i = 0; i < n;) {  // runs of equal values, in increasing order
      int64_t j = i;
      while (j < n && !less(v[order[i]], v[order[j]])) ++j;
      if (j - i > best_count) best_count = j - i, best = order[j - 1];  // stable: the run's last is the last occurrence
      i = j;
    }
    out[r] = best;
  });
  return y;
}

std::array<TensorData, 3> unique(const TensorData& x) {
  TensorData flat = contiguous(x);
  int64_t n = x.numel();
  TensorData order = sort_indices(flat.as_strided({n}, {1}, flat.offset), false);
  const int64_t* o = order.data<int64_t>();
  TensorData inverse = TensorData::empty(x.shape, Int64);
  int64_t* inv = inverse.data<int64_t>();
  std::vector<int64_t> firsts, counts;
  dispatch(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* v = flat.data<T>();
    for (int64_t i = 0; i < n; ++i) {
      // a new value unless equal to the last (NaNs are all distinct, as in PyTorch)
      if (i == 0 || v[o[i]] != v[o[i - 1]]) firsts.push_back(o[i]), counts.push_back(0);
      ++counts.back();
      inv[o[i]] = (int64_t)firsts.size() - 1;
    }
  });
  auto k = (int64_t)firsts.size();
  TensorData values = TensorData::empty({k}, x.dtype), count = TensorData::empty({k}, Int64);
  dispatch(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < k; ++i) values.data<T>()[i] = flat.data<T>()[firsts[i]];
  });
  std::copy(counts.begin(), counts.end(), count.data<int64_t>());
  return {values, inverse, count};
}

std::array<TensorData, 3> unique_rows(const TensorData& x) {
  TensorData c = contiguous(x);
  int64_t n = x.shape[0], r = x.shape[1];
  std::vector<int64_t> order((size_t)n), firsts, counts;
  std::iota(order.begin(), order.end(), int64_t{0});
  TensorData inverse = TensorData::empty({n}, Int64);
  dispatch(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* v = c.data<T>();
    auto row_less = [&](int64_t a, int64_t b) {
      return std::lexicographical_compare(v + a * r, v + (a + 1) * r, v + b * r, v + (b + 1) * r, less<T>);
    };
    auto row_equal = [&](int64_t a, int64_t b) { return std::equal(v + a * r, v + (a + 1) * r, v + b * r); };
    std::stable_sort(order.begin(), order.end(), row_less);  // O(n log n) row comparisons
    for (int64_t i = 0; i < n; ++i) {
      int64_t o = order[(size_t)i];
      if (i == 0 || !row_equal(o, order[(size_t)i - 1])) firsts.push_back(o), counts.push_back(0);
      ++counts.back();
      inverse.data<int64_t>()[o] = (int64_t)firsts.size() - 1;
    }
  });
  auto k = (int64_t)firsts.size();
  TensorData first = TensorData::empty({k}, Int64), count = TensorData::empty({k}, Int64);
  std::copy(firsts.begin(), firsts.end(), first.data<int64_t>());
  std::copy(counts.begin(), counts.end(), count.data<int64_t>());
  return {first, inverse, count};
}

TensorData searchsorted(const TensorData& sorted, const TensorData& values, bool right) {
  check(sorted.dtype == values.dtype, "searchsorted: dtypes ", dtype_name(sorted.dtype), " and ",
        dtype_name(values.dtype), " differ; convert one with .to(dtype)");
  check(sorted.shape.size() >= 1, "searchsorted: the sorted sequence must have at least 1 dim, got shape ",
        sorted.shape);
  bool one = sorted.shape.size() == 1;
  check(one || (values.shape.size() == sorted.shape.size() &&
                std::equal(sorted.shape.begin(), sorted.shape.end() - 1, values.shape.begin())),
        "searchsorted: sorted sequence of shape ", sorted.shape, " and values of shape ", values.shape,
        " need the same leading dims (or a 1-d sequence)");
  TensorData s = contiguous(sorted), v = contiguous(values);
  TensorData y = TensorData::empty(values.shape, Int64);
  int64_t n = sorted.shape.back(), m = values.shape.empty() ? 1 : values.shape.back(), total = values.numel();
  int64_t* out = y.data<int64_t>();
  dispatch(sorted.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *ps = s.data<T>(), *pv = v.data<T>();
    parallel_for(total, kParallelGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const T* row = ps + (one ? 0 : (i / m) * n);
        T value = pv[i];
        const T* at =
            right ? std::upper_bound(row, row + n, value, less<T>) : std::lower_bound(row, row + n, value, less<T>);
        out[i] = at - row;
      }
    });
  });
  return y;
}

}  // namespace fluxion::kernels
