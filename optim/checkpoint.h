// SPDX-License-Identifier: MIT
// Checkpoints: the whole state of a training run in one file, so that a new
// process resumes it exactly — N steps, save, load elsewhere, M steps gives
// the same parameters, bit for bit, as N + M steps in one run.
//
//   fx::optim::TrainingState state{.model = net.get(), .optimizer = &opt, .loader = &loader};
//   state.epoch = epoch;
//   fx::optim::save_checkpoint(state, "ckpt.flx");   // atomic and durable (nn/atomic_file.h)
//   ...                                                // in a new process, after building the same objects:
//   fx::optim::load_checkpoint(state, "ckpt.flx");   // restores all of them; state.epoch is the saved one
//
// The file is an nn/serialize.h state dict with the entries
//   model.*  optimizer.*  scheduler.*  loader.*  generator  epoch  step  extra.*
// (a part whose pointer is null is neither saved nor expected).
#pragma once
#include <string>

#include "nn/data/loader.h"
#include "nn/module.h"
#include "optim/lr_scheduler.h"
#include "optim/optimizer.h"

namespace fluxion::optim {

struct TrainingState {
  nn::Module* model = nullptr;         // parameters and buffers
  Optimizer* optimizer = nullptr;      // every parameter's state (L-BFGS's history included), lrs
  LRScheduler* scheduler = nullptr;    // last epoch, base lrs
  data::DataLoader* loader = nullptr;  // its generator and position in the epoch
  bool global_generator = true;        // default_generator() (dropout masks, rand ...)
  int64_t epoch = 0, step = 0;         // the caller's counters
  nn::StateDict extra;                 // anything else (loss history ...), saved as given
};

/// Writes the state to path (atomically and durably).
void save_checkpoint(const TrainingState& state, const std::string& path);
/// Restores every part of `state` from path in place; epoch, step and extra are overwritten.
/// An Error names a missing or mismatched entry before anything is changed where possible.
void load_checkpoint(TrainingState& state, const std::string& path);

}  // namespace fluxion::optim
