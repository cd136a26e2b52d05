// SPDX-License-Identifier: MIT
// safetensors: the writer, a small JSON reader for the header, and the checks
// of every name, dtype, shape and data range.
#include "nn/safetensors.h"

#include <algorithm>
#include <cctype>
#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>

#include "autograd/ops.h"
#include "nn/atomic_file.h"

namespace fluxion::nn {

namespace {

const char* dtype_code(DType t) { return t == Float32 ? "F32" : t == Float64 ? "F64" : "I64"; }

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if ((unsigned char)c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// A JSON value as the header uses them: strings, non-negative integers, arrays and objects.
struct Json {
  enum Kind { string, number, array, object } kind = number;
  std::string str;
  uint64_t num = 0;
  std::vector<Json> items;
  struct Member;  // not std::pair<std::string, Json>: pair needs Json complete here (clang rejects it)
  std::vector<Member> members;
};
struct Json::Member {
  std::string key;
  Json value;
};

struct Parser {
  const std::string& s;
  size_t i = 0;
  const std::string& path;
  [[noreturn]] void bad(const char* what) const {
    fail("load_safetensors: '", path, "' has a malformed header: ", what, " at byte ", i, " of the JSON");
  }
  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  }
  void expect(char c, const char* what) {
    ws();
    if (i >= s.size() || s[i] != c) bad(what);
    ++i;
  }
  std::string string_value() {
    expect('"', "expected a string");
    std::string out;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\') {
        if (++i >= s.size()) bad("an unfinished escape");
        char e = s[i++];
        if (e == 'u') {
          if (i + 4 > s.size()) bad("an unfinished \\u escape");
          unsigned v = 0;  // exactly 4 hex digits, else an Error
          for (int k = 0; k < 4; ++k, ++i) {
            const unsigned char c = s[i];
            if (!std::isxdigit(c)) bad("a \\u escape without 4 hex digits");
            v = v * 16 + unsigned(std::isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
          }
          if (v < 0x80)
            out += char(v);
          else if (v < 0x800)
            out += char(0xC0 | (v >> 6)), out += char(0x80 | (v & 0x3F));
          else
            out += char(0xE0 | (v >> 12)), out += char(0x80 | ((v >> 6) & 0x3F)), out += char(0x80 | (v & 0x3F));
          continue;
        }
        const char* from = "\"\\/bfnrt";
        const char* to = "\"\\/\b\f\n\r\t";
        const char* at = std::strchr(from, e);
        if (!at || !e) bad("an unknown escape");
        out += to[at - from];
      } else {
        out += s[i++];
      }
    }
    if (i >= s.size()) bad("an unterminated string");
    ++i;
    return out;
  }
  Json value(int depth = 0) {
    if (depth > 4) bad("nesting too deep");
    ws();
    if (i >= s.size()) bad("an unexpected end");
    Json v;
    if (s[i] == '"') {
      v.kind = Json::string;
      v.str = string_value();
    } else if (s[i] == '[' || s[i] == '{') {
      bool obj = s[i++] == '{';
      v.kind = obj ? Json::object : Json::array;
      ws();
      if (i < s.size() && s[i] == (obj ? '}' : ']')) return ++i, v;
      for (;;) {
        if (obj) {
          std::string key = string_value();
          expect(':', "expected ':'");
          v.members.push_back({key, value(depth + 1)});
        } else {
          v.items.push_back(value(depth + 1));
        }
        ws();
        if (i < s.size() && s[i] == ',') {
          ++i;
          continue;
        }
        expect(obj ? '}' : ']', obj ? "expected ',' or '}'" : "expected ',' or ']'");
        return v;
      }
    } else if (std::isdigit((unsigned char)s[i])) {
      size_t j = i;
      while (j < s.size() && std::isdigit((unsigned char)s[j])) ++j;
      if (j - i > 19) bad("a number too large");
      v.num = std::stoull(s.substr(i, j - i));
      i = j;
    } else {
      bad("expected a string, a non-negative integer, an array or an object");
    }
    return v;
  }
};

const Json* member(const Json& o, const std::string& key) {
  for (const auto& [k, v] : o.members)
    if (k == key) return &v;
  return nullptr;
}

}  // namespace

void save_safetensors(const StateDict& tensors, const std::string& path,
                      const std::map<std::string, std::string>& metadata) {
  std::string header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    for (const auto& [k, v] : metadata) header += quoted(k) + ":" + quoted(v) + ",";
    header.back() = '}';
    header += ",";
  }
  std::vector<uint8_t> data;
  for (const auto& [name, t] : tensors) {
    check(t.defined() && name != "__metadata__", "save_safetensors: entry '", name, "' is undefined or reserved");
    TensorData c = t.detach().contiguous().tensor_data();
    size_t begin = data.size(), n = (size_t)c.numel() * dtype_size(c.dtype);
    const uint8_t* p = static_cast<const uint8_t*>(c.storage->data) + c.offset * dtype_size(c.dtype);
    if (n) data.insert(data.end(), p, p + n);
    std::string shape = "[";
    for (int64_t s : t.shape()) shape += std::to_string(s) + ",";
    if (shape.size() > 1) shape.pop_back();
    header += quoted(name) + ":{\"dtype\":\"" + dtype_code(t.dtype()) + "\",\"shape\":" + shape +
              "],\"data_offsets\":[" + std::to_string(begin) + "," + std::to_string(data.size()) + "]},";
  }
  if (header.size() > 1) header.pop_back();
  header += "}";
  while (header.size() % 8) header += ' ';  // the data starts 8-byte aligned
  std::vector<uint8_t> file(8);
  uint64_t len = header.size();
  std::memcpy(file.data(), &len, 8);  // little-endian host (static_assert in serialize.cpp)
  file.insert(file.end(), header.begin(), header.end());
  file.insert(file.end(), data.begin(), data.end());
  write_file_atomic(path, file.data(), file.size());
}

