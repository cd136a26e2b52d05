// SPDX-License-Identifier: MIT
// In-place ops through views of tensors in the graph (PyTorch's CopySlices):
// slice assignment, narrow / select / masked / index_put_ writes, views of
// views, the base and its views read after the write, forward mode and
// second order, all against central differences in Float64; a composite
// example against torch; and the writes that stay errors.
#include <gtest/gtest.h>

#include "error_of.h"
#include "fluxion.h"

namespace fx = fluxion;
using fx::Slice;
using Inputs = std::vector<fx::Tensor>;

namespace {

std::vector<double> values(const fx::Tensor& t) { return t.to_vector<double>(); }

fx::Tensor f64(std::vector<double> v, fx::Shape shape) { return fx::tensor(v, shape, fx::Float64).requires_grad_(); }

// gradcheck, jvpcheck and gradgradcheck of f at xs (each throws, naming the mismatch)
void check_all_orders(const fx::autograd::TensorFunction& f, const Inputs& xs) {
  EXPECT_TRUE(fx::autograd::gradcheck(f, xs));
  EXPECT_TRUE(fx::autograd::jvpcheck(f, xs));
  EXPECT_TRUE(fx::autograd::gradgradcheck(f, xs));
}

}  // namespace

// y[1:3] = v on a non-leaf y: the gradient reaches x outside the slice and v inside it.
TEST(InPlaceViews, SliceAssignmentOnANonLeaf) {
  auto f = [](const Inputs& in) {
    fx::Tensor y = in[0].sin() * in[0];
    y.index_put_({Slice{1, 3}}, in[1] * in[1]);
    return y * in[0];
  };
  Inputs xs = {f64({0.5, -1.0, 2.0, 0.3}, {4}), f64({0.7, -0.2}, {2})};
  check_all_orders(f, xs);
  fx::Tensor y = f(xs);
  y.sum().backward();
  // d/dx0 of x0^2 sin x0 at 0.5; x1, x2 are overwritten, so only y * x's x remains: v^2
  EXPECT_NEAR(xs[0].grad().at({0}), 2 * 0.5 * std::sin(0.5) + 0.25 * std::cos(0.5), 1e-12);
  EXPECT_NEAR(xs[0].grad().at({1}), 0.49, 1e-12);
  EXPECT_NEAR(xs[1].grad().at({0}), 2 * 0.7 * -1.0, 1e-12);  // d(v0^2 x1)/dv0
}

TEST(InPlaceViews, NarrowMulSelectAddCopy) {
  auto narrow_mul = [](const Inputs& in) {
    fx::Tensor y = in[0].exp();
    fx::Tensor yy = y * 1.0;  // y itself is saved by exp (its output)
    yy.narrow(1, 1, 2).mul_(in[1]);
    return yy;
  };
  auto select_add = [](const Inputs& in) {
    fx::Tensor y = in[0] * in[0];
    y.select(0, 1).add_(in[1].narrow(1, 0, 1).reshape({-1}).tanh(), 0.5);
    return y;
  };
  auto copy = [](const Inputs& in) {
    fx::Tensor y = in[0].sin() + 1.0;
    y.slice(1, 0, 3, 2).copy_(in[1]);  // strided: columns 0 and 2
    return y.cos();
  };
  Inputs xs = {f64({0.1, -0.4, 0.9, 1.2, -0.3, 0.6}, {2, 3}), f64({1.5, -0.5, 0.25, 2.0}, {2, 2})};
  check_all_orders(narrow_mul, xs);
  check_all_orders(copy, xs);
  check_all_orders(select_add, {xs[0], f64({0.2, 0.8, -0.6, 0.1, 0.3, 0.4}, {3, 2})});
  fx::Tensor y = narrow_mul(xs);
  EXPECT_EQ(y.grad_fn()->name(), "CopySlicesBackward");
}

