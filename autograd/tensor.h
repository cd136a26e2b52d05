// SPDX-License-Identifier: MIT
// fluxion::Tensor — the handle users hold: a TensorData (tensor/) plus the
// autograd fields. Copying a Tensor aliases it (like a Python reference);
// clone() copies the data.
//
// Every method that computes goes through the op catalogue (autograd/ops/),
// so there is one path from x.sin() to the kernel, and it records the graph.
#pragma once
#include <atomic>
#include <concepts>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <ostream>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "tensor/tensor_data.h"

namespace fluxion {

class Node;
class Tensor;
struct TensorImpl;
struct Batched;  // vmap's batch record (autograd/batched.h)
using Hook = std::function<Tensor(const Tensor&)>;

/// An input slot of a node: gradients for some tensor flow into `node`'s
/// slot `input_nr` (which is the tensor's output_nr in its grad_fn).
struct Edge {
  std::shared_ptr<Node> node;
  uint32_t input_nr = 0;
};

struct BackwardOptions {
  bool retain_graph = false;   // keep saved tensors so backward can run again
  // Record the backward pass itself (double backward): .grad() keeps its
  // graph. The graph holds leaves through their accumulators, not owning
  // them, so unlike PyTorch this closes no reference cycle. For higher
  // derivatives autograd::grad(..., {.create_graph = true}) is still the
  // clearer way in: it returns the gradients and leaves .grad() alone.
  bool create_graph = false;
  std::vector<Tensor> inputs;  // accumulate only into these leaves (empty: all)
};

/// One entry of Tensor::index / index_put_, as in PyTorch's x[...]:
///   an integer (drops the dim), Slice{start, end, step}, None (a new dim of
///   size 1), Ellipsis (as many whole dims as needed), or a tensor: Int64 /
///   Int32 positions (advanced indexing) or a Bool mask over the next dims.
struct Slice {
  std::optional<int64_t> start, end;
  int64_t step = 1;
};
struct NoneIndex {};
struct EllipsisIndex {};
inline constexpr NoneIndex None{};
inline constexpr EllipsisIndex Ellipsis{};
using Index = std::variant<int64_t, Slice, NoneIndex, EllipsisIndex, Tensor>;

/// An integer dim argument (not bool): enables PyTorch's x.sum(1) beside x.sum({0, 1}).
/// A template, so a braced list such as sum({1}) or sum({}) still picks the dims overload.
template <class I>
concept IntegerDim = std::integral<I> && !std::same_as<I, bool>;

class Tensor {
 public:
  Tensor() = default;  // undefined: a "no tensor" value (e.g. no gradient)
  explicit Tensor(TensorData data, bool requires_grad = false);

  // ---- data and metadata -------------------------------------------------
  bool defined() const { return impl_ != nullptr; }
  /// The raw strided array; an error for a tensor batched by vmap, whose
  /// values live in its batch record (autograd/batched.h), not here.
  const TensorData& tensor_data() const;
  // Shape and dtype: under vmap, the logical (per-example) ones.
  DType dtype() const { return meta().dtype; }
  const Shape& shape() const { return meta().shape; }
  const Shape& strides() const { return meta().strides; }
  int64_t dim() const { return meta().dim(); }
  int64_t numel() const { return meta().numel(); }
  int64_t size(int64_t d) const { return meta().size(d); }
  const Shape& sizes() const { return shape(); }  // libtorch's name for shape()
  bool is_contiguous() const { return meta().is_contiguous(); }
  bool is_floating_point() const { return is_floating(dtype()); }
  /// Pointer to the first element; the tensor must be contiguous and of type T.
  template <class T> T* data() const;
  double item() const;
  /// item<int64_t>() of an Int64 tensor is exact (not through double).
  template <class T>
  T item() const {
    if constexpr (std::is_same_v<T, int64_t>)
      return item_int64();
    else
      return static_cast<T>(item());
  }
  int64_t item_int64() const;
  template <class T> std::vector<T> to_vector() const;
  /// The element at a multi-index (negative indices count from the end).
  double at(std::initializer_list<int64_t> index) const;

