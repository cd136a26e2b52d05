// SPDX-License-Identifier: MIT
// distributed::ProcessGroup — a set of processes (ranks) that run collectives
// together, over MPI (torch.distributed with the MPI backend).
//
//   int main(int argc, char** argv) {
//     fx::distributed::InitGuard mpi(argc, argv, {.timeout = std::chrono::seconds(60)});
//     auto& world = fx::distributed::world();        // rank() in [0, world_size())
//     auto pair = fx::distributed::new_group({0, 1}); // a sub-group (every rank calls it)
//     ...
//   }                                                 // MPI_Finalize
//
// Failure: InitGuard installs a terminate handler, so an exception that escapes
// main on one rank prints "rank r: message" and calls MPI_Abort, which ends
// every rank instead of leaving the others waiting in a collective. A
// collective that waits longer than the group's timeout throws an Error naming
// the ranks that have not reached it: each rank counts the collectives it has
// entered on a group in an MPI window, and the waiting rank reads the others'.
#pragma once
#include <mpi.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace fluxion::distributed {

struct InitOptions {
  /// How long a blocking collective (or Work::wait()) waits before it throws.
  std::chrono::milliseconds timeout = std::chrono::minutes(30);  // PyTorch's default
};

/// MPI_Init_thread at construction, MPI_Finalize at destruction; one per process.
class InitGuard {
 public:
  InitGuard(int& argc, char**& argv, InitOptions opts = {});
  /// Without the command line (MPI_Init_thread(NULL, NULL, ...)), for code that has no main.
  explicit InitGuard(InitOptions opts = {});
  ~InitGuard();
  InitGuard(const InitGuard&) = delete;
  InitGuard& operator=(const InitGuard&) = delete;
};

/// Whether InitGuard has initialised MPI (and not yet finalised it).
bool is_initialized();

class ProcessGroup {
 public:
  /// The group of `comm` (duplicated, so its traffic never meets the caller's).
  ProcessGroup(MPI_Comm comm, std::chrono::milliseconds timeout);
  /// Collective over the members, like the constructor (it frees the group's MPI window).
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  /// This process's rank in the group, or -1 when it is not a member.
  int rank() const { return rank_; }
  int world_size() const { return size_; }
  bool is_member() const { return comm_ != MPI_COMM_NULL; }
  MPI_Comm comm() const { return comm_; }

  std::chrono::milliseconds timeout() const { return timeout_; }
  void set_timeout(std::chrono::milliseconds t) { timeout_ = t; }

  /// Called as each collective starts: checks membership and counts it.
  void enter(const char* op);
  /// Waits for `request` up to the timeout; after it, throws an Error naming
  /// `op` and the ranks that have not entered this collective.
  void wait(MPI_Request& request, const char* op, std::chrono::milliseconds timeout) const;

 private:
  std::string missing_ranks(int64_t collective) const;
  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = -1, size_ = 0;
  std::chrono::milliseconds timeout_;
  // collectives_[0]: the collectives this rank has entered on the group,
  // exposed to the other ranks through window_ (read only after a timeout).
  int64_t* collectives_ = nullptr;
  MPI_Win window_ = MPI_WIN_NULL;
};

/// The group of every process (MPI_COMM_WORLD); an error before InitGuard.
ProcessGroup& world();
/// rank() and world_size() of world().
int get_rank();
int get_world_size();

/// A group of the given world ranks (torch.distributed.new_group): every rank
/// of world() must call it with the same list; on a rank outside the list the
/// group has is_member() false and rank() -1.
std::shared_ptr<ProcessGroup> new_group(const std::vector<int>& ranks);

/// Prints "fluxion.distributed: rank r of n: message" to stderr and calls
/// MPI_Abort on the world: every process of the job ends.
[[noreturn]] void abort_job(const std::string& message, int code = 1);

}  // namespace fluxion::distributed
