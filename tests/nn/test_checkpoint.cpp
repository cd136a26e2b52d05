// SPDX-License-Identifier: MIT
// Checkpoints and safetensors: a training run (BatchNorm buffers, dropout
// from the global generator, Adam, StepLR, a shuffled loader) of N steps,
// saved, resumed in a new process (this test binary run again) for M steps
// gives the same parameters bit for bit as N + M steps in one run; saves
// killed by SIGKILL at random points leave the old or the new file, whole;
// safetensors against a file assembled byte by byte from the format's
// specification, and its malformed variants rejected.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string_view>

#include "fluxion.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;
namespace F = fluxion::nn::functional;

extern char** environ;

namespace {

std::string temp_dir() {
  auto d = std::filesystem::temp_directory_path() / ("fluxion_ckpt_" + std::to_string(getpid()));
  std::filesystem::create_directories(d);
  return d.string();
}

// Everything a training run holds, built from scratch with seed-independent structure.
struct TrainingRun {
  struct Seeded {
    explicit Seeded(uint64_t seed) { fx::manual_seed(seed); }
  } seeded;  // first: the members below draw their initial values from the global generator
  nn::Sequential model{nn::Linear(6, 8), nn::BatchNorm1d(8), nn::ReLU(), nn::Dropout(0.3), nn::Linear(8, 3)};
  fx::optim::Adam opt{model.parameters(), {.lr = 1e-2}};
  fx::optim::StepLR sched{opt, {.step_size = 2, .gamma = 0.5}};
  std::shared_ptr<fx::data::TensorDataset> data;
  std::unique_ptr<fx::data::DataLoader> loader;
  fx::optim::TrainingState state;

  explicit TrainingRun(uint64_t seed) : seeded(seed) {
    fx::Generator g(42);  // the data are the same in every run
    data = std::make_shared<fx::data::TensorDataset>(
        std::vector<fx::Tensor>{fx::Tensor(fx::kernels::normal({22, 6}, 0, 1, fx::Float32, g)),
                                fx::Tensor(fx::kernels::randint(0, 3, {22}, g))});
    loader = std::make_unique<fx::data::DataLoader>(
        data, fx::data::DataLoaderOptions{.batch_size = 4, .shuffle = true, .seed = seed});
    state = {.model = &model, .optimizer = &opt, .scheduler = &sched, .loader = loader.get()};
  }

  // k optimizer steps; the schedule steps at each epoch's end
  void train(int k) {
    model.train();
    for (int done = 0; done < k;) {
      for (auto it = loader->begin(); it != loader->end(); ++it) {
        fx::Tensor loss = F::cross_entropy(model.forward((*it)[0]), (*it)[1]);
        opt.zero_grad();
        loss.backward();
        opt.step();
        if (++state.step % loader->size() == 0) sched.step();
        if (++done == k) return;  // before ++it: the loader's position counts batches used
      }
    }
  }
};

std::vector<std::vector<float>> values(const nn::Module& m) {
  std::vector<std::vector<float>> out;
  for (const auto& [name, t] : m.state_dict())
    if (t.dtype() == fx::Float32) out.push_back(t.to_vector<float>());
  return out;
}

}  // namespace

TEST(Checkpoint, ResumesBitForBitInANewProcess) {
  const int n = 7, m = 9;  // 6 batches per epoch: the save falls mid-epoch, the resume crosses epochs
  const char* phase = std::getenv("FLUXION_RESUME_CHILD");
  if (phase) {  // the new process: different seeds everywhere, then the checkpoint
    TrainingRun r(999);
    (void)fx::rand({17});
    fx::optim::load_checkpoint(r.state, std::string(phase) + "/ckpt.flx");
    EXPECT_EQ(r.state.step, n);
    r.train(m);
    nn::save(r.model, std::string(phase) + "/resumed.flx");
    return;
  }
  fx::set_num_threads(1);
  std::string dir = temp_dir();
  TrainingRun whole(3);
  whole.train(n + m);

  TrainingRun first(3);
  first.train(n);
  first.state.extra = {{"note", fx::ones({2})}};
  fx::optim::save_checkpoint(first.state, dir + "/ckpt.flx");

  std::string filter = "--gtest_filter=Checkpoint.ResumesBitForBitInANewProcess";
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::vector<std::string> env_strings{"FLUXION_RESUME_CHILD=" + dir, "OMP_NUM_THREADS=1"};
  std::vector<char*> env;
  for (char** e = environ; *e; ++e)  // not CTest's sharding: the child must run this very test
    if (std::string_view(*e).rfind("GTEST_", 0) != 0) env.push_back(*e);
  for (auto& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  std::vector<char*> argv{self.data(), filter.data(), nullptr};
  pid_t pid;
  ASSERT_EQ(posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), env.data()), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the resumed process failed";

  TrainingRun resumed(5);
  nn::load(resumed.model, dir + "/resumed.flx");
  EXPECT_EQ(values(resumed.model), values(whole.model));  // bit for bit, buffers included
  // the checkpoint restores the counters and the caller's extra entries
  TrainingRun back(8);
  fx::optim::load_checkpoint(back.state, dir + "/ckpt.flx");
  EXPECT_EQ(back.state.step, n);
  ASSERT_EQ(back.state.extra.size(), 1u);
  EXPECT_EQ(back.state.extra[0].first, "note");
  EXPECT_EQ(back.sched.last_epoch(), 1);
  std::filesystem::remove_all(dir);
}

