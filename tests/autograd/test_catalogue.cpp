// SPDX-License-Identifier: MIT
// Runs every check on every case of the op catalogue (see catalogue.h).
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <optional>

#include "autograd/gradcheck.h"
#include "catalogue.h"

namespace {

using catalogue::Args;
using catalogue::OpCase;
namespace fx = fluxion;

struct Param {
  size_t op;     // index into catalogue::all()
  size_t shape;  // index into its shape sets
  bool strided;  // non-contiguous inputs
};

void PrintTo(const Param& p, std::ostream* os) {
  *os << catalogue::all()[p.op].name << " shapes#" << p.shape << (p.strided ? " strided" : "");
}

std::vector<Param> params() {
  std::vector<Param> ps;
  const auto& cases = catalogue::all();
  for (size_t i = 0; i < cases.size(); ++i)
    for (size_t s = 0; s < cases[i].shapes.size(); ++s) {
      ps.push_back({i, s, false});
      if (cases[i].strided) ps.push_back({i, s, true});
    }
  return ps;
}

std::string param_name(const testing::TestParamInfo<Param>& info) {
  std::string n = catalogue::all()[info.param.op].name + "_" + std::to_string(info.param.shape) +
                  (info.param.strided ? "_strided" : "");
  for (char& c : n)
    if (!std::isalnum((unsigned char)c)) c = '_';
  return n;
}

class Catalogue : public testing::TestWithParam<Param> {
 protected:
  const OpCase& op() const { return catalogue::all()[GetParam().op]; }

  // The case's inputs: its own generator or uniform values; differentiable
  // float inputs require grad; strided params get non-contiguous copies.
  Args inputs(uint64_t seed = 1) const {
    std::mt19937_64 rng(seed + 7919 * GetParam().op + 104729 * GetParam().shape);
    const auto& shapes = op().shapes[GetParam().shape];
    Args xs;
    for (size_t i = 0; i < shapes.size(); ++i) {
      fx::Tensor x = op().make_input ? op().make_input(shapes[i], i, rng) : catalogue::uniform(shapes[i], op().lo, op().hi, rng);
      if (GetParam().strided && x.is_floating_point()) x = catalogue::strided_copy(x);
      bool constant = std::find(op().constant.begin(), op().constant.end(), i) != op().constant.end();
      if (x.is_floating_point() && !constant) x = x.detach().requires_grad_();
      xs.push_back(x);
    }
    return xs;
  }

  std::vector<size_t> differentiable(const Args& xs) const {
    std::vector<size_t> idx;
    for (size_t i = 0; i < xs.size(); ++i)
      if (xs[i].requires_grad()) idx.push_back(i);
    return idx;
  }

