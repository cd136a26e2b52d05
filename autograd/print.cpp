// SPDX-License-Identifier: MIT
// operator<< for tensors, NumPy/PyTorch-like:
//   tensor([[ 1.0000, -2.5000],
//           [ 3.0000,  4.0000]], shape=[2, 2], dtype=float32, grad_fn=<MulBackward>)
// - one format for all elements, columns right-aligned to the widest;
// - whole numbers print as "3.", values spanning more than 3 orders of magnitude
//   (or beyond 1e8 / below 1e-4) in scientific notation "1.0000e-05";
// - above 1000 elements, each dim shows its first and last 3 entries around "...";
// - rows wrap at 80 columns.
#include <cmath>
#include <iomanip>
#include <sstream>

#include "autograd/node.h"

namespace fluxion {

namespace {

constexpr int64_t kThreshold = 1000;  // summarise above this many elements
constexpr int64_t kEdge = 3;          // entries shown at each end of a summarised dim
constexpr int kLineWidth = 80;

enum class Style { boolean, integer, whole, fixed, scientific };

std::string format(double v, Style style) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::ostringstream os;
  switch (style) {
    case Style::boolean: os << (v != 0 ? "true" : "false"); break;
    case Style::integer: os << (int64_t)v; break;
    case Style::whole: os << std::fixed << std::setprecision(0) << v << "."; break;
    case Style::fixed: os << std::fixed << std::setprecision(4) << v; break;
    case Style::scientific: os << std::scientific << std::setprecision(4) << v; break;
  }
  return os.str();
}

// The indices shown along a dim of size n; -1 stands for "...".
std::vector<int64_t> shown(int64_t n, bool summarise) {
  std::vector<int64_t> idx;
  if (summarise && n > 2 * kEdge) {
    for (int64_t i = 0; i < kEdge; ++i) idx.push_back(i);
    idx.push_back(-1);
    for (int64_t i = n - kEdge; i < n; ++i) idx.push_back(i);
  } else {
    for (int64_t i = 0; i < n; ++i) idx.push_back(i);
  }
  return idx;
}

struct Printer {
  const std::vector<double>& values;  // row-major
  Shape shape, strides;
  bool summarise;
  Style style = Style::fixed;
  size_t width = 0;

  // Visits every shown element.
  template <class F>
  void each(size_t dim, int64_t offset, F&& f) const {
    if (dim == shape.size()) return f(values[offset]);
    for (int64_t i : shown(shape[dim], summarise))
      if (i >= 0) each(dim + 1, offset + i * strides[dim], f);
  }

  // PyTorch's choice of one style for all shown elements.
  void choose(DType dtype) {
    double lo = INFINITY, hi = 0;
    bool all_whole = true;
    each(0, 0, [&](double v) {
      if (!std::isfinite(v)) return;
      all_whole = all_whole && v == std::floor(v);
      if (v != 0) lo = std::min(lo, std::abs(v)), hi = std::max(hi, std::abs(v));
    });
    if (dtype == Bool) style = Style::boolean;
    else if (is_integral(dtype)) style = Style::integer;
    else if (all_whole && hi < 1e8) style = Style::whole;
    else if (hi > 0 && (hi / lo > 1000 || hi > 1e8 || lo < 1e-4)) style = Style::scientific;
    else style = Style::fixed;
    each(0, 0, [&](double v) { width = std::max(width, format(v, style).size()); });
  }

  void print(std::ostream& os, size_t dim, int64_t offset, size_t indent) const {
    if (dim == shape.size()) {
      std::string s = format(values[offset], style);
      os << std::string(width - s.size(), ' ') << s;
      return;
    }
    os << "[";
    std::vector<int64_t> idx = shown(shape[dim], summarise);
    bool last_dim = dim + 1 == shape.size();
    size_t per_line = std::max<size_t>(1, (kLineWidth - indent - 1) / (width + 2));
    for (size_t k = 0; k < idx.size(); ++k) {
      if (k) {
        os << ",";
        if (!last_dim) os << std::string(shape.size() - dim - 1, '\n') << std::string(indent + 1, ' ');
        else if (k % per_line == 0) os << "\n" << std::string(indent + 1, ' ');
        else os << " ";
      }
      if (idx[k] < 0) os << (last_dim ? std::string(width > 3 ? width - 3 : 0, ' ') + "..." : "...");
      else print(os, dim + 1, offset + idx[k] * strides[dim], indent + 1);
    }
    os << "]";
  }
};

}  // namespace

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  if (!t.defined()) return os << "tensor(undefined)";
  std::vector<double> values = t.to_vector<double>();
  Printer p{values, t.shape(), contiguous_strides(t.shape()), t.numel() > kThreshold};
  p.choose(t.dtype());
  std::ostringstream body;  // built apart, so the caller's stream flags do not leak in
  body << "tensor(";
  if (t.numel() == 0) body << "[]";
  else p.print(body, 0, 0, 7);  // "tensor(" puts the first "[" at column 7
  body << ", shape=" << t.shape() << ", dtype=" << dtype_name(t.dtype());
  if (t.grad_fn()) body << ", grad_fn=<" << t.grad_fn()->name() << ">";
  else if (t.requires_grad()) body << ", requires_grad=true";
  return os << body.str() << ")";
}

}  // namespace fluxion
