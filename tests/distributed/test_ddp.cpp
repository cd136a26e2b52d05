// SPDX-License-Identifier: MIT
// DistributedDataParallel == one process on the concatenated batches: 20 SGD
// steps in Float64 (to 1e-12) and Float32 (to 1e-5), with no_sync gradient
// accumulation, small buckets (several all-reduces in flight), BatchNorm
// buffers from rank 0; and the errors for unused parameters and for models
// that differ between ranks.
#include <gtest/gtest.h>

#include "distributed/distributed.h"
#include "fluxion.h"

namespace fx = fluxion;
namespace dist = fluxion::distributed;
using fx::Tensor;

namespace {

struct Net : fx::nn::Module {
  std::shared_ptr<fx::nn::Linear> fc1, fc2;
  std::shared_ptr<fx::nn::BatchNorm1d> bn;
  Net(int64_t hidden, bool batch_norm)
      : fc1(register_module("fc1", std::make_shared<fx::nn::Linear>(4, hidden))),
        fc2(register_module("fc2", std::make_shared<fx::nn::Linear>(hidden, 3))) {
    if (batch_norm) bn = register_module("bn", std::make_shared<fx::nn::BatchNorm1d>(hidden));
  }
  Tensor forward(const Tensor& x) {
    Tensor h = fc1->forward(x);
    if (bn) h = bn->forward(h);
    return fc2->forward(h.tanh());
  }
};

// The batch of step s, the same on every rank: (B * n, 4) inputs and (B * n, 3) targets.
std::pair<Tensor, Tensor> batch(int step, int64_t rows) {
  fx::manual_seed(1000 + (uint64_t)step);
  return {fx::randn({rows, 4}), fx::randn({rows, 3})};
}
Tensor rows(const Tensor& t, int64_t r, int64_t b) { return t.slice(0, r * b, (r + 1) * b); }
Tensor mse(const Tensor& y, const Tensor& t) { return ((y - t) * (y - t)).mean(); }

void expect_same(const fx::nn::Module& a, const fx::nn::Module& b, double tol) {
  auto pa = a.named_parameters(), pb = b.named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    auto x = pa[i].second.to(fx::Float64).to_vector<double>(), y = pb[i].second.to(fx::Float64).to_vector<double>();
    for (size_t k = 0; k < x.size(); ++k) ASSERT_NEAR(x[k], y[k], tol) << pa[i].first << " at " << k;
  }
}

struct DefaultDtype {
  explicit DefaultDtype(fx::DType t) : saved(fx::default_dtype()) { fx::set_default_dtype(t); }
  ~DefaultDtype() { fx::set_default_dtype(saved); }
  fx::DType saved;
};

// 20 steps; on odd steps the batch is split in two halves, the first under
// no_sync (local accumulation), each half's loss halved.
void train_and_compare(fx::DType dtype, double tol, double bucket_mb) {
  DefaultDtype dd(dtype);
  int r = dist::get_rank(), n = dist::get_world_size();
  const int64_t b = 4;
  fx::manual_seed(7);
  auto reference = std::make_shared<Net>(6, false);
  fx::manual_seed(7 + (uint64_t)r);  // other ranks start elsewhere: DDP must broadcast rank 0's weights
  auto local = std::make_shared<Net>(6, false);
  fx::nn::DistributedDataParallel ddp(local, {.bucket_cap_mb = bucket_mb});
  fx::optim::SGD opt_ref(reference->parameters(), {.lr = 0.1, .momentum = 0.9});
  fx::optim::SGD opt(local->parameters(), {.lr = 0.1, .momentum = 0.9});
  for (int step = 0; step < 20; ++step) {
    auto [x, t] = batch(step, b * n);
    opt_ref.zero_grad();
    mse(reference->forward(x), t).backward();
    opt_ref.step();
    opt.zero_grad();
    Tensor xr = rows(x, r, b), tr = rows(t, r, b);
    if (step % 2 == 1) {
      {
        auto guard = ddp.no_sync();
        (mse(ddp.forward(rows(xr, 0, b / 2)), rows(tr, 0, b / 2)) * 0.5).backward();
      }
      (mse(ddp.forward(rows(xr, 1, b / 2)), rows(tr, 1, b / 2)) * 0.5).backward();
    } else {
      mse(ddp.forward(xr), tr).backward();
    }
    opt.step();
  }
  expect_same(*reference, *local, tol);
}

}  // namespace

TEST(DistributedDataParallel, EqualsOneProcessOnTheWholeBatchFloat64) { train_and_compare(fx::Float64, 1e-12, 25); }
TEST(DistributedDataParallel, EqualsOneProcessOnTheWholeBatchFloat32) { train_and_compare(fx::Float32, 1e-5, 25); }
// 100 bytes: one bucket per parameter, four all-reduces overlapping backward.
TEST(DistributedDataParallel, SmallBucketsGiveTheSameResult) {
  train_and_compare(fx::Float64, 1e-12, 1e-4);
  DefaultDtype dd(fx::Float64);
  fx::nn::DistributedDataParallel ddp(std::make_shared<Net>(6, false), {.bucket_cap_mb = 1e-4});
  EXPECT_EQ(ddp.bucket_count(), 4u);
}