  // ---- autograd ----------------------------------------------------------
  bool requires_grad() const;
  Tensor& requires_grad_(bool on = true);
  bool is_leaf() const;
  Tensor grad() const;
  void set_grad(const Tensor& g) const;
  void zero_grad() const;  // sets .grad() to undefined (PyTorch's set_to_none)
  const std::shared_ptr<Node>& grad_fn() const;
  uint32_t output_nr() const;
  /// Reverse mode: accumulates d(this)/d(leaf) into every leaf's .grad().
  /// A non-scalar needs `grad`, the vector of the vector-Jacobian product.
  void backward(const Tensor& grad = {}, const BackwardOptions& opts = {}) const;
  /// The same data, cut off from the graph (and from forward-mode tangents).
  [[nodiscard]] Tensor detach() const;
  /// hook(grad) runs when the gradient w.r.t. this tensor is computed; a defined
  /// return value replaces the gradient.
  void register_hook(Hook hook) const;
  /// Keep .grad() for a non-leaf tensor too.
  void retain_grad() const;
  /// The in-place version counter shared by all views of the storage.
  uint64_t version() const;

  // ---- conversion and copies --------------------------------------------
  [[nodiscard]] Tensor to(DType dtype) const;
  [[nodiscard]] Tensor contiguous() const;
  [[nodiscard]] Tensor clone() const;

  // ---- elementwise -------------------------------------------------------
  [[nodiscard]] Tensor neg() const;
  [[nodiscard]] Tensor exp() const;
  [[nodiscard]] Tensor expm1() const;
  [[nodiscard]] Tensor log() const;
  [[nodiscard]] Tensor log1p() const;
  [[nodiscard]] Tensor sqrt() const;
  [[nodiscard]] Tensor rsqrt() const;
  [[nodiscard]] Tensor sin() const;
  [[nodiscard]] Tensor cos() const;
  [[nodiscard]] Tensor tan() const;
  [[nodiscard]] Tensor tanh() const;
  [[nodiscard]] Tensor sigmoid() const;
  [[nodiscard]] Tensor relu() const;
  [[nodiscard]] Tensor softplus(double beta = 1, double threshold = 20) const;
  [[nodiscard]] Tensor erf() const;
  [[nodiscard]] Tensor abs() const;
  [[nodiscard]] Tensor sign() const;
  [[nodiscard]] Tensor square() const;
  [[nodiscard]] Tensor pow(double exponent) const;
  [[nodiscard]] Tensor pow(const Tensor& exponent) const;
  [[nodiscard]] Tensor clamp(std::optional<double> min, std::optional<double> max) const;
  [[nodiscard]] Tensor clamp_min(double min) const { return clamp(min, std::nullopt); }
  [[nodiscard]] Tensor clamp_max(double max) const { return clamp(std::nullopt, max); }
  // tests and logical ops: Bool results (see ops.h)
  [[nodiscard]] Tensor isfinite() const;
  [[nodiscard]] Tensor isnan() const;
  [[nodiscard]] Tensor isinf() const;
  [[nodiscard]] Tensor isposinf() const;
  [[nodiscard]] Tensor isneginf() const;
  [[nodiscard]] Tensor logical_not() const;
  [[nodiscard]] Tensor logical_and(const Tensor& other) const;
  [[nodiscard]] Tensor logical_or(const Tensor& other) const;
  [[nodiscard]] Tensor logical_xor(const Tensor& other) const;
  [[nodiscard]] Tensor add(const Tensor& other) const;
  [[nodiscard]] Tensor sub(const Tensor& other) const;
  [[nodiscard]] Tensor mul(const Tensor& other) const;
  [[nodiscard]] Tensor div(const Tensor& other) const;
  [[nodiscard]] Tensor addcmul(const Tensor& t1, const Tensor& t2, double value = 1) const;
  [[nodiscard]] Tensor maximum(const Tensor& other) const;
  [[nodiscard]] Tensor minimum(const Tensor& other) const;
  [[nodiscard]] Tensor atan2(const Tensor& other) const;
  [[nodiscard]] Tensor hypot(const Tensor& other) const;
  // comparisons: Bool masks (see ops.h)
  [[nodiscard]] Tensor eq(const Tensor& other) const;
  [[nodiscard]] Tensor ne(const Tensor& other) const;
  [[nodiscard]] Tensor lt(const Tensor& other) const;
  [[nodiscard]] Tensor le(const Tensor& other) const;
  [[nodiscard]] Tensor gt(const Tensor& other) const;
  [[nodiscard]] Tensor ge(const Tensor& other) const;

