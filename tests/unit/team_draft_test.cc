#include "experiment/team_draft.h"

#include <set>

#include "gtest/gtest.h"

namespace headliner {
namespace {

std::vector<uint64_t> Shown(const std::vector<DraftPick>& picks, std::span<const uint64_t> a,
                            std::span<const uint64_t> b) {
  std::vector<uint64_t> out;
  for (const DraftPick& p : picks) out.push_back(p.team == Team::kA ? a[p.index] : b[p.index]);
  return out;
}

TEST(TeamDraftTest, EachTeamPicksItsBestUnshownAndTheTeamsStayLevel) {
  const std::vector<uint64_t> a = {1, 2, 3, 4, 5, 6};
  const std::vector<uint64_t> b = {4, 1, 7, 8, 2, 9};
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const std::vector<DraftPick> picks = TeamDraft(a, b, 6, seed);
    ASSERT_EQ(picks.size(), 6u);
    const std::vector<uint64_t> shown = Shown(picks, a, b);
    EXPECT_EQ(std::set<uint64_t>(shown.begin(), shown.end()).size(), shown.size());  // no repeats
    int a_count = 0, b_count = 0;
    for (size_t i = 0; i < picks.size(); ++i) {
      (picks[i].team == Team::kA ? a_count : b_count)++;
      EXPECT_LE(std::abs(a_count - b_count), 1) << seed;
      // The pick is its ranking's best item not shown before it.
      const std::vector<uint64_t>& mine = picks[i].team == Team::kA ? a : b;
      for (size_t j = 0; j < picks[i].index; ++j) {
        EXPECT_NE(std::find(shown.begin(), shown.begin() + i, mine[j]), shown.begin() + i)
            << "seed " << seed << " pick " << i << " skipped " << mine[j];
      }
    }
  }
}

TEST(TeamDraftTest, TheSameSeedReplaysAndTheCoinIsFair) {
  const std::vector<uint64_t> a = {1, 2, 3, 4};
  const std::vector<uint64_t> b = {5, 6, 7, 8};
  int a_first = 0;
  for (uint64_t seed = 0; seed < 10000; ++seed) {
    const auto first = TeamDraft(a, b, 4, seed);
    const auto again = TeamDraft(a, b, 4, seed);
    ASSERT_EQ(first.size(), again.size());
    for (size_t i = 0; i < first.size(); ++i) {
      EXPECT_EQ(first[i].team, again[i].team);
      EXPECT_EQ(first[i].index, again[i].index);
    }
    if (first[0].team == Team::kA) ++a_first;
  }
  EXPECT_NEAR(a_first / 10000.0, 0.5, 0.02);  // A leads half the time
}

TEST(TeamDraftTest, ShortRankingsLeaveTheRestToTheOther) {
  const std::vector<uint64_t> a = {1};
  const std::vector<uint64_t> b = {1, 2, 3};
  const std::vector<DraftPick> picks = TeamDraft(a, b, 10, 7);
  EXPECT_EQ(Shown(picks, a, b), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_TRUE(TeamDraft({}, {}, 5, 1).empty());
}

}  // namespace
}  // namespace headliner
