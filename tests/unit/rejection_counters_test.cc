#include "store/rejection_counters.h"

#include "store_fixture.h"

namespace headliner {
namespace {

class RejectionCountersTest : public testing::StoreFixture {};

TEST_F(RejectionCountersTest, CountsAddUpAcrossBatchesAndRestarts) {
  RejectionCounters counters(*db_);
  EXPECT_TRUE(counters.All()->empty());
  Commit([&](StagedBatch& b) {
    counters.Stage(b, "articles", "bad_time");
    counters.Stage(b, "articles", "bad_time");
    counters.Stage(b, "clicks", "unknown_article");
  });
  Commit([&](StagedBatch& b) { counters.Stage(b, "articles", "bad_time"); });
  Reopen();
  auto all = RejectionCounters(*db_).All();
  ASSERT_TRUE(all.ok()) << all.status();
  const std::map<std::string, uint64_t> expected = {{"articles/bad_time", 3},
                                                    {"clicks/unknown_article", 1}};
  EXPECT_EQ(*all, expected);
}

TEST_F(RejectionCountersTest, OtherMetaCountersAreNotListed) {
  RejectionCounters counters(*db_);
  Commit([&](StagedBatch& b) {
    b.Add(Column::kMeta, "clicks_applied", 5);  // a neighbour in the same column family
    counters.Stage(b, "clicks", "undecodable");
  });
  EXPECT_EQ(counters.All()->size(), 1u);
}

TEST_F(RejectionCountersTest, AnAbandonedBatchCountsNothing) {
  RejectionCounters counters(*db_);
  {
    StagedBatch b(*db_);
    counters.Stage(b, "clicks", "undecodable");
  }  // never committed
  EXPECT_TRUE(counters.All()->empty());
}

}  // namespace
}  // namespace headliner
