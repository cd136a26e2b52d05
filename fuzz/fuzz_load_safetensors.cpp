// SPDX-License-Identifier: MIT
// Fuzzes the safetensors reader (nn::load_safetensors): any bytes must give
// the tensors or a fluxion::Error, never a crash, a hang or a huge allocation;
// what loads must save and load again to the same tensors.
#include "fuzz_file.h"
#include "nn/safetensors.h"

namespace fx = fluxion;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input(data, size, ".safetensors");
  fx::nn::StateDict sd;
  try {
    sd = fx::nn::load_safetensors(path);
  } catch (const fx::Error&) {
    return 0;
  }
  fx::nn::save_safetensors(sd, path);
  fuzz::expect_same(sd, fx::nn::load_safetensors(path));
  return 0;
}
