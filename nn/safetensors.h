// SPDX-License-Identifier: MIT
// Weights in the safetensors format (huggingface/safetensors), which PyTorch
// and Hugging Face use to exchange tensors:
//
//   bytes   field
//   8       N, unsigned little-endian: the header's length
//   N       a JSON object: for each tensor "name": {"dtype": "F32", "shape": [2, 3],
//           "data_offsets": [begin, end]} (offsets into the data below), and an optional
//           "__metadata__": {"key": "value", ...}; padded with spaces
//   rest    the data: each tensor's values, row-major and little-endian, the ranges
//           covering the buffer exactly (no gaps, no overlaps)
//
//   fx::nn::save_safetensors(*net, "model.safetensors");   // safetensors.torch.load_file reads it
//   fx::nn::load_safetensors(*net, "model.safetensors");   // by state_dict name
//
// dtypes: F32, F64 and I64 (fluxion's). Loading checks every field and range and
// rejects a malformed file with an Error that says what is wrong.
#pragma once
#include <map>
#include <string>

#include "nn/module.h"

namespace fluxion::nn {

/// Writes the named tensors (and string metadata) as a .safetensors file (atomically and durably).
void save_safetensors(const StateDict& tensors, const std::string& path,
                      const std::map<std::string, std::string>& metadata = {});
/// Reads every tensor of a .safetensors file, in the order of their data.
[[nodiscard]] StateDict load_safetensors(const std::string& path);

/// The module's state_dict() -> path.
void save_safetensors(const Module& module, const std::string& path);
/// path -> the module's parameters and buffers, matched by name (as load_state_dict).
void load_safetensors(Module& module, const std::string& path);

}  // namespace fluxion::nn
