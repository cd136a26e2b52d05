// SPDX-License-Identifier: MIT
// func::vmap over the whole op catalogue (catalogue.h): vmap(op) equals the
// op run on each example and stacked, for every case and every shape set,
//  - with every input batched, each along a random dim of its own;
//  - with a random subset of inputs shared by all examples (in_dims none);
//  - nested twice, vmap(vmap(op)), against a loop in a loop;
//  - and the op's VJP and JVP under vmap (per-example cotangents and
//    tangents) against a loop of func::vjp and func::jvp.
// Batch sizes are random from 1 to 4. An op may instead be refused with
// vmap's documented error: a result shape or a branch that depends on
// values, or an in-place write. No op runs through the per-example fallback
// loop: each has a batching rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "autograd/batched.h"
#include "catalogue.h"

namespace {

namespace fx = fluxion;
using catalogue::Args;
using catalogue::OpCase;
using fx::Tensor;
using Dims = std::vector<std::optional<int64_t>>;
using Fn = std::function<Tensor(const Args&)>;

// One vmap level: for each input the dim its batch runs along (none: one
// value shared by every example), and the number of examples.
struct Level {
  Dims dims;
  int64_t size;
};

// `depth` levels for inputs of `shapes`, outermost first. Each input is
// batched at a random position of its rank at that level (the dims of the
// levels inside it included), or shared with probability 1/4 unless
// `all_batched`; every level batches at least one input.
std::vector<Level> random_levels(const std::vector<fx::Shape>& shapes, int depth, bool all_batched,
                                 std::mt19937_64& rng) {
  std::vector<Level> levels(depth);
  std::vector<int64_t> rank;
  for (const fx::Shape& s : shapes) rank.push_back((int64_t)s.size());
  for (int l = depth - 1; l >= 0; --l) {  // innermost first: outer dims count the inner ones
    Level& level = levels[l];
    level.size = 1 + (int64_t)(rng() % 4);
    for (size_t i = 0; i < shapes.size(); ++i) {
      bool shared = !all_batched && rng() % 4 == 0;
      level.dims.push_back(shared ? std::nullopt : std::optional<int64_t>((int64_t)(rng() % (rank[i] + 1))));
    }
    if (std::none_of(level.dims.begin(), level.dims.end(), [](auto d) { return d.has_value(); }))
      level.dims[rng() % shapes.size()] = 0;
    for (size_t i = 0; i < shapes.size(); ++i) rank[i] += level.dims[i] ? 1 : 0;
  }
  return levels;
}

Tensor make(const OpCase& op, const fx::Shape& shape, size_t i, std::mt19937_64& rng) {
  return op.make_input ? op.make_input(shape, i, rng) : catalogue::uniform(shape, op.lo, op.hi, rng);
}

// Input i for levels[l..]: examples stacked along its dim at each level, or
// one shared value where it has none.
Tensor build(const OpCase& op, const fx::Shape& shape, size_t i, const std::vector<Level>& levels, size_t l,
             std::mt19937_64& rng) {
  if (l == levels.size()) return make(op, shape, i, rng);
  if (!levels[l].dims[i]) return build(op, shape, i, levels, l + 1, rng);
  Args examples;
  for (int64_t b = 0; b < levels[l].size; ++b) examples.push_back(build(op, shape, i, levels, l + 1, rng));
  return fx::stack(examples, *levels[l].dims[i]);
}

// f run example by example at levels[l..], stacked along dim 0 at each level.
Tensor loop(const Fn& f, const Args& xs, const std::vector<Level>& levels, size_t l) {
  if (l == levels.size()) return f(xs);
  Args ys;
  for (int64_t b = 0; b < levels[l].size; ++b) {
    Args example;
    for (size_t i = 0; i < xs.size(); ++i)
      example.push_back(levels[l].dims[i] ? xs[i].select(*levels[l].dims[i], b) : xs[i]);
    ys.push_back(loop(f, example, levels, l + 1));
  }
  return fx::stack(ys, 0);
}

// f vmapped at levels[l..]: vmap(vmap(f, dims 1), dims 0).
Fn vmapped(const Fn& f, const std::vector<Level>& levels, size_t l) {
  if (l == levels.size()) return f;
  return fx::func::vmap(vmapped(f, levels, l + 1), fx::func::Dims(levels[l].dims));
}

// Empty when got equals want, else what differs.
std::string difference(const Tensor& got, const Tensor& want) {
  if (got.shape() != want.shape())
    return "shape " + fx::to_string(got.shape()) + ", the loop's " + fx::to_string(want.shape());
  std::vector<double> g = got.to(fx::Float64).contiguous().to_vector<double>();
  std::vector<double> w = want.to(fx::Float64).contiguous().to_vector<double>();
  for (size_t k = 0; k < g.size(); ++k) {
    bool same = g[k] == w[k] || std::abs(g[k] - w[k]) <= 1e-9 * (1 + std::abs(w[k])) ||
                (std::isnan(g[k]) && std::isnan(w[k]));
    if (!same)
      return "at flat index " + std::to_string(k) + ": " + std::to_string(g[k]) + ", the loop's " +
             std::to_string(w[k]);
  }
  return {};
}

int comparisons = 0;  // counted for the summary

// vmap at `levels` against the loop, for f of inputs of `shapes`.
std::string compare(const OpCase& op, const Fn& f, const std::vector<fx::Shape>& shapes,
                    const std::vector<Level>& levels, std::mt19937_64& rng) {
  std::ostringstream config;  // for the message
  config << " (shapes";
  for (const fx::Shape& s : shapes) config << " " << fx::to_string(s);
  config << "; levels:";
  for (const Level& level : levels) {
    config << " [size " << level.size << ", in_dims";
    for (auto d : level.dims) d ? config << " " << *d : config << " none";
    config << "]";
  }
  config << ")";
  Args xs;
  for (size_t i = 0; i < shapes.size(); ++i) xs.push_back(build(op, shapes[i], i, levels, 0, rng));
  std::string why;
  ++comparisons;
  try {
    why = difference(vmapped(f, levels, 0)(xs), loop(f, xs, levels, 0));
  } catch (const fx::Error& e) {
    throw fx::Error(e.what() + config.str());
  }
  return why.empty() ? why : why + config.str();
}

// The op's inputs that are differentiated: floating and not constant.
std::vector<size_t> differentiated(const OpCase& op, const Args& example) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < example.size(); ++i)
    if (example[i].is_floating_point() &&
        std::find(op.constant.begin(), op.constant.end(), i) == op.constant.end())
      idx.push_back(i);
  return idx;
}

