// SPDX-License-Identifier: MIT
// NumPy's .npy (a magic, a Python-dict header, raw values) and .npz (a zip
// archive of .npy files, stored or deflated; zip64 fields as NumPy writes them).
#include <zlib.h>

#include <cstring>

#include "autograd/ops.h"
#include "nn/atomic_file.h"
#include "nn/data/readers.h"

namespace fluxion::data {

namespace {

// The value of `key` in the header dict: the text after "'key':" up to the next ',' at depth 0.
std::string header_field(const std::string& h, const std::string& key, const std::string& where) {
  size_t k = h.find("'" + key + "'");
  check(k != std::string::npos, "load_npy: '", where, "' has no '", key, "' in its header: ", h);
  size_t i = h.find(':', k) + 1, depth = 0, j = i;
  for (; j < h.size(); ++j) {
    if (h[j] == '(') ++depth;
    if (h[j] == ')') --depth;
    if ((h[j] == ',' || h[j] == '}') && depth == 0) break;
  }
  std::string v = h.substr(i, j - i);
  size_t a = v.find_first_not_of(" "), b = v.find_last_not_of(" ");
  return a == std::string::npos ? "" : v.substr(a, b - a + 1);
}

Tensor parse_npy(const uint8_t* p, size_t n, const std::string& where) {
  check(n >= 10 && std::memcmp(p, "\x93NUMPY", 6) == 0, "load_npy: '", where,
        "' is not a .npy file (no \\x93NUMPY magic)");
  uint8_t major = p[6];
  check(major >= 1 && major <= 3, "load_npy: '", where, "' has format version ", (int)major,
        "; versions 1 to 3 are read");
  size_t hlen = major == 1 ? size_t(p[8] | (p[9] << 8))
                           : (n >= 12 ? size_t(p[8] | (p[9] << 8) | (p[10] << 16) | (uint32_t(p[11]) << 24)) : 0);
  size_t start = (major == 1 ? 10 : 12) + hlen;
  check(start <= n, "load_npy: '", where, "' is truncated in its header");
  std::string h(reinterpret_cast<const char*>(p) + (major == 1 ? 10 : 12), hlen);
  std::string descr = header_field(h, "descr", where), order = header_field(h, "fortran_order", where),
              shape_text = header_field(h, "shape", where);
  check(descr.size() >= 5, "load_npy: '", where, "' has an unreadable descr ", descr);
  std::string code = descr.substr(1, descr.size() - 2);  // without the quotes: "<f4"
  check(code[0] != '>', "load_npy: '", where, "' holds big-endian values (", code, "); convert with a.astype('<",
        code.substr(1), "')");
  std::string kind = code.substr(1);
  size_t width = kind == "f4" || kind == "i4"   ? 4
                 : kind == "f8" || kind == "i8" ? 8
                 : kind == "u1" || kind == "b1" ? 1
                                                : 0;
  check(width != 0, "load_npy: '", where, "' has dtype ", code,
        "; float32, float64, int64, int32, uint8 and bool are read");
  Shape shape;
  uint64_t count = 1;
  for (size_t i = 0; i < shape_text.size();) {
    if (!std::isdigit((unsigned char)shape_text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < shape_text.size() && std::isdigit((unsigned char)shape_text[j])) ++j;
    check(j - i <= 12, "load_npy: '", where, "' has a size of ", j - i, " digits in its shape");
    shape.push_back(std::stoll(shape_text.substr(i, j - i)));
    // count * size <= the bytes present, tested without overflowing
    check(shape.back() == 0 || count <= (n - start) / (uint64_t)shape.back(), "load_npy: '", where,
          "' is truncated: its shape needs more values than the file holds");
    count *= (uint64_t)shape.back();
    i = j;
  }
  check(count * width == n - start, "load_npy: '", where, "' has ", n - start, " bytes of values but shape ", shape,
        " of ", code, " needs ", count * width);
  bool fortran = order == "True";
  // Fortran order: the bytes are the C-order values of the reversed shape, transposed.
  Shape stored = fortran ? Shape(shape.rbegin(), shape.rend()) : shape;
  const uint8_t* v = p + start;
  Tensor t;
  if (kind == "f4") {
    std::vector<float> x(count);
    if (count) std::memcpy(x.data(), v, count * 4);  // an empty vector's data() may be null
    t = tensor(x, stored);
  } else if (kind == "f8") {
    std::vector<double> x(count);
    if (count) std::memcpy(x.data(), v, count * 8);
    t = tensor(x, stored, Float64);
  } else {
    std::vector<int64_t> x(count);
    for (uint64_t i = 0; i < count; ++i) {
      if (kind == "i8")
        std::memcpy(&x[i], v + 8 * i, 8);
      else if (kind == "i4") {
        int32_t y;
        std::memcpy(&y, v + 4 * i, 4);
        x[i] = y;
      } else
        x[i] = v[i];
    }
    t = tensor(x, stored);
    if (kind == "b1") t = t.to(Bool);
    if (kind == "i4") t = t.to(Int32);
  }
  if (fortran && shape.size() > 1) {
    std::vector<int64_t> rev;
    for (int64_t d = (int64_t)shape.size() - 1; d >= 0; --d) rev.push_back(d);
    t = t.permute(rev).contiguous();
  }
  return t;
}

std::vector<uint8_t> npy_bytes(const Tensor& t, bool fortran_order) {
  check(t.defined(), "save_npy: the tensor is undefined");
  const DType dt = t.dtype();
  const char* descr = dt == Float32 ? "<f4" : dt == Float64 ? "<f8" : dt == Int64 ? "<i8" : dt == Int32 ? "<i4" : "|b1";
  check(dt == Float32 || dt == Float64 || dt == Int64 || dt == Int32 || dt == Bool, "save_npy: dtype ", dtype_name(dt),
        " has no .npy form here");
  std::string shape = "(";
  for (int64_t s : t.shape()) shape += std::to_string(s) + ", ";
  if (t.dim() > 1) shape.resize(shape.size() - 2);
  if (t.dim() == 1) shape.resize(shape.size() - 1);  // "(3,)"
  shape += ")";
  std::string h = std::string("{'descr': '") + descr + "', 'fortran_order': " + (fortran_order ? "True" : "False") +
                  ", 'shape': " + shape + ", }";
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';  // values start 64-byte aligned, as NumPy writes
  h += '\n';
  std::string head = std::string("\x93NUMPY\x01\x00", 8) + char(h.size() & 0xff) + char(h.size() >> 8) + h;
  std::vector<uint8_t> out(head.begin(), head.end());
  Tensor c = t.detach();
  if (fortran_order && t.dim() > 1) {
    std::vector<int64_t> rev;
    for (int64_t d = t.dim() - 1; d >= 0; --d) rev.push_back(d);
    c = c.permute(rev);
  }
  c = c.contiguous();
  TensorData d = c.tensor_data();
  const uint8_t* p = static_cast<const uint8_t*>(d.storage->data) + d.offset * dtype_size(d.dtype);
  out.insert(out.end(), p, p + d.numel() * dtype_size(d.dtype));
  return out;
}

uint32_t le32(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24); }
uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
uint64_t le64(const uint8_t* p) { return le32(p) | (uint64_t(le32(p + 4)) << 32); }
void put16(std::vector<uint8_t>& o, uint32_t v) { o.insert(o.end(), {uint8_t(v), uint8_t(v >> 8)}); }
void put32(std::vector<uint8_t>& o, uint32_t v) {
  o.insert(o.end(), {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)});
}

}  // namespace

