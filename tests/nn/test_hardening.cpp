// SPDX-License-Identifier: MIT
// Regression tests for issue #23 in nn's files: save never follows a planted
// symlink, keeps the file's mode, survives concurrent saves to one path; every
// I/O failure is a fluxion::Error naming the path; duplicate names are refused.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "fluxion.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;

namespace {

std::string temp_path(const std::string& name) {
  return testing::TempDir() + "fluxion_hardening_" + std::to_string(::getpid()) + "_" + name;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const fx::Error& e) {
    return e.what();
  }
  return "";
}

nn::StateDict small_state() { return {{"w", fx::tensor({1.0, 2.0, 3.0})}, {"b", fx::tensor({4.0})}}; }

}  // namespace

TEST(SaveHardening, APlantedSymlinkIsNotFollowed) {
  std::string path = temp_path("sym.flx"), victim = temp_path("victim.txt");
  { std::ofstream(victim) << "precious"; }
  ASSERT_EQ(::symlink(victim.c_str(), (path + ".tmp").c_str()), 0);
  nn::save_state_dict(small_state(), path);
  std::ifstream in(victim);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "precious");
  EXPECT_EQ(nn::load_state_dict(path).size(), 2u);
  std::remove((path + ".tmp").c_str());
  std::remove(victim.c_str());
  std::remove(path.c_str());
}

TEST(SaveHardening, ReSavingKeepsTheFilesMode) {
  std::string path = temp_path("mode.flx");
  nn::save_state_dict(small_state(), path);
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  nn::save_state_dict(small_state(), path);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::remove(path.c_str());
}

TEST(SaveHardening, ConcurrentSavesToOnePathAllSucceed) {
  std::string path = temp_path("concurrent.flx");
  std::vector<std::string> errors(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20 && errors[t].empty(); ++i)
        errors[t] = error_of([&] { nn::save_state_dict(small_state(), path); });
    });
  for (auto& th : threads) th.join();
  for (const std::string& e : errors) EXPECT_EQ(e, "");
  EXPECT_EQ(nn::load_state_dict(path).size(), 2u);
  std::remove(path.c_str());
}

TEST(SaveHardening, IoFailuresAreErrorsNamingThePath) {
  std::string dir = testing::TempDir();
  std::string msg = error_of([&] { (void)nn::load_state_dict(dir); });
  EXPECT_NE(msg.find(dir), std::string::npos) << msg;
  nn::Linear lin(2, 3);
  msg = error_of([&] { nn::load(lin, dir); });
  EXPECT_NE(msg.find(dir), std::string::npos) << msg;
  msg = error_of([&] { nn::save_state_dict(small_state(), "/nonexistent-folder/x.flx"); });
  EXPECT_NE(msg.find("/nonexistent-folder/x.flx"), std::string::npos) << msg;
  msg = error_of([&] { (void)nn::load_state_dict("/nonexistent-folder/x.flx"); });
  EXPECT_NE(msg.find("/nonexistent-folder/x.flx"), std::string::npos) << msg;
}

TEST(SaveHardening, DuplicateNamesAreRefusedAtLoad) {
  std::string path = temp_path("dup.flx");
  nn::save_state_dict({{"w", fx::tensor({1.0})}, {"w", fx::tensor({2.0})}}, path);
  std::string msg = error_of([&] { (void)nn::load_state_dict(path); });
  EXPECT_NE(msg.find("'w' appears twice"), std::string::npos) << msg;
  std::remove(path.c_str());
}

TEST(SaveHardening, TheDimLimitIsPrintedAsANumber) {
  fx::Shape shape(17, 1);
  std::string msg = error_of([&] { nn::save_state_dict({{"x", fx::zeros(shape)}}, temp_path("dims.flx")); });
  EXPECT_NE(msg.find("allows 16"), std::string::npos) << msg;
}

TEST(MessageHardening, SoftmaxNamesItself) {
  namespace F = fx::nn::functional;
  std::string msg = error_of([] { (void)F::softmax(fx::zeros({0}), 0); });
  EXPECT_EQ(msg.rfind("softmax:", 0), 0u) << msg;
  msg = error_of([] { (void)F::softmax(fx::zeros({2, 3}), 5); });
  EXPECT_EQ(msg.rfind("softmax:", 0), 0u) << msg;
  msg = error_of([] { (void)F::log_softmax(fx::tensor(std::vector<int64_t>{1, 2}, {2}), 0); });
  EXPECT_EQ(msg.rfind("log_softmax:", 0), 0u) << msg;
}
