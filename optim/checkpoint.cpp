// SPDX-License-Identifier: MIT
// save_checkpoint / load_checkpoint: every part's state dict under its prefix, in one file.
#include "optim/checkpoint.h"

#include <bit>

#include "nn/serialize.h"
#include "tensor/random.h"

namespace fluxion::optim {

namespace {

void add(nn::StateDict& out, const std::string& prefix, const nn::StateDict& part) {
  for (const auto& [name, t] : part) out.emplace_back(prefix + name, t.detach());
}

// The entries under prefix, with the prefix removed.
nn::StateDict part(const nn::StateDict& all, const std::string& prefix) {
  nn::StateDict out;
  for (const auto& [name, t] : all)
    if (name.compare(0, prefix.size(), prefix) == 0) out.emplace_back(name.substr(prefix.size()), t);
  return out;
}

const Tensor& find(const nn::StateDict& all, const std::string& name, const std::string& path) {
  for (const auto& [n, t] : all)
    if (n == name) return t;
  fail("load_checkpoint: '", path, "' has no entry '", name, "' (was it saved with this part?)");
}

Tensor words(const std::vector<uint64_t>& w) {
  std::vector<int64_t> v;
  for (uint64_t x : w) v.push_back(std::bit_cast<int64_t>(x));
  return tensor(v, {(int64_t)v.size()});
}

}  // namespace

void save_checkpoint(const TrainingState& s, const std::string& path) {
  nn::StateDict all;
  if (s.model) add(all, "model.", s.model->state_dict());
  if (s.optimizer) add(all, "optimizer.", s.optimizer->state_dict());
  if (s.scheduler) add(all, "scheduler.", s.scheduler->state_dict());
  if (s.loader) add(all, "loader.", s.loader->state_dict());
  if (s.global_generator) all.emplace_back("generator", words(default_generator().get_state()));
  all.emplace_back("epoch", tensor(std::vector<int64_t>{s.epoch}, {}));
  all.emplace_back("step", tensor(std::vector<int64_t>{s.step}, {}));
  add(all, "extra.", s.extra);
  nn::save_state_dict(all, path);
}

void load_checkpoint(TrainingState& s, const std::string& path) {
  nn::StateDict all = nn::load_state_dict(path);
  const Tensor& epoch = find(all, "epoch", path);
  const Tensor& step = find(all, "step", path);
  std::vector<uint64_t> gen;
  if (s.global_generator)
    for (int64_t w : find(all, "generator", path).to_vector<int64_t>()) gen.push_back(std::bit_cast<uint64_t>(w));
  if (s.model) s.model->load_state_dict(part(all, "model."));
  if (s.optimizer) s.optimizer->load_state_dict(part(all, "optimizer."));
  if (s.scheduler) s.scheduler->load_state_dict(part(all, "scheduler."));
  if (s.loader) s.loader->load_state_dict(part(all, "loader."));
  if (s.global_generator) default_generator().set_state(gen);
  s.epoch = (int64_t)epoch.item();
  s.step = (int64_t)step.item();
  s.extra = part(all, "extra.");
}

}  // namespace fluxion::optim
