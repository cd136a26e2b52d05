// SPDX-License-Identifier: MIT
// fluxion_info: prints fluxion::config(), what this machine and build run on:
// the CPU's vector instructions, threads, OpenBLAS's kernels, and which GEMM
// multiplies matrices and why. Attach its output to a performance report.
#include <iostream>

#include "fluxion.h"

int main() {
  std::cout << fluxion::config();
  return 0;
}
