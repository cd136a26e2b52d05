// SPDX-License-Identifier: MIT
// The message a test expects a fluxion::Error to carry.
#pragma once
#include <string>

#include "fluxion.h"

/// The message of the fluxion::Error that `f` throws, or "(no error)".
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const fluxion::Error& e) {
    return e.what();
  }
  return "(no error)";
}
