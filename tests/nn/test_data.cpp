// SPDX-License-Identifier: MIT
// nn/data: datasets, random_split, the DataLoader's order (per seed, per
// thread count, with and without prefetch, resumed from a state dict), the
// readers (IDX raw and gzip, CSV, .npy and .npz against bytes NumPy wrote),
// and Fashion-MNIST from Debian's package.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "fluxion.h"

namespace fx = fluxion;
namespace data = fluxion::data;

namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("fluxion_data_" + std::to_string(getpid()) + "_" + name)).string();
}

std::shared_ptr<data::TensorDataset> numbers(int64_t n) {
  fx::Tensor x = fx::arange(double(n), fx::Float32).reshape({n, 1}) * 2.0;  // sample i: {[2 i], i}
  fx::Tensor y = fx::arange(double(n), fx::Int64);
  return std::make_shared<data::TensorDataset>(std::vector<fx::Tensor>{x, y});
}

// The label order of one epoch.
std::vector<int64_t> epoch_order(data::DataLoader& loader) {
  std::vector<int64_t> out;
  for (const data::Example& b : loader)
    for (int64_t v : b[1].to_vector<int64_t>()) out.push_back(v);
  return out;
}

std::vector<uint8_t> from_hex(const std::string& h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < h.size(); i += 2) out.push_back((uint8_t)std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& b) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), (std::streamsize)b.size());
}

}  // namespace

TEST(Data, TensorDatasetSubsetAndRandomSplit) {
  auto ds = numbers(10);
  EXPECT_EQ(ds->size(), 10);
  data::Example e = ds->get(3);
  EXPECT_EQ(e[0].to_vector<float>(), (std::vector<float>{6}));
  EXPECT_EQ(e[1].item(), 3);
  data::Example b = ds->get_batch({4, 1});
  EXPECT_EQ(b[0].shape(), (fx::Shape{2, 1}));
  EXPECT_EQ(b[1].to_vector<int64_t>(), (std::vector<int64_t>{4, 1}));
  // the default collate (Subset of a non-Tensor dataset goes through get + stack)
  EXPECT_EQ(data::collate({ds->get(4), ds->get(1)})[0].to_vector<float>(), b[0].to_vector<float>());
  EXPECT_THROW((void)ds->get(10), fx::Error);
  EXPECT_THROW(data::TensorDataset({fx::zeros({3}), fx::zeros({4})}), fx::Error);

  fx::Generator g(5);
  auto parts = data::random_split(ds, std::vector<int64_t>{7, 3}, g);
  ASSERT_EQ(parts.size(), 2u);
  std::set<int64_t> seen;
  for (auto& p : parts)
    for (int64_t i = 0; i < p->size(); ++i) seen.insert(p->get(i)[1].item<int64_t>());
  EXPECT_EQ(seen.size(), 10u);  // disjoint and complete
  EXPECT_EQ(parts[1]->get_batch({0, 2})[1].to_vector<int64_t>()[0], parts[1]->indices()[0]);
  auto frac = data::random_split(ds, std::vector<double>{0.25, 0.75}, g);
  EXPECT_EQ(frac[0]->size(), 3);  // floor(2.5) + the remainder goes to the first
  EXPECT_EQ(frac[1]->size(), 7);
  EXPECT_THROW((void)data::random_split(ds, std::vector<int64_t>{5, 4}), fx::Error);
}

