#include "store/index_journal.h"

#include "store_fixture.h"

namespace headliner {
namespace {

class IndexJournalTest : public testing::StoreFixture {
 protected:
  std::unique_ptr<IndexJournal> OpenJournal() {
    auto journal = IndexJournal::Open(*db_);
    EXPECT_TRUE(journal.ok()) << journal.status();
    return journal.ok() ? std::move(*journal) : nullptr;
  }
  // Every entry after `position`, as "position:c1,c2/b1" strings.
  std::vector<std::string> After(const IndexJournal& journal, uint64_t position) {
    std::vector<std::string> out;
    absl::Status s = journal.ForEachAfter(position, [&](uint64_t at, const IndexJournalEntry& e) {
      std::string text = std::to_string(at) + ":";
      for (uint64_t id : e.content) text += std::to_string(id) + ",";
      text += "/";
      for (uint64_t id : e.behaviour) text += std::to_string(id) + ",";
      out.push_back(text);
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }
};

TEST_F(IndexJournalTest, PositionsAdvanceOnlyWhenTheBatchCommits) {
  auto journal = OpenJournal();
  EXPECT_EQ(journal->last_position(), 0u);
  StagedBatch abandoned(*db_);
  EXPECT_EQ(journal->Stage(abandoned, {{1}, {}}), 1u);
  EXPECT_EQ(journal->last_position(), 0u);  // never committed: position 1 is taken again

  Commit([&](StagedBatch& b) { EXPECT_EQ(journal->Stage(b, {{1, 2}, {3}}), 1u); });
  Commit([&](StagedBatch& b) { EXPECT_EQ(journal->Stage(b, {{}, {4}}), 2u); });
  EXPECT_EQ(journal->last_position(), 2u);
  EXPECT_EQ(After(*journal, 0), (std::vector<std::string>{"1:1,2,/3,", "2:/4,"}));
  EXPECT_EQ(After(*journal, 1), (std::vector<std::string>{"2:/4,"}));
  EXPECT_TRUE(After(*journal, 2).empty());

  Reopen();
  journal = OpenJournal();
  EXPECT_EQ(journal->last_position(), 2u);
  EXPECT_EQ(After(*journal, 0).size(), 2u);
}

TEST_F(IndexJournalTest, TrimmingKeepsThePositionAndRefusesOlderSnapshots) {
  auto journal = OpenJournal();
  for (uint64_t i = 1; i <= 5; ++i) {
    Commit([&](StagedBatch& b) { journal->Stage(b, {{i}, {}}); });
  }
  Commit([&](StagedBatch& b) { ASSERT_TRUE(journal->StageTrim(b, 3).ok()); });
  EXPECT_EQ(journal->trimmed_through(), 3u);
  EXPECT_EQ(After(*journal, 3), (std::vector<std::string>{"4:4,/", "5:5,/"}));
  // A snapshot at position 2 would need entry 3, which is gone.
  absl::Status old =
      journal->ForEachAfter(2, [](uint64_t, const IndexJournalEntry&) { return absl::OkStatus(); });
  EXPECT_EQ(old.code(), absl::StatusCode::kFailedPrecondition);

  // Everything trimmed: the next position still follows the last one after a reopen.
  Commit([&](StagedBatch& b) { ASSERT_TRUE(journal->StageTrim(b, 5).ok()); });
  Reopen();
  journal = OpenJournal();
  EXPECT_EQ(journal->trimmed_through(), 5u);
  EXPECT_EQ(journal->last_position(), 5u);
  Commit([&](StagedBatch& b) { EXPECT_EQ(journal->Stage(b, {{9}, {}}), 6u); });
  EXPECT_EQ(After(*journal, 5), (std::vector<std::string>{"6:9,/"}));
}

}  // namespace
}  // namespace headliner
