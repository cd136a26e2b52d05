// SPDX-License-Identifier: MIT
// fluxion::config() (config.h): gathers the facts from /proc/cpuinfo, CPUID,
// OpenMP, OpenBLAS and gemm_path().
#include "tensor/config.h"

#include <fstream>
#include <sstream>
#include <thread>

#include "tensor/kernels/gemm.h"
#include "tensor/kernels/loops.h"
#include "tensor/kernels/matmul.h"

extern "C" char* openblas_get_config(void);

namespace fluxion {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

}  // namespace

std::string config() {
  using namespace kernels;
  std::ostringstream os;
  os << "fluxion configuration\n"
     << "  CPU:             " << cpu_model() << ", " << std::thread::hardware_concurrency() << " logical cores\n"
     << "  vector ISA:      " << gemm_isa_name(gemm_best_isa()) << " (widest GEMM micro-kernel this CPU runs)\n"
     << "  fluxion threads: " << get_num_threads() << " (OpenMP; set_num_threads changes it)\n"
     << "  OpenBLAS:        " << openblas_get_config() << "\n"
     << "  OpenBLAS core:   " << blas_core() << ", threading " << blas_threading() << "\n"
     << "  GEMM path:       " << gemm_path_name() << ": " << gemm_path_reason() << "\n"
     << "  fluxion GEMM:    " << gemm_describe() << "\n";
  return os.str();
}

}  // namespace fluxion
