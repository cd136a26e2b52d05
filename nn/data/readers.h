// SPDX-License-Identifier: MIT
// Reading data files into tensors: IDX (the MNIST family's format, raw or
// gzip-compressed), CSV, and NumPy's .npy / .npz (read and write), so that
// arrays move between fluxion and NumPy.
//
//   fx::Tensor images = fx::data::read_idx("train-images-idx3-ubyte.gz");       // (60000, 28, 28) Float32, 0..255
//   fx::Tensor table = fx::data::read_csv("iris.csv", {.columns = {"sepal_length", "petal_width"}});
//   fx::data::save_npy(x, "x.npy");   // np.load("x.npy") in Python
#pragma once
#include <string>
#include <vector>

#include "autograd/tensor.h"
#include "nn/module.h"

namespace fluxion::data {

/// All bytes of a file, gunzipped when it is gzip-compressed (else as they are).
[[nodiscard]] std::vector<uint8_t> read_file(const std::string& path);

/// An IDX file (magic 0 0 type ndim, big-endian int32 sizes, big-endian values of type
/// ubyte, byte, short, int, float or double), raw or .gz, as a tensor of `dtype`.
[[nodiscard]] Tensor read_idx(const std::string& path, DType dtype = Float32);

struct CsvOptions {
  bool header = true;  // the first line names the columns
  char delimiter = ',';
  std::vector<std::string> columns;     // keep these columns, by header name (empty: all) ...
  std::vector<int64_t> column_indices;  // ... or by 0-based position
  DType dtype = Float32;
};
/// A numeric CSV table as (rows, columns). Empty lines are skipped; a field that is not
/// a number is an Error naming the file, line and column.
[[nodiscard]] Tensor read_csv(const std::string& path, const CsvOptions& opts = {});

/// A .npy file (format 1.0 to 3.0; little-endian f4, f8, i8, i4, u1, b1; C or Fortran
/// order) as a C-contiguous tensor of the same dtype (Float32, Float64, Int64, Int32, Bool;
/// uint8 becomes Int64).
[[nodiscard]] Tensor load_npy(const std::string& path);
/// Writes t as .npy (format 1.0): Float32 as <f4, Float64 as <f8, Int64 as <i8, Int32 as <i4, Bool as |b1;
/// fortran_order writes the values column-major and says so in the header.
void save_npy(const Tensor& t, const std::string& path, bool fortran_order = false);

/// The arrays of an .npz archive (stored or deflated entries), by name without ".npy".
[[nodiscard]] nn::StateDict load_npz(const std::string& path);
/// Writes named tensors as an uncompressed .npz (what np.savez writes).
void save_npz(const nn::StateDict& arrays, const std::string& path);

}  // namespace fluxion::data