Tensor load_npy(const std::string& path) {
  std::vector<uint8_t> bytes = read_file(path);
  return parse_npy(bytes.data(), bytes.size(), path);
}

void save_npy(const Tensor& t, const std::string& path, bool fortran_order) {
  std::vector<uint8_t> b = npy_bytes(t, fortran_order);
  nn::write_file_atomic(path, b.data(), b.size());
}

nn::StateDict load_npz(const std::string& path) {
  std::vector<uint8_t> z = read_file(path);
  const size_t n = z.size();
  // The end-of-central-directory record: the last "PK\5\6" within 64 KiB of the end.
  size_t eocd = std::string::npos;
  for (size_t i = n >= 22 ? n - 22 : 0; n >= 22 && i + 65557 >= n; --i) {
    if (le32(&z[i]) == 0x06054b50) {
      eocd = i;
      break;
    }
    if (i == 0) break;
  }
  check(eocd != std::string::npos, "load_npz: '", path, "' is not a zip archive (no end-of-directory record)");
  uint64_t entries = le16(&z[eocd + 10]), cd = le32(&z[eocd + 16]);
  nn::StateDict out;
  size_t at = cd;
  for (uint64_t e = 0; e < entries; ++e) {
    check(at + 46 <= n && le32(&z[at]) == 0x02014b50, "load_npz: '", path, "' has a corrupt central directory");
    uint16_t method = le16(&z[at + 10]), name_len = le16(&z[at + 28]), extra_len = le16(&z[at + 30]),
             comment_len = le16(&z[at + 32]);
    uint64_t csize = le32(&z[at + 20]), usize = le32(&z[at + 24]), local = le32(&z[at + 42]);
    check(at + 46 + name_len + extra_len <= n, "load_npz: '", path, "' is truncated in its directory");
    std::string name(reinterpret_cast<const char*>(&z[at + 46]), name_len);
    // zip64: the fields set to 0xffffffff are in the 0x0001 extra block, in this order
    for (size_t x = at + 46 + name_len; x + 4 <= at + 46 + name_len + extra_len;) {
      uint16_t id = le16(&z[x]), len = le16(&z[x + 2]);
      size_t f = x + 4;
      if (id == 0x0001) {
        if (usize == 0xffffffff && f + 8 <= n) usize = le64(&z[f]), f += 8;
        if (csize == 0xffffffff && f + 8 <= n) csize = le64(&z[f]), f += 8;
        if (local == 0xffffffff && f + 8 <= n) local = le64(&z[f]);
      }
      x += 4 + len;
    }
    at += 46 + name_len + extra_len + comment_len;
    check(local + 30 <= n && le32(&z[local]) == 0x04034b50, "load_npz: '", path, "' entry '", name,
          "' has a bad local header offset");
    size_t data = local + 30 + le16(&z[local + 26]) + le16(&z[local + 28]);
    check(data <= n && csize <= n - data, "load_npz: '", path, "' entry '", name, "' runs past the end of the file");
    std::vector<uint8_t> raw;
    if (method == 0) {
      raw.assign(z.begin() + data, z.begin() + data + csize);
    } else {
      check(method == 8, "load_npz: '", path, "' entry '", name, "' uses zip method ", method,
            "; stored and deflate are read");
      raw.resize(usize);
      z_stream s{};
      check(inflateInit2(&s, -15) == Z_OK, "load_npz: zlib failed to start");
      s.next_in = &z[data];
      s.avail_in = (uInt)csize;
      s.next_out = raw.data();
      s.avail_out = (uInt)raw.size();
      int rc = inflate(&s, Z_FINISH);
      inflateEnd(&s);
      check(rc == Z_STREAM_END && s.total_out == usize, "load_npz: '", path, "' entry '", name, "' is corrupt");
    }
    if (name.size() >= 4 && name.substr(name.size() - 4) == ".npy") name.resize(name.size() - 4);  // as NumPy: ".npy" is ""
    out.emplace_back(name, parse_npy(raw.data(), raw.size(), path + ":" + name));
  }
  return out;
}

