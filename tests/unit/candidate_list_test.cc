#include "rank/candidate_list.h"

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "engine_fixture.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

using testing::MakeArticle;
using testing::MakeClick;

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

// Refresh (what the refresher does after clicks) must give the list a fresh Build gives when the
// content neighbours are unchanged, by its fast path (pair weights patched in place) and by
// grouping again.
class CandidateListTest : public testing::EngineFixture {
 protected:
  void Load() {
    Open();
    const std::vector<std::string> headlines = {
        "Japan, Pakistan agree on better industrial cooperation",
        "Japan, Pakistan agree on better industrial cooperation",  // a copy of the source
        "Pakistan and Japan sign industrial cooperation pact",
        "Japan pledges closer industrial ties with Pakistan",
        "Apple unveils new smartwatch at launch event",
        "Arsenal beat Chelsea to reach cup final"};
    for (size_t i = 0; i < headlines.size(); ++i) {
      MustApply(MakeArticle("a" + std::to_string(i), headlines[i], kNow - absl::Hours(i + 1)));
    }
    source_ = Id("a0");
    query_ = **articles().FindEmbedding(source_);
  }

  uint64_t Id(const std::string& id) { return **articles().FindDenseId(id); }

  void ClickTogether(const std::string& a, const std::string& b, const std::string& session) {
    for (const std::string& id : {a, b}) {
      const int n = ++clicks_;
      auto r = applier().ApplyClick(MakeClick(session + "-" + id + "-" + std::to_string(n), session,
                                              id, kNow + absl::Seconds(n)));
      ASSERT_TRUE(r.ok()) << r.status();
    }
  }

  CandidateList Build() {
    absl::StatusOr<CandidateList> list =
        engine_->ranker().builder().Build(source_, query_, engine_->ranker().builder().pool());
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? *std::move(list) : CandidateList();
  }

  CandidateList Refresh(const CandidateList& old) {
    absl::StatusOr<CandidateList> list = engine_->ranker().builder().Refresh(old, query_);
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? *std::move(list) : CandidateList();
  }

  // Refresh's list when it only patched the pair weights, else nullopt.
  std::optional<CandidateList> Patch(const CandidateList& old) {
    bool patched = false;
    absl::StatusOr<CandidateList> list = engine_->ranker().builder().Refresh(old, query_, &patched);
    EXPECT_TRUE(list.ok()) << list.status();
    if (!list.ok() || !patched) return std::nullopt;
    return *std::move(list);
  }

  static std::vector<std::tuple<uint32_t, uint32_t, float, float>> Members(
      const CandidateList& list) {
    std::vector<std::tuple<uint32_t, uint32_t, float, float>> out;
    for (const CandidateMember& m : list.members) {
      out.emplace_back(m.dense_id, m.group, m.content, m.partner_weight);
    }
    return out;
  }

  float PartnerWeight(const CandidateList& list, uint64_t id) {
    for (const CandidateMember& m : list.members) {
      if (m.dense_id == id) return m.partner_weight;
    }
    return -1;  // not a member
  }

  uint64_t source_ = 0;
  std::vector<float> query_;
  int clicks_ = 0;
};

TEST_F(CandidateListTest, RefreshAfterPartnerChangesGivesWhatABuildGives) {
  Load();
  ClickTogether("a0", "a2", "s1");
  const CandidateList before = Build();
  ASSERT_GT(PartnerWeight(before, Id("a2")), 0);

  // The same partner again, and a near-duplicate of the source (left out of the list whatever
  // its weight): the weights are patched.
  ClickTogether("a0", "a2", "s2");
  ClickTogether("a0", "a1", "s3");
  const std::optional<CandidateList> patch = Patch(before);
  ASSERT_TRUE(patch.has_value());
  const CandidateList patched = Refresh(before);
  EXPECT_EQ(Members(*patch), Members(patched));
  EXPECT_EQ(Members(patched), Members(Build()));
  EXPECT_GT(PartnerWeight(patched, Id("a2")), PartnerWeight(before, Id("a2")));
  EXPECT_EQ(PartnerWeight(patched, Id("a1")), -1);

  // A new partner far from the source by content: grouped again, and it is in the list.
  ClickTogether("a0", "a5", "s4");
  EXPECT_FALSE(Patch(patched).has_value());
  const CandidateList regrouped = Refresh(patched);
  EXPECT_EQ(Members(regrouped), Members(Build()));
  EXPECT_GT(PartnerWeight(regrouped, Id("a5")), 0);
  EXPECT_EQ(regrouped.content_hits, before.content_hits);
}

// After clicks only the behaviour index is searched again: the list is what a Build gives, with
// the kept content hits. Content changes are the refresher's Build's, not this.
TEST_F(CandidateListTest, SearchingBehaviourAgainAfterClicksGivesWhatABuildGives) {
  Load();
  const CandidateList before = Build();
  EXPECT_TRUE(before.behaviour_hits.empty());
  ClickTogether("a0", "a4", "s1");
  ClickTogether("a0", "a5", "s2");
  ClickTogether("a4", "a5", "s3");
  absl::StatusOr<CandidateList> again =
      engine_->ranker().builder().SearchBehaviourAgain(before, query_);
  ASSERT_TRUE(again.ok()) << again.status();
  const CandidateList built = Build();
  EXPECT_FALSE(again->behaviour_hits.empty());
  EXPECT_EQ(again->behaviour_hits, built.behaviour_hits);
  EXPECT_EQ(again->content_hits, before.content_hits);
  EXPECT_EQ(Members(*again), Members(built));
  EXPECT_GE(again->searched, before.searched);

  // A new article close to the source by content: Build finds it, the behaviour search does not.
  MustApply(MakeArticle("a6", "Japan and Pakistan agree industrial cooperation", kNow));
  absl::StatusOr<CandidateList> without =
      engine_->ranker().builder().SearchBehaviourAgain(before, query_);
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_EQ(without->content_hits, before.content_hits);
  EXPECT_NE(Build().content_hits, before.content_hits);
}

TEST_F(CandidateListTest, ListsSearchedWithinAFilterKeepNoHits) {
  Load();
  const VectorIndex::IdFilter all = [](uint64_t) { return true; };
  absl::StatusOr<CandidateList> list = engine_->ranker().builder().Build(source_, query_, 10, &all);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_FALSE(list->members.empty());
  EXPECT_TRUE(list->content_hits.empty());
  EXPECT_TRUE(Build().content_hits.size() > 0);
}

}  // namespace
}  // namespace headliner
