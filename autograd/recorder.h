// SPDX-License-Identifier: MIT
// The recording hook: apply() (apply.h) reports every op it runs to the
// Recorder installed on this thread, if any: the ops users call and the ops
// that backward and forward-mode passes run, alike. jit::trace installs one
// to record a computation as a line of kernel calls; autograd knows nothing
// more of it. Outside a recording the hook costs one thread-local test.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "autograd/tensor.h"

namespace fluxion::autograd {

/// An op as apply() reports it: how to run its forward again on other data,
/// and the traits of the op (from its struct) a recorder may simplify with.
struct RecordedOp {
  const char* name = "";  // Op::name
  /// ys[i] = forward(xs)[i]; an undefined xs[j] is a missing optional input.
  using Forward = std::function<void(std::span<const TensorData* const> xs, std::span<TensorData* const> ys)>;
  Forward forward;
  const void* kind = nullptr;      // one address per op type that holds no state, else null
  std::optional<double> identity;  // Op::identity: x op e = e op x = x
  bool commutative = false;        // Op::commutative
  /// Op::elementwise (the rule its kernel runs per element) over n values; b unused by unary ops.
  void (*block64)(double* y, const double* a, const double* b, int64_t n) = nullptr;
  void (*block32)(float* y, const float* a, const float* b, int64_t n) = nullptr;
  /// Op::into, of scatter ops (y = zeros with one view filled by g): that view of y.
  std::function<TensorData(const TensorData& y, const TensorData& g)> into;
  /// Op::moves: every output element is a copy of one input element (cat, flip, a reshape that copies).
  bool moves = false;
  /// Op::forward_into, of ops that can write their one output into a given
  /// array (contiguous, of the output's shape and dtype) rather than a new one.
  std::function<void(std::span<const TensorData* const> xs, const TensorData& y)> write;
};

/// What observes apply() on a thread.
class Recorder {
 public:
  virtual ~Recorder() = default;
  /// `op` ran on `inputs` (undefined: a missing optional input) and gave `outputs`.
  virtual void record(RecordedOp&& op, std::span<const Tensor> inputs, std::span<const Tensor> outputs) = 0;
  /// C++ is about to read `data`'s values (item(), a data-dependent shape, ...); may throw.
  virtual void on_read(const TensorData& data, const char* what) = 0;
};

namespace detail {
extern constinit thread_local Recorder* t_recorder;
}
/// The recorder installed on this thread, or null.
inline Recorder* recorder() { return detail::t_recorder; }
/// Installs `r` (null: none) on this thread and returns the one it replaces.
Recorder* set_recorder(Recorder* r);
/// Tells the recorder, if any, that C++ reads `data`'s values (`what` names the reader).
inline void on_read(const TensorData& data, const char* what) {
  if (Recorder* r = recorder()) r->on_read(data, what);
}

}  // namespace fluxion::autograd
