#include "store/expiry_filter.h"

#include "gtest/gtest.h"
#include "store/click_store.h"
#include "test_util.h"

namespace headliner {
namespace {

constexpr int64_t kHour = 3600LL * 1000000;

TEST(ExpiryFilterTest, CompactionDropsClickStateOlderThanItsWindowInEventTime) {
  testing::TempDir dir;
  DatabaseOptions options;
  options.click_event_ttl = absl::Hours(24);
  options.session_ttl = absl::Minutes(30);
  auto db = Database::Open(dir.path(), options);
  ASSERT_TRUE(db.ok()) << db.status();
  ClickStore clicks(**db);
  const int64_t t0 = 1700000000LL * 1000000;

  StagedBatch batch(**db);
  clicks.StageEvent(batch, "old", t0);
  clicks.StageEvent(batch, "recent", t0 + 20 * kHour);
  clicks.StageSession(batch, "s/idle", {{1, t0}, {2, t0 + kHour}});
  clicks.StageSession(batch, "s/active", {{1, t0}, {3, t0 + 26 * kHour - 60000000}});
  clicks.StageEvent(batch, "newest", t0 + 26 * kHour);  // moves the event clock
  ASSERT_TRUE(batch.Commit().ok());
  EXPECT_EQ((*db)->event_clock().Now(), t0 + 26 * kHour);

  for (Column c : {Column::kClickEvents, Column::kSessions}) {
    ASSERT_TRUE(
        (*db)
            ->db()
            .CompactRange(rocksdb::CompactRangeOptions(), (*db)->handle(c), nullptr, nullptr)
            .ok());
  }
  EXPECT_FALSE(clicks.FindEvent("old")->has_value());  // 26 h old > 24 h
  EXPECT_TRUE(clicks.FindEvent("recent")->has_value());
  EXPECT_TRUE(clicks.FindEvent("newest")->has_value());
  EXPECT_TRUE(clicks.FindSession("s/idle")->empty());  // idle 25 h > 30 min
  EXPECT_EQ(clicks.FindSession("s/active")->size(), 2u);
}

TEST(ExpiryFilterTest, NothingExpiresBeforeAnyClickIsSeen) {
  EventClock clock;
  ExpiryFilter filter(clock, kHour, ExpiryFilter::Layout::kTimeOnly, "test");
  int64_t zero = 0;
  const rocksdb::Slice value(reinterpret_cast<const char*>(&zero), sizeof(zero));
  EXPECT_FALSE(filter.Filter(0, "k", value, nullptr, nullptr));
  clock.Observe(2 * kHour);
  clock.Observe(kHour);  // the clock never goes back
  EXPECT_EQ(clock.Now(), 2 * kHour);
  EXPECT_TRUE(filter.Filter(0, "k", value, nullptr, nullptr));
  EXPECT_FALSE(filter.Filter(0, "k", "short", nullptr, nullptr));  // malformed: kept
}

}  // namespace
}  // namespace headliner
