// SPDX-License-Identifier: MIT
// Reading whole files (through zlib, so .gz is transparent), IDX and CSV.
#include <zlib.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "autograd/ops.h"
#include "nn/data/readers.h"

namespace fluxion::data {

std::vector<uint8_t> read_file(const std::string& path) {
  // gzread passes a file that is not gzip-compressed through unchanged
  gzFile f = gzopen(path.c_str(), "rb");
  check(f != nullptr, "read_file: cannot open '", path, "': ", std::strerror(errno));
  std::vector<uint8_t> out;
  std::vector<uint8_t> chunk(1 << 20);
  for (;;) {
    int n = gzread(f, chunk.data(), (unsigned)chunk.size());
    if (n < 0) {
      int code;
      std::string msg = gzerror(f, &code);
      gzclose(f);
      fail("read_file: '", path, "' is corrupt or truncated: ", msg);
    }
    if (n == 0) break;
    out.insert(out.end(), chunk.begin(), chunk.begin() + n);
  }
  gzclose(f);
  return out;
}

namespace {

uint32_t be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

template <class T>
T be(const uint8_t* p) {  // a big-endian value of T
  std::array<uint8_t, sizeof(T)> b;
  for (size_t i = 0; i < sizeof(T); ++i) b[i] = p[sizeof(T) - 1 - i];
  return std::bit_cast<T>(b);
}

}  // namespace

Tensor read_idx(const std::string& path, DType dtype) {
  std::vector<uint8_t> bytes = read_file(path);
  check(bytes.size() >= 4 && bytes[0] == 0 && bytes[1] == 0, "read_idx: '", path,
        "' is not an IDX file (it must start with two zero bytes, a type code and a dim count)");
  uint8_t type = bytes[2], ndim = bytes[3];
  size_t width = type == 0x08 || type == 0x09   ? 1
                 : type == 0x0B                 ? 2
                 : type == 0x0C || type == 0x0D ? 4
                 : type == 0x0E                 ? 8
                                                : 0;
  check(width != 0, "read_idx: '", path, "' has unknown value type 0x", std::hex, (int)type);
  check(bytes.size() >= 4 + 4 * size_t(ndim), "read_idx: '", path, "' is truncated in its header");
  Shape shape;
  uint64_t n = 1;
  for (size_t d = 0; d < ndim; ++d) {
    shape.push_back(be32(&bytes[4 + 4 * d]));
    n *= (uint64_t)shape.back();
  }
  size_t start = 4 + 4 * size_t(ndim);
  check(n <= (bytes.size() - start) / width, "read_idx: '", path, "' is truncated: shape ", shape, " needs ", n * width,
        " bytes of values, the file has ", bytes.size() - start);
  check(bytes.size() - start == n * width, "read_idx: '", path, "' has ", bytes.size() - start - n * width,
        " bytes after its values");
  // decoded straight into the output type: 47 MB of training images stay 188 MB as float32
  auto decode = [&]<class T>(std::vector<T>& v) {
    v.resize(n);
    const uint8_t* p = bytes.data() + start;
    for (uint64_t i = 0; i < n; ++i, p += width) {
      switch (type) {
        case 0x08:
          v[i] = T(*p);
          break;
        case 0x09:
          v[i] = T(int8_t(*p));
          break;
        case 0x0B:
          v[i] = T(be<int16_t>(p));
          break;
        case 0x0C:
          v[i] = T(be<int32_t>(p));
          break;
        case 0x0D:
          v[i] = T(be<float>(p));
          break;
        default:
          v[i] = T(be<double>(p));
          break;
      }
    }
  };
  if (dtype == Int64) {
    std::vector<int64_t> v;
    decode(v);
    return tensor(v, shape);
  }
  if (dtype == Float32) {
    std::vector<float> v;
    decode(v);
    return tensor(v, shape);
  }
  std::vector<double> v;
  decode(v);
  return tensor(v, shape, dtype);
}

Tensor read_csv(const std::string& path, const CsvOptions& opts) {
  std::ifstream in(path);
  check(in.good(), "read_csv: cannot open '", path, "'");
  check(opts.columns.empty() || opts.header, "read_csv: selecting columns by name needs header = true");
  check(opts.columns.empty() || opts.column_indices.empty(), "read_csv: give columns or column_indices, not both");
  auto split = [&](const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream s(line);
    while (std::getline(s, field, opts.delimiter)) fields.push_back(field);
    if (!line.empty() && line.back() == opts.delimiter) fields.emplace_back();
    return fields;
  };
  auto trim = [](std::string s) {
    while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '"')) s.pop_back();
    size_t i = s.find_first_not_of(" \"");
    return i == std::string::npos ? std::string() : s.substr(i);
  };
  std::string line;
  int64_t lineno = 0, ncols = -1;
  std::vector<int64_t> keep = opts.column_indices;
  if (opts.header) {
    check((bool)std::getline(in, line), "read_csv: '", path, "' is empty but a header was expected");
    ++lineno;
    std::vector<std::string> names = split(line);
    ncols = (int64_t)names.size();
    for (const std::string& want : opts.columns) {
      int64_t found = -1;
      for (size_t c = 0; c < names.size(); ++c)
        if (trim(names[c]) == want) found = (int64_t)c;
      check(found >= 0, "read_csv: '", path, "' has no column named '", want, "' in its header: ", line);
      keep.push_back(found);
    }
  }
  std::vector<double> values;
  int64_t rows = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (trim(line).empty()) continue;
    std::vector<std::string> fields = split(line);
    if (ncols < 0) ncols = (int64_t)fields.size();
    check((int64_t)fields.size() == ncols, "read_csv: '", path, "' line ", lineno, " has ", fields.size(),
          " fields, expected ", ncols);
    if (keep.empty())
      for (int64_t c = 0; c < ncols; ++c) keep.push_back(c);
    for (int64_t c : keep) {
      check(c >= 0 && c < ncols, "read_csv: column index ", c, " is out of range for ", ncols, " columns");
      std::string f = trim(fields[c]);
      char* end = nullptr;
      double x = std::strtod(f.c_str(), &end);
      check(!f.empty() && end == f.c_str() + f.size(), "read_csv: '", path, "' line ", lineno, " column ", c + 1, ": '",
            f, "' is not a number");
      values.push_back(x);
    }
    ++rows;
  }
  auto cols = (int64_t)keep.size();
  if (opts.dtype == Int64) {
    std::vector<int64_t> iv(values.begin(), values.end());
    return tensor(iv, {rows, cols});
  }
  return tensor(values, {rows, cols}, opts.dtype);
}

}  // namespace fluxion::data
