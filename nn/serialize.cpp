// SPDX-License-Identifier: MIT
// The binary format of nn/serialize.h: a writer that builds the file in
// memory, and a reader whose every read is bounds-checked.
#include "nn/serialize.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "autograd/ops.h"
#include "nn/atomic_file.h"

namespace fluxion::nn {

static_assert(std::endian::native == std::endian::little, "the fluxion file format is written on little-endian hosts");

namespace {

constexpr char kMagic[8] = {'F', 'L', 'U', 'X', 'I', 'O', 'N', '\0'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kMaxName = 4096;
constexpr uint8_t kMaxDims = 16;

uint64_t fnv1a(const uint8_t* p, size_t n) {
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

struct Writer {
  std::vector<uint8_t> bytes;
  void raw(const void* p, size_t n) {
    auto b = static_cast<const uint8_t*>(p);
    bytes.insert(bytes.end(), b, b + n);
  }
  template <class T>
  void put(T v) {
    raw(&v, sizeof v);
  }
};

struct Reader {
  const std::vector<uint8_t>& bytes;
  size_t pos;
  const std::string& path;
  void raw(void* out, size_t n, const char* what) {
    check(n <= bytes.size() - pos, "load: '", path, "' is truncated: ", what, " at byte ", pos, " needs ", n,
          " bytes but only ", bytes.size() - pos, " remain");
    if (n == 0) return;  // an empty tensor may have no buffer to copy into
    std::memcpy(out, bytes.data() + pos, n);
    pos += n;
  }
  template <class T>
  T get(const char* what) {
    T v;
    raw(&v, sizeof v, what);
    return v;
  }
};

// The whole of a regular file; every failure a fluxion::Error naming the path.
std::vector<uint8_t> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  check(fd >= 0, "load: cannot open '", path, "': ", std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail("load: '", path, "' is not a regular file");
  }
  std::vector<uint8_t> bytes((size_t)st.st_size);
  size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      fail("load: reading '", path, "' failed: ", n == 0 ? "the file shrank while being read" : std::strerror(err));
    }
    got += (size_t)n;
  }
  ::close(fd);
  return bytes;
}

}  // namespace

void save_state_dict(const StateDict& sd, const std::string& path) {
  Writer w;
  w.raw(kMagic, sizeof kMagic);
  w.put<uint32_t>(kVersion);
  w.put<uint64_t>(sd.size());
  for (const auto& [name, t] : sd) {
    check(!name.empty() && name.size() <= kMaxName, "save: entry names must have 1 to ", kMaxName, " characters, got '",
          name, "'");
    check(t.defined(), "save: entry '", name, "' is an undefined tensor");
    check(t.dim() <= kMaxDims, "save: entry '", name, "' has ", t.dim(), " dims; the format allows ", (int)kMaxDims);
    w.put<uint32_t>((uint32_t)name.size());
    w.raw(name.data(), name.size());
    w.put<uint8_t>((uint8_t)t.dtype());
    w.put<uint8_t>((uint8_t)t.dim());
    for (int64_t s : t.shape()) w.put<int64_t>(s);
    TensorData c = t.detach().contiguous().tensor_data();
    if (c.numel() > 0)
      w.raw(static_cast<const uint8_t*>(c.storage->data) + c.offset * dtype_size(c.dtype),
            (size_t)c.numel() * dtype_size(c.dtype));
  }
  w.put<uint64_t>(fnv1a(w.bytes.data(), w.bytes.size()));

  write_file_atomic(path, w.bytes.data(), w.bytes.size());
}

StateDict load_state_dict(const std::string& path) {
  std::vector<uint8_t> bytes = read_file(path);
  const size_t header = sizeof kMagic + 4 + 8;
  check(bytes.size() >= header + 8, "load: '", path, "' is truncated: ", bytes.size(),
        " bytes is shorter than the smallest fluxion file");
  check(std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0, "load: '", path,
        "' is not a fluxion file (its first bytes are not the magic \"FLUXION\")");
  uint32_t version;
  std::memcpy(&version, bytes.data() + sizeof kMagic, 4);
  check(version == kVersion, "load: '", path, "' has format version ", version, "; this build reads version ",
        kVersion);
  uint64_t stored;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  check(stored == fnv1a(bytes.data(), bytes.size() - 8), "load: '", path,
        "' is corrupt or truncated (its checksum does not match its contents)");
  bytes.erase(bytes.end() - 8, bytes.end());  // (resize here trips a GCC 12 -Wstringop-overflow false positive under ASan)

  Reader r{bytes, sizeof kMagic + 4, path};
  uint64_t n = r.get<uint64_t>("the entry count");
  StateDict sd;
  std::set<std::string> names;
  for (uint64_t i = 0; i < n; ++i) {
    uint32_t len = r.get<uint32_t>("a name length");
    check(len >= 1 && len <= kMaxName, "load: '", path, "' is corrupt: entry ", i, " has a name of length ", len);
    std::string name(len, '\0');
    r.raw(name.data(), len, "a name");
    check(names.insert(name).second, "load: '", path, "' is corrupt: the name '", name, "' appears twice");
    uint8_t code = r.get<uint8_t>("a dtype");
    check(code <= (uint8_t)DType::Bool, "load: '", path, "' is corrupt: entry '", name, "' has dtype code ",
          (int)code);
    DType dtype = (DType)code;
    uint8_t ndim = r.get<uint8_t>("a dim count");
    check(ndim <= kMaxDims, "load: '", path, "' is corrupt: entry '", name, "' has ", (int)ndim, " dims");
    Shape shape(ndim);
    uint64_t numel = 1, remaining = bytes.size() - r.pos;
    for (auto& s : shape) {
      s = r.get<int64_t>("a size");
      check(s >= 0 && (uint64_t)s <= remaining, "load: '", path, "' is corrupt: entry '", name, "' has size ", s);
      // numel * s <= remaining, tested without overflowing
      check(s == 0 || numel <= remaining / (uint64_t)s, "load: '", path, "' is truncated: entry '", name,
            "' needs more bytes than remain");
      numel *= (uint64_t)s;
    }
    TensorData data = TensorData::empty(shape, dtype);
    r.raw(data.storage->data, numel * dtype_size(dtype), "tensor values");
    sd.emplace_back(name, Tensor(data));
  }
  check(r.pos == bytes.size(), "load: '", path, "' is corrupt: ", bytes.size() - r.pos,
        " unexpected bytes after the last entry");
  return sd;
}

void save(const Module& module, const std::string& path) { save_state_dict(module.state_dict(), path); }

void load(Module& module, const std::string& path) { module.load_state_dict(load_state_dict(path)); }

}  // namespace fluxion::nn