// The op's VJP as a function of (inputs, cotangent) and its JVP as one of
// (inputs, tangents of the differentiated ones), each returning the results
// flattened and joined: what vmap maps over.
Fn vjp_of(const OpCase& op, const std::vector<size_t>& diff) {
  return [&op, diff](const Args& a) {
    Args xs(a.begin(), a.end() - 1), wrt;
    for (size_t i : diff) wrt.push_back(xs[i]);
    auto [y, pullback] = fx::func::vjp(
        [&](const Args& w) {
          Args full = xs;
          for (size_t k = 0; k < diff.size(); ++k) full[diff[k]] = w[k];
          return op.fn(full);
        },
        wrt);
    Args gs = pullback(a.back());
    for (Tensor& g : gs) g = g.reshape({-1});
    return fx::cat(gs);
  };
}
Fn jvp_of(const OpCase& op, const std::vector<size_t>& diff, size_t n) {
  return [&op, diff, n](const Args& a) {
    Args xs(a.begin(), a.begin() + (ptrdiff_t)n), wrt, ts(a.begin() + (ptrdiff_t)n, a.end());
    for (size_t i : diff) wrt.push_back(xs[i]);
    auto f = [&](const Args& w) {
      Args full = xs;
      for (size_t k = 0; k < diff.size(); ++k) full[diff[k]] = w[k];
      return op.fn(full);
    };
    return fx::func::jvp(f, wrt, ts).second;
  };
}

// Every check of one case; empty when all pass, else the first difference.
// Throws vmap's refusal for an op that cannot be vmapped.
std::string check_case(const OpCase& op) {
  std::mt19937_64 rng(17);
  for (const std::vector<fx::Shape>& shapes : op.shapes) {
    for (bool all_batched : {true, false}) {
      std::string why = compare(op, op.fn, shapes, random_levels(shapes, 1, all_batched, rng), rng);
      if (!why.empty()) return why;
    }
  }
  const std::vector<fx::Shape>& shapes = op.shapes[0];
  std::string why = compare(op, op.fn, shapes, random_levels(shapes, 2, false, rng), rng);
  if (!why.empty()) return "nested: " + why;
  // VJP and JVP under vmap, with every operand batched along a random dim.
  Args example;
  for (size_t i = 0; i < shapes.size(); ++i) example.push_back(make(op, shapes[i], i, rng));
  std::vector<size_t> diff = differentiated(op, example);
  if (diff.empty()) return {};
  fx::Shape out = op.fn(example).shape();
  std::vector<fx::Shape> with_cotangent = shapes, with_tangents = shapes;
  with_cotangent.push_back(out);
  for (size_t i : diff) with_tangents.push_back(shapes[i]);
  OpCase extended = op;  // tangents and cotangents are drawn from [-1, 1]
  extended.make_input = [&op, n = shapes.size()](const fx::Shape& s, size_t i, std::mt19937_64& r) {
    return i < n ? make(op, s, i, r) : catalogue::uniform(s, -1, 1, r);
  };
  why = compare(extended, vjp_of(op, diff), with_cotangent, random_levels(with_cotangent, 1, true, rng), rng);
  if (!why.empty()) return "vjp: " + why;
  why = compare(extended, jvp_of(op, diff, shapes.size()), with_tangents, random_levels(with_tangents, 1, true, rng),
                rng);
  return why.empty() ? why : "jvp: " + why;
}

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST(VmapCatalogue, EveryOpEqualsALoopOrIsRefused) {
  const std::vector<std::string> looped_before = fx::batching::fallback_ops();
  int equal = 0;
  std::vector<std::string> data_dependent, in_place, failures;
  for (const OpCase& op : catalogue::all()) {
    std::string why;
    int refused = 0;  // 1: data-dependent, 2: in place
    try {
      why = check_case(op);
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
            << " wrong, in " << comparisons << " comparisons with a loop\n";
  // Every op has a batching rule: none of the catalogue's ops (or the ops of
  // their rules) ran through the per-example fallback loop.
  EXPECT_EQ(fx::batching::fallback_ops(), looped_before) << "ops that ran through the per-example fallback loop:"
                                                         << names(fx::batching::fallback_ops());
  for (const std::string& f : failures) ADD_FAILURE() << f;
  // The refusals as listed on issue 18 (7 cases: as_strided's 5, which address one
  // example's memory layout, and 2 in place); a new one needs its reason there.
  EXPECT_LE(data_dependent.size() + in_place.size(), 7u);
  EXPECT_EQ(equal + data_dependent.size() + in_place.size(), catalogue::all().size());
}
