#include "store/article_metadata.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace headliner {
namespace {

TEST(ArticleMetadataTableTest, RowsAcrossChunksAndUnknownIds) {
  ArticleMetadataTable table;
  EXPECT_EQ(table.end_id(), 0u);
  EXPECT_FALSE(table.Find(0).live);
  // Ids on both sides of a chunk boundary (65,536 rows per chunk) and far beyond it.
  for (uint64_t id : {0ull, 65535ull, 65536ull, 1ull << 20}) {
    table.Set(id, static_cast<int64_t>(id) * 10, "world", id % 2 ? "en" : "de", true);
  }
  table.Set(7, 70, "sport", "", false);
  const std::vector<uint64_t> ids = {0, 65535, 65536, 1 << 20, 7, 8, 1 << 21, uint64_t{1} << 40};
  std::vector<ArticleMetadata> got(ids.size());
  table.Find(ids, got);
  const uint32_t world = *table.SectionCode("world");
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(got[i].live) << ids[i];
    EXPECT_EQ(got[i].published_micros, static_cast<int64_t>(ids[i]) * 10);
    EXPECT_EQ(got[i].section, world);
    EXPECT_EQ(got[i].language, *table.LanguageCode(ids[i] % 2 ? "en" : "de"));
  }
  EXPECT_FALSE(got[4].live);  // deleted, metadata kept
  EXPECT_EQ(got[4].section, *table.SectionCode("sport"));
  EXPECT_EQ(got[4].language, 0u);
  for (size_t i = 5; i < ids.size(); ++i) EXPECT_FALSE(got[i].live) << ids[i];  // never set
  EXPECT_EQ(table.end_id(), (1u << 20) + 1);
  EXPECT_FALSE(table.SectionCode("politics").has_value());
}

// The ranker names the source's section (for its trending list) from the code in its row.
TEST(ArticleMetadataTableTest, EverySetMovesTheRevisionOn) {
  ArticleMetadataTable table;
  EXPECT_EQ(table.Revision(5), 0u);  // unknown
  table.Set(5, 100, "world", "en", true);
  const uint32_t first = table.Revision(5);
  EXPECT_NE(first, 0u);
  table.Set(5, 100, "world", "en", true);  // the same fields again: still a write
  EXPECT_NE(table.Revision(5), first);
  EXPECT_EQ(table.Revision(6), 0u);
}

TEST(ArticleMetadataTableTest, SectionNamesRoundTripThroughTheirCodes) {
  ArticleMetadataTable table;
  table.Set(1, 0, "world", "en", true);
  table.Set(2, 0, "sport", "en", true);
  table.Set(3, 0, "world", "de", true);
  table.Set(4, 0, "", "en", true);
  for (uint64_t id : {1, 2, 3, 4}) {
    const std::string name = table.SectionName(table.Find(id).section);
    EXPECT_EQ(table.SectionCode(name), table.Find(id).section) << id;
  }
  EXPECT_EQ(table.SectionName(table.Find(2).section), "sport");
  EXPECT_EQ(table.SectionName(table.Find(3).section), "world");
  EXPECT_EQ(table.SectionName(0), "");
  EXPECT_EQ(table.SectionName(99), "");  // unknown code
}

TEST(ArticleMetadataTableTest, IdsBeyond32BitsAreNotRecorded) {
  ArticleMetadataTable table;
  table.Set(uint64_t{1} << 32, 1, "world", "en", true);
  EXPECT_FALSE(table.Find(uint64_t{1} << 32).live);
  EXPECT_FALSE(table.Find(0).live);
  EXPECT_EQ(table.end_id(), 0u);
}

// Readers run without a lock while the writer adds and changes rows: each row a reader sees is
// either not yet set or one the writer wrote (under ThreadSanitizer in CI, also race-free).
TEST(ArticleMetadataTableTest, ReadersSeeWholeRowsWhileTheWriterAdds) {
  ArticleMetadataTable table;
  constexpr uint64_t kRows = 200000;
  std::atomic<bool> done{false};
  std::atomic<uint64_t> bad{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        const uint64_t end = table.end_id();
        for (uint64_t id = end > 64 ? end - 64 : 0; id < end; ++id) {
          const ArticleMetadata m = table.Find(id);
          // Written once with published id * 3, live, section "s"; a row below end_id is set.
          if (!m.live || m.published_micros != static_cast<int64_t>(id) * 3) ++bad;
        }
      }
    });
  }
  for (uint64_t id = 0; id < kRows; ++id)
    table.Set(id, static_cast<int64_t>(id) * 3, "s", "", true);
  done = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0u);
  EXPECT_EQ(table.end_id(), kRows);
}

}  // namespace
}  // namespace headliner