  fx::autograd::GradcheckOptions options() const { return {.atol = op().atol, .rtol = op().rtol}; }
};

TEST_P(Catalogue, ForwardMatchesReference) {
  Args xs = inputs();
  fx::Tensor y = op().fn(xs);
  if (!op().ref1 && !op().ref2) GTEST_SKIP() << "no elementwise reference for " << op().name;
  std::vector<double> got = y.to_vector<double>();
  std::vector<double> a = xs[0].expand(y.shape()).to_vector<double>();
  std::vector<double> b = op().ref2 ? xs[1].expand(y.shape()).to_vector<double>() : a;
  for (size_t k = 0; k < got.size(); ++k) {
    double want = op().ref2 ? op().ref2(a[k], b[k]) : op().ref1(a[k]);
    EXPECT_NEAR(got[k], want, 1e-12 * (1 + std::abs(want))) << op().name << " element " << k;
  }
}

TEST_P(Catalogue, VjpMatchesFiniteDifferences) {
  Args xs = inputs();
  if (differentiable(xs).empty()) GTEST_SKIP();
  EXPECT_TRUE(fx::autograd::gradcheck(op().fn, xs, options()));
}

TEST_P(Catalogue, JvpMatchesFiniteDifferences) {
  Args xs = inputs();
  if (differentiable(xs).empty()) GTEST_SKIP();
  EXPECT_TRUE(fx::autograd::jvpcheck(op().fn, xs, options()));
}

// <u, J v> computed in forward mode equals <J^T u, v> computed in reverse mode.
TEST_P(Catalogue, ForwardAndReverseAreAdjoint) {
  Args xs = inputs();
  std::vector<size_t> idx = differentiable(xs);
  if (idx.empty()) GTEST_SKIP();
  std::mt19937_64 rng(42);
  fx::Tensor y = op().fn(xs);
  if (y.numel() == 0) GTEST_SKIP();
  fx::Tensor u = catalogue::uniform(y.shape(), -1, 1, rng);
  Args vs;
  for (size_t i : idx) vs.push_back(catalogue::uniform(xs[i].shape(), -1, 1, rng));
  // reverse: sum_i <J_i^T u, v_i>
  Args wrt;
  for (size_t i : idx) wrt.push_back(xs[i]);
  std::vector<fx::Tensor> g = fx::autograd::grad({y}, wrt, {.grad_outputs = {u}, .allow_unused = true});
  double reverse = 0;
  for (size_t a = 0; a < idx.size(); ++a)
    if (g[a].defined()) reverse += (g[a] * vs[a]).sum().item();
  // forward: <u, sum_i J_i v_i>
  double forward = 0;
  {
    fx::forward_ad::DualLevel level;
    Args duals = xs;
    for (size_t a = 0; a < idx.size(); ++a) duals[idx[a]] = fx::forward_ad::make_dual(xs[idx[a]], vs[a]);
    fx::Tensor jv = fx::forward_ad::unpack_dual(op().fn(duals)).tangent;
    if (jv.defined()) forward = (jv * u).sum().item();
  }
  EXPECT_NEAR(forward, reverse, 1e-10 * (1 + std::abs(reverse))) << op().name;
}

TEST_P(Catalogue, SecondOrderMatchesFiniteDifferences) {
  Args xs = inputs();
  if (!op().second_order || differentiable(xs).empty()) GTEST_SKIP();
  EXPECT_TRUE(fx::autograd::gradgradcheck(op().fn, xs, options()));
}

// For s(x) = <f(x), u>: H v by forward-over-reverse equals H v by reverse-over-reverse.
TEST_P(Catalogue, HvpForwardOverReverseEqualsReverseOverReverse) {
  Args xs = inputs();
  std::vector<size_t> idx = differentiable(xs);
  if (!op().second_order || idx.empty()) GTEST_SKIP();
  std::mt19937_64 rng(43);
  fx::Tensor u;
  {
    fx::NoGradGuard no_grad;
    u = catalogue::uniform(op().fn(xs).shape(), -1, 1, rng);
  }
  Args vs, wrt;
  for (size_t i : idx) {
    vs.push_back(catalogue::uniform(xs[i].shape(), -1, 1, rng));
    wrt.push_back(xs[i]);
  }
  // reverse-over-reverse: d/dx <grad s(x), v>
  fx::Tensor s = (op().fn(xs) * u).sum();
  if (!s.requires_grad()) GTEST_SKIP() << "output does not depend on the inputs";
  std::vector<fx::Tensor> g = fx::autograd::grad({s}, wrt, {.create_graph = true, .allow_unused = true});
  fx::Tensor gv = fx::scalar(0.0, fx::Float64);
  for (size_t a = 0; a < g.size(); ++a)
    if (g[a].defined()) gv = gv + (g[a] * vs[a]).sum();
  std::vector<fx::Tensor> hv_rr(idx.size());
  if (gv.requires_grad())
    hv_rr = fx::autograd::grad({gv}, wrt, {.allow_unused = true});
  // forward-over-reverse: the gradient of s at dual inputs carries H v as its tangent
  std::vector<fx::Tensor> hv_fr(idx.size());
  {
    fx::forward_ad::DualLevel level;
    Args duals = xs;
    for (size_t a = 0; a < idx.size(); ++a) duals[idx[a]] = fx::forward_ad::make_dual(xs[idx[a]], vs[a]);
    fx::Tensor sd = (op().fn(duals) * u).sum();
    std::vector<fx::Tensor> gd = fx::autograd::grad({sd}, wrt, {.allow_unused = true});
    for (size_t a = 0; a < idx.size(); ++a)
      if (gd[a].defined()) hv_fr[a] = fx::forward_ad::unpack_dual(gd[a]).tangent;
  }
  for (size_t a = 0; a < idx.size(); ++a) {
    std::vector<double> rr = hv_rr[a].defined() ? hv_rr[a].to_vector<double>() : std::vector<double>(xs[idx[a]].numel(), 0.0);
    std::vector<double> fr = hv_fr[a].defined() ? hv_fr[a].to_vector<double>() : std::vector<double>(xs[idx[a]].numel(), 0.0);
    ASSERT_EQ(rr.size(), fr.size());
    for (size_t k = 0; k < rr.size(); ++k)
      EXPECT_NEAR(fr[k], rr[k], 1e-9 * (1 + std::abs(rr[k]))) << op().name << " input " << idx[a] << " element " << k;
  }
}

// Third order, for s(x) = <f(x), u> and directions v, w: the vector
// T[v, w] = grad_x (v^T H(x) w) by reverse^3 matches central differences of
// the HVP H(x) v along w, and equals T[v, w] by reverse-over-forward-over-reverse
// (the gradient of a forward-over-reverse HVP) and by forward-over-reverse-
// over-reverse (the tangent of a reverse-over-reverse HVP). An op whose rules
// read its saved output rebuilds that output's tangent in backward; a tangent
// that were a constant there would make the mixed modes miss a term.
class ThirdOrder {
 public:
  ThirdOrder(const OpCase& op, const Args& xs, std::vector<size_t> idx) : op_(op), xs_(xs), idx_(std::move(idx)) {
    std::mt19937_64 rng(45);
    {
      fx::NoGradGuard no_grad;
      u_ = catalogue::uniform(op.fn(xs).shape(), -1, 1, rng);
    }
    for (size_t i : idx_) {
      vs_.push_back(catalogue::uniform(xs[i].shape(), -1, 1, rng));
      ws_.push_back(catalogue::uniform(xs[i].shape(), -1, 1, rng));
    }
  }
  size_t size() const { return idx_.size(); }
  const Args& ws() const { return ws_; }

