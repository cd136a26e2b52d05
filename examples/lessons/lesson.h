// SPDX-License-Identifier: MIT
// What every lesson program shares: where its figures go, section headers,
// and tensors as plot vectors. Figures land in out/lessonNN/ under the
// current directory (./run.sh runs from the repository root); the
// environment variable FLUXION_OUT_DIR replaces "out" (the tests use it).
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>

#include "examples/plot/plot.h"
#include "fluxion.h"

namespace lesson {

/// "out/lesson07/<file>" (or "$FLUXION_OUT_DIR/lesson07/<file>"); savefig creates the folder.
inline std::string figure_path(int lesson, const std::string& file) {
  const char* root = std::getenv("FLUXION_OUT_DIR");
  char dir[32];
  std::snprintf(dir, sizeof dir, "/lesson%02d/", lesson);
  return std::string(root && *root ? root : "out") + dir + file;
}

/// Saves a figure and says where it went.
inline void save(const fluxion::plot::Figure& fig, int lesson, const std::string& file) {
  const std::string path = figure_path(lesson, file);
  fig.savefig(path);
  std::printf("  [figure] %s\n", path.c_str());
}

/// Prints a section header: "\n== Demo 1: ... ==".
inline void section(const std::string& title) { std::printf("\n== %s ==\n", title.c_str()); }

/// A tensor's values (any shape, row-major) as a plot vector.
inline fluxion::plot::Vec vec(const fluxion::Tensor& t) { return t.to_vector<double>(); }

}  // namespace lesson