void save_npz(const nn::StateDict& arrays, const std::string& path) {
  std::vector<uint8_t> z, cd;
  for (const auto& [name, t] : arrays) {
    std::vector<uint8_t> b = npy_bytes(t, false);
    std::string file = name + ".npy";
    check(b.size() < 0xffffffffu && z.size() < 0xffffffffu, "save_npz: '", path,
          "' would exceed 4 GiB (no zip64 writer)");
    uint32_t crc = (uint32_t)crc32(0L, b.data(), (uInt)b.size()), offset = (uint32_t)z.size();
    // local header: version 2.0, no flags, stored, DOS date 1980-01-01
    put32(z, 0x04034b50), put16(z, 20), put16(z, 0), put16(z, 0), put16(z, 0), put16(z, 0x21);
    put32(z, crc), put32(z, (uint32_t)b.size()), put32(z, (uint32_t)b.size()), put16(z, (uint32_t)file.size()),
        put16(z, 0);
    z.insert(z.end(), file.begin(), file.end());
    z.insert(z.end(), b.begin(), b.end());
    put32(cd, 0x02014b50), put16(cd, 20), put16(cd, 20), put16(cd, 0), put16(cd, 0), put16(cd, 0), put16(cd, 0x21);
    put32(cd, crc), put32(cd, (uint32_t)b.size()), put32(cd, (uint32_t)b.size()), put16(cd, (uint32_t)file.size());
    put16(cd, 0), put16(cd, 0), put16(cd, 0), put16(cd, 0), put32(cd, 0), put32(cd, offset);
    cd.insert(cd.end(), file.begin(), file.end());
  }
  auto cd_offset = (uint32_t)z.size();
  z.insert(z.end(), cd.begin(), cd.end());
  put32(z, 0x06054b50), put16(z, 0), put16(z, 0), put16(z, (uint32_t)arrays.size()), put16(z, (uint32_t)arrays.size());
  put32(z, (uint32_t)cd.size()), put32(z, cd_offset), put16(z, 0);
  nn::write_file_atomic(path, z.data(), z.size());
}

}  // namespace fluxion::data
