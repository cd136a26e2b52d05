// SPDX-License-Identifier: MIT
// func::vmap over the whole op catalogue (catalogue.h): for each case, on its
// first shape set, vmap(op) on a batch of 3 equals the op run on each example
// and stacked, with every input batched along dim 0, and again with only the
// first input batched (along its last dim) and the others shared by all
// examples. An op may instead be refused with vmap's documented error: a
// result shape or a branch that depends on values, or an in-place write.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <optional>
#include <string>

#include "autograd/batched.h"
#include "catalogue.h"

namespace {

namespace fx = fluxion;
using catalogue::Args;
using catalogue::OpCase;
using fx::Tensor;
using Dims = std::vector<std::optional<int64_t>>;

constexpr int64_t kBatch = 3;

Tensor make(const OpCase& op, const fx::Shape& shape, size_t i, std::mt19937_64& rng) {
  return op.make_input ? op.make_input(shape, i, rng) : catalogue::uniform(shape, op.lo, op.hi, rng);
}

// The inputs of `op` on its first shape set: input i batched along dims[i]
// (kBatch examples stacked there), or one example shared when dims[i] is none.
Args inputs(const OpCase& op, const Dims& dims, std::mt19937_64& rng) {
  const std::vector<fx::Shape>& shapes = op.shapes[0];
  Args xs;
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (!dims[i]) {
      xs.push_back(make(op, shapes[i], i, rng));
      continue;
    }
    Args examples;
    for (int64_t b = 0; b < kBatch; ++b) examples.push_back(make(op, shapes[i], i, rng));
    xs.push_back(fx::stack(examples, *dims[i]));
  }
  return xs;
}

// Empty when vmap(op) equals the loop over examples, else what differs.
std::string compare(const OpCase& op, const Args& xs, const Dims& dims) {
  Args ys;
  for (int64_t b = 0; b < kBatch; ++b) {
    Args example;
    for (size_t i = 0; i < xs.size(); ++i) example.push_back(dims[i] ? xs[i].select(*dims[i], b) : xs[i]);
    ys.push_back(op.fn(example));
  }
  Tensor want = fx::stack(ys, 0);
  Tensor got = fx::func::vmap([&op](const Args& a) { return op.fn(a); }, fx::func::Dims(dims))(xs);
  if (got.shape() != want.shape())
    return "shape " + fx::to_string(got.shape()) + ", the loop's " + fx::to_string(want.shape());
  std::vector<double> g = got.to(fx::Float64).contiguous().to_vector<double>();
  std::vector<double> w = want.to(fx::Float64).contiguous().to_vector<double>();
  for (size_t k = 0; k < g.size(); ++k) {
    bool same = std::abs(g[k] - w[k]) <= 1e-9 * (1 + std::abs(w[k])) || (std::isnan(g[k]) && std::isnan(w[k]));
    if (!same)
      return "at flat index " + std::to_string(k) + ": " + std::to_string(g[k]) + ", the loop's " +
             std::to_string(w[k]);
  }
  return {};
}

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST(VmapCatalogue, EveryOpEqualsALoopOrIsRefused) {
  int equal = 0;
  std::vector<std::string> data_dependent, in_place, failures;
  for (const OpCase& op : catalogue::all()) {
    size_t n = op.shapes[0].size();
    Dims all_front(n, 0), first_last(n, std::nullopt);
    first_last[0] = (int64_t)op.shapes[0][0].size();
    std::string why;
    int refused = 0;  // 1: data-dependent, 2: in place
    for (const Dims& dims : {all_front, first_last}) {
      std::mt19937_64 rng(17);
      try {
        why = compare(op, inputs(op, dims, rng), dims);
      } catch (const fx::Error& e) {
        std::string m = e.what();
        if (contains(m, "vmap") &&
            (contains(m, "depends on the values") || contains(m, "values read") || contains(m, "cannot be vmapped")))
          refused = 1;
        else if (contains(m, "vmap") && contains(m, "in-place ops on batched tensors"))
          refused = 2;
        else
          why = m;
      }
      if (refused || !why.empty()) break;
    }
    if (refused == 1) data_dependent.push_back(op.name);
    if (refused == 2) in_place.push_back(op.name);
    if (!refused && why.empty()) ++equal;
    if (!refused && !why.empty()) failures.push_back(op.name + ": " + why);
  }
  auto names = [](const std::vector<std::string>& ns) {
    std::string s;
    for (const std::string& n : ns) s += " " + n;
    return s;
  };
  std::cout << "vmap over the op catalogue (" << catalogue::all().size() << " cases): " << equal << " equal the loop, "
            << data_dependent.size() << " refused as data-dependent (" << names(data_dependent) << " ), "
            << in_place.size() << " refused as in-place (" << names(in_place) << " ), " << failures.size()
            << " wrong\n";
  std::cout << "ops that ran through the per-example fallback loop:" << names(fx::batching::fallback_ops()) << "\n";
  for (const std::string& f : failures) ADD_FAILURE() << f;
  // The refusals as listed on issue 18 (12 cases); a new one needs its reason there.
  EXPECT_LE(data_dependent.size() + in_place.size(), 12u);
  EXPECT_EQ(equal + data_dependent.size() + in_place.size(), catalogue::all().size());
}
