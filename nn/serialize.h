// SPDX-License-Identifier: MIT
// Saving and loading named tensors: a module's parameters, an optimizer's
// state, or any StateDict.
//
//   fx::nn::save(*net, "model.flx");     // later, into an identical model:
//   fx::nn::load(*net, "model.flx");     // Error if a name, shape or dtype differs
//
// The file format (version 1), all integers little-endian:
//
//   bytes        field
//   8            magic "FLUXION\0"
//   4            uint32 version = 1
//   8            uint64 n, the number of entries; then n times:
//     4            uint32 name length L (1 .. 4096)
//     L            name, e.g. "layers.0.weight"
//     1            uint8 dtype: 0 float32, 1 float64, 2 int64
//     1            uint8 number of dims D (0 .. 16)
//     8 D          int64 sizes
//     numel*size   the values, row-major (C order), little-endian
//   8            uint64 FNV-1a hash of every byte before it
//
// Saving is atomic and durable (nn/atomic_file.h): a crash mid-save leaves
// the previous file intact. Loading reads the whole file, checks the
// magic, version and hash before parsing, and bounds-checks every field, so
// a truncated or corrupt file is an Error naming the problem, never a crash.
#pragma once
#include <string>

#include "nn/module.h"

namespace fluxion::nn {

/// Writes the named tensors to `path` (atomically and durably).
void save_state_dict(const StateDict& sd, const std::string& path);
/// Reads a file written by save_state_dict.
[[nodiscard]] StateDict load_state_dict(const std::string& path);

/// The module's named parameters -> path.
void save(const Module& module, const std::string& path);
/// path -> the module's parameters, in place; names, shapes and dtypes must match.
void load(Module& module, const std::string& path);

}  // namespace fluxion::nn