StateDict load_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  check(in.good(), "load_safetensors: cannot open '", path, "'");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  check(bytes.size() >= 8, "load_safetensors: '", path, "' is ", bytes.size(),
        " bytes, shorter than the header length");
  uint64_t n;
  std::memcpy(&n, bytes.data(), 8);
  check(n >= 2 && n <= bytes.size() - 8 && n <= (100u << 20), "load_safetensors: '", path, "' declares a header of ", n,
        " bytes, but the file has ", bytes.size() - 8, " after the length (the limit is 100 MiB)");
  std::string text(reinterpret_cast<const char*>(bytes.data()) + 8, n);
  Parser p{text, 0, path};
  Json root = p.value();
  p.ws();
  check(p.i == text.size(), "load_safetensors: '", path, "' has trailing bytes after its header's JSON object");
  check(root.kind == Json::object, "load_safetensors: '", path, "' has a header that is not a JSON object");
  const uint64_t data_size = bytes.size() - 8 - n;
  const uint8_t* data = bytes.data() + 8 + n;
  struct Entry {
    std::string name;
    DType dtype;
    Shape shape;
    uint64_t begin, end;
  };
  std::vector<Entry> entries;
  for (const Json::Member& m : root.members) {
    const std::string& name = m.key;  // a reference, not a structured binding: clang 14 cannot capture those
    const Json& v = m.value;
    if (name == "__metadata__") continue;
    auto bad = [&](const char* what) { fail("load_safetensors: '", path, "' entry '", name, "': ", what); };
    for (const Entry& e : entries)
      if (e.name == name) bad("the name appears twice");
    const Json *dt = member(v, "dtype"), *sh = member(v, "shape"), *off = member(v, "data_offsets");
    if (v.kind != Json::object || !dt || !sh || !off) bad("needs \"dtype\", \"shape\" and \"data_offsets\"");
    if (dt->kind != Json::string) bad("\"dtype\" must be a string");
    DType dtype = dt->str == "F32" ? Float32 : dt->str == "F64" ? Float64 : Int64;
    if (dt->str != "F32" && dt->str != "F64" && dt->str != "I64")
      fail("load_safetensors: '", path, "' entry '", name, "' has dtype ", dt->str, "; fluxion reads F32, F64 and I64");
    if (sh->kind != Json::array || off->kind != Json::array || off->items.size() != 2)
      bad("malformed shape or offsets");
    Shape shape;
    uint64_t count = 1;
    for (const Json& d : sh->items) {
      if (d.kind != Json::number || d.num > data_size) bad("a size is not a number or exceeds the data");
      count = d.num == 0 ? 0 : (count > data_size / d.num ? data_size + 1 : count * d.num);
      shape.push_back((int64_t)d.num);
    }
    uint64_t begin = off->items[0].num, end = off->items[1].num;
    if (off->items[0].kind != Json::number || off->items[1].kind != Json::number || begin > end)
      bad("data_offsets must be [begin, end] with begin <= end");
    if (end > data_size)
      fail("load_safetensors: '", path, "' entry '", name, "' has data_offsets [", begin, ", ", end,
           "] past the end of the data (", data_size, " bytes)");
    if (count > data_size || count * dtype_size(dtype) != end - begin)
      fail("load_safetensors: '", path, "' entry '", name, "' has shape ", shape, " of ", dt->str, " (",
           count * dtype_size(dtype), " bytes) but data_offsets span ", end - begin, " bytes");
    entries.push_back({name, dtype, shape, begin, end});
  }
  // The ranges must tile the data: sorted by begin, each starts where the previous ended.
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  uint64_t at = 0;
  for (const Entry& e : entries) {
    check(e.begin >= at, "load_safetensors: '", path, "' entry '", e.name, "' overlaps the tensor before it (bytes ",
          e.begin, " .. ", e.end, ")");
    check(e.begin == at, "load_safetensors: '", path, "' leaves bytes ", at, " .. ", e.begin,
          " of the data unused before entry '", e.name, "'");
    at = e.end;
  }
  check(at == data_size, "load_safetensors: '", path, "' has ", data_size - at, " unused bytes after its last tensor");
  StateDict out;
  for (const Entry& e : entries) {
    TensorData t = TensorData::empty(e.shape, e.dtype);
    if (e.end > e.begin) std::memcpy(t.storage->data, data + e.begin, e.end - e.begin);
    out.emplace_back(e.name, Tensor(t));
  }
  return out;
}

void save_safetensors(const Module& module, const std::string& path) { save_safetensors(module.state_dict(), path); }

void load_safetensors(Module& module, const std::string& path) { module.load_state_dict(load_safetensors(path)); }

}  // namespace fluxion::nn
