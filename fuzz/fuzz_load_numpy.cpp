// SPDX-License-Identifier: MIT
// Fuzzes NumPy's readers (data::load_npy and data::load_npz) on the same
// bytes (the seeds hold both formats; each reader rejects the other's magic):
// any input must load or raise fluxion::Error, never crash, hang or allocate
// without bound; what loads must save and load again to the same arrays.
#include "fuzz_file.h"
#include "nn/data/readers.h"

namespace fx = fluxion;

namespace {

// Loads with `load`; when that succeeds, saves with `save` and checks that loading again gives the same.
template <class Load, class Save>
void round_trip(const std::string& path, Load load, Save save) {
  decltype(load(path)) loaded;
  try {
    loaded = load(path);
  } catch (const fx::Error&) {
    return;
  }
  save(loaded, path);
  fuzz::expect_same(loaded, load(path));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  round_trip(fuzz::write_input(data, size, ".npy"), fx::data::load_npy,
             [](const fx::Tensor& t, const std::string& p) { fx::data::save_npy(t, p); });
  round_trip(fuzz::write_input(data, size, ".npz"), fx::data::load_npz, fx::data::save_npz);
  return 0;
}
