// SPDX-License-Identifier: MIT
// The public op catalogue as free functions (the Tensor methods forward here).
// Each differentiable op is defined once, in autograd/ops/<family>.cpp, with
// its forward, VJP and JVP side by side; composites are built from them.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autograd/linalg.h"
#include "autograd/tensor.h"

namespace fluxion {

// ---- creation (creation.cpp) -------------------------------------------------
/// A 0-d tensor.
[[nodiscard]] Tensor scalar(double value, std::optional<DType> dtype = {});
[[nodiscard]] Tensor tensor(std::initializer_list<double> values, std::optional<DType> dtype = {});
[[nodiscard]] Tensor tensor(std::initializer_list<std::initializer_list<double>> values, std::optional<DType> dtype = {});
[[nodiscard]] Tensor tensor(std::initializer_list<std::initializer_list<std::initializer_list<double>>> values,
                            std::optional<DType> dtype = {});
[[nodiscard]] Tensor tensor(const std::vector<double>& values, const Shape& shape, std::optional<DType> dtype = {});
[[nodiscard]] Tensor tensor(const std::vector<float>& values, const Shape& shape);
[[nodiscard]] Tensor tensor(const std::vector<int64_t>& values, const Shape& shape);
[[nodiscard]] Tensor zeros(const Shape& shape, std::optional<DType> dtype = {});
[[nodiscard]] Tensor ones(const Shape& shape, std::optional<DType> dtype = {});
[[nodiscard]] Tensor full(const Shape& shape, double value, std::optional<DType> dtype = {});
[[nodiscard]] Tensor empty(const Shape& shape, std::optional<DType> dtype = {});
[[nodiscard]] Tensor zeros_like(const Tensor& t, std::optional<DType> dtype = {});
[[nodiscard]] Tensor ones_like(const Tensor& t, std::optional<DType> dtype = {});
[[nodiscard]] Tensor full_like(const Tensor& t, double value, std::optional<DType> dtype = {});
[[nodiscard]] Tensor rand_like(const Tensor& t);
[[nodiscard]] Tensor randn_like(const Tensor& t);
[[nodiscard]] Tensor arange(double end, std::optional<DType> dtype = {});
[[nodiscard]] Tensor arange(double start, double end, double step = 1, std::optional<DType> dtype = {});
/// n points from start to end, both included; the midpoint of an odd count is exact.
[[nodiscard]] Tensor linspace(double start, double end, int64_t steps, std::optional<DType> dtype = {});
[[nodiscard]] Tensor logspace(double start, double end, int64_t steps, double base = 10, std::optional<DType> dtype = {});
[[nodiscard]] Tensor eye(int64_t n, std::optional<int64_t> m = {}, std::optional<DType> dtype = {});
enum class Indexing { xy, ij };
/// Coordinate grids; xy (NumPy's default, torch's "xy") gives shape [len(y), len(x)].
[[nodiscard]] std::vector<Tensor> meshgrid(const std::vector<Tensor>& xs, Indexing indexing = Indexing::ij);

// ---- random numbers (random.cpp) ----------------------------------------------
void manual_seed(uint64_t seed);
[[nodiscard]] Tensor rand(const Shape& shape, std::optional<DType> dtype = {});   // U[0, 1)
[[nodiscard]] Tensor randn(const Shape& shape, std::optional<DType> dtype = {});  // N(0, 1)
[[nodiscard]] Tensor randint(int64_t low, int64_t high, const Shape& shape);       // [low, high), int64
[[nodiscard]] Tensor uniform(const Shape& shape, double low, double high, std::optional<DType> dtype = {});
[[nodiscard]] Tensor normal(const Shape& shape, double mean, double stddev, std::optional<DType> dtype = {});
[[nodiscard]] Tensor randperm(int64_t n);

// ---- elementwise (unary.cpp, binary.cpp, activation.cpp) ----------------------
[[nodiscard]] Tensor add(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor sub(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor mul(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor div(const Tensor& a, const Tensor& b);
/// input + value * t1 * t2 in one op and one pass (torch.addcmul); all three broadcast
[[nodiscard]] Tensor addcmul(const Tensor& input, const Tensor& t1, const Tensor& t2, double value = 1);
[[nodiscard]] Tensor neg(const Tensor& x);
[[nodiscard]] Tensor pow(const Tensor& x, double exponent);
[[nodiscard]] Tensor pow(const Tensor& x, const Tensor& exponent);
[[nodiscard]] Tensor pow(double base, const Tensor& exponent);
/// ties give each input half the gradient (as PyTorch); NaN in either input gives NaN
[[nodiscard]] Tensor maximum(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor minimum(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor atan2(const Tensor& y, const Tensor& x);
[[nodiscard]] Tensor hypot(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor exp(const Tensor& x);
[[nodiscard]] Tensor expm1(const Tensor& x);
[[nodiscard]] Tensor log(const Tensor& x);
[[nodiscard]] Tensor log1p(const Tensor& x);
[[nodiscard]] Tensor sqrt(const Tensor& x);
[[nodiscard]] Tensor rsqrt(const Tensor& x);
[[nodiscard]] Tensor sin(const Tensor& x);
[[nodiscard]] Tensor cos(const Tensor& x);
[[nodiscard]] Tensor tan(const Tensor& x);
[[nodiscard]] Tensor tanh(const Tensor& x);
[[nodiscard]] Tensor sigmoid(const Tensor& x);
/// max(x, 0); its gradient at 0 is 0, as in PyTorch
[[nodiscard]] Tensor relu(const Tensor& x);
/// log(1 + e^{beta x}) / beta, computed stably; x itself where beta x > threshold
[[nodiscard]] Tensor softplus(const Tensor& x, double beta = 1, double threshold = 20);
[[nodiscard]] Tensor erf(const Tensor& x);
[[nodiscard]] Tensor abs(const Tensor& x);
[[nodiscard]] Tensor sign(const Tensor& x);
[[nodiscard]] Tensor square(const Tensor& x);
/// min(max(x, min), max); std::nullopt leaves that side open. The gradient passes where min <= x <= max.
[[nodiscard]] Tensor clamp(const Tensor& x, std::optional<double> min, std::optional<double> max);
// Comparisons and tests give Bool tensors (as in PyTorch); the operands are
// promoted to a common dtype first. Not differentiable. A Bool tensor enters
// arithmetic by promotion (loss * (x > 0.0) is float) and sums to Int64.
[[nodiscard]] Tensor isfinite(const Tensor& x);
[[nodiscard]] Tensor isnan(const Tensor& x);
[[nodiscard]] Tensor isinf(const Tensor& x);
[[nodiscard]] Tensor isposinf(const Tensor& x);
[[nodiscard]] Tensor isneginf(const Tensor& x);
/// Bool results; inputs of any dtype (nonzero is true), broadcast together.
[[nodiscard]] Tensor logical_not(const Tensor& x);
[[nodiscard]] Tensor logical_and(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor logical_or(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor logical_xor(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor eq(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor ne(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor lt(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor le(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor gt(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor ge(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor eq(const Tensor& a, double b);
[[nodiscard]] Tensor ne(const Tensor& a, double b);
[[nodiscard]] Tensor lt(const Tensor& a, double b);
[[nodiscard]] Tensor le(const Tensor& a, double b);
[[nodiscard]] Tensor gt(const Tensor& a, double b);
[[nodiscard]] Tensor ge(const Tensor& a, double b);
/// cond ? a : b elementwise, the three broadcast together (cond: Bool, or any
/// dtype with nonzero = true). Differentiable in a and b; cond is a constant.
[[nodiscard]] Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor where(const Tensor& cond, const Tensor& a, double b);
[[nodiscard]] Tensor where(const Tensor& cond, double a, const Tensor& b);

// ---- reductions (reduce.cpp) ---------------------------------------------------
[[nodiscard]] Tensor sum(const Tensor& x, std::vector<int64_t> dims = {}, bool keepdim = false);
/// Sums a broadcast tensor back down to `shape` (the reverse of expand).
[[nodiscard]] Tensor sum_to(const Tensor& x, const Shape& shape);
[[nodiscard]] Tensor mean(const Tensor& x, std::vector<int64_t> dims = {}, bool keepdim = false);
/// Product over one dim (or all); the gradient is exact where inputs are zero.
[[nodiscard]] Tensor prod(const Tensor& x, std::optional<int64_t> dim = {}, bool keepdim = false);
/// Largest / smallest value over dims; ties share the gradient evenly (PyTorch's amax).
[[nodiscard]] Tensor amax(const Tensor& x, std::vector<int64_t> dims = {}, bool keepdim = false);
[[nodiscard]] Tensor amin(const Tensor& x, std::vector<int64_t> dims = {}, bool keepdim = false);
/// Over all elements, as amax / amin.
[[nodiscard]] Tensor max(const Tensor& x);
[[nodiscard]] Tensor min(const Tensor& x);
/// (values, int64 indices) along dim; the gradient goes to the returned index.
[[nodiscard]] std::pair<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim = false);
[[nodiscard]] std::pair<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim = false);
/// int64 index of the first max / min along dim (of the flattened tensor when no dim).
[[nodiscard]] Tensor argmax(const Tensor& x, std::optional<int64_t> dim = {}, bool keepdim = false);
[[nodiscard]] Tensor argmin(const Tensor& x, std::optional<int64_t> dim = {}, bool keepdim = false);
/// log(sum(exp(x))) over dims, without overflow.
[[nodiscard]] Tensor logsumexp(const Tensor& x, std::vector<int64_t> dims = {}, bool keepdim = false);
/// Vector p-norm over dims: p = 1, 2, INFINITY, -INFINITY or any p > 0. Gradient 0 at 0.
[[nodiscard]] Tensor norm(const Tensor& x, double p = 2, std::vector<int64_t> dims = {}, bool keepdim = false);
/// sum((x - mean)^2) / (N - correction) over dims (correction 1: the unbiased estimate).
[[nodiscard]] Tensor var(const Tensor& x, std::vector<int64_t> dims = {}, int64_t correction = 1, bool keepdim = false);
[[nodiscard]] Tensor std(const Tensor& x, std::vector<int64_t> dims = {}, int64_t correction = 1, bool keepdim = false);
/// Bool: every element / some element nonzero over dims (empty: all). Not differentiable.
[[nodiscard]] Tensor all(const Tensor& x, std::vector<int64_t> dims = {}, bool keepdim = false);
[[nodiscard]] Tensor any(const Tensor& x, std::vector<int64_t> dims = {}, bool keepdim = false);
/// Running sum along dim.
[[nodiscard]] Tensor cumsum(const Tensor& x, int64_t dim);

// ---- numerics helpers (numerics.cpp) -------------------------------------------
/// Integral of y along dim by the trapezoidal rule at sample points x (1-d of
/// length y.size(dim), or y's number of dims and broadcastable). Differentiable in y and x.
[[nodiscard]] Tensor trapezoid(const Tensor& y, const Tensor& x, int64_t dim = -1);
/// ... with uniform spacing dx.
[[nodiscard]] Tensor trapezoid(const Tensor& y, double dx = 1, int64_t dim = -1);
/// n-th forward difference along dim: x[i + 1] - x[i], applied n times.
[[nodiscard]] Tensor diff(const Tensor& x, int64_t n = 1, int64_t dim = -1);
struct GradientOptions {
  double spacing = 1;                   // uniform sample spacing (when no coordinates)
  std::vector<Tensor> coordinates = {};  // or the sample points, one 1-d tensor per dim
  std::vector<int64_t> dims = {};        // the dims to differentiate along (empty: all)
};
/// Like np.gradient: df/dx along each dim, by central differences inside
/// (second order, also for uneven coordinates) and one-sided first-order
/// differences at the two ends. One tensor per dim, each of f's shape.
[[nodiscard]] std::vector<Tensor> gradient(const Tensor& f, const GradientOptions& opts = {});

// ---- views and shape (shape.cpp) ----------------------------------------------
[[nodiscard]] Tensor reshape(const Tensor& x, Shape shape);
[[nodiscard]] Tensor expand(const Tensor& x, Shape shape);
[[nodiscard]] Tensor broadcast_to(const Tensor& x, const Shape& shape);
[[nodiscard]] Tensor transpose(const Tensor& x, int64_t d0, int64_t d1);
[[nodiscard]] Tensor permute(const Tensor& x, std::vector<int64_t> dims);
[[nodiscard]] Tensor squeeze(const Tensor& x, std::optional<int64_t> dim = {});
[[nodiscard]] Tensor unsqueeze(const Tensor& x, int64_t dim);
[[nodiscard]] Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
// slicing views (views.cpp); they share storage, so writing into one writes into x
/// x[start:end:step] along dim, bounds as in Python (negative from the end, clamped; none = the end); step > 0
[[nodiscard]] Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end,
                           int64_t step = 1);
/// x[index] along dim, which disappears; a negative index counts from the end
[[nodiscard]] Tensor select(const Tensor& x, int64_t dim, int64_t index);
/// x[start:start+length] along dim; out of range is an error (no clamping)
[[nodiscard]] Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
/// the (offset-)diagonal of the d0-d1 planes, as a new last dim
[[nodiscard]] Tensor diagonal(const Tensor& x, int64_t offset = 0, int64_t d0 = 0, int64_t d1 = 1);
[[nodiscard]] std::vector<Tensor> unbind(const Tensor& x, int64_t dim = 0);
[[nodiscard]] std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim = 0);
[[nodiscard]] std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);

// ---- indexing and joining (index.cpp, join.cpp) -------------------------------
// index tensors are int64; an index out of range is an error
/// the entries index[k] of dim (index: 1-d); y.shape[dim] = index.numel()
[[nodiscard]] Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
/// y[i][j] = x[index[i][j]][j] for dim 0 (and likewise for other dims); y has index's shape
[[nodiscard]] Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
/// a copy of x with y[index[i][j]][j] += src[i][j] for dim 0 (and likewise); x and src same dtype
[[nodiscard]] Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
/// the elements of x where mask (broadcast with x) is nonzero, as a 1-d tensor
[[nodiscard]] Tensor masked_select(const Tensor& x, const Tensor& mask);
// PyTorch's x[...] = v and its relatives (advanced_index.cpp, index_put.cpp,
// scatter.cpp). Index tensors are Int64 or Int32, negative entries count from
// the end; masks are Bool. All differentiable in x and in the values written;
// where one position is written several times, accumulating ops add up and
// their gradients reach every source.
/// x[indices] = values (values broadcast to the indexed shape); accumulate: +=
[[nodiscard]] Tensor index_put(const Tensor& x, const std::vector<Index>& indices, const Tensor& values,
                               bool accumulate = false);
/// where(mask, value, x), mask broadcast to x's shape
[[nodiscard]] Tensor masked_fill(const Tensor& x, const Tensor& mask, double value);
[[nodiscard]] Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value);
/// the positions where mask is true take src's elements in row-major order
[[nodiscard]] Tensor masked_scatter(const Tensor& x, const Tensor& mask, const Tensor& src);
/// y = x; y.select(dim, index[k]) += alpha * src.select(dim, k)
[[nodiscard]] Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src, double alpha = 1);
/// y = x; y.select(dim, index[k]) = src.select(dim, k)
[[nodiscard]] Tensor index_copy(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
/// y = x; y.select(dim, index[k]) = value
[[nodiscard]] Tensor index_fill(const Tensor& x, int64_t dim, const Tensor& index, double value);
/// y = x; y[i][j] with i replaced by index[i][j] (dim 0; likewise others) = src[i][j]
[[nodiscard]] Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
[[nodiscard]] Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, double value);
/// reduce "add" or "multiply": += / *= instead of = (torch.scatter's reduce)
[[nodiscard]] Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src,
                             const std::string& reduce);
/// reduce "sum", "prod", "mean", "amax" or "amin" over x (unless !include_self) and the src
/// values scattered to each position (torch.scatter_reduce)
[[nodiscard]] Tensor scatter_reduce(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src,
                                    const std::string& reduce, bool include_self = true);
/// x.flatten()[index], in index's shape
[[nodiscard]] Tensor take(const Tensor& x, const Tensor& index);
/// gather with index broadcast against x (no dim: over the flattened x)
[[nodiscard]] Tensor take_along_dim(const Tensor& x, const Tensor& indices, std::optional<int64_t> dim = {});
/// Int64 [n, x.dim()]: the coordinates of the n nonzero elements in row-major order (argwhere: the same)
[[nodiscard]] Tensor nonzero(const Tensor& x);
[[nodiscard]] Tensor argwhere(const Tensor& x);
/// reverses the order of elements along each of dims (a copy, as in PyTorch)
[[nodiscard]] Tensor flip(const Tensor& x, std::vector<int64_t> dims);
/// shifts elements along dim by `shifts`, wrapping around: y[(i + shifts) % n] = x[i]
[[nodiscard]] Tensor roll(const Tensor& x, int64_t shifts, int64_t dim);
/// joins along an existing dim (cat) or a new one (stack); dims may be negative
[[nodiscard]] Tensor cat(const std::vector<Tensor>& xs, int64_t dim = 0);
[[nodiscard]] Tensor stack(const std::vector<Tensor>& xs, int64_t dim = 0);
/// constant padding; pads = {left, right} for the last dim, then {left, right} for the one before ...
/// (a negative pad crops)
[[nodiscard]] Tensor pad(const Tensor& x, const std::vector<int64_t>& pads, double value = 0);

// ---- linear algebra (matmul.cpp, linalg.cpp) ----------------------------------
[[nodiscard]] Tensor matmul(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor dot(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor outer(const Tensor& a, const Tensor& b);
/// x w^T + b (PyTorch's F.linear): x (*, in), w (out, in), b (out) or undefined -> (*, out)
[[nodiscard]] Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b = {});
// solve, inv, det, slogdet, cholesky, eigh, svd, qr: namespace fluxion::linalg in autograd/linalg.h

// ---- convolution (conv.cpp) ---------------------------------------------------
/// A size for both spatial dims (`1`) or for (h, w) (`{1, 2}`).
struct Int2 {
  int64_t h, w;
  Int2(int64_t v) : h(v), w(v) {}  // implicit, so `.stride = 2` reads like torch
  Int2(int64_t h_, int64_t w_) : h(h_), w(w_) {}
};
/// Padding as sizes (`1`, `{1, 2}`) or as "same" (output size = input size; stride 1)
/// or "valid" (no padding).
struct Padding {
  enum class Mode { sizes, same, valid };
  Mode mode = Mode::sizes;
  Int2 sizes = 0;
  Padding(int64_t v) : sizes(v) {}  // implicit, so `.padding = 1` reads like torch
  Padding(Int2 v) : sizes(v) {}
  Padding(int64_t h, int64_t w) : sizes(h, w) {}  // `.padding = {1, 2}`
  template <size_t N>  // a string literal; an array reference, so that 0 is not taken for a null pointer
  Padding(const char (&name)[N]) : mode(parse(std::string_view(name))) {}

 private:
  static Mode parse(std::string_view name);  // "same" or "valid"; no (string, int) constructor, so {0, 1} is sizes
};
/// The one options struct of conv2d, conv1d (fluxion::conv2d, nn::functional::conv*d) and
/// nn::Conv2d / nn::Conv1d, fields in torch.nn.Conv2d's argument order. bias and dtype are
/// the layer's (whether it has a bias, its parameters' dtype); the functions ignore them.
struct Conv2dOptions {
  Int2 stride = 1;
  Padding padding = 0;
  Int2 dilation = 1;
  int64_t groups = 1;
  bool bias = true;
  std::optional<DType> dtype;
};
/// torch.nn.functional.conv2d: x [N, C, H, W] (or [C, H, W]), w [O, C / groups, kh, kw], bias [O]
/// or undefined -> [N, O, Ho, Wo], Ho = floor((H + 2 padding - dilation (kh - 1) - 1) / stride) + 1.
[[nodiscard]] Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias = {}, const Conv2dOptions& opts = {});
/// The adjoint of conv2d w.r.t. its input (torch.nn.grad.conv2d_input): grad [N, O, Ho, Wo] -> [N, C, H, W]
/// for `input_shape` [N, C, H, W]. Differentiable, like conv2d_weight_grad: conv2d's VJP uses both.
/// Both adjoints take padding as sizes, and groups (w [O, C / groups, kh, kw]).
[[nodiscard]] Tensor conv2d_input_grad(const Tensor& grad, const Tensor& w, const Shape& input_shape,
                                       const Conv2dOptions& opts = {});
/// The adjoint of conv2d w.r.t. its weight (torch.nn.grad.conv2d_weight): -> [O, C / groups, kh, kw]
/// for `weight_shape`.
[[nodiscard]] Tensor conv2d_weight_grad(const Tensor& x, const Tensor& grad, const Shape& weight_shape,
                                        const Conv2dOptions& opts = {});

// ---- operators: tensor-tensor, tensor-scalar, scalar-tensor ------------------
[[nodiscard]] Tensor operator+(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator-(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator*(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator/(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator-(const Tensor& x);
[[nodiscard]] Tensor operator+(const Tensor& a, double b);
[[nodiscard]] Tensor operator-(const Tensor& a, double b);
[[nodiscard]] Tensor operator*(const Tensor& a, double b);
[[nodiscard]] Tensor operator/(const Tensor& a, double b);
[[nodiscard]] Tensor operator+(double a, const Tensor& b);
[[nodiscard]] Tensor operator-(double a, const Tensor& b);
[[nodiscard]] Tensor operator*(double a, const Tensor& b);
[[nodiscard]] Tensor operator/(double a, const Tensor& b);
// comparison operators give Bool masks (see eq ...); & | ^ ~ are the logical ops of Bool tensors
[[nodiscard]] Tensor operator==(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator!=(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator==(const Tensor& a, double b);
[[nodiscard]] Tensor operator!=(const Tensor& a, double b);
[[nodiscard]] Tensor operator&(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator|(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator^(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator~(const Tensor& x);
[[nodiscard]] Tensor operator<(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator<=(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator>(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator>=(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor operator<(const Tensor& a, double b);
[[nodiscard]] Tensor operator<=(const Tensor& a, double b);
[[nodiscard]] Tensor operator>(const Tensor& a, double b);
[[nodiscard]] Tensor operator>=(const Tensor& a, double b);

/// A 0-d tensor holding `value` with t's dtype: how scalars enter binary ops.
[[nodiscard]] Tensor scalar_like(const Tensor& t, double value);

}  // namespace fluxion
