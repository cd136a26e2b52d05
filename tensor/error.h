// SPDX-License-Identifier: MIT
// fluxion::Error — every bad input in fluxion throws this, with a message that
// names the op, the offending shapes/dtypes and the likely fix:
//   matmul: shapes [3, 4] and [5, 2] cannot be multiplied
#pragma once
#include <cstdint>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fluxion {

/// Prints a shape as "[2, 3]". Pass shapes to check()/fail() as they are, not
/// through to_string(): the message is then only built when the check fails,
/// which keeps checks off the per-op hot path.
std::ostream& operator<<(std::ostream& os, const std::vector<int64_t>& shape);

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Throws fluxion::Error with the arguments streamed together: fail("sum: dim ", d, " out of range").
template <class... Args>
[[noreturn]] void fail(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  throw Error(os.str());
}

/// Throws when `ok` is false; the message is built only on failure.
template <class... Args>
void check(bool ok, const Args&... args) {
  if (!ok) fail(args...);
}

}  // namespace fluxion
