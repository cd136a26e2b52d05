// SPDX-License-Identifier: MIT
// Collectives against their definitions: each rank builds every rank's input
// (a known function of the rank), computes the expected result locally and
// compares, for each dtype and reduce op, on contiguous, transposed and
// zero-size tensors; then the autograd rules, Work, sub-groups and errors.
#include <gtest/gtest.h>

#include <thread>

#include "distributed/distributed.h"
#include "fluxion.h"

namespace fx = fluxion;
namespace dist = fluxion::distributed;
using fx::Tensor;

namespace {

// Rank r's input of `shape`: small integers (exact in every dtype) that rise
// on some ranks and fall on others, so max and min pick different ranks.
Tensor input(int r, const fx::Shape& shape, fx::DType dtype, bool transposed = false) {
  fx::Shape s = shape;
  if (transposed) std::swap(s[0], s[1]);
  int64_t n = fx::numel(s);
  std::vector<double> v((size_t)n);
  for (int64_t i = 0; i < n; ++i) v[(size_t)i] = (double)(((i * 7 + r * 5) % 11) - 5 + r);
  Tensor t = fx::tensor(v, s, fx::Float64).to(dtype);
  return transposed ? t.transpose(0, 1) : t;
}

void expect_equal(const Tensor& got, const Tensor& want) {
  ASSERT_EQ(got.shape(), want.shape());
  ASSERT_EQ(got.dtype(), want.dtype());
  auto a = got.to(fx::Float64).to_vector<double>(), b = want.to(fx::Float64).to_vector<double>();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-6 * (1 + std::abs(b[i]))) << "at " << i;
}

const fx::DType kDtypes[] = {fx::Float32, fx::Float64, fx::Int64};
const fx::Shape kShapes[] = {{3, 4}, {0, 4}, {5}};

Tensor reduce_all(int n, const fx::Shape& shape, fx::DType dtype, dist::ReduceOp op, bool transposed) {
  Tensor acc = input(0, shape, dtype, transposed).contiguous();
  for (int q = 1; q < n; ++q) {
    Tensor x = input(q, shape, dtype, transposed);
    if (op == dist::ReduceOp::max)
      acc = fx::where(x > acc, x, acc);
    else if (op == dist::ReduceOp::min)
      acc = fx::where(x < acc, x, acc);
    else
      acc = acc + x;
  }
  return op == dist::ReduceOp::avg ? acc / (double)n : acc;
}

}  // namespace

TEST(Collectives, AllReduceMatchesItsDefinition) {
  int r = dist::get_rank(), n = dist::get_world_size();
  for (fx::DType dtype : kDtypes)
    for (const fx::Shape& shape : kShapes)
      for (bool transposed : {false, true}) {
        if (transposed && shape.size() < 2) continue;
        for (dist::ReduceOp op : {dist::ReduceOp::sum, dist::ReduceOp::avg, dist::ReduceOp::max, dist::ReduceOp::min}) {
          if (op == dist::ReduceOp::avg && dtype == fx::Int64) continue;
          SCOPED_TRACE(std::string(fx::dtype_name(dtype)) + " " + dist::reduce_op_name(op) + " " +
                       fx::to_string(shape));
          Tensor x = input(r, shape, dtype, transposed);
          expect_equal(dist::all_reduce(x, op), reduce_all(n, shape, dtype, op, transposed));
          expect_equal(dist::all_reduce_async(x, op).wait(), reduce_all(n, shape, dtype, op, transposed));
        }
      }
}

TEST(Collectives, BroadcastAllGatherReduceScatter) {
  int r = dist::get_rank(), n = dist::get_world_size();
  for (fx::DType dtype : kDtypes)
    for (const fx::Shape& shape : kShapes) {
      SCOPED_TRACE(std::string(fx::dtype_name(dtype)) + " " + fx::to_string(shape));
      Tensor x = input(r, shape, dtype);
      expect_equal(dist::broadcast(x, n - 1), input(n - 1, shape, dtype));
      std::vector<Tensor> all;
      for (int q = 0; q < n; ++q) all.push_back(input(q, shape, dtype));
      expect_equal(dist::all_gather(x), fx::cat(all, 0));
      // reduce_scatter of (n * k, ...): rank r gets rows [r k, (r + 1) k) of the sum over ranks
      fx::Shape big = shape;
      big[0] *= n;
      Tensor sum = reduce_all(n, big, dtype, dist::ReduceOp::sum, false);
      int64_t k = shape[0];
      expect_equal(dist::reduce_scatter(input(r, big, dtype)), sum.slice(0, r * k, (r + 1) * k));
    }
  // a transposed (non-contiguous) input and a 0-d one
  Tensor t = input(r, {2, 3}, fx::Float64, true);
  std::vector<Tensor> all;
  for (int q = 0; q < n; ++q) all.push_back(input(q, {2, 3}, fx::Float64, true));
  expect_equal(dist::all_gather(t), fx::cat(all, 0));
  Tensor s = fx::tensor({(double)r}, fx::Float64).reshape({});
  EXPECT_EQ(dist::all_gather(s).shape(), fx::Shape{n});
  dist::barrier();
}

