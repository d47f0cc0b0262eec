#include "ingest/click_applier.h"

#include <cmath>

#include "engine_fixture.h"
#include "gtest/gtest.h"
#include "store/rejection_counters.h"

namespace headliner {
namespace {

using testing::MakeArticle;
using testing::MakeClick;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

class ClickApplierTest : public testing::EngineFixture {
 protected:
  void SetUp() override {
    config_.clicks.popularity_half_life = absl::Hours(6);
    config_.clicks.session_max_clicks = 3;
    config_.clicks.session_idle_timeout = absl::Minutes(30);
    config_.clicks.dedup_window = absl::Hours(1);
    Open();
    a_ = MustApply(MakeArticle("a", "Japan and Pakistan agree on cooperation", kT0, "world"));
    b_ = MustApply(MakeArticle("b", "Apple unveils smartwatch", kT0, "tech"));
  }
  EventOutcome::Kind Click(const v1::ClickEvent& c) {
    auto r = applier().ApplyClick(c);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->kind : EventOutcome::Kind::kRejected;
  }
  Activity ArticleActivity(uint64_t dense_id) {
    auto a = clicks().FindArticleActivity(dense_id);
    EXPECT_TRUE(a.ok());
    return a.ok() ? *a : Activity{};
  }

  ArticleApplyResult a_, b_;
};

TEST_F(ClickApplierTest, CountsAndDecayedPopularityAreExact) {
  EXPECT_EQ(Click(MakeClick("e1", "s1", "a", kT0)), EventOutcome::Kind::kApplied);
  EXPECT_EQ(Click(MakeClick("e2", "s2", "a", kT0 + absl::Hours(6))), EventOutcome::Kind::kApplied);
  EXPECT_EQ(Click(MakeClick("e3", "s3", "a", kT0 + absl::Hours(12))), EventOutcome::Kind::kApplied);
  // Out of order: an older click is decayed to the reference time.
  EXPECT_EQ(Click(MakeClick("e4", "s4", "a", kT0 + absl::Hours(6))), EventOutcome::Kind::kApplied);
  const Activity a = ArticleActivity(a_.dense_id);
  EXPECT_EQ(a.clicks, 4u);
  EXPECT_EQ(a.popularity.as_of_micros, absl::ToUnixMicros(kT0 + absl::Hours(12)));
  EXPECT_DOUBLE_EQ(a.popularity.value, 0.25 + 0.5 + 1 + 0.5);
  EXPECT_DOUBLE_EQ(a.popularity.ValueAt(absl::ToUnixMicros(kT0 + absl::Hours(18)), absl::Hours(6)),
                   2.25 / 2);
  auto world = clicks().FindSectionActivity("world");
  ASSERT_TRUE(world.ok());
  EXPECT_EQ(world->clicks, 4u);
  EXPECT_EQ(ArticleActivity(b_.dense_id).clicks, 0u);
  EXPECT_EQ(*clicks().TotalClicks(), 4u);
}

TEST_F(ClickApplierTest, DuplicateEventIdsWithinTheWindowAreIgnored) {
  EXPECT_EQ(Click(MakeClick("e1", "s1", "a", kT0)), EventOutcome::Kind::kApplied);
  EXPECT_EQ(Click(MakeClick("e1", "s1", "a", kT0)), EventOutcome::Kind::kIgnored);
  EXPECT_EQ(Click(MakeClick("e1", "s1", "a", kT0 + absl::Minutes(59))),
            EventOutcome::Kind::kIgnored);
  // Outside the window the id may be reused.
  EXPECT_EQ(Click(MakeClick("e1", "s1", "a", kT0 + absl::Hours(2))), EventOutcome::Kind::kApplied);
  EXPECT_EQ(ArticleActivity(a_.dense_id).clicks, 2u);
}

TEST_F(ClickApplierTest, UnknownOrDeletedArticlesAndBadClicksAreRejectedByReason) {
  auto unknown = applier().ApplyClick(MakeClick("e1", "s1", "nope", kT0));
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->kind, EventOutcome::Kind::kRejected);
  EXPECT_EQ(unknown->reason, "unknown_article");
  ASSERT_TRUE(applier().DeleteArticle("b", kT0).ok());
  EXPECT_EQ(applier().ApplyClick(MakeClick("e2", "s1", "b", kT0))->reason, "unknown_article");
  v1::ClickEvent no_reader = MakeClick("e3", "", "a", kT0);
  EXPECT_EQ(applier().ApplyClick(no_reader)->reason, "missing_reader");
  v1::ClickEvent no_time = MakeClick("e4", "s1", "a", kT0);
  no_time.clear_occurred_at();
  EXPECT_EQ(applier().ApplyClick(no_time)->reason, "bad_time");
  EXPECT_EQ(applier().ApplyClick(MakeClick("", "s1", "a", kT0))->reason, "missing_event_id");

  auto counts = tables().rejections().All();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)["clicks/unknown_article"], 2u);
  EXPECT_EQ((*counts)["clicks/missing_reader"], 1u);
  EXPECT_EQ((*counts)["clicks/bad_time"], 1u);
  EXPECT_EQ((*counts)["clicks/missing_event_id"], 1u);
  EXPECT_EQ(ArticleActivity(a_.dense_id).clicks, 0u);
}

TEST_F(ClickApplierTest, AClickFromTheFarFutureDoesNotMovePopularity) {
  ASSERT_EQ(Click(MakeClick("e1", "s1", "a", kT0)), EventOutcome::Kind::kApplied);
  const Activity before = ArticleActivity(a_.dense_id);
  const absl::Time year_2198 = absl::FromCivil(absl::CivilDay(2198, 1, 1), absl::UTCTimeZone());
  auto r = applier().ApplyClick(MakeClick("e2", "s2", "a", year_2198));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->reason, "future_time");
  const Activity after = ArticleActivity(a_.dense_id);
  EXPECT_EQ(after.clicks, before.clicks);
  EXPECT_EQ(after.popularity.as_of_micros, before.popularity.as_of_micros);
  EXPECT_EQ((*tables().rejections().All())["clicks/future_time"], 1u);
}

TEST_F(ClickApplierTest, SessionsAreBoundedAndExpireWhenIdle) {
  for (int i = 0; i < 5; ++i) {
    Click(MakeClick("e" + std::to_string(i), "s1", i % 2 ? "a" : "b", kT0 + absl::Minutes(i)));
  }
  auto session = clicks().FindSession("s/s1");
  ASSERT_TRUE(session.ok());
  ASSERT_EQ(session->size(), 3u);  // session_max_clicks
  EXPECT_EQ(session->back().micros, absl::ToUnixMicros(kT0 + absl::Minutes(4)));
  EXPECT_EQ(session->front().micros, absl::ToUnixMicros(kT0 + absl::Minutes(2)));

  // 31 minutes idle: a new session begins.
  Click(MakeClick("late", "s1", "a", kT0 + absl::Minutes(35)));
  session = clicks().FindSession("s/s1");
  ASSERT_EQ(session->size(), 1u);
  EXPECT_EQ(session->front().dense_id, a_.dense_id);

  // A user without a session id gets a user-keyed history.
  v1::ClickEvent by_user = MakeClick("u1", "", "a", kT0);
  by_user.set_user_id("alice");
  Click(by_user);
  EXPECT_EQ(clicks().FindSession("u/alice")->size(), 1u);
}

}  // namespace
}  // namespace headliner