  // s at xs with input idx[a] replaced by with[a], when given.
  fx::Tensor s(const Args& with) const {
    Args in = xs_;
    for (size_t a = 0; a < with.size(); ++a) in[idx_[a]] = with[a];
    return (op_.fn(in) * u_).sum();
  }
  Args wrt(const Args& at) const {
    Args w;
    for (size_t a = 0; a < idx_.size(); ++a) w.push_back(at.empty() ? xs_[idx_[a]] : at[a]);
    return w;
  }
  // grad of a scalar, zeros for inputs it does not depend on.
  Args grad(const fx::Tensor& y, const Args& at, bool create_graph) const {
    Args g = wrt(at);
    if (!y.requires_grad()) {
      for (fx::Tensor& t : g) t = fx::zeros_like(t);
      return g;
    }
    return fx::autograd::grad({y}, g, {.create_graph = create_graph, .allow_unused = true, .materialize_grads = true});
  }
  static fx::Tensor dot(const Args& a, const Args& b) {
    fx::Tensor d = fx::scalar(0.0, fx::Float64);
    for (size_t k = 0; k < a.size(); ++k) d = d + (a[k] * b[k]).sum();
    return d;
  }
  // H v at leaves `at` (the inputs when empty), reverse-over-reverse.
  Args hvp(const Args& at, bool create_graph) const { return grad(dot(grad(s(at), at, true), vs_), at, create_graph); }
  Args reverse3() const { return grad(dot(hvp({}, true), ws_), {}, false); }
  Args reverse_forward_reverse() const {
    Args hv;
    {
      fx::forward_ad::DualLevel level;
      Args duals;
      for (size_t a = 0; a < idx_.size(); ++a) duals.push_back(fx::forward_ad::make_dual(xs_[idx_[a]], vs_[a]));
      for (const fx::Tensor& g : grad(s(duals), {}, true)) {
        fx::Tensor t = fx::forward_ad::unpack_dual(g).tangent;
        hv.push_back(t.defined() ? t : fx::zeros_like(g));
      }
    }
    return grad(dot(hv, ws_), {}, false);
  }
  Args forward_reverse_reverse() const {
    fx::forward_ad::DualLevel level;
    Args duals, t;
    for (size_t a = 0; a < idx_.size(); ++a) duals.push_back(fx::forward_ad::make_dual(xs_[idx_[a]], ws_[a]));
    for (const fx::Tensor& h : grad(dot(grad(s(duals), {}, true), vs_), {}, false)) {
      fx::Tensor d = fx::forward_ad::unpack_dual(h).tangent;
      t.push_back(d.defined() ? d : fx::zeros_like(h));
    }
    return t;
  }
  // (H(x + h w) v - H(x - h w) v) / 2h.
  Args central_difference(double h) const {
    Args plus, minus;
    for (size_t a = 0; a < idx_.size(); ++a) {
      fx::Tensor x = xs_[idx_[a]].detach();
      plus.push_back((x + ws_[a] * h).detach().requires_grad_());
      minus.push_back((x - ws_[a] * h).detach().requires_grad_());
    }
    Args hp = hvp(plus, false), hm = hvp(minus, false), d;
    for (size_t a = 0; a < idx_.size(); ++a) d.push_back((hp[a] - hm[a]) / (2 * h));
    return d;
  }

