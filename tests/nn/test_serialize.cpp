// SPDX-License-Identifier: MIT
// Save and load: round trips of modules and state dicts of every dtype, and
// every bad file: missing, empty, wrong magic, future version, truncated at
// each length, any corrupted byte, and a module that does not match.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "fluxion.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;

namespace {

std::string temp_path(const std::string& name) { return testing::TempDir() + "fluxion_" + name; }

std::vector<char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<char>& b) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(b.data(), (std::streamsize)b.size());
}

nn::Sequential make_net() { return nn::Sequential(nn::Linear(3, 4), nn::Tanh(), nn::Linear(4, 2)); }

// The error message of f (which must throw fluxion::Error).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const fx::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a fluxion::Error";
  return "";
}

}  // namespace

TEST(Serialize, ModuleRoundTripGivesIdenticalOutputs) {
  fx::manual_seed(10);
  nn::Sequential a = make_net(), b = make_net();
  std::string path = temp_path("net.flx");
  nn::save(a, path);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  nn::load(b, path);
  fx::Tensor x = fx::randn({5, 3});
  EXPECT_EQ(a.forward(x).to_vector<float>(), b.forward(x).to_vector<float>());
  std::remove(path.c_str());
}

TEST(Serialize, StateDictOfEveryDtypeAndShape) {
  nn::StateDict sd{{"f32", fx::tensor({{1.5, -2.0}, {3.25, 4.0}}, fx::Float32)},
                   {"f64", fx::tensor({1e-300, 3.141592653589793}, fx::Float64)},
                   {"i64", fx::tensor(std::vector<int64_t>{-7, 1LL << 40}, {2})},
                   {"scalar", fx::scalar(2.5, fx::Float64)},
                   {"empty", fx::zeros({0, 3})},
                   {"strided", fx::tensor({{1.0, 2.0}, {3.0, 4.0}}).t()}};
  std::string path = temp_path("sd.flx");
  nn::save_state_dict(sd, path);
  nn::StateDict back = nn::load_state_dict(path);
  ASSERT_EQ(back.size(), sd.size());
  for (size_t i = 0; i < sd.size(); ++i) {
    EXPECT_EQ(back[i].first, sd[i].first);
    EXPECT_EQ(back[i].second.dtype(), sd[i].second.dtype());
    EXPECT_EQ(back[i].second.shape(), sd[i].second.shape());
    EXPECT_EQ(back[i].second.to_vector<double>(), sd[i].second.to_vector<double>());
  }
  std::remove(path.c_str());
}

TEST(Serialize, SavingReplacesTheOldFileAtomically) {
  std::string path = temp_path("replace.flx");
  nn::save_state_dict({{"a", fx::ones({2})}}, path);
  nn::save_state_dict({{"b", fx::zeros({3})}}, path);
  nn::StateDict back = nn::load_state_dict(path);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].first, "b");
  // an unwritable destination is an error and leaves nothing behind
  EXPECT_THROW(nn::save_state_dict({{"a", fx::ones({2})}}, temp_path("no_such_dir/x.flx")), fx::Error);
  std::remove(path.c_str());
}

TEST(Serialize, BadFilesAreClearErrors) {
  fx::manual_seed(11);
  nn::Sequential net = make_net();
  std::string good = temp_path("good.flx"), bad = temp_path("bad.flx");
  nn::save(net, good);
  std::vector<char> bytes = read_bytes(good);

  EXPECT_NE(error_of([&] { nn::load(net, temp_path("missing.flx")); }).find("cannot open"), std::string::npos);
  write_bytes(bad, {});
  EXPECT_NE(error_of([&] { nn::load(net, bad); }).find("truncated"), std::string::npos);
  std::vector<char> magic = bytes;
  magic[0] = 'X';
  write_bytes(bad, magic);
  EXPECT_NE(error_of([&] { nn::load(net, bad); }).find("not a fluxion file"), std::string::npos);
  std::vector<char> version = bytes;
  version[8] = 9;
  write_bytes(bad, version);
  EXPECT_NE(error_of([&] { nn::load(net, bad); }).find("version 9"), std::string::npos);

  // every truncation and every single corrupted byte (after the header) is caught
  for (size_t n = 0; n < bytes.size(); n += 7) {
    write_bytes(bad, std::vector<char>(bytes.begin(), bytes.begin() + (long)n));
    EXPECT_THROW(nn::load(net, bad), fx::Error) << "truncated to " << n << " bytes";
  }
  for (size_t i = 12; i < bytes.size(); i += 5) {
    std::vector<char> c = bytes;
    c[i] = char(c[i] ^ 0x5a);
    write_bytes(bad, c);
    EXPECT_THROW(nn::load(net, bad), fx::Error) << "byte " << i << " corrupted";
  }
  // a failed load leaves the module as it was
  auto before = net.parameters()[0].to_vector<float>();
  EXPECT_THROW(nn::load(net, bad), fx::Error);
  EXPECT_EQ(net.parameters()[0].to_vector<float>(), before);
  std::remove(good.c_str());
  std::remove(bad.c_str());
}

TEST(Serialize, LoadingIntoADifferentModelNamesTheMismatch) {
  std::string path = temp_path("mismatch.flx");
  nn::Sequential net = make_net();
  nn::save(net, path);
  nn::Sequential wider(nn::Linear(3, 5), nn::Tanh(), nn::Linear(5, 2));
  std::string msg = error_of([&] { nn::load(wider, path); });
  EXPECT_NE(msg.find("0.weight"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[5, 3]"), std::string::npos) << msg;
  nn::Sequential deeper(nn::Linear(3, 4), nn::Tanh(), nn::Linear(4, 2), nn::Tanh(), nn::Linear(2, 2));
  EXPECT_NE(error_of([&] { nn::load(deeper, path); }).find("4.weight"), std::string::npos);
  nn::Sequential f64 = make_net();
  f64.to(fx::Float64);
  EXPECT_NE(error_of([&] { nn::load(f64, path); }).find("dtype"), std::string::npos);
  std::remove(path.c_str());
}
