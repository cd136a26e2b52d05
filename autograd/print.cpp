// SPDX-License-Identifier: MIT
// operator<< for tensors, NumPy-like:
//   tensor([[1.0000, 2.0000],
//           [3.0000, 4.0000]], shape=[2, 2], dtype=float32, grad_fn=<MulBackward>)
#include <iomanip>

#include "autograd/node.h"
#include "tensor/kernels/copy.h"

namespace fluxion {

static void print_block(std::ostream& os, const std::vector<double>& v, const Shape& shape, size_t dim,
                        int64_t& pos, int indent, bool integer) {
  if (dim == shape.size()) {
    if (integer) os << (int64_t)v[pos++];
    else os << std::setw(0) << v[pos++];
    return;
  }
  os << "[";
  for (int64_t i = 0; i < shape[dim]; ++i) {
    if (i) {
      os << ",";
      if (dim + 1 < shape.size()) os << "\n" << std::string(indent + dim + 1, ' ');
      else os << " ";
    }
    print_block(os, v, shape, dim + 1, pos, indent, integer);
  }
  os << "]";
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  if (!t.defined()) return os << "tensor(undefined)";
  std::vector<double> v = t.to_vector<double>();
  std::ios old(nullptr);
  old.copyfmt(os);
  os << "tensor(" << std::fixed << std::setprecision(4);
  int64_t pos = 0;
  print_block(os, v, t.shape(), 0, pos, 7, t.dtype() == Int64);
  os.copyfmt(old);
  os << ", shape=" << to_string(t.shape()) << ", dtype=" << dtype_name(t.dtype());
  if (t.grad_fn()) os << ", grad_fn=<" << t.grad_fn()->name() << ">";
  else if (t.requires_grad()) os << ", requires_grad=true";
  return os << ")";
}

}  // namespace fluxion