// BatchNorm normalises each rank's batch by its own statistics; the running
// statistics are rank 0's, broadcast at every forward. The single-process
// reference: the average of the per-shard gradients, running stats from shard 0.
TEST(DistributedDataParallel, BatchNormBuffersComeFromRankZero) {
  DefaultDtype dd(fx::Float64);
  int r = dist::get_rank(), n = dist::get_world_size();
  const int64_t b = 4;
  fx::manual_seed(3);
  auto reference = std::make_shared<Net>(5, true);
  fx::manual_seed(3 + (uint64_t)r);
  auto local = std::make_shared<Net>(5, true);
  fx::nn::DistributedDataParallel ddp(local);
  fx::optim::SGD opt_ref(reference->parameters(), {.lr = 0.05});
  fx::optim::SGD opt(local->parameters(), {.lr = 0.05});
  for (int step = 0; step < 20; ++step) {
    auto [x, t] = batch(step, b * n);
    opt_ref.zero_grad();
    auto stats = reference->named_buffers();
    std::vector<Tensor> before;
    for (auto& [name, buf] : stats) before.push_back(buf.clone());
    for (int q = n - 1; q >= 0; --q) {
      if (q == 0)  // shard 0's update of the running statistics is the one that counts
        for (size_t i = 0; i < stats.size(); ++i) stats[i].second.copy_(before[i]);
      (mse(reference->forward(rows(x, q, b)), rows(t, q, b)) / (double)n).backward();
    }
    opt_ref.step();
    opt.zero_grad();
    mse(ddp.forward(rows(x, r, b)), rows(t, r, b)).backward();
    opt.step();
  }
  expect_same(*reference, *local, 1e-12);
  if (r == 0) {
    auto want = reference->named_buffers(), got = local->named_buffers();
    for (size_t i = 0; i < want.size(); ++i) {
      auto x = want[i].second.to(fx::Float64).to_vector<double>(),
           y = got[i].second.to(fx::Float64).to_vector<double>();
      for (size_t k = 0; k < x.size(); ++k) EXPECT_NEAR(x[k], y[k], 1e-12) << want[i].first;
    }
  }
}

TEST(DistributedDataParallel, UnusedParameterIsAnErrorAtTheNextForward) {
  DefaultDtype dd(fx::Float64);
  auto net = std::make_shared<Net>(4, false);
  fx::nn::DistributedDataParallel ddp(net);
  Tensor x = fx::randn({2, 4});
  net->fc1->forward(x).sum().backward();  // fc2 takes no part
  try {
    (void)ddp.forward(x);
    FAIL() << "a forward after a backward that left fc2 without gradients must throw";
  } catch (const fx::Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("'fc2.weight', 'fc2.bias' received no gradient"), std::string::npos) << msg;
  }
  dist::barrier();
}

TEST(DistributedDataParallel, ModelsThatDifferBetweenRanksAreAnError) {
  DefaultDtype dd(fx::Float64);
  int r = dist::get_rank();
  auto net = std::make_shared<Net>(r == 1 ? 5 : 4, false);
  try {
    fx::nn::DistributedDataParallel ddp(net);
    FAIL() << "rank 1's hidden layer differs: every rank must throw";
  } catch (const fx::Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("rank 1 at parameter 0"), std::string::npos) << msg;
    if (r == 1) {
      EXPECT_NE(msg.find("'fc1.weight' of shape [5, 4]"), std::string::npos) << msg;
    }
  }
  dist::barrier();
}

// torch.optim.LBFGS's step(closure) under DDP: the closure returns the loss
// averaged over the ranks (the gradients already are), so every rank's L-BFGS
// sees the one-process numbers on the concatenated batch and takes its steps.
TEST(DistributedDataParallel, LbfgsStepWithClosureEqualsOneProcess) {
  DefaultDtype dd(fx::Float64);
  int r = dist::get_rank(), n = dist::get_world_size();
  const int64_t b = 4;
  fx::manual_seed(9);
  auto reference = std::make_shared<Net>(6, false);
  auto local = std::make_shared<Net>(6, false);
  local->load_state_dict(reference->state_dict());  // the same start (on every rank, from the same seed)
  fx::nn::DistributedDataParallel ddp(local);
  fx::optim::LBFGS opt_ref(reference->parameters(),
                           {.max_iter = 5, .line_search = fx::optim::LineSearch::strong_wolfe});
  fx::optim::LBFGS opt(local->parameters(), {.max_iter = 5, .line_search = fx::optim::LineSearch::strong_wolfe});
  for (int step = 0; step < 3; ++step) {
    auto [x, t] = batch(step, b * n);
    opt_ref.step([&, &x = x, &t = t] {
      opt_ref.zero_grad();
      Tensor loss = mse(reference->forward(x), t);
      loss.backward();
      return loss;
    });
    Tensor xr = rows(x, r, b), tr = rows(t, r, b);
    opt.step([&] {
      opt.zero_grad();
      Tensor loss = mse(ddp.forward(xr), tr);
      loss.backward();
      return dist::all_reduce(loss.detach(), dist::ReduceOp::avg);
    });
  }
  expect_same(*reference, *local, 1e-10);
}