  // ---- reductions (dims empty: all dims) ---------------------------------
  [[nodiscard]] Tensor sum(std::vector<int64_t> dims = {}, bool keepdim = false) const;
  [[nodiscard]] Tensor mean(std::vector<int64_t> dims = {}, bool keepdim = false) const;
  [[nodiscard]] Tensor prod(std::optional<int64_t> dim = {}, bool keepdim = false) const;
  [[nodiscard]] Tensor max() const;  // over everything
  [[nodiscard]] Tensor min() const;
  /// (values, indices) along dim
  [[nodiscard]] std::pair<Tensor, Tensor> max(int64_t dim, bool keepdim = false) const;
  [[nodiscard]] std::pair<Tensor, Tensor> min(int64_t dim, bool keepdim = false) const;
  [[nodiscard]] Tensor amax(std::vector<int64_t> dims = {}, bool keepdim = false) const;
  [[nodiscard]] Tensor amin(std::vector<int64_t> dims = {}, bool keepdim = false) const;
  [[nodiscard]] Tensor argmax(std::optional<int64_t> dim = {}, bool keepdim = false) const;
  [[nodiscard]] Tensor argmin(std::optional<int64_t> dim = {}, bool keepdim = false) const;
  [[nodiscard]] Tensor logsumexp(std::vector<int64_t> dims = {}, bool keepdim = false) const;
  /// p = 1, 2 or INFINITY
  [[nodiscard]] Tensor norm(double p = 2, std::vector<int64_t> dims = {}, bool keepdim = false) const;
  [[nodiscard]] Tensor var(std::vector<int64_t> dims = {}, int64_t correction = 1, bool keepdim = false) const;
  [[nodiscard]] Tensor std(std::vector<int64_t> dims = {}, int64_t correction = 1, bool keepdim = false) const;
  /// Bool: every / some element nonzero over dims (empty: all)
  [[nodiscard]] Tensor all(std::vector<int64_t> dims = {}, bool keepdim = false) const;
  [[nodiscard]] Tensor any(std::vector<int64_t> dims = {}, bool keepdim = false) const;
  [[nodiscard]] Tensor cumsum(int64_t dim) const;
  // one dim as an integer, as PyTorch writes it: x.sum(1), x.mean(-1, true)
  template <IntegerDim I>
  [[nodiscard]] Tensor sum(I dim, bool keepdim = false) const { return sum(dims_of(dim), keepdim); }
  template <IntegerDim I>
  [[nodiscard]] Tensor mean(I dim, bool keepdim = false) const { return mean(dims_of(dim), keepdim); }
  template <IntegerDim I>
  [[nodiscard]] Tensor amax(I dim, bool keepdim = false) const { return amax(dims_of(dim), keepdim); }
  template <IntegerDim I>
  [[nodiscard]] Tensor amin(I dim, bool keepdim = false) const { return amin(dims_of(dim), keepdim); }
  template <IntegerDim I>
  [[nodiscard]] Tensor logsumexp(I dim, bool keepdim = false) const { return logsumexp(dims_of(dim), keepdim); }
  template <IntegerDim I>
  [[nodiscard]] Tensor var(I dim, int64_t correction = 1, bool keepdim = false) const {
    return var(dims_of(dim), correction, keepdim);
  }
  template <IntegerDim I>
  [[nodiscard]] Tensor std(I dim, int64_t correction = 1, bool keepdim = false) const {
    return std(dims_of(dim), correction, keepdim);
  }
  template <IntegerDim I>
  [[nodiscard]] Tensor all(I dim, bool keepdim = false) const { return all(dims_of(dim), keepdim); }
  template <IntegerDim I>
  [[nodiscard]] Tensor any(I dim, bool keepdim = false) const { return any(dims_of(dim), keepdim); }
  /// exp(x) / sum exp(x) along dim, shifted by the max for stability (see ops_math.h)
  [[nodiscard]] Tensor softmax(int64_t dim) const;
  [[nodiscard]] Tensor log_softmax(int64_t dim) const;

