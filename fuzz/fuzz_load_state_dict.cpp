// SPDX-License-Identifier: MIT
// Fuzzes the state-dict loader (nn::load_state_dict): any bytes must give a
// state dict or a fluxion::Error, never a crash, a hang or a huge allocation;
// what loads must save and load again to the same entries.
#include "fuzz_file.h"
#include "nn/serialize.h"

namespace fx = fluxion;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input(data, size, ".flx");
  fx::nn::StateDict sd;
  try {
    sd = fx::nn::load_state_dict(path);
  } catch (const fx::Error&) {
    return 0;
  }
  fx::nn::save_state_dict(sd, path);
  fuzz::expect_same(sd, fx::nn::load_state_dict(path));
  return 0;
}
