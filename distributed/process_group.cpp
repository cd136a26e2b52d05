// SPDX-License-Identifier: MIT
// MPI start-up and shut-down, process groups, the collective timeout and the
// abort-on-exception path.
#include "distributed/process_group.h"

#include <algorithm>
#include <exception>
#include <iostream>
#include <sstream>
#include <thread>

#include "tensor/error.h"

namespace fluxion::distributed {

namespace {

std::unique_ptr<ProcessGroup> g_world;

bool mpi_running() {
  int init = 0, fin = 0;
  MPI_Initialized(&init);
  MPI_Finalized(&fin);
  return init && !fin;
}

// An exception escaping main (or any uncaught one) ends the whole job with its message.
void on_terminate() {
  std::string msg = "std::terminate called without an active exception";
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      msg = x.what();
    } catch (...) {
      msg = "an exception not derived from std::exception";
    }
  }
  abort_job(msg);
}

// Polls `request` until done or `deadline`; true when done. The first
// millisecond spins (a collective between ranks of one machine often ends
// there), then the loop sleeps between polls so a waiting rank leaves its
// core to the ranks still computing.
bool poll_until(MPI_Request& request, std::chrono::steady_clock::time_point deadline) {
  auto spin_end = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
  for (;;) {
    int done = 0;
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return true;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (now < spin_end)
      std::this_thread::yield();
    else
      std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

// Collectives are issued by one thread at a time (the training loop, or
// backward's hooks on the thread that called backward()).
void init_mpi(int* argc, char*** argv) {
  check(!mpi_running(), "distributed::InitGuard: MPI is already initialised; make one InitGuard per process");
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided);
}

}  // namespace

InitGuard::InitGuard(int& argc, char**& argv, InitOptions opts) {
  init_mpi(&argc, &argv);
  g_world = std::make_unique<ProcessGroup>(MPI_COMM_WORLD, opts.timeout);
  std::set_terminate(on_terminate);
}

InitGuard::InitGuard(InitOptions opts) {
  init_mpi(nullptr, nullptr);
  g_world = std::make_unique<ProcessGroup>(MPI_COMM_WORLD, opts.timeout);
  std::set_terminate(on_terminate);
}

InitGuard::~InitGuard() {
  g_world.reset();
  if (mpi_running()) MPI_Finalize();
}

bool is_initialized() { return mpi_running() && g_world != nullptr; }

ProcessGroup::ProcessGroup(MPI_Comm comm, std::chrono::milliseconds timeout) : timeout_(timeout) {
  if (comm == MPI_COMM_NULL) return;
  MPI_Comm_dup(comm, &comm_);
  MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);  // collectives report errors as fluxion::Error
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  MPI_Win_allocate(sizeof(int64_t), sizeof(int64_t), MPI_INFO_NULL, comm_, &collectives_, &window_);
  *collectives_ = 0;
  MPI_Win_lock_all(MPI_MODE_NOCHECK, window_);
}

ProcessGroup::~ProcessGroup() {
  if (comm_ == MPI_COMM_NULL || !mpi_running()) return;
  MPI_Win_unlock_all(window_);
  MPI_Win_free(&window_);
  MPI_Comm_free(&comm_);
}

void ProcessGroup::enter(const char* op) {
  check(is_member(), op, ": this rank is not a member of the group; call collectives of a group only on its ranks");
  ++*collectives_;
}

void ProcessGroup::wait(MPI_Request& request, const char* op, std::chrono::milliseconds timeout) const {
  if (poll_until(request, std::chrono::steady_clock::now() + timeout)) return;
  fail(op, ": timed out after ", timeout.count(), " ms on rank ", rank_, " of ", size_, " waiting for ",
       missing_ranks(*collectives_),
       "; find why that rank is late (an exception, a different number of collectives "
       "or a slow step), or raise the timeout (InitOptions::timeout, ProcessGroup::set_timeout)");
}

// Which ranks have entered fewer than `collective` collectives on the group:
// the count of each rank, read from its window with a bounded wait.
std::string ProcessGroup::missing_ranks(int64_t collective) const {
  std::ostringstream os;
  int found = 0;
  for (int q = 0; q < size_; ++q) {
    if (q == rank_) continue;
    // Kept alive past an unanswered read, which MPI may still complete later.
    static std::vector<std::unique_ptr<int64_t>> values;
    values.push_back(std::make_unique<int64_t>(-1));
    MPI_Request req;
    MPI_Rget(values.back().get(), 1, MPI_INT64_T, q, 0, 1, MPI_INT64_T, window_, &req);
    bool answered = poll_until(req, std::chrono::steady_clock::now() + std::chrono::seconds(1));
    if (answered && *values.back() >= collective) continue;
    os << (found++ ? ", " : "rank ") << q;
    if (answered)
      os << " (it has entered " << *values.back() << " collectives on this group, this is number " << collective << ")";
    else
      os << " (it does not answer: busy outside MPI or gone)";
  }
  return found ? os.str() : "a rank that arrived meanwhile";
}

ProcessGroup& world() {
  check(is_initialized(), "distributed::world: MPI is not initialised; create a distributed::InitGuard in main first");
  return *g_world;
}
int get_rank() { return world().rank(); }
int get_world_size() { return world().world_size(); }

std::shared_ptr<ProcessGroup> new_group(const std::vector<int>& ranks) {
  ProcessGroup& w = world();
  for (size_t i = 0; i < ranks.size(); ++i) {
    check(ranks[i] >= 0 && ranks[i] < w.world_size(), "new_group: rank ", ranks[i], " is outside the world of ",
          w.world_size(), " ranks");
    check(std::count(ranks.begin(), ranks.end(), ranks[i]) == 1, "new_group: rank ", ranks[i], " is listed twice");
  }
  auto it = std::find(ranks.begin(), ranks.end(), w.rank());
  int color = it == ranks.end() ? MPI_UNDEFINED : 0;
  MPI_Comm split = MPI_COMM_NULL;
  MPI_Comm_split(w.comm(), color, (int)(it - ranks.begin()), &split);  // ordered as in `ranks`
  auto group = std::make_shared<ProcessGroup>(split, w.timeout());
  if (split != MPI_COMM_NULL) MPI_Comm_free(&split);
  return group;
}

void abort_job(const std::string& message, int code) {
  int rank = -1, size = 0;
  if (mpi_running()) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  }
  std::cerr << "fluxion.distributed: rank " << rank << " of " << size << ": " << message << "; aborting the job"
            << std::endl;
  if (mpi_running()) MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

}  // namespace fluxion::distributed
