// SPDX-License-Identifier: MIT
// The grad-mode switch (per thread) behind NoGradGuard and EnableGradGuard.
#include "autograd/grad_mode.h"

namespace fluxion {

static thread_local bool g_grad_enabled = true;

bool GradMode::is_enabled() { return g_grad_enabled; }
void GradMode::set_enabled(bool on) { g_grad_enabled = on; }

}  // namespace fluxion
