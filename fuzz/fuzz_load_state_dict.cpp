// SPDX-License-Identifier: MIT
// Fuzzes the state-dict loader (nn::load_state_dict): any bytes must give a
// state dict or a fluxion::Error, never a crash, a hang or a huge allocation;
// what loads must save and load again to the same entries.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "nn/serialize.h"

namespace fx = fluxion;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/fluxion_fuzz_" + std::to_string(::getpid()) + ".flx";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  fx::nn::StateDict sd;
  try {
    sd = fx::nn::load_state_dict(path);
  } catch (const fx::Error&) {
    return 0;
  }
  fx::nn::save_state_dict(sd, path);
  fx::nn::StateDict again = fx::nn::load_state_dict(path);
  if (again.size() != sd.size()) __builtin_trap();
  for (size_t i = 0; i < sd.size(); ++i)
    if (again[i].first != sd[i].first || again[i].second.shape() != sd[i].second.shape() ||
        again[i].second.dtype() != sd[i].second.dtype())
      __builtin_trap();
  return 0;
}