TEST(Checkpoint, SigkillDuringASaveLeavesTheOldOrTheNewFile) {
  std::string dir = temp_dir(), path = dir + "/big.flx";
  // 8 MB: long enough to be killed mid-write
  auto version = [](double v) { return nn::StateDict{{"marker", fx::full({1}, v)}, {"w", fx::full({2 << 20}, v)}}; };
  nn::save_state_dict(version(0), path);
  auto t0 = std::chrono::steady_clock::now();
  nn::save_state_dict(version(0), path);
  double save_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  std::mt19937 rng(1);
  int saw_old = 0, saw_new = 0;
  for (int trial = 1; trial <= 16; ++trial) {
    nn::StateDict next = version(trial);  // built before the fork: the child only writes
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      nn::save_state_dict(next, path);
      _exit(0);
    }
    usleep((useconds_t)std::uniform_real_distribution<double>(0, 1.3 * save_us)(rng));
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    nn::StateDict got = nn::load_state_dict(path);  // never torn: the checksum would throw
    double marker = got[0].second.item();
    ASSERT_TRUE(marker == trial || marker == trial - 1) << "trial " << trial;
    EXPECT_EQ(got[1].second.amin().item(), marker);
    EXPECT_EQ(got[1].second.amax().item(), marker);
    marker == trial ? ++saw_new : ++saw_old;
    if (marker != trial) nn::save_state_dict(version(trial), path);  // the next trial starts from `trial`
  }
  std::printf("SIGKILL trials: %d kept the old file, %d had the new one\n", saw_old, saw_new);
  std::filesystem::remove_all(dir);  // also the temporaries of killed writers
}

TEST(Safetensors, ReadsAFileAssembledFromTheSpecification) {
  std::string dir = temp_dir(), path = dir + "/spec.safetensors";
  std::string header = R"({"__metadata__":{"format":"pt"},"b":{"dtype":"I64","shape":[],"data_offsets":[8,16]},)"
                       R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  auto file = [&](const std::string& h, std::vector<uint8_t> data) {
    std::vector<uint8_t> out(8);
    uint64_t n = h.size();
    for (int i = 0; i < 8; ++i) out[i] = uint8_t(n >> (8 * i));  // little-endian u64
    out.insert(out.end(), h.begin(), h.end());
    out.insert(out.end(), data.begin(), data.end());
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(out.data()), (std::streamsize)out.size());
  };
  // a = [1.0f, -2.0f] (0x3f800000, 0xc0000000 little-endian), b = 7 (int64)
  std::vector<uint8_t> data{0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 7, 0, 0, 0, 0, 0, 0, 0};
  file(header, data);
  nn::StateDict sd = nn::load_safetensors(path);
  ASSERT_EQ(sd.size(), 2u);
  EXPECT_EQ(sd[0].first, "a");
  EXPECT_EQ(sd[0].second.to_vector<float>(), (std::vector<float>{1, -2}));
  EXPECT_EQ(sd[1].first, "b");
  EXPECT_EQ(sd[1].second.dim(), 0);
  EXPECT_EQ(sd[1].second.to_vector<int64_t>(), (std::vector<int64_t>{7}));

  auto rejects = [&](const std::string& h, std::vector<uint8_t> d, const char* says) {
    file(h, d);
    try {
      (void)nn::load_safetensors(path);
      ADD_FAILURE() << "accepted: " << h;
    } catch (const fx::Error& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  rejects(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})", data, "malformed header");  // unclosed
  rejects(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,24]}})", data, "past the end");
  rejects(
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
      std::vector<uint8_t>(12), "overlaps");
  rejects(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", data, "unused");
  rejects(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", std::vector<uint8_t>(8), "span");
  rejects(R"({"a":{"dtype":"BF16","shape":[4],"data_offsets":[0,8]}})", std::vector<uint8_t>(8), "BF16");
  rejects(R"({"a":{"dtype":"F32","shape":[2]}})", {}, "needs");
  // \u escapes need 4 hex digits (these threw std::invalid_argument, or read "\u12zz" as U+0012)
  rejects(R"({"\uzzzz":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", data, "hex digits");
  rejects(R"({"\u12zz":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", data, "hex digits");
  std::vector<uint8_t> huge(8, 0xff);  // a header length past the end of the file
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(huge.data()), 8);
  EXPECT_THROW((void)nn::load_safetensors(path), fx::Error);
  std::filesystem::remove_all(dir);
}

TEST(Safetensors, ModulesRoundTripByStateDictName) {
  std::string dir = temp_dir(), path = dir + "/m.safetensors";
  nn::Sequential a(nn::Conv2d(1, 2, 3), nn::BatchNorm2d(2), nn::Flatten(), nn::Linear(8, 2, {.dtype = fx::Float64}));
  (void)a.forward(fx::randn({3, 1, 4, 4}));  // move the running statistics
  nn::save_safetensors(a, path);
  nn::Sequential b(nn::Conv2d(1, 2, 3), nn::BatchNorm2d(2), nn::Flatten(), nn::Linear(8, 2, {.dtype = fx::Float64}));
  nn::load_safetensors(b, path);
  auto sa = a.state_dict(), sb = b.state_dict();
  ASSERT_EQ(sa.size(), sb.size());
  for (size_t i = 0; i < sa.size(); ++i) EXPECT_EQ(sa[i].second.to_vector<double>(), sb[i].second.to_vector<double>());
  nn::save_safetensors({{"x", fx::zeros({0})}}, path, {{"who", "fluxion \"test\""}});
  EXPECT_EQ(nn::load_safetensors(path)[0].second.numel(), 0);
  std::filesystem::remove_all(dir);
}
