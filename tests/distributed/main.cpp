// SPDX-License-Identifier: MIT
// test_distributed's main: MPI around GoogleTest. Every rank runs every test;
// a test's collectives must therefore run on all ranks in the same order, and
// an assertion that returns early on one rank ends in the collective timeout.
#include <gtest/gtest.h>

#include "distributed/distributed.h"

int main(int argc, char** argv) {
  fluxion::distributed::InitGuard mpi(argc, argv, {.timeout = std::chrono::seconds(120)});
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