// masked_fill_ and index_put_ with Bool masks, on a non-leaf and on a view of one.
TEST(InPlaceViews, BoolMaskWrites) {
  fx::Tensor mask = fx::tensor({1.0, 0.0, 0.0, 1.0, 1.0, 0.0}, {2, 3}, fx::Bool);
  fx::Tensor row_mask = fx::tensor({0.0, 1.0, 1.0}, {3}, fx::Bool);
  auto f = [&](const Inputs& in) {
    fx::Tensor y = in[0] * 3.0 + in[0].square();
    y.masked_fill_(mask, 0.5);
    y.select(0, 1).index_put_({row_mask}, in[1]);  // two values into row 1's masked elements
    y.narrow(1, 0, 2).masked_fill_(row_mask.narrow(0, 0, 2), -1.0);
    return y * in[0];
  };
  Inputs xs = {f64({0.1, -0.4, 0.9, 1.2, -0.3, 0.6}, {2, 3}), f64({1.5, -0.5}, {2})};
  check_all_orders(f, xs);
  std::vector<double> y = values(f(xs).detach() / xs[0].detach());
  std::vector<double> expected = {0.5, -1, 0.9 * 3 + 0.81, 0.5, -1, -0.5};
  for (size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(y[i], expected[i], 1e-14) << i;
}

// A write through a view of a view rewrites the root base; the middle view,
// made before, and a view made after both read the new history.
TEST(InPlaceViews, ViewOfAViewAndReadsAfterTheWrite) {
  auto f = [](const Inputs& in) {
    fx::Tensor y = in[0].reshape({3, 4}) * 2.0;
    fx::Tensor rows = y.slice(0, 1, 3);   // view of y
    fx::Tensor cell = rows.select(1, 2);  // view of a view: y[1:3, 2]
    cell.mul_(in[1]);
    fx::Tensor col = y.select(1, 2);  // made after the write
    return fx::cat({y.reshape({-1}), rows.reshape({-1}).exp(), col * cell.sum()});
  };
  Inputs xs = {f64({0.1, -0.4, 0.9, 1.2, -0.3, 0.6, 0.2, 0.8, -0.6, 0.5, 0.7, -0.9}, {12}), f64({1.5, -0.5}, {2})};
  check_all_orders(f, xs);
}

// An in-place op on the base changes what its views hold and how they are differentiated.
TEST(InPlaceViews, WriteToTheBaseWhileViewsExist) {
  auto f = [](const Inputs& in) {
    fx::Tensor y = in[0] * 1.0;
    fx::Tensor head = y.narrow(0, 0, 2), t = y.reshape({2, 2}).t();
    y.mul_(in[1]);  // y = x * w elementwise, seen by head and t
    y.add_(head.sum());
    return fx::cat({head * 2.0, t.reshape({-1}).sin(), y});
  };
  Inputs xs = {f64({0.1, -0.4, 0.9, 1.2}, {4}), f64({1.5, -0.5, 0.25, 2.0}, {4})};
  check_all_orders(f, xs);
  fx::Tensor y = xs[0] * 1.0;
  fx::Tensor head = y.narrow(0, 0, 2);
  EXPECT_EQ(head.grad_fn()->name(), "SliceBackward");
  y.mul_(2.0);
  EXPECT_EQ(head.grad_fn()->name(), "AsStridedBackward");  // regenerated from the base
  EXPECT_EQ(values(head), (std::vector<double>{0.2, -0.8}));
}

// A base that did not require grad (a buffer) joins the graph through a write into its view.
TEST(InPlaceViews, BufferFilledThroughViews) {
  fx::Tensor w = f64({0.3, -0.7}, {2});
  fx::Tensor buf = fx::zeros({4}, fx::Float64);
  fx::Tensor middle = buf.narrow(0, 1, 2);
  EXPECT_FALSE(middle.requires_grad());
  middle.copy_(w * w);
  EXPECT_TRUE(buf.requires_grad());
  EXPECT_FALSE(buf.is_leaf());
  EXPECT_TRUE(middle.requires_grad());
  (buf * fx::tensor({1.0, 2.0, 3.0, 4.0}, fx::Float64)).sum().backward();
  EXPECT_NEAR(w.grad().at({0}), 2 * 0.3 * 2, 1e-14);  // d/dw (w^2 * [2, 3])
  EXPECT_NEAR(w.grad().at({1}), 2 * -0.7 * 3, 1e-14);
}

// The composite of torch reference values (torch 1.13, Float64), produced by:
//   x = torch.tensor([0.5, -1.0, 2.0, 0.25, 1.5, -0.75], requires_grad=True)
//   w = torch.tensor([0.3, -0.7], requires_grad=True)
//   y = x.sin() * 2; v = y[1:3]; v.mul_(w); y[4:6] = w.sin()
//   out = (y * y).sum() + (v ** 3).sum(); out.backward()
// (torch names y.grad_fn CopySlices and v.grad_fn AsStridedBackward0.)
TEST(InPlaceViews, MatchesTorch) {
  fx::Tensor x = f64({0.5, -1.0, 2.0, 0.25, 1.5, -0.75}, {6}), w = f64({0.3, -0.7}, {2});
  fx::Tensor y = x.sin() * 2.0;
  fx::Tensor v = y.slice(0, 1, 3);
  v.mul_(w);
  y.index_put_({Slice{4, 6}}, w.sin());
  fx::Tensor out = (y * y).sum() + v.pow(3.0).sum();
  out.backward();
  EXPECT_NEAR(out.item(), 1.350345109327478, 1e-13);
  std::vector<double> gx = {3.365883939231586, -0.0794393156573346, 1.3491277487369322, 1.917702154416812, 0, 0};
  std::vector<double> gw = {0.9770404862151421, 3.225833000900779};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(x.grad().at({i}), gx[i], 1e-13) << i;
  for (int i = 0; i < 2; ++i) EXPECT_NEAR(w.grad().at({i}), gw[i], 1e-13) << i;
}

TEST(InPlaceViews, ErrorsNameTheOpTheShapesAndTheFix) {
  fx::Tensor w = f64({1.0, 2.0, 3.0}, {3});
  // a view of a leaf that requires grad
  std::string e = error_of([&] { w.narrow(0, 0, 2).mul_(2.0); });
  EXPECT_NE(e.find("mul_: the tensor written to (shape [2]) is a view of a leaf tensor that requires grad (shape [3])"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("NoGradGuard"), std::string::npos);
  {
    fx::NoGradGuard no_grad;  // how optimizers write into parameters
    w.narrow(0, 0, 1).fill_(5.0);
  }
  EXPECT_EQ(values(w), (std::vector<double>{5, 2, 3}));
  // the version counter still catches a saved view modified through its base
  fx::Tensor y = w * 1.0;
  fx::Tensor z = y.narrow(0, 1, 2).sin();  // saves the view
  y.mul_(2.0);
  EXPECT_NE(error_of([&] { z.sum().backward(); }).find("modified by an in-place operation"), std::string::npos);
  // a view made under NoGradGuard of a tensor that requires grad has no history to write into
  fx::Tensor tracked_base = w * 1.0, quiet_view;
  {
    fx::NoGradGuard no_grad;
    quiet_view = tracked_base.narrow(0, 0, 2);
  }
  e = error_of([&] { quiet_view.mul_(2.0); });
  EXPECT_NE(e.find("is a view made under NoGradGuard of a tensor that requires grad (shape [3])"), std::string::npos)
      << e;
  // an expanded view: its elements share memory
  fx::Tensor b = w * 1.0;
  e = error_of([&] { b.narrow(0, 0, 1).expand({4}).add_(fx::ones({4}, fx::Float64)); });
  EXPECT_NE(e.find("expanded view"), std::string::npos) << e;
}

// No reference cycles: a node that saved a view is held without the view's
// base, so when the base's history comes to lead to that node (v.mul_(v.sin()))
// the graph is still freed with the tensors.
TEST(InPlaceViews, TheGraphIsFreedWithTheTensors) {
  fx::Tensor w = f64({0.3, -0.7, 1.1}, {3});
  std::weak_ptr<fx::Node> copy_slices, replay;
  {
    fx::Tensor y = w * 2.0;
    fx::Tensor v = y.narrow(0, 0, 2);
    v.mul_(v.sin());  // SinBackward saves v
    copy_slices = y.grad_fn();
    replay = v.grad_fn();
    EXPECT_EQ(copy_slices.lock()->name(), "CopySlicesBackward");
    EXPECT_EQ(replay.lock()->name(), "AsStridedBackward");
  }
  EXPECT_TRUE(copy_slices.expired());
  EXPECT_TRUE(replay.expired());
}

// Other view geometries: a diagonal, a transposed base, unbind's pieces, and an
// expanded read view (repeated positions) regenerated after a write to its base.
TEST(InPlaceViews, DiagonalTransposedUnbindAndExpandedViews) {
  auto f = [](const Inputs& in) {
    fx::Tensor y = in[0].reshape({3, 3}).sin();                    // sin saves its input, not y
    fx::Tensor wide = y.select(0, 0).unsqueeze(0).expand({2, 3});  // reads row 0 twice
    y.diagonal().add_(in[1]);
    fx::Tensor t = y.t();
    t.select(0, 2).mul_(in[1]);  // column 2 of y
    std::vector<fx::Tensor> rows = y.unbind(0);
    rows[1].add_(rows[2].exp());  // exp saves its output, not the view it reads
    return fx::cat({y.reshape({-1}), wide.reshape({-1}), rows[0]});
  };
  Inputs xs = {f64({0.1, -0.4, 0.9, 1.2, -0.3, 0.6, 0.2, 0.8, -0.6}, {9}), f64({1.5, -0.5, 0.25}, {3})};
  check_all_orders(f, xs);
}

// Writes in a loop, each reading what the last wrote (a stencil u[1:-1] = ...).
TEST(InPlaceViews, RepeatedWritesInALoop) {
  auto f = [](const Inputs& in) {
    fx::Tensor u = in[0] * 1.0;
    for (int step = 0; step < 3; ++step) {
      fx::Tensor inner = u.narrow(0, 1, 4);
      inner.copy_(inner + 0.25 * (u.narrow(0, 0, 4) - 2.0 * inner + u.narrow(0, 2, 4)) * in[1]);
    }
    return u;
  };
  Inputs xs = {f64({0.1, -0.4, 0.9, 1.2, -0.3, 0.6}, {6}), f64({0.8}, {1})};
  check_all_orders(f, xs);
}
