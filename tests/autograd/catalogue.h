// SPDX-License-Identifier: MIT
// The op catalogue (STYLE.md rule 11): one table of ops drives every op test.
// A family registers its cases in tests/autograd/catalogue_<family>.cpp:
//
//   static const bool registered = catalogue::add({
//       {.name = "sin", .fn = [](const Args& x) { return x[0].sin(); },
//        .shapes = {{{3, 4}}, {{}}, {{0, 2}}}, .ref1 = [](double v) { return std::sin(v); }},
//   });
//
// and test_catalogue.cpp runs, for every case and every shape set, on
// contiguous and on non-contiguous (strided) inputs:
//   forward vs the double reference (ref1/ref2, elementwise with broadcasting),
//   VJP vs central differences (gradcheck),  JVP vs central differences (jvpcheck),
//   <u, J v> == <J^T u, v>,  second order (gradgradcheck),
//   forward-over-reverse HVP == reverse-over-reverse HVP,
//   third order: reverse^3 == central differences of the HVP == the mixed modes.
#pragma once
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "fluxion.h"

namespace catalogue {

namespace fx = fluxion;
using Args = std::vector<fx::Tensor>;

struct OpCase {
  std::string name;                               // shown in test names: letters, digits, _
  std::function<fx::Tensor(const Args&)> fn;      // the op under test
  std::vector<std::vector<fx::Shape>> shapes;     // input shape sets to try (one shape per input)
  double lo = -2, hi = 2;                         // inputs drawn uniformly from [lo, hi]
  std::function<double(double)> ref1;             // optional elementwise reference, one input
  std::function<double(double, double)> ref2;     // ... two inputs (broadcast)
  // Optional: makes input `index` of `shape` (e.g. SPD matrices, int64 indices).
  // Float inputs it returns are differentiated unless listed in `constant`.
  std::function<fx::Tensor(const fx::Shape& shape, size_t index, std::mt19937_64& rng)> make_input;
  std::vector<size_t> constant;                   // inputs not differentiated
  bool second_order = true;                       // run gradgradcheck and the HVP comparison
  bool third_order = true;                        // compare third derivatives across modes (catalogue test)
  bool strided = true;                            // also test non-contiguous inputs
  double atol = 1e-5, rtol = 1e-3;                // for the finite-difference checks
};

/// Registers cases; returns true so it can initialise a static.
bool add(std::vector<OpCase> cases);
/// Every registered case.
const std::vector<OpCase>& all();

/// Uniform Float64 values in [lo, hi] of `shape`, from rng (any layout).
fx::Tensor uniform(const fx::Shape& shape, double lo, double hi, std::mt19937_64& rng);
/// The same values in a non-contiguous layout (every stride doubled).
fx::Tensor strided_copy(const fx::Tensor& t);

}  // namespace catalogue
