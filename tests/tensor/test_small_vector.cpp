// SPDX-License-Identifier: MIT
// SmallVector: insert and erase in place while the elements fit inline, through
// the heap beyond; both checked against std::vector, including values taken
// from the vector itself and elements that own resources.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "tensor/small_vector.h"

using fluxion::SmallVector;

namespace {

template <class T, size_t N>
std::vector<T> as_vector(const SmallVector<T, N>& v) {
  return std::vector<T>(v.begin(), v.end());
}

}  // namespace

TEST(SmallVector, InsertAndEraseMatchStdVectorInlineAndOnTheHeap) {
  for (size_t size = 0; size <= 8; ++size)
    for (size_t at = 0; at <= size; ++at)
      for (size_t k = 0; k <= 3; ++k) {
        SCOPED_TRACE(::testing::Message() << "size " << size << " at " << at << " k " << k);
        std::vector<long> ref;
        for (size_t i = 0; i < size; ++i) ref.push_back((long)i);
        SmallVector<long, 6> v(ref);
        const std::vector<long> added{100, 101, 102};
        ref.insert(ref.begin() + (long)at, added.begin(), added.begin() + (long)k);
        long* where = v.insert(v.begin() + at, added.begin(), added.begin() + (long)k);
        EXPECT_EQ(where, v.begin() + at);
        ASSERT_EQ(as_vector(v), ref);
        size_t n = std::min<size_t>(k + 1, ref.size() - at);  // erase what was inserted and one more
        ref.erase(ref.begin() + (long)at, ref.begin() + (long)(at + n));
        v.erase(v.begin() + at, v.begin() + at + n);
        ASSERT_EQ(as_vector(v), ref);
      }
}

TEST(SmallVector, InsertsItsOwnElements) {
  SmallVector<long, 6> v{1, 2, 3};
  v.insert(v.begin() + 1, v.begin(), v.end());  // the source is the destination
  EXPECT_EQ(as_vector(v), (std::vector<long>{1, 1, 2, 3, 2, 3}));
  v.insert(v.begin(), v.begin() + 4, v.end());  // now past the inline capacity
  EXPECT_EQ(as_vector(v), (std::vector<long>{2, 3, 1, 1, 2, 3, 2, 3}));
}

TEST(SmallVector, EraseReleasesWhatItDrops) {
  auto a = std::make_shared<int>(1), b = std::make_shared<int>(2);
  SmallVector<std::shared_ptr<int>, 4> v{a, b, a};
  v.erase(v.begin(), v.begin() + 2);
  EXPECT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], a);
  EXPECT_EQ(b.use_count(), 1);  // no copy of b is left behind in the inline slots
  EXPECT_EQ(a.use_count(), 2);
}
