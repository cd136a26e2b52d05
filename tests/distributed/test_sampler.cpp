// SPDX-License-Identifier: MIT
// DistributedSampler: the ranks' shards partition each epoch's order (padded
// or cut to equal sizes), set_epoch changes the order the same way on every
// rank, and a DataLoader over shard() yields this rank's samples.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "distributed/distributed.h"
#include "fluxion.h"

namespace fx = fluxion;
namespace dist = fluxion::distributed;
using fx::Tensor;

namespace {

std::shared_ptr<fx::data::TensorDataset> dataset(int64_t n) {
  return std::make_shared<fx::data::TensorDataset>(std::vector<Tensor>{fx::arange(0, (double)n, 1, fx::Int64)});
}

// Every rank's indices for the epoch, computed here for ranks 0 .. replicas - 1.
std::vector<std::vector<int64_t>> all_shards(int64_t n, int replicas, bool drop_last, int64_t epoch,
                                             bool shuffle = true) {
  std::vector<std::vector<int64_t>> out;
  for (int r = 0; r < replicas; ++r) {
    fx::data::DistributedSampler s(
        dataset(n), {.num_replicas = replicas, .rank = r, .shuffle = shuffle, .seed = 5, .drop_last = drop_last});
    s.set_epoch(epoch);
    out.push_back(s.indices());
  }
  return out;
}

}  // namespace

TEST(DistributedSampler, PadsToEqualShardsCoveringEverySample) {
  // 10 samples on 4 ranks: ceil(10 / 4) = 3 each, 2 samples repeated
  auto shards = all_shards(10, 4, false, 0);
  std::multiset<int64_t> seen;
  for (const auto& s : shards) {
    EXPECT_EQ(s.size(), 3u);
    seen.insert(s.begin(), s.end());
  }
  for (int64_t i = 0; i < 10; ++i) EXPECT_GE(seen.count(i), 1u) << i;
  EXPECT_EQ(seen.size(), 12u);
}

TEST(DistributedSampler, DropLastCutsToEqualShardsOfDistinctSamples) {
  auto shards = all_shards(10, 4, true, 0);  // floor(10 / 4) = 2 each
  std::set<int64_t> seen;
  for (const auto& s : shards) {
    EXPECT_EQ(s.size(), 2u);
    seen.insert(s.begin(), s.end());
  }
  EXPECT_EQ(seen.size(), 8u);
}

TEST(DistributedSampler, WithoutShuffleRankRTakesEveryRthSample) {
  auto shards = all_shards(7, 2, false, 0, false);
  EXPECT_EQ(shards[0], (std::vector<int64_t>{0, 2, 4, 6}));
  EXPECT_EQ(shards[1], (std::vector<int64_t>{1, 3, 5, 0}));  // padded with the first sample
}

// On the real ranks: the gathered shards of an epoch are a permutation of the
// dataset, the same one wherever it is computed, and the next epoch differs.
TEST(DistributedSampler, SetEpochShufflesAlikeOnEveryRank) {
  int n = dist::get_world_size();
  const int64_t size = 12 * n;
  fx::data::DistributedSampler sampler(dataset(size), {.seed = 5});
  std::vector<int64_t> prev;
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    sampler.set_epoch(epoch);
    std::vector<int64_t> mine = sampler.indices();
    ASSERT_EQ((int64_t)mine.size(), sampler.num_samples());
    std::vector<int64_t> all = dist::all_gather(fx::tensor(mine, {(int64_t)mine.size()})).to_vector<int64_t>();
    auto local = all_shards(size, n, false, epoch);
    for (int q = 0; q < n; ++q)
      EXPECT_TRUE(std::equal(local[(size_t)q].begin(), local[(size_t)q].end(), all.begin() + q * 12)) << "rank " << q;
    std::vector<int64_t> sorted = all;
    std::sort(sorted.begin(), sorted.end());
    for (int64_t i = 0; i < size; ++i) EXPECT_EQ(sorted[(size_t)i], i);
    EXPECT_NE(all, prev);
    prev = all;
  }
  // a loader over this rank's shard gives its samples in the sampler's order
  fx::data::DataLoader loader(sampler.shard(), {.batch_size = 5});
  std::vector<int64_t> got;
  for (const fx::data::Example& e : loader) {
    auto v = e[0].to_vector<int64_t>();
    got.insert(got.end(), v.begin(), v.end());
  }
  EXPECT_EQ(got, sampler.indices());
}

TEST(DistributedSampler, RankOutsideTheReplicasIsAnError) {
  EXPECT_THROW(fx::data::DistributedSampler(dataset(4), {.num_replicas = 2, .rank = 2}), fx::Error);
}
