#include "store/committed_row_cache.h"

#include <string>

#include "gtest/gtest.h"

namespace headliner {
namespace {

TEST(CommittedRowCacheTest, CachesValuesAndAbsenceOfTheChosenColumnsOnly) {
  CommittedRowCache rows(1 << 20, {Column::kSessions, Column::kPartners});
  EXPECT_TRUE(rows.Caches(Column::kSessions));
  EXPECT_FALSE(rows.Caches(Column::kMeta));

  EXPECT_EQ(rows.Find(Column::kSessions, "s"), nullptr);  // a miss
  rows.Put(Column::kSessions, "s", "clicks");
  rows.Put(Column::kPartners, "s", std::nullopt);  // same key, another column: its own row
  rows.Put(Column::kMeta, "s", "ignored");
  ASSERT_NE(rows.Find(Column::kSessions, "s"), nullptr);
  EXPECT_EQ(*rows.Find(Column::kSessions, "s"), "clicks");
  ASSERT_NE(rows.Find(Column::kPartners, "s"), nullptr);
  EXPECT_FALSE(rows.Find(Column::kPartners, "s")->has_value());
  EXPECT_EQ(rows.Find(Column::kMeta, "s"), nullptr);

  rows.Put(Column::kSessions, "s", "more clicks");
  EXPECT_EQ(*rows.Find(Column::kSessions, "s"), "more clicks");
  rows.Erase(Column::kSessions, "s");
  EXPECT_EQ(rows.Find(Column::kSessions, "s"), nullptr);

  const RowCacheStats stats = rows.stats();
  EXPECT_EQ(stats.entries, 1u);
  EXPECT_EQ(stats.hits, 5u);
  EXPECT_EQ(stats.misses, 2u);  // Meta is not counted: it is never cached
}

TEST(CommittedRowCacheTest, EvictsTheLeastRecentlyUsedRowsOverCapacity) {
  const std::string value(1000, 'v');
  CommittedRowCache rows(3500, {Column::kSessions});  // room for three rows of ~1.1 KB
  rows.Put(Column::kSessions, "a", value);
  rows.Put(Column::kSessions, "b", value);
  rows.Put(Column::kSessions, "c", value);
  ASSERT_NE(rows.Find(Column::kSessions, "a"), nullptr);  // a is now the most recent
  rows.Put(Column::kSessions, "d", value);                // evicts b, the least recent

  EXPECT_EQ(rows.Find(Column::kSessions, "b"), nullptr);
  EXPECT_NE(rows.Find(Column::kSessions, "a"), nullptr);
  EXPECT_NE(rows.Find(Column::kSessions, "c"), nullptr);
  EXPECT_NE(rows.Find(Column::kSessions, "d"), nullptr);
  EXPECT_EQ(rows.stats().evictions, 1u);
  EXPECT_LE(rows.stats().bytes, 3500u);
  EXPECT_EQ(rows.stats().entries, 3u);

  // A value growing in place is accounted too.
  rows.Put(Column::kSessions, "a", std::string(3000, 'v'));
  EXPECT_LE(rows.stats().bytes, 3500u);
}

TEST(CommittedRowCacheTest, ZeroCapacityCachesNothing) {
  CommittedRowCache rows(0, {Column::kSessions});
  rows.Put(Column::kSessions, "s", "v");
  EXPECT_EQ(rows.Find(Column::kSessions, "s"), nullptr);
  EXPECT_EQ(rows.stats().entries, 0u);
}

}  // namespace
}  // namespace headliner
