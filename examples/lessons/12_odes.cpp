// SPDX-License-Identifier: MIT
// Lesson 12 — Ordinary Differential Equations (ODEs): Neural ODEs in Action.
//
// An ODE dh/dt = f(h, t) says how a state h changes; solving it means adding
// up those small changes from a starting point h0. For the linear spiral
//   dx/dt = a x - b y,   dy/dt = b x + a y
// the answer is known exactly, h(t) = e^{a t} R(b t) h0 (R a rotation): a < 0
// spirals in, a > 0 spirals out, b sets how fast it turns.
// A Neural ODE lets a small network play f. The solver's output is then a
// function of the network's weights, and training differentiates through the
// solve: either by back-propagating through every Runge-Kutta stage (what the
// post's code does) or by the adjoint method, which solves a second ODE
// backwards in time and keeps memory flat in the number of steps.
//
// Why ML cares: a Neural ODE is a residual network with infinitely many,
// infinitely thin layers (continuous depth). The same machinery drives
// continuous normalizing flows, latent ODE/SDE models of irregular time
// series, and learned dynamics for control.
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "examples/lessons/lesson.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;
namespace ode = fluxion::odeint;
namespace plot = fluxion::plot;

namespace {

constexpr int kLesson = 12;

// The spiral field on batched states h[..., 2]:
//   dx/dt = alpha x - beta y,  dy/dt = beta x + alpha y
ode::Func spiral_field(double alpha, double beta) {
  return [alpha, beta](const fx::Tensor&, const fx::Tensor& h) {
    fx::Tensor x = h.select(-1, 0), y = h.select(-1, 1);
    return fx::stack({alpha * x - beta * y, beta * x + alpha * y}, -1);
  };
}

// How many counter-clockwise turns a trajectory [n, 2] makes around 0: the
// unwrapped polar angle swept, over 2 pi.
double turns(const std::vector<double>& xy) {
  double swept = 0;
  for (size_t i = 2; i + 1 < xy.size(); i += 2) {
    double d = std::atan2(xy[i + 1], xy[i]) - std::atan2(xy[i - 1], xy[i - 2]);
    d -= 2 * M_PI * std::round(d / (2 * M_PI));
    swept += d;
  }
  return swept / (2 * M_PI);
}

// Column k of a trajectory [n, 2] as a plot vector.
plot::Vec column(const fx::Tensor& traj, int64_t k) { return lesson::vec(traj.select(1, k)); }

// Demo 1: the spiral with SciPy's solve_ivp (RK45, rtol 1e-3, atol 1e-6),
// here odeint's Dormand-Prince 5(4) at the same tolerances, compared with the
// exact solution h(8) = e^{8 alpha} R(8 beta) h0.
void demo_spiral() {
  lesson::section("Demo 1: linear spiral ODE (alpha = -0.3, beta = 1.1)");
  const double alpha = -0.3, beta = 1.1, T = 8;
  fx::Tensor h0 = fx::tensor({2.0, 0.5}, fx::Float64), t = fx::linspace(0, T, 400, fx::Float64);
  ode::Stats stats;
  // page:begin Demo 1
  fx::Tensor sol = ode::odeint(spiral_field(alpha, beta), h0, t,
                               {.rtol = 1e-3, .atol = 1e-6, .method = ode::Method::dopri5, .stats = &stats});
  // page:end
  const std::vector<double> xy = sol.to_vector<double>();
  const double xe = std::exp(alpha * T) * (2.0 * std::cos(beta * T) - 0.5 * std::sin(beta * T));
  const double ye = std::exp(alpha * T) * (2.0 * std::sin(beta * T) + 0.5 * std::cos(beta * T));
  const double x8 = xy[xy.size() - 2], y8 = xy.back();
  std::printf("Solver: dopri5, rtol 1e-3, atol 1e-6 (SciPy RK45 defaults), 400 output times\n");
  std::printf("Endpoint h(8) numeric: (%.5f, %.5f)\n", x8, y8);
  std::printf("Endpoint h(8) exact:   (%.5f, %.5f)\n", xe, ye);
  std::printf("Endpoint error: %.2e   (function evaluations: %lld)\n", std::hypot(x8 - xe, y8 - ye), (long long)stats.nfe);
  std::printf("Radius: %.4f -> %.4f (ratio %.5f = e^{-2.4} = %.5f)\n", std::hypot(2.0, 0.5), std::hypot(x8, y8),
              std::hypot(x8, y8) / std::hypot(2.0, 0.5), std::exp(alpha * T));
  std::printf("Turns (counter-clockwise): %.2f\n", turns(xy));

  plot::Figure fig(6.4, 4.8, 80);
  auto& ax = fig.ax();
  ax.plot(column(sol, 0), column(sol, 1), {.label = "trajectory"});  // labelled, no legend: as the post
  ax.set_title("Spiral ODE trajectory");
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.grid();
  ax.axis("equal");
  lesson::save(fig, kLesson, "spiral_ode.png");
}

// The post's ODEFunc: forward(t, h) ignores t and returns
// Sequential(Linear(in, 32), Tanh(), Linear(32, 2))(h).
// With time_input (exercise 3) the network sees cat([h, t]) instead.
// page:begin Demo 2
struct ODEFunc : nn::Module {
  explicit ODEFunc(bool time_input = false)
      : time_input(time_input),
        net(register_module("net", std::make_shared<nn::Sequential>(
                                 nn::Linear(time_input ? 3 : 2, 32, {.dtype = fx::Float32}), nn::Tanh(),
                                 nn::Linear(32, 2, {.dtype = fx::Float32})))) {}
  fx::Tensor forward(const fx::Tensor& t, const fx::Tensor& h) const {
    if (!time_input) return net->forward(h);
    fx::Tensor t_ = t * fx::ones_like(h.narrow(-1, 0, 1));  // t broadcast to h[..., :1]
    return net->forward(fx::cat({h, t_}, -1));
  }
  bool time_input;
  std::shared_ptr<nn::Sequential> net;
};
// page:end

// The data of demo 2 and the exercises: alpha = -0.4, beta = 1.2, 160 times on
// [0, 7], h0 = (2, 0.7), float32 as in the post.
struct SpiralData {
  fx::Tensor t = fx::linspace(0, 7, 160, fx::Float32);
  fx::Tensor h0 = fx::tensor({2.0, 0.7}, fx::Float32);
  ode::Func field = spiral_field(-0.4, 1.2);
  fx::Tensor target(const fx::Tensor& from) const {  // torchdiffeq's defaults: dopri5, rtol 1e-7, atol 1e-9
    fx::NoGradGuard no_grad;
    return ode::odeint(field, from, t);
  }
};

enum class Gradient { backprop, adjoint };

struct Fit {
  fx::Tensor pred;      // the last epoch's prediction [160, 2], detached
  double first_loss = 0, last_loss = 0;
  double seconds = 0;      // wall clock
  double cpu_seconds = 0;  // this process's CPU time (what a busy machine does not inflate)
};

// The post's training loop: Adam(lr 0.01), one full trajectory per epoch,
// loss = mean((odeint(model, h0, t) - target)^2), zero_grad/backward/step.
// The solve is fixed-step RK4 with one step per output interval (dt = 7/159):
// LESSONS.md 12.3 verifies it gives torchdiffeq's dopri5 losses to 4 digits.
// Gradient::backprop back-propagates through every RK4 stage (the post);
// Gradient::adjoint uses odeint_adjoint (the method the post's text names).
// Both with jit: the solves replay the recorded kernels of the field and of
// the field's vector-Jacobian product instead of going through autograd
// (backprop sweeps a tape of the RK4 stages with the latter).
Fit train(ODEFunc& model, const SpiralData& data, const fx::Tensor& target, int epochs, int print_every,
          Gradient how) {
  const ode::Options opts{.method = ode::Method::rk4, .jit = true};
  fx::optim::Adam optimizer(model.parameters(), {.lr = 0.01});
  ode::Func f = [&model](const fx::Tensor& t, const fx::Tensor& h) { return model.forward(t, h); };
  Fit fit;
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  // page:begin Demo 2
  for (int epoch = 0; epoch < epochs; ++epoch) {
    fx::Tensor pred = how == Gradient::backprop ? ode::odeint(f, data.h0, data.t, opts)
                                                : ode::odeint_adjoint(f, model.parameters(), data.h0, data.t, opts);
    fx::Tensor loss = (pred - target).square().mean();
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  // page:end
    const double value = loss.item();
    if (epoch == 0) fit.first_loss = value;
    fit.last_loss = value;
    if (print_every > 0 && epoch % print_every == 0) std::printf("Epoch %3d | Loss: %.5f\n", epoch, value);
    if (epoch == epochs - 1) fit.pred = pred.detach();
  }
  fit.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fit.cpu_seconds = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  return fit;
}

// Demo 2: a Neural ODE learns the spiral from one trajectory, trained twice
// from the same seed-42 weights: by backprop through the solver, as the
// post's code does, and by the adjoint method.
void demo_neural_ode() {
  lesson::section("Demo 2: Neural ODE fits a spiral (float32, seed 42, Adam lr 0.01, 250 epochs)");
  SpiralData data;
  const fx::Tensor target = data.target(data.h0);  // [160, 2]
  const std::vector<double> xy = target.to_vector<double>();
  std::printf("Target endpoint: (%.4f, %.4f)  radius %.4f -> %.4f  turns %.2f  mean square %.3f\n",
              xy[xy.size() - 2], xy.back(), std::hypot(xy[0], xy[1]), std::hypot(xy[xy.size() - 2], xy.back()),
              turns(xy), target.square().mean().item());

  std::printf("-- backprop through odeint (rk4, dt = 7/159) --\n");
  fx::manual_seed(42);
  ODEFunc model;
  const Fit bp = train(model, data, target, 250, 40, Gradient::backprop);
  std::printf("Backprop: final loss %.5f, 250 epochs in %.2f s (CPU %.2f s)\n", bp.last_loss, bp.seconds, bp.cpu_seconds);

  std::printf("-- odeint_adjoint (same initial weights) --\n");
  fx::manual_seed(42);
  ODEFunc adjoint_model;
  const Fit adj = train(adjoint_model, data, target, 250, 40, Gradient::adjoint);
  std::printf("Adjoint: final loss %.5f, 250 epochs in %.2f s (CPU %.2f s)\n", adj.last_loss, adj.seconds,
              adj.cpu_seconds);

  plot::Figure fig(6.4, 4.8, 80);
  auto& ax = fig.ax();
  ax.plot(column(target, 0), column(target, 1), {.linewidth = 3, .label = "True"});
  ax.plot(column(bp.pred, 0), column(bp.pred, 1), {.linewidth = 2, .linestyle = "--", .label = "Neural ODE"});
  ax.legend();
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.set_title("Neural ODE fits Spiral Trajectory");
  ax.axis("equal");
  lesson::save(fig, kLesson, "neural_ode_spiral.png");
}

// Exercise 1: change alpha and beta. alpha < 0 spirals in, alpha > 0 spirals
// out, alpha = 0 is a circle, beta = 0 is pure radial growth; the radius is
// |h0| e^{8 alpha} at t = 8 whatever beta is.
void exercise_1() {
  lesson::section("Exercise 1: trajectories for several (alpha, beta)");
  const double params[5][2] = {{-0.3, 1.1}, {0.4, 1.0}, {0.0, 1.0}, {-0.6, 0.3}, {0.2, 0.0}};
  fx::Tensor h0 = fx::tensor({2.0, 0.5}, fx::Float64), t = fx::linspace(0, 8, 600, fx::Float64);
  plot::Figure fig(8, 6, 80);
  auto& ax = fig.ax();
  for (const auto& [alpha, beta] : params) {
    // page:begin Exercise 1
    fx::Tensor sol = ode::odeint(spiral_field(alpha, beta), h0, t, {.rtol = 1e-3, .atol = 1e-6});
    // page:end
    const std::vector<double> xy = sol.to_vector<double>();
    const double r8 = std::hypot(xy[xy.size() - 2], xy.back());
    std::printf("alpha = %4.1f, beta = %3.1f: radius(8) = %.6g (exact %.6g), turns %.2f\n", alpha, beta, r8,
                std::hypot(2.0, 0.5) * std::exp(8 * alpha), turns(xy));
    char label[64];
    std::snprintf(label, sizeof label, "α=%.1f, β=%.1f", alpha, beta);
    ax.plot(column(sol, 0), column(sol, 1), {.label = label});
  }
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.set_title("Trajectories for Various (α, β) in Spiral ODE");
  ax.legend();
  ax.grid();
  ax.axis("equal");
  lesson::save(fig, kLesson, "ex1_alpha_beta.png");
}

// Exercise 2: train on the trajectory from (2, 0.7) for 200 epochs, then run
// the true and the learned field from four starting states. The learned field
// is only constrained near the training trajectory.
void exercise_2() {
  lesson::section("Exercise 2: true vs Neural ODE from four initial states (200 epochs)");
  SpiralData data;
  fx::manual_seed(7);
  ODEFunc model;
  const Fit fit = train(model, data, data.target(data.h0), 200, 0, Gradient::backprop);
  std::printf("Training loss after 200 epochs: %.5f\n", fit.last_loss);
  const double starts[4][2] = {{2.0, 0.7}, {1.0, -1.5}, {-2.0, 0.2}, {0.0, 2.0}};
  plot::Figure fig(7, 7, 80);
  auto& ax = fig.ax();
  for (const auto& [x0, y0] : starts) {
    fx::Tensor h0 = fx::tensor({x0, y0}, fx::Float32);
    fx::Tensor truth = data.target(h0), learned;
    {
      fx::NoGradGuard no_grad;
      // page:begin Exercise 2
      learned = ode::odeint([&model](const fx::Tensor& t, const fx::Tensor& h) { return model.forward(t, h); }, h0,
                            data.t);
      // page:end
    }
    std::printf("h0 = (%4.1f, %4.1f): RMS gap true vs Neural ODE %.4f\n", x0, y0,
                std::sqrt((truth - learned).square().mean().item()));
    char label[64];
    std::snprintf(label, sizeof label, "True h₀=[%g, %g]", x0, y0);
    ax.plot(column(truth, 0), column(truth, 1), {.linewidth = 2, .label = label});
    std::snprintf(label, sizeof label, "Neural ODE h₀=[%g, %g]", x0, y0);
    ax.plot(column(learned, 0), column(learned, 1), {.linestyle = "--", .label = label});
  }
  ax.set_title("Spiral ODEs: True vs Neural ODE for Multiple h₀");
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.legend({.fontsize = 8});
  ax.axis("equal");
  lesson::save(fig, kLesson, "ex2_initial_states.png");
}

// Exercise 3: a time-dependent field, the network sees cat([h, t]) (3 -> 32 -> 2).
void exercise_3() {
  lesson::section("Exercise 3: time-varying field f(h, t) (seed 0, 250 epochs)");
  SpiralData data;
  const fx::Tensor target = data.target(data.h0);
  fx::manual_seed(0);
  // page:begin Exercise 3
  ODEFunc model(/*time_input=*/true);
  const Fit fit = train(model, data, target, 250, 50, Gradient::backprop);
  // page:end
  std::printf("Time-varying field: final loss %.5f\n", fit.last_loss);
  plot::Figure fig(6.4, 4.8, 80);
  auto& ax = fig.ax();
  ax.plot(column(target, 0), column(target, 1), {.linewidth = 3, .label = "True Spiral"});
  ax.plot(column(fit.pred, 0), column(fit.pred, 1), {.linewidth = 2, .linestyle = "--", .label = "Neural ODE (with t)"});
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.set_title("Neural ODE with Time-Varying Field (input t)");
  ax.legend();
  ax.axis("equal");
  lesson::save(fig, kLesson, "ex3_time_varying.png");
}

// Exercise 4: train on data with Gaussian noise (std 0.15). The loss falls
// towards, but stays above, the noise variance 0.0225: a smooth flow cannot
// follow the noise.
void exercise_4() {
  lesson::section("Exercise 4: Neural ODE on noisy data (noise std 0.15, seed 123, 300 epochs)");
  SpiralData data;
  const fx::Tensor truth = data.target(data.h0);
  fx::manual_seed(123);
  // page:begin Exercise 4
  const fx::Tensor noisy = truth + 0.15 * fx::randn_like(truth);
  std::printf("Noise variance: 0.0225 (sample: %.4f)\n", (noisy - truth).square().mean().item());
  ODEFunc model;
  const Fit fit = train(model, data, noisy, 300, 50, Gradient::backprop);
  // page:end
  std::printf("Noisy fit: final loss %.5f, vs the true curve %.5f\n", fit.last_loss,
              (fit.pred - truth).square().mean().item());
  plot::Figure fig(6.4, 4.8, 80);
  auto& ax = fig.ax();
  ax.plot(column(truth, 0), column(truth, 1), {.linewidth = 3, .alpha = 0.7, .label = "True Spiral"});
  ax.plot(column(noisy, 0), column(noisy, 1), ".", {.alpha = 0.5, .label = "Noisy Data"});
  ax.plot(column(fit.pred, 0), column(fit.pred, 1), {.linewidth = 2, .linestyle = "--", .label = "Neural ODE Fit"});
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.set_title("Neural ODE Fit with Noisy Spiral Data");
  ax.legend();
  ax.axis("equal");
  lesson::save(fig, kLesson, "ex4_noisy.png");
}

}  // namespace

int main() {
  demo_spiral();
  demo_neural_ode();
  exercise_1();
  exercise_2();
  exercise_3();
  exercise_4();
  return 0;
}
