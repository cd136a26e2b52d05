// SPDX-License-Identifier: MIT
// autograd::Function<Derived>: a custom differentiable function written the way
// PyTorch's torch.autograd.Function is, in ordinary Tensor ops:
//
//   struct SmoothAbs : fx::autograd::Function<SmoothAbs> {
//     // y = sqrt(x^2 + 0.01)
//     static Tensor forward(fx::autograd::FunctionCtx& ctx, const Tensor& x) {
//       Tensor y = (x * x + 0.01).sqrt();
//       ctx.save_for_backward({x, y});
//       return y;
//     }
//     // dy/dx = x / y
//     static Tensor backward(fx::autograd::FunctionCtx& ctx, const Tensor& grad) {
//       auto s = ctx.saved_tensors();
//       return grad * s[0] / s[1];
//     }
//     static Tensor jvp(fx::autograd::FunctionCtx& ctx, const Tensor& dx) {  // optional
//       auto s = ctx.saved_tensors();
//       return dx * s[0] / s[1];
//     }
//   };
//   Tensor y = SmoothAbs::apply(x);
//
// forward runs with grad mode off on inputs cut from the graph; apply() records
// one node (grad_fn()->name() is "FunctionBackward"), whose rule is your
// backward. backward(ctx, grad) returns one gradient per input: a Tensor for
// one input, a std::vector<Tensor> for several (undefined: no gradient).
//
// Saved tensors: an input or the output passed to save_for_backward comes back
// from saved_tensors() linked to the graph, so a backward written with tensor
// ops is itself differentiable (double backward, forward-over-reverse HVPs,
// func::hessian), as with the library's own ops. Any other tensor (an
// intermediate of forward) comes back as constant data: first order only.
// Without a jvp, forward mode (func::jvp, forward-over-reverse hvp) throws.
#pragma once
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "autograd/apply.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "autograd/recorder.h"
#include "tensor/error.h"

namespace fluxion::autograd {

/// What forward hands to backward and jvp (PyTorch's ctx).
class FunctionCtx {
 public:
  /// Keep tensors for backward / jvp; call once, in forward.
  void save_for_backward(std::vector<Tensor> tensors) { saved_ = std::move(tensors); }
  /// The saved tensors, in the order given; inputs and the output linked to the graph.
  const std::vector<Tensor>& saved_tensors() const { return resolved_; }

  // Filled by Function::apply; not for users.
  std::vector<Tensor> saved_, resolved_, inputs_;
  Tensor output_;
  void resolve(const Saved& s) {
    resolved_.clear();
    for (const Tensor& t : saved_) {
      Tensor r = t;
      for (size_t i = 0; i < inputs_.size(); ++i)
        if (t.impl() == inputs_[i].impl()) r = s.input(i);
      if (t.impl() == output_.impl()) r = s.output();
      resolved_.push_back(r);
    }
  }
};

/// Drops the resolved tensors when a rule returns: they are linked to the
/// graph, so kept in the ctx they would close a cycle node -> op -> ctx -> node.
struct Unresolve {
  ~Unresolve() { ctx.resolved_.clear(); }
  FunctionCtx& ctx;
};

/// Uninstalls this thread's Recorder for a scope, then puts it back.
struct PauseRecorder {
  PauseRecorder() : outer(set_recorder(nullptr)) {}
  ~PauseRecorder() { set_recorder(outer); }
  PauseRecorder(const PauseRecorder&) = delete;
  PauseRecorder& operator=(const PauseRecorder&) = delete;
  Recorder* outer;
};

template <class Derived>
class Function {
 public:
  /// Runs Derived::forward and records Derived::backward (and jvp) as its rules.
  template <class... Ts>
  requires(std::same_as<std::remove_cvref_t<Ts>, Tensor>&&...) static Tensor apply(const Ts&... inputs) {
    return apply_op(Op<sizeof...(Ts)>{std::make_shared<FunctionCtx>()}, {inputs...})[0];
  }

 private:
  // The op apply() records: forward, vjp and jvp forwarding to Derived through ctx.
  template <size_t N>
  struct Op {
    static constexpr const char* name = "Function";
    std::shared_ptr<FunctionCtx> ctx;

    std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
      NoGradGuard no_grad;
      PauseRecorder pause;  // a tracer records this op, not its insides
      ctx->inputs_.clear();
      for (const TensorData& x : xs) ctx->inputs_.emplace_back(x);
      Tensor y = call_forward(std::make_index_sequence<N>{});
      check(y.defined(), "autograd::Function: forward returned an undefined tensor");
      ctx->output_ = y;
      return {y.tensor_data()};
    }
    std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
      ctx->resolve(s);
      Unresolve done{*ctx};
      if constexpr (N == 1) {
        return {Tensor(Derived::backward(*ctx, grads[0]))};
      } else {
        std::vector<Tensor> gs = Derived::backward(*ctx, grads[0]);
        check(gs.size() == N, "autograd::Function: backward returned ", gs.size(), " gradients for ", N,
              " inputs; return one per input (an undefined Tensor for none)");
        return gs;
      }
    }
    std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved& s) const {
      if constexpr (requires { &Derived::jvp; }) {
        ctx->resolve(s);
        Unresolve done{*ctx};
        return {call_jvp(dxs, std::make_index_sequence<N>{})};
      } else {
        throw Error(
            "autograd::Function: forward mode needs a jvp; define static Tensor jvp(FunctionCtx&, "
            "const Tensor& dx...) returning the output's tangent");
      }
    }

    template <size_t... I>
    Tensor call_forward(std::index_sequence<I...>) const {
      return Derived::forward(*ctx, ctx->inputs_[I]...);
    }
    // an undefined tangent means zero: jvp rules receive zeros
    template <size_t... I>
    Tensor call_jvp(const std::vector<Tensor>& dxs, std::index_sequence<I...>) const {
      return Derived::jvp(*ctx, (dxs[I].defined() ? dxs[I] : zeros_like(ctx->inputs_[I]))...);
    }
  };
};

}  // namespace fluxion::autograd
