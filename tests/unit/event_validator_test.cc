#include "ingest/event_validator.h"

#include "gtest/gtest.h"
#include "test_util.h"

namespace headliner {
namespace {

using testing::MakeArticle;

v1::Article Valid() { return MakeArticle("a1", "A headline", absl::FromUnixSeconds(1700000000)); }

std::string ReasonOf(const v1::Article& a, int dim = 4) {
  auto r = ValidateArticle(a, dim);
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
  auto r = ValidateArticle(a, 4);
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

}  // namespace
}  // namespace headliner