  // ---- views (share storage) ----------------------------------------------
  [[nodiscard]] Tensor reshape(Shape shape) const;  // one dim may be -1
  [[nodiscard]] Tensor view(Shape shape) const;     // like reshape, but never copies
  [[nodiscard]] Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  [[nodiscard]] Tensor transpose(int64_t d0, int64_t d1) const;
  [[nodiscard]] Tensor permute(std::vector<int64_t> dims) const;
  [[nodiscard]] Tensor t() const;
  [[nodiscard]] Tensor squeeze(std::optional<int64_t> dim = {}) const;
  [[nodiscard]] Tensor unsqueeze(int64_t dim) const;
  [[nodiscard]] Tensor expand(Shape shape) const;  // -1 keeps a dim
  [[nodiscard]] Tensor expand_as(const Tensor& other) const;
  [[nodiscard]] Tensor slice(int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step = 1) const;
  [[nodiscard]] Tensor select(int64_t dim, int64_t index) const;
  [[nodiscard]] Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  [[nodiscard]] Tensor diagonal(int64_t offset = 0, int64_t d0 = 0, int64_t d1 = 1) const;
  /// x[i] along dim 0 (keeps the graph): x[0], y[j]
  [[nodiscard]] Tensor operator[](int64_t i) const { return select(0, i); }
  /// Python's x[1, 1:-1] as x.index({1, Slice{1, -1}}); dims not indexed are kept whole.
  /// Integers, slices, None and Ellipsis give a view; index tensors give a copy (see ops.h).
  [[nodiscard]] Tensor index(const std::vector<Index>& indices) const;
  /// x[indices] = values (broadcast), or += with accumulate; in place (see "in place" below)
  Tensor& index_put_(const std::vector<Index>& indices, const Tensor& values, bool accumulate = false);
  Tensor& index_put_(const std::vector<Index>& indices, double value);
  [[nodiscard]] Tensor index_put(const std::vector<Index>& indices, const Tensor& values, bool accumulate = false) const;
  /// transpose of the last two dims (batched matrices)
  [[nodiscard]] Tensor mT() const;
  /// the slices along dim, each without it
  [[nodiscard]] std::vector<Tensor> unbind(int64_t dim = 0) const;
  /// pieces of split_size along dim (the last may be smaller)
  [[nodiscard]] std::vector<Tensor> split(int64_t split_size, int64_t dim = 0) const;
  /// `chunks` pieces of equal size along dim (the last may be smaller; fewer if dim is short)
  [[nodiscard]] std::vector<Tensor> chunk(int64_t chunks, int64_t dim = 0) const;

  // ---- indexing and joining ----------------------------------------------
  [[nodiscard]] Tensor index_select(int64_t dim, const Tensor& index) const;
  [[nodiscard]] Tensor gather(int64_t dim, const Tensor& index) const;
  [[nodiscard]] Tensor scatter_add(int64_t dim, const Tensor& index, const Tensor& src) const;
  [[nodiscard]] Tensor masked_select(const Tensor& mask) const;
  [[nodiscard]] Tensor masked_fill(const Tensor& mask, double value) const;
  [[nodiscard]] Tensor masked_fill(const Tensor& mask, const Tensor& value) const;
  Tensor& masked_fill_(const Tensor& mask, double value);
  [[nodiscard]] Tensor masked_scatter(const Tensor& mask, const Tensor& src) const;
  [[nodiscard]] Tensor index_add(int64_t dim, const Tensor& index, const Tensor& src, double alpha = 1) const;
  [[nodiscard]] Tensor index_copy(int64_t dim, const Tensor& index, const Tensor& src) const;
  [[nodiscard]] Tensor index_fill(int64_t dim, const Tensor& index, double value) const;
  [[nodiscard]] Tensor scatter(int64_t dim, const Tensor& index, const Tensor& src) const;
  [[nodiscard]] Tensor scatter(int64_t dim, const Tensor& index, double value) const;
  [[nodiscard]] Tensor scatter(int64_t dim, const Tensor& index, const Tensor& src, const std::string& reduce) const;
  [[nodiscard]] Tensor scatter_reduce(int64_t dim, const Tensor& index, const Tensor& src, const std::string& reduce,
                                      bool include_self = true) const;
  [[nodiscard]] Tensor take(const Tensor& index) const;
  [[nodiscard]] Tensor take_along_dim(const Tensor& indices, std::optional<int64_t> dim = {}) const;
  [[nodiscard]] Tensor nonzero() const;
  [[nodiscard]] Tensor argwhere() const;
  [[nodiscard]] Tensor flip(std::vector<int64_t> dims) const;
  [[nodiscard]] Tensor roll(int64_t shifts, int64_t dim) const;