TEST(DataLoader, BatchesShuffleDropLastAndSeeds) {
  auto ds = numbers(10);
  data::DataLoader plain(ds, {.batch_size = 4});
  EXPECT_EQ(plain.size(), 3);
  std::vector<fx::Shape> shapes;
  for (const data::Example& b : plain) shapes.push_back(b[0].shape());
  EXPECT_EQ(shapes, (std::vector<fx::Shape>{{4, 1}, {4, 1}, {2, 1}}));
  EXPECT_EQ(epoch_order(plain), (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  data::DataLoader dropping(ds, {.batch_size = 4, .drop_last = true});
  EXPECT_EQ(dropping.size(), 2);
  EXPECT_EQ(epoch_order(dropping).size(), 8u);

  data::DataLoader a(ds, {.batch_size = 3, .shuffle = true, .seed = 7});
  data::DataLoader b(ds, {.batch_size = 3, .shuffle = true, .seed = 7});
  fx::manual_seed(123);  // the global generator does not affect a loader's order
  std::vector<int64_t> a1 = epoch_order(a), a2 = epoch_order(a);
  (void)fx::rand({5});
  EXPECT_EQ(epoch_order(b), a1);
  EXPECT_EQ(epoch_order(b), a2);
  EXPECT_NE(a1, a2);  // a new order each epoch
  EXPECT_EQ(std::set<int64_t>(a1.begin(), a1.end()).size(), 10u);
  EXPECT_THROW(data::DataLoader(ds, {.batch_size = 0}), fx::Error);
}

TEST(DataLoader, SameOrderOnAnyThreadCountAndWithPrefetch) {
  auto ds = numbers(1000);
  int before = fx::get_num_threads();
  fx::set_num_threads(1);
  data::DataLoader one(ds, {.batch_size = 64, .shuffle = true, .seed = 3});
  std::vector<int64_t> o1 = epoch_order(one);
  fx::set_num_threads(2);
  data::DataLoader two(ds, {.batch_size = 64, .shuffle = true, .seed = 3, .prefetch = true});
  std::vector<int64_t> o2 = epoch_order(two);
  fx::set_num_threads(before);
  EXPECT_EQ(o1, o2);
  // the images travel with their labels
  for (const data::Example& b : two) {
    std::vector<float> x = b[0].to_vector<float>();
    std::vector<int64_t> y = b[1].to_vector<int64_t>();
    for (size_t i = 0; i < y.size(); ++i) ASSERT_EQ(x[i], 2.0f * float(y[i]));
  }
}

TEST(DataLoader, ResumesAnEpochFromItsStateDict) {
  auto ds = numbers(20);
  data::DataLoader full(ds, {.batch_size = 3, .shuffle = true, .seed = 11});
  std::vector<int64_t> e1 = epoch_order(full), e2 = epoch_order(full);

  data::DataLoader first(ds, {.batch_size = 3, .shuffle = true, .seed = 11});
  (void)epoch_order(first);
  std::vector<int64_t> seen;
  fx::nn::StateDict sd;
  for (auto it = first.begin(); it != first.end(); ++it) {
    for (int64_t v : (*it)[1].to_vector<int64_t>()) seen.push_back(v);
    if (seen.size() == 9) {
      sd = first.state_dict();  // three batches of epoch 2 done
      break;
    }
  }
  data::DataLoader resumed(ds, {.batch_size = 3, .shuffle = true, .seed = 999});  // the seed is overwritten
  resumed.load_state_dict(sd);
  for (int64_t v : epoch_order(resumed)) seen.push_back(v);
  EXPECT_EQ(seen, e2);
  EXPECT_NE(e1, e2);
  EXPECT_THROW(resumed.load_state_dict({{"generator", fx::zeros({7}, fx::Int64)}}), fx::Error);
}

TEST(Readers, IdxRawAndGzip) {
  // magic 0 0 0x08 (ubyte) 2 dims, sizes 2 x 3, values 0..5; then as int32 (0x0C) big-endian
  std::vector<uint8_t> idx{0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 2, 3, 4, 255};
  std::string raw = temp_path("a.idx"), gz = temp_path("a.idx.gz");
  write_bytes(raw, idx);
  gzFile f = gzopen(gz.c_str(), "wb");
  gzwrite(f, idx.data(), (unsigned)idx.size());
  gzclose(f);
  for (const std::string& p : {raw, gz}) {
    fx::Tensor t = data::read_idx(p);
    EXPECT_EQ(t.shape(), (fx::Shape{2, 3}));
    EXPECT_EQ(t.to_vector<float>(), (std::vector<float>{0, 1, 2, 3, 4, 255}));
  }
  EXPECT_EQ(data::read_idx(raw, fx::Int64).dtype(), fx::Int64);
  write_bytes(raw, {0, 0, 0x0C, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0});
  EXPECT_EQ(data::read_idx(raw, fx::Float64).to_vector<double>(), (std::vector<double>{-2, 256}));
  write_bytes(raw, {0, 0, 0x08, 1, 0, 0, 0, 5, 1, 2});  // 5 values promised, 2 present
  EXPECT_THROW((void)data::read_idx(raw), fx::Error);
  EXPECT_THROW((void)data::read_idx(temp_path("missing.idx")), fx::Error);
  std::filesystem::remove(raw);
  std::filesystem::remove(gz);
}

TEST(Readers, CsvHeaderColumnsAndErrors) {
  std::string p = temp_path("t.csv");
  std::ofstream(p) << "a, b,c\n1,2,3\n\n4.5,-5,6e1\r\n";
  fx::Tensor all = data::read_csv(p, {.dtype = fx::Float64});
  EXPECT_EQ(all.shape(), (fx::Shape{2, 3}));
  EXPECT_EQ(all.to_vector<double>(), (std::vector<double>{1, 2, 3, 4.5, -5, 60}));
  EXPECT_EQ(data::read_csv(p, {.columns = {"c", "a"}}).to_vector<float>(), (std::vector<float>{3, 1, 60, 4.5}));
  EXPECT_EQ(data::read_csv(p, {.column_indices = {1}}).to_vector<float>(), (std::vector<float>{2, -5}));
  EXPECT_THROW((void)data::read_csv(p, {.columns = {"d"}}), fx::Error);
  std::ofstream(p) << "a,b\n1,2\n3,x\n";
  try {
    (void)data::read_csv(p);
    FAIL() << "a non-number must be an error";
  } catch (const fx::Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  std::filesystem::remove(p);
}

TEST(Readers, NpyAndNpzAgainstNumPyBytesAndRoundTrips) {
  // np.save(b, np.asfortranarray(np.arange(6, dtype='<f8').reshape(2, 3))), NumPy 1.24
  std::string p = temp_path("f.npy");
  write_bytes(
      p, from_hex("934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2054727565"
                  "2c20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020"
                  "202020202020202020202020202020202020202020202020202020202020200a00000000000000000000000000000840"
                  "000000000000f03f000000000000104000000000000000400000000000001440"));
  fx::Tensor f = data::load_npy(p);
  EXPECT_EQ(f.shape(), (fx::Shape{2, 3}));
  EXPECT_EQ(f.to_vector<double>(), (std::vector<double>{0, 1, 2, 3, 4, 5}));
  // np.save(b, np.array([True, False, True])): bools read as Bool
  write_bytes(p,
              from_hex("934e554d5059010076007b276465736372273a20277c6231272c2027666f727472616e5f6f72646572273a2046"
                       "616c73652c20277368617065273a2028332c292c207d20202020202020202020202020202020202020202020202020"
                       "20202020202020202020202020202020202020202020202020202020202020202020200a010001"));
  const fx::Tensor bools = data::load_npy(p);
  EXPECT_EQ(bools.dtype(), fx::Bool);
  EXPECT_EQ(bools.to_vector<int64_t>(), (std::vector<int64_t>{1, 0, 1}));
  // round trips of every dtype, C and Fortran order
  fx::Tensor x = fx::randn({3, 4, 2}), d = fx::randn({5}, fx::Float64), i = fx::arange(6.0, fx::Int64).reshape({2, 3});
  fx::Tensor b = fx::randn({2, 5}) > 0.0, i32 = (fx::arange(6.0, fx::Int64) - 3).to(fx::Int32).reshape({3, 2});
  for (bool fortran : {false, true})
    for (const fx::Tensor& t :
         {x, d, i, b, i32, fx::scalar(2.5, fx::Float64), fx::zeros({0, 4}), fx::zeros({0}, fx::Float64)}) {
      data::save_npy(t, p, fortran);
      fx::Tensor back = data::load_npy(p);
      EXPECT_EQ(back.shape(), t.shape());
      EXPECT_EQ(back.dtype(), t.dtype());
      EXPECT_EQ(back.to_vector<double>(), t.to_vector<double>());
    }
  // np.savez_compressed(b, a=np.arange(4, dtype='<i8'), w=np.array([[1.5, -2.0]], dtype='<f4'))
  write_bytes(
      p, from_hex("504b030414000000080000002100c3c3dad14f000000a000000005001400612e6e707901001000a0000000000000004f"
                  "000000000000009bec17ea1b10c9c850c650ad9e925a9c5ca46ea5a06e9369a1aea3a09e965f54529498179f5f94920a"
                  "12774bcc294e058a17672416a402f91a263a9a3a0ab50a14002e06286084d24c509a194a0300504b0304140000000800"
                  "00002100fdcfa5084d0000008800000005001400772e6e70790100100088000000000000004d000000000000009bec17"
                  "ea1b10c9c850c650ad9e925a9c5ca46ea5a06e9366a2aea3a09e965f54529498179f5f94920a12774bcc294e058a1767"
                  "2416a402f91a863a0a469a3a0ab50a64032e068603f60c400200504b0102140314000000080000002100c3c3dad14f00"
                  "0000a0000000050000000000000000000000800100000000612e6e7079504b0102140314000000080000002100fdcfa5"
                  "084d00000088000000050000000000000000000000800186000000772e6e7079504b05060000000002000200660000"
                  "000a0100000000"));
  fx::nn::StateDict z = data::load_npz(p);
  ASSERT_EQ(z.size(), 2u);
  EXPECT_EQ(z[0].first, "a");
  EXPECT_EQ(z[0].second.to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(z[1].first, "w");
  EXPECT_EQ(z[1].second.shape(), (fx::Shape{1, 2}));
  EXPECT_EQ(z[1].second.to_vector<float>(), (std::vector<float>{1.5f, -2.0f}));
  data::save_npz({{"x", x}, {"i", i}}, p);
  fx::nn::StateDict back = data::load_npz(p);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].second.to_vector<float>(), x.to_vector<float>());
  EXPECT_EQ(back[1].first, "i");
  write_bytes(p, {1, 2, 3});
  EXPECT_THROW((void)data::load_npy(p), fx::Error);
  EXPECT_THROW((void)data::load_npz(p), fx::Error);
  std::filesystem::remove(p);
}

TEST(FashionMNIST, ReadsDebiansPackageOrNamesIt) {
  try {
    (void)data::datasets::FashionMNIST("/nonexistent");
    FAIL() << "a missing folder must be an error";
  } catch (const fx::Error& e) {
    EXPECT_NE(std::string(e.what()).find("apt-get install dataset-fashion-mnist"), std::string::npos) << e.what();
  }
  data::datasets::FashionMNIST test("/usr/share/datasets/fashion-mnist", false);
  EXPECT_EQ(test.size(), 10000);
  EXPECT_EQ(test.images().shape(), (fx::Shape{10000, 1, 28, 28}));
  // the first labels of t10k (read with Python's gzip): 9 2 1 1 6 1 4 6 5 7
  EXPECT_EQ(test.labels().slice(0, 0, 10).to_vector<int64_t>(), (std::vector<int64_t>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}));
  EXPECT_GE(test.images().min().item(), 0.0);
  EXPECT_LE(test.images().max().item(), 1.0);
  EXPECT_STREQ(data::datasets::FashionMNIST::classes()[9], "Ankle boot");
}
