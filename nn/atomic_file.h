// SPDX-License-Identifier: MIT
// Durable, atomic file replacement for everything nn writes (state dicts,
// checkpoints, safetensors, .npy): the bytes go to a uniquely named temporary
// file in the target's directory, are fsync'ed, the temporary is renamed over
// the target (atomic on POSIX file systems), and the directory is fsync'ed so
// the rename itself survives a power cut. A crash at any point leaves either
// the complete old file or the complete new one, never a mix.
#pragma once
#include <cstddef>
#include <string>

namespace fluxion::nn {

/// Replaces `path` with the n bytes at data, atomically and durably (see above).
/// An Error names the step that failed; the target is then unchanged.
void write_file_atomic(const std::string& path, const void* data, size_t n);

}  // namespace fluxion::nn