  // ---- linear algebra ----------------------------------------------------
  [[nodiscard]] Tensor matmul(const Tensor& other) const;
  [[nodiscard]] Tensor dot(const Tensor& other) const;
  [[nodiscard]] Tensor outer(const Tensor& other) const;

  // ---- in place (each bumps the version) ---------------------------------
  // On a tensor that autograd tracks (a non-leaf) the op is recorded and the
  // tensor's history rewritten, as PyTorch does; on a leaf that requires grad
  // it is an error outside a NoGradGuard.
  Tensor& add_(const Tensor& other, double alpha = 1);
  Tensor& mul_(const Tensor& other);
  Tensor& mul_(double value);
  Tensor& copy_(const Tensor& src);
  Tensor& fill_(double value);
  Tensor& zero_();

  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

 private:
  const TensorData& meta() const;  // impl_->data, without tensor_data()'s vmap check
  template <IntegerDim I>
  static std::vector<int64_t> dims_of(I dim) {
    return {static_cast<int64_t>(dim)};
  }
  std::shared_ptr<TensorImpl> impl_;
};

/// What a Tensor handle points to. Users never touch it; the engine does.
struct TensorImpl {
  // For a tensor batched by vmap, `data` describes one example (shape,
  // strides and dtype with the batch dim removed) and `batched` holds the
  // whole batch; apply() runs ops on that (see autograd/batched.h).
  TensorData data;
  std::shared_ptr<const Batched> batched;
  bool requires_grad = false;            // set by the user on leaves
  std::shared_ptr<Node> grad_fn;         // the node that made it (null for leaves)
  uint32_t output_nr = 0;                // which output of grad_fn it is
  Tensor grad;                           // accumulated gradient (leaves, retain_grad)
  // Leaves: the node that adds into `grad`, made on first use and kept for the
  // leaf's life (it refers back to the leaf weakly). Written once, under a
  // lock, before has_accumulator is set; read without a lock once it is.
  std::shared_ptr<Node> grad_accumulator;
  std::atomic<bool> has_accumulator{false};
  std::vector<std::pair<uint64_t, Tensor>> tangents;  // forward-mode level -> tangent
  std::vector<Hook> hooks;                             // leaf hooks, run before accumulation
  bool retains_grad = false;
  // A view (an op's output that shares its input's memory: slice, select,
  // transpose, reshape ...) keeps the tensor that owns that memory, never
  // itself a view, and the memory's version when its grad_fn and tangents
  // were last set. An in-place op on a view rewrites the base's history
  // (CopySlices); after any write to the memory a view's history is
  // regenerated from its base (refresh_view, autograd/ops/inplace.cpp).
  Tensor view_base;
  std::atomic<uint64_t> view_version{0};
  ~TensorImpl();
};

std::ostream& operator<<(std::ostream& os, const Tensor& t);

/// A new impl holding t's values (its data, or its batch record) and
/// nothing of its autograd fields: the start of every internal re-handle.
std::shared_ptr<TensorImpl> same_values(const Tensor& t);

}  // namespace fluxion
