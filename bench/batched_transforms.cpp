// SPDX-License-Identifier: MIT
// per_sample_grads and jacobian_batch (../shared/bench/WORKLOADS.md): the
// batched function transforms, each beside the loop it replaces, as the
// torch peer times functorch's vmap beside a loop of autograd.grad.
//
//   per_sample_grads: MLP 784-128-10 (ReLU, cross-entropy, f32), the 64
//     per-sample gradients of all parameters: vmap(grad(loss), {none, 0, 0})
//     over func::functional_call, and a loop of 64 grads.
//   jacobian_batch: the Jacobians of tanh(W x + b) (W 64x64) at 256 points:
//     vmap(jacrev(f)) and vmap(jacfwd(f)), and a loop of jacrev.
#include <functional>
#include <optional>

#include "bench/bench.h"
#include "bench/flat_mlp.h"

namespace fluxion::bench {
namespace {

namespace F = nn::functional;
using Many = std::vector<Tensor>;

void per_sample_grads(const Context& ctx) {
  manual_seed(0);
  auto net = std::make_shared<nn::Sequential>(nn::Linear(784, 128), nn::ReLU(), nn::Linear(128, 10));
  nn::StateDict own = net->named_parameters();
  Tensor x = randn({64, 784}), y = randint(0, 10, {64});
  // loss of one example (x [784], y []) as a function of the weights q
  auto loss = [&](const Many& q, const Tensor& xi, const Tensor& yi) {
    nn::StateDict given;
    for (size_t k = 0; k < own.size(); ++k) given.push_back({own[k].first, q[k]});
    return F::cross_entropy(func::functional_call(net, given, xi.unsqueeze(0)), yi.unsqueeze(0));
  };
  auto grads = [&](const Many& a) {  // a: the 4 weights, then x and y
    Many q(a.begin(), a.begin() + 4);
    return func::grad([&](const Many& w) { return loss(w, a[4], a[5]); })(q);
  };
  Many args;
  for (const auto& [name, p] : own) args.push_back(p.detach());
  args.push_back(x);
  args.push_back(y);
  auto batched = func::vmap(grads, {std::nullopt, std::nullopt, std::nullopt, std::nullopt, 0, 0});
  auto loop = [&] {
    Many out;
    for (int64_t i = 0; i < 64; ++i) {
      Many g = grads({args[0], args[1], args[2], args[3], x[i], y[i]});
      out.insert(out.end(), g.begin(), g.end());
    }
    return out;
  };
  Many v = batched(args), l = loop();
  double diff = 0;
  for (int64_t i = 0; i < 64; ++i)
    for (size_t k = 0; k < 4; ++k) diff = std::max(diff, max_abs_diff(v[k][i], l[4 * i + k]));
  Timing tv = time_it([&] { (void)batched(args); }), tl = time_it([&] { (void)loop(); });
  Line("per_sample_grads", ctx).add("dtype", "f32").add("batch", 64).add("method", "vmap(grad)")
      .add("max_abs_diff", diff).timing(tv).blas().print();
  Line("per_sample_grads", ctx).add("dtype", "f32").add("batch", 64).add("method", "loop of grad")
      .timing(tl).blas().print();
}

void jacobian_batch(const Context& ctx) {
  manual_seed(0);
  Tensor W = randn({64, 64}) / 8.0, b = randn({64}), X = randn({256, 64});
  auto f = [&](const Tensor& x) { return (W.matmul(x) + b).tanh(); };
  std::function<Tensor(const Tensor&)> rev = func::vmap(func::jacrev(f)), fwd = func::vmap(func::jacfwd(f));
  auto loop = [&] {
    Many out;
    for (int64_t i = 0; i < 256; ++i) out.push_back(func::jacrev(f)(X[i]));
    return stack(out);
  };
  Tensor want = loop();
  for (auto [name, jac] : {std::pair{"vmap(jacrev)", rev}, std::pair{"vmap(jacfwd)", fwd}}) {
    double diff = max_abs_diff(jac(X), want);
    Line("jacobian_batch", ctx).add("dtype", "f32").add("batch", 256).add("n", 64).add("method", name)
        .add("max_abs_diff", diff).timing(time_it([&, jac = jac] { (void)jac(X); })).blas().print();
  }
  Line("jacobian_batch", ctx).add("dtype", "f32").add("batch", 256).add("n", 64).add("method", "loop of jacrev")
      .timing(time_it([&] { (void)loop(); })).blas().print();
}

const bool registered_psg = add_workload("per_sample_grads", per_sample_grads);
const bool registered_jac = add_workload("jacobian_batch", jacobian_batch);

}  // namespace
}  // namespace fluxion::bench
