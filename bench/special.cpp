// SPDX-License-Identifier: MIT
// special (Float32) and special_f64 (Float64, the functions of vmath_f64*.h):
// elementwise special functions over n elements, forward only, against the
// same work done by calling std:: per element (a plain loop into a new
// tensor, split over the same threads). Reports the paired time ratio fluxion / std:: (timed back to
// back per repetition) and fluxion's gelems_per_s = n / median_s.
#include "tensor/kernels/special.h"

#include <cmath>
#include <functional>
#include <iterator>
#include <span>

#include "bench/bench.h"
#include "fluxion.h"

namespace fluxion::bench {
namespace {

template <class T>
struct Fn {
  const char* name;
  double lo, hi;  // inputs drawn uniformly from [lo, hi)
  Tensor (*op)(const Tensor&);
  T (*ref)(T);
};

const Fn<float> kFns[] = {
    {"erf", -4, 4, [](const Tensor& x) { return x.erf(); }, [](float v) { return std::erf(v); }},
    {"erfc", -4, 9, [](const Tensor& x) { return erfc(x); }, [](float v) { return std::erfc(v); }},
    {"expm1", -10, 10, [](const Tensor& x) { return x.expm1(); }, [](float v) { return std::expm1(v); }},
    {"log1p", -0.9, 100, [](const Tensor& x) { return x.log1p(); }, [](float v) { return std::log1p(v); }},
    {"atan", -10, 10, [](const Tensor& x) { return atan(x); }, [](float v) { return std::atan(v); }},
    {"asin", -1, 1, [](const Tensor& x) { return asin(x); }, [](float v) { return std::asin(v); }},
    {"acos", -1, 1, [](const Tensor& x) { return acos(x); }, [](float v) { return std::acos(v); }},
    {"sinh", -10, 10, [](const Tensor& x) { return sinh(x); }, [](float v) { return std::sinh(v); }},
    {"cosh", -10, 10, [](const Tensor& x) { return cosh(x); }, [](float v) { return std::cosh(v); }},
    {"asinh", -100, 100, [](const Tensor& x) { return asinh(x); }, [](float v) { return std::asinh(v); }},
    {"acosh", 1, 100, [](const Tensor& x) { return acosh(x); }, [](float v) { return std::acosh(v); }},
    {"atanh", -1, 1, [](const Tensor& x) { return atanh(x); }, [](float v) { return std::atanh(v); }},
    {"log2", 0, 100, [](const Tensor& x) { return log2(x); }, [](float v) { return std::log2(v); }},
    {"log10", 0, 100, [](const Tensor& x) { return log10(x); }, [](float v) { return std::log10(v); }},
    {"exp2", -20, 20, [](const Tensor& x) { return exp2(x); }, [](float v) { return std::exp2(v); }},
    {"sin", -100, 100, [](const Tensor& x) { return x.sin(); }, [](float v) { return std::sin(v); }},
    {"cos", -100, 100, [](const Tensor& x) { return x.cos(); }, [](float v) { return std::cos(v); }},
    {"tan", -100, 100, [](const Tensor& x) { return x.tan(); }, [](float v) { return std::tan(v); }},
    {"digamma", 0, 20, [](const Tensor& x) { return digamma(x); },
     [](float v) { return (float)kernels::special::digamma(v); }},
    {"lgamma", 0, 20, [](const Tensor& x) { return lgamma(x); }, [](float v) { return std::lgamma(v); }},
    {"trigamma", 0, 20, [](const Tensor& x) { return polygamma(1, x); },
     [](float v) { return (float)kernels::special::polygamma(1, v); }},
    {"polygamma3", 0, 20, [](const Tensor& x) { return polygamma(3, x); },
     [](float v) { return (float)kernels::special::polygamma(3, v); }},
    {"sinc", -100, 100, [](const Tensor& x) { return sinc(x); },
     [](float v) { return (float)kernels::special::sinc(v); }},
    {"erfinv", -1, 1, [](const Tensor& x) { return erfinv(x); },
     [](float v) { return (float)kernels::special::erfinv(v); }},
    {"softplus", -30, 30, [](const Tensor& x) { return softplus(x); },
     [](float v) { return v > 20 ? v : std::log1p(std::exp(v)); }},
};

const Fn<double> kFns64[] = {
    {"log", 0, 100, [](const Tensor& x) { return x.log(); }, [](double v) { return std::log(v); }},
    {"log1p", -0.9, 100, [](const Tensor& x) { return x.log1p(); }, [](double v) { return std::log1p(v); }},
    {"log2", 0, 100, [](const Tensor& x) { return log2(x); }, [](double v) { return std::log2(v); }},
    {"log10", 0, 100, [](const Tensor& x) { return log10(x); }, [](double v) { return std::log10(v); }},
    {"exp2", -20, 20, [](const Tensor& x) { return exp2(x); }, [](double v) { return std::exp2(v); }},
    {"expm1", -10, 10, [](const Tensor& x) { return x.expm1(); }, [](double v) { return std::expm1(v); }},
    {"sin", -100, 100, [](const Tensor& x) { return x.sin(); }, [](double v) { return std::sin(v); }},
    {"cos", -100, 100, [](const Tensor& x) { return x.cos(); }, [](double v) { return std::cos(v); }},
    {"tan", -100, 100, [](const Tensor& x) { return x.tan(); }, [](double v) { return std::tan(v); }},
    {"atan", -10, 10, [](const Tensor& x) { return atan(x); }, [](double v) { return std::atan(v); }},
    {"asin", -1, 1, [](const Tensor& x) { return asin(x); }, [](double v) { return std::asin(v); }},
    {"acos", -1, 1, [](const Tensor& x) { return acos(x); }, [](double v) { return std::acos(v); }},
    {"sinh", -10, 10, [](const Tensor& x) { return sinh(x); }, [](double v) { return std::sinh(v); }},
    {"cosh", -10, 10, [](const Tensor& x) { return cosh(x); }, [](double v) { return std::cosh(v); }},
    {"asinh", -100, 100, [](const Tensor& x) { return asinh(x); }, [](double v) { return std::asinh(v); }},
    {"acosh", 1, 100, [](const Tensor& x) { return acosh(x); }, [](double v) { return std::acosh(v); }},
    {"atanh", -1, 1, [](const Tensor& x) { return atanh(x); }, [](double v) { return std::atanh(v); }},
    {"erf", -4, 4, [](const Tensor& x) { return x.erf(); }, [](double v) { return std::erf(v); }},
    {"erfc", -4, 9, [](const Tensor& x) { return erfc(x); }, [](double v) { return std::erfc(v); }},
    {"digamma", 0, 20, [](const Tensor& x) { return digamma(x); },
     [](double v) { return kernels::special::digamma(v); }},
    {"erfinv", -1, 1, [](const Tensor& x) { return erfinv(x); }, [](double v) { return kernels::special::erfinv(v); }},
    {"lgamma", 0, 20, [](const Tensor& x) { return lgamma(x); }, [](double v) { return std::lgamma(v); }},
    {"trigamma", 0, 20, [](const Tensor& x) { return polygamma(1, x); },
     [](double v) { return kernels::special::polygamma(1, v); }},
    {"polygamma3", 0, 20, [](const Tensor& x) { return polygamma(3, x); },
     [](double v) { return kernels::special::polygamma(3, v); }},
    {"sinc", -100, 100, [](const Tensor& x) { return sinc(x); }, [](double v) { return kernels::special::sinc(v); }},
};

template <class T>
void run_fns(const Context& ctx, const Fn<T>* fns, size_t count, DType dtype, const char* dtype_name) {
  const int64_t n = 1000000;
  for (const Fn<T>& f : std::span(fns, count)) {
    manual_seed(0);
    Tensor x = uniform({n}, f.lo, f.hi, dtype);
    auto fast = [&] { Tensor y = f.op(x); };
    auto scalar = [&] {
      Tensor y = empty({n}, dtype);
      const T* px = x.data<T>();
      T* py = y.data<T>();
#pragma omp parallel for num_threads(ctx.threads) schedule(static)
      for (int64_t i = 0; i < n; ++i) py[i] = f.ref(px[i]);
    };
    double ratio = paired_ratio(fast, scalar);
    Timing t = time_it(fast);
    Line("special", ctx)
        .add("dtype", dtype_name)
        .add("n", n)
        .add("fn", f.name)
        .add("time_ratio_vs_std", ratio)
        .add("gelems_per_s", (double)n / t.median_s / 1e9)
        .timing(t)
        .print();
  }
}

void run(const Context& ctx) { run_fns(ctx, kFns, std::size(kFns), Float32, "f32"); }
void run_f64(const Context& ctx) { run_fns(ctx, kFns64, std::size(kFns64), Float64, "f64"); }

const bool registered = add_workload("special", run);
const bool registered_f64 = add_workload("special_f64", run_f64);

}  // namespace
}  // namespace fluxion::bench
