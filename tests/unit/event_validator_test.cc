#include "ingest/event_validator.h"

#include "gtest/gtest.h"
#include "test_util.h"

namespace headliner {
namespace {

using testing::MakeArticle;

const absl::Time kNow = absl::FromUnixSeconds(1700000000);
// The default validation options at kNow: [1990-01-01, kNow + 1h].
const TimeBounds kBounds = TimeBounds::At(kNow, ValidationConfig{});

v1::Article Valid() { return MakeArticle("a1", "A headline", kNow); }

std::string ReasonOf(const v1::Article& a, int dim = 4) {
  auto r = ValidateArticle(a, dim, kBounds);
  return r ? r->reason : "ok";
}

std::string ReasonOf(const v1::ClickEvent& c) {
  auto r = ValidateClick(c, kBounds);
  return r ? r->reason : "ok";
}

TEST(ArticleValidatorTest, AcceptsValid) { EXPECT_EQ(ReasonOf(Valid()), "ok"); }

TEST(ArticleValidatorTest, RejectsEachBadField) {
  v1::Article a = Valid();
  a.clear_id();
  EXPECT_EQ(ReasonOf(a), "missing_id");
  a = Valid();
  a.set_id(std::string(300, 'x'));
  EXPECT_EQ(ReasonOf(a), "oversized_field");
  a = Valid();
  a.set_id("bad\nid");
  EXPECT_EQ(ReasonOf(a), "bad_id");
  a = Valid();
  a.clear_headline();
  EXPECT_EQ(ReasonOf(a), "missing_headline");
  a = Valid();
  a.set_headline(std::string(2000, 'h'));
  EXPECT_EQ(ReasonOf(a), "oversized_field");
  a = Valid();
  a.clear_published_at();
  EXPECT_EQ(ReasonOf(a), "bad_time");
  a = Valid();
  a.mutable_published_at()->set_seconds(1700000000000);  // milliseconds sent as seconds
  EXPECT_EQ(ReasonOf(a), "bad_time");
  a = Valid();
  for (int i = 0; i < 40; ++i) a.add_tags("t");
  EXPECT_EQ(ReasonOf(a), "oversized_field");
}

TEST(ArticleValidatorTest, EmbeddingMustMatchDimensionAndBeFinite) {
  v1::Article a = Valid();
  for (float v : {1.f, 0.f, 0.f}) a.add_embedding(v);
  auto r = ValidateArticle(a, 4, kBounds);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->reason, "bad_embedding");
  EXPECT_NE(r->message.find("dimension 3"), std::string::npos);
  a.add_embedding(NAN);
  EXPECT_EQ(ReasonOf(a), "bad_embedding");
  a.clear_embedding();
  for (int i = 0; i < 4; ++i) a.add_embedding(0.f);
  EXPECT_EQ(ReasonOf(a), "bad_embedding");
}

TEST(ArticleValidatorTest, TombstoneNeedsOnlyIdAndTime) {
  v1::Article a;
  a.set_id("gone");
  a.set_deleted(true);
  EXPECT_EQ(ReasonOf(a), "bad_time");
  a.mutable_updated_at()->set_seconds(1700000000);
  EXPECT_EQ(ReasonOf(a), "ok");
}

TEST(EventTimeTest, FarFutureAndAncientTimesAreRejectedWithTheirOwnReasons) {
  v1::Article a = MakeArticle("a1", "Headline",
                              absl::FromCivil(absl::CivilDay(2199, 1, 1), absl::UTCTimeZone()));
  EXPECT_EQ(ReasonOf(a), "future_time");
  a = MakeArticle("a1", "Headline", absl::UnixEpoch());
  EXPECT_EQ(ReasonOf(a), "ancient_time");
  a = MakeArticle("a1", "Headline", kNow + absl::Minutes(59));  // within the allowed skew
  EXPECT_EQ(ReasonOf(a), "ok");
  a = MakeArticle("a1", "Headline", kNow + absl::Minutes(61));
  auto r = ValidateArticle(a, 4, kBounds);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->reason, "future_time");
  EXPECT_NE(r->message.find("published_at"), std::string::npos) << r->message;
  EXPECT_NE(r->message.find("validation.max_future_skew"), std::string::npos) << r->message;
  // An old archive article from 1995 is fine.
  EXPECT_EQ(ReasonOf(MakeArticle("a1", "Headline", absl::FromUnixSeconds(800000000))), "ok");
}

TEST(EventTimeTest, AFutureUpdateOrDeletionIsRejectedToo) {
  v1::Article a = Valid();
  testing::SetUpdatedAt(a, kNow + absl::Hours(24 * 365));
  EXPECT_EQ(ReasonOf(a), "future_time");
  v1::Article tombstone;
  tombstone.set_id("gone");
  tombstone.set_deleted(true);
  testing::SetUpdatedAt(tombstone, kNow + absl::Hours(48));
  EXPECT_EQ(ReasonOf(tombstone), "future_time");
}

TEST(EventTimeTest, ClicksFromTheFarFutureOrThePastAreRejected) {
  EXPECT_EQ(ReasonOf(testing::MakeClick("e", "s", "a1", kNow)), "ok");
  EXPECT_EQ(ReasonOf(testing::MakeClick(
                "e", "s", "a1", absl::FromCivil(absl::CivilDay(2198, 1, 1), absl::UTCTimeZone()))),
            "future_time");
  EXPECT_EQ(ReasonOf(testing::MakeClick("e", "s", "a1", absl::FromUnixSeconds(1))), "ancient_time");
}

TEST(EventTimeTest, BoundsFollowTheOptions) {
  ValidationConfig config;
  config.max_future_skew = absl::Minutes(5);
  config.earliest_year = 2020;
  const TimeBounds b = TimeBounds::At(kNow, config);
  EXPECT_EQ(b.latest, kNow + absl::Minutes(5));
  EXPECT_EQ(b.earliest, absl::FromCivil(absl::CivilDay(2020, 1, 1), absl::UTCTimeZone()));
}

}  // namespace
}  // namespace headliner
