#include "store/row_revisions.h"

#include <thread>

#include "gtest/gtest.h"

namespace headliner {
namespace {

TEST(RowRevisionsTest, EachAdvanceMovesOneIdOn) {
  RowRevisions revisions;
  EXPECT_EQ(revisions.Find(7), 0u);
  revisions.Advance(7);
  EXPECT_EQ(revisions.Find(7), 1u);
  revisions.Advance(7);
  EXPECT_EQ(revisions.Find(7), 2u);
  EXPECT_EQ(revisions.Find(8), 0u);
  revisions.Advance(1u << 20);  // another chunk
  EXPECT_EQ(revisions.Find(1u << 20), 1u);
  EXPECT_EQ(revisions.Find(7), 2u);
}

TEST(RowRevisionsTest, IdsBeyond32BitsAreAlwaysUnknown) {
  RowRevisions revisions;
  const uint64_t big = uint64_t{1} << 40;
  revisions.Advance(big);
  EXPECT_EQ(revisions.Find(big), RowRevisions::kUnknown);
  EXPECT_EQ(revisions.Find(big), RowRevisions::kUnknown);
}

TEST(RowRevisionsTest, ConcurrentWritersLoseNoAdvance) {
  RowRevisions revisions;
  auto advance = [&] {
    for (uint64_t i = 0; i < 100000; ++i) revisions.Advance(i % 1000 + (i % 3) * 70000);
  };
  std::thread a(advance);
  std::thread b(advance);
  a.join();
  b.join();
  uint64_t total = 0;
  for (uint64_t c = 0; c < 3; ++c) {
    for (uint64_t i = 0; i < 1000; ++i) total += revisions.Find(i + c * 70000);
  }
  EXPECT_EQ(total, 200000u);
}

}  // namespace
}  // namespace headliner
