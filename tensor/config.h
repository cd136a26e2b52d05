// SPDX-License-Identifier: MIT
// fluxion::config(): what this build runs on, as PyTorch's torch.__config__.show().
#pragma once
#include <string>

namespace fluxion {

/// A printable report: the CPU and its widest vector instructions, cores, fluxion's
/// threads, OpenBLAS's version, kernel set and threading build, and which GEMM
/// multiplies matrices and why (examples/fluxion_info prints it).
std::string config();

}  // namespace fluxion