// PyTorch's rules: the gradient of L = sum over ranks of L_r.
TEST(Collectives, GradientsAreCollectivesToo) {
  int r = dist::get_rank(), n = dist::get_world_size();
  Tensor x = input(r, {2, 3}, fx::Float64).requires_grad_();
  Tensor w = input(r + 1, {2, 3}, fx::Float64);
  // L_r = <w_r, all_reduce(x)>: dL/dx_r = sum_q w_q
  (dist::all_reduce(x) * w).sum().backward();
  Tensor want = fx::zeros({2, 3}, fx::Float64);
  for (int q = 0; q < n; ++q) want = want + input(q + 1, {2, 3}, fx::Float64);
  expect_equal(x.grad(), want);
  // L_r = <v_r, all_gather(x)>, v_r: (n * 2, 3): dL/dx_r = sum_q v_q[2r : 2r + 2]
  x.zero_grad();
  (dist::all_gather(x) * input(r, {2 * n, 3}, fx::Float64)).sum().backward();
  Tensor v = reduce_all(n, {2 * n, 3}, fx::Float64, dist::ReduceOp::sum, false);
  expect_equal(x.grad(), v.slice(0, 2 * r, 2 * r + 2));
  // L_r = <u_r, reduce_scatter(z)>, z: (n * 2, 3): dL/dz_r = cat_q u_q
  Tensor z = input(r, {2 * n, 3}, fx::Float64).requires_grad_();
  (dist::reduce_scatter(z) * w).sum().backward();
  std::vector<Tensor> us;
  for (int q = 0; q < n; ++q) us.push_back(input(q + 1, {2, 3}, fx::Float64));
  expect_equal(z.grad(), fx::cat(us, 0));
  // L_r = <w_r, broadcast(x, 0)>: dL/dx_0 = sum_q w_q, dL/dx_r = 0 elsewhere
  x.zero_grad();
  (dist::broadcast(x, 0) * w).sum().backward();
  expect_equal(x.grad(), r == 0 ? want : fx::zeros({2, 3}, fx::Float64));
}

TEST(Collectives, SubGroupsAndOrder) {
  int r = dist::get_rank(), n = dist::get_world_size();
  // {1, 0}: world rank 1 is rank 0 of the group
  auto pair = dist::new_group({1, 0});
  if (r < 2) {
    EXPECT_EQ(pair->rank(), 1 - r);
    EXPECT_EQ(pair->world_size(), 2);
    Tensor x = fx::tensor({(double)r}, fx::Float64);
    expect_equal(dist::all_reduce(x, dist::ReduceOp::sum, *pair), fx::tensor({1.0}, fx::Float64));
    expect_equal(dist::broadcast(x, 0, *pair), fx::tensor({1.0}, fx::Float64));
  } else {
    EXPECT_FALSE(pair->is_member());
    EXPECT_THROW(dist::barrier(*pair), fx::Error);
  }
  EXPECT_THROW(dist::new_group({0, n}), fx::Error);
  dist::barrier();
}

TEST(Collectives, ErrorsNameTheOpAndTheFix) {
  Tensor x = fx::ones({2}, fx::Float64).requires_grad_();
  try {
    (void)dist::all_reduce(x, dist::ReduceOp::max);
    FAIL() << "max of a tensor that requires grad must throw";
  } catch (const fx::Error& e) {
    EXPECT_NE(std::string(e.what()).find("all_reduce: max has no gradient rule"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)dist::all_reduce(fx::ones({2}, fx::Int64), dist::ReduceOp::avg), fx::Error);
  EXPECT_THROW((void)dist::reduce_scatter(fx::ones({dist::get_world_size() + 1}, fx::Float64)), fx::Error);
  EXPECT_THROW((void)dist::all_reduce(fx::ones({2}) > 0.0), fx::Error);  // Bool
  dist::barrier();
}

// A rank that is late past the timeout is named; the Work can still be waited on.
TEST(Collectives, TimeoutNamesTheMissingRank) {
  int r = dist::get_rank();
  if (r != 0) std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  dist::Work w = dist::all_reduce_async(fx::ones({4}, fx::Float64));
  if (r == 0) {
    try {
      w.wait(std::chrono::milliseconds(200));
      FAIL() << "the wait must time out while the other ranks sleep";
    } catch (const fx::Error& e) {
      std::string msg = e.what();
      EXPECT_NE(msg.find("all_reduce: timed out after 200 ms"), std::string::npos) << msg;
      EXPECT_NE(msg.find("rank 1"), std::string::npos) << msg;
    }
  }
  expect_equal(w.wait(), fx::full({4}, (double)dist::get_world_size(), fx::Float64));
}

TEST(Failure, ThrowingRankEndsTheJob) {
  if (!std::getenv("FLUXION_TEST_THROW")) GTEST_SKIP() << "run by the distributed_throwing_rank CTest entry";
  if (dist::get_rank() == 1) throw std::runtime_error("boom from rank 1");
  dist::barrier();  // rank 0 waits here until MPI_Abort ends it
  FAIL() << "the job should have been aborted";
}
