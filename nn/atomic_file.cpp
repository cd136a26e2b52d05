// SPDX-License-Identifier: MIT
// write_file_atomic: a unique temporary in the target's directory, write, fsync, rename, fsync the directory.
#include "nn/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "tensor/error.h"

namespace fluxion::nn {

namespace {

std::string directory_of(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

void write_file_atomic(const std::string& path, const void* data, size_t n) {
  std::string dir = directory_of(path);
  std::string base = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  // Unique per writer (pid and a counter), created exclusively and never through a
  // symlink: two saves to one target never share a temporary, and a link planted
  // at the temporary's name cannot redirect the write.
  static std::atomic<uint64_t> counter{0};
  std::string tmp = dir + "/." + base + ".tmp." + std::to_string(getpid()) + "." + std::to_string(counter++);
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  check(fd >= 0, "save: cannot create a temporary file in '", dir, "' for '", path, "': ", std::strerror(errno),
        " (does the directory exist and is it writable?)");
  auto abandon = [&](const char* step) {
    int err = errno;
    if (fd >= 0) close(fd);
    unlink(tmp.c_str());
    fail("save: ", step, " '", tmp, "' failed (", std::strerror(err), "); '", path, "' was left unchanged");
  };
  // A file that is replaced keeps its permissions (a 0600 checkpoint stays private).
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && fchmod(fd, st.st_mode & 07777) != 0) abandon("setting the mode of");
  const char* p = static_cast<const char*>(data);
  for (size_t done = 0; done < n;) {
    ssize_t w = write(fd, p + done, n - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) abandon("writing");
    done += (size_t)w;
  }
  if (fsync(fd) != 0) abandon("syncing");
  if (close(fd) != 0) {
    fd = -1;
    abandon("closing");
  }
  fd = -1;
  if (rename(tmp.c_str(), path.c_str()) != 0) abandon("renaming");
  // The rename is durable only once the directory entry is on disk.
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  check(dfd >= 0, "save: wrote '", path, "' but cannot open its directory to sync it: ", std::strerror(errno));
  int rc = fsync(dfd);
  int err = errno;
  close(dfd);
  check(rc == 0, "save: wrote '", path, "' but syncing its directory failed: ", std::strerror(err));
}

}  // namespace fluxion::nn
