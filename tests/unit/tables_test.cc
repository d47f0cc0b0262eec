#include "store/tables.h"

#include <type_traits>

#include "store_fixture.h"

namespace headliner {
namespace {

class TablesTest : public testing::StoreFixture {};

// What a reader holding `const Tables&` can reach: only const tables, so the compiler refuses
// their Stage* methods (which are not const).
static_assert(
    std::is_same_v<decltype(std::declval<const Tables&>().articles()), const ArticleStore&>);
static_assert(std::is_same_v<decltype(std::declval<const Tables&>().clicks()), const ClickStore&>);
static_assert(
    std::is_same_v<decltype(std::declval<const Tables&>().offsets()), const OffsetStore&>);
template <typename T>
concept CanStageOffsets = requires(T& offsets, StagedBatch& batch) {
  offsets.Stage(batch, std::string(), 0, int64_t{0});
};
static_assert(CanStageOffsets<OffsetStore>);
static_assert(!CanStageOffsets<const OffsetStore>);

TEST_F(TablesTest, OneSetOverOneDatabase) {
  auto tables = Tables::Open(*db_, 8, /*catalog_read_cache_bytes=*/1 << 20);
  ASSERT_TRUE(tables.ok()) << tables.status();
  EXPECT_EQ(&(*tables)->database(), db_.get());
  EXPECT_EQ((*tables)->behaviour().dimension(), 8);
  // A write through one table is read through the same set.
  Commit([&](StagedBatch& b) {
    (*tables)->offsets().Stage(b, "c/articles", 0, 4);
    (*tables)->clicks().StageClickCounted(b);
  });
  const Tables& reader = **tables;
  EXPECT_EQ(**reader.offsets().Find("c/articles", 0), 4);
  EXPECT_EQ(*reader.clicks().TotalClicks(), 1u);
}

TEST_F(TablesTest, TheDenseIdCounterIsReadWhenOpened) {
  {
    auto tables = Tables::Open(*db_, 8, /*catalog_read_cache_bytes=*/1 << 20);
    ASSERT_TRUE(tables.ok());
    Commit([&](StagedBatch& b) {
      (*tables)->articles().AllocateDenseId(b);
      (*tables)->articles().AllocateDenseId(b);
    });
  }
  auto reopened = Tables::Open(*db_, 8, /*catalog_read_cache_bytes=*/1 << 20);
  ASSERT_TRUE(reopened.ok());
  StagedBatch b(*db_);
  EXPECT_EQ((*reopened)->articles().AllocateDenseId(b), 2u);  // ids are never reused
}

}  // namespace
}  // namespace headliner