 private:
  const OpCase& op_;
  Args xs_;
  std::vector<size_t> idx_;
  fx::Tensor u_;
  Args vs_, ws_;
};

TEST_P(Catalogue, ThirdOrderAgreesAcrossModes) {
  Args xs = inputs();
  std::vector<size_t> idx = differentiable(xs);
  if (!op().second_order || !op().third_order || idx.empty()) GTEST_SKIP();
  if (!op().fn(xs).requires_grad()) GTEST_SKIP() << "output does not depend on the inputs";
  ThirdOrder t(op(), xs, idx);
  Args rrr = t.reverse3(), rfr = t.reverse_forward_reverse(), frr = t.forward_reverse_reverse();
  Args fd = t.central_difference(1e-4);
  for (size_t a = 0; a < t.size(); ++a) {
    std::vector<double> want = rrr[a].to_vector<double>(), d = fd[a].to_vector<double>();
    std::vector<double> r = rfr[a].to_vector<double>(), f = frr[a].to_vector<double>();
    ASSERT_EQ(r.size(), want.size());
    ASSERT_EQ(f.size(), want.size());
    for (size_t k = 0; k < want.size(); ++k) {
      double tol = 1e-9 * (1 + std::abs(want[k]));
      EXPECT_NEAR(d[k], want[k], op().atol + op().rtol * std::abs(want[k])) << op().name << " reverse^3, element " << k;
      EXPECT_NEAR(r[k], want[k], tol) << op().name << " reverse-over-forward-over-reverse, input " << idx[a]
                                      << " element " << k;
      EXPECT_NEAR(f[k], want[k], tol) << op().name << " forward-over-reverse-over-reverse, input " << idx[a]
                                      << " element " << k;
    }
  }
}

// jit::trace of the op and its VJP, recorded at one input and replayed at
// another, gives what eager autograd gives there.
TEST_P(Catalogue, TraceReplayMatchesEager) {
  Args xs = inputs(1), xs2 = inputs(2);
  std::vector<size_t> idx = differentiable(xs);
  std::mt19937_64 rng(44);
  fx::Tensor u;
  {
    fx::NoGradGuard no_grad;
    u = catalogue::uniform(op().fn(xs).shape(), -1, 1, rng);
  }
  auto run = [&](const Args& in) {
    Args out{op().fn(in)};
    Args wrt;
    for (size_t i : idx) wrt.push_back(in[i]);
    if (!wrt.empty() && out[0].requires_grad()) {
      Args g = fx::autograd::grad({out[0]}, wrt, {.grad_outputs = {u}, .allow_unused = true});
      out.insert(out.end(), g.begin(), g.end());
    }
    return out;
  };
  std::optional<fx::jit::Trace> t;
  try {
    t = fx::jit::trace(run, xs);
  } catch (const fx::Error& e) {
    ASSERT_EQ(std::string(e.what()).rfind("jit::trace:", 0), 0u) << e.what();
    GTEST_SKIP() << "refused to trace: " << e.what();
  }
  Args want = run(xs2), got = (*t)(xs2);
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < got.size(); ++k) {
    ASSERT_EQ(got[k].defined(), want[k].defined()) << "output " << k;
    if (!want[k].defined()) continue;
    ASSERT_EQ(got[k].shape(), want[k].shape()) << "output " << k;
    std::vector<double> g = got[k].to_vector<double>(), w = want[k].to_vector<double>();
    for (size_t j = 0; j < g.size(); ++j) {  // equal, or both NaN, or within rounding
      if (g[j] == w[j] || (std::isnan(g[j]) && std::isnan(w[j]))) continue;
      EXPECT_NEAR(g[j], w[j], 1e-12 * (1 + std::abs(w[j]))) << op().name << " output " << k << " element " << j;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, Catalogue, testing::ValuesIn(params()), param_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Catalogue);

}  // namespace
