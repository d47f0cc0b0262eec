#include "serve/request_limits.h"

#include "gtest/gtest.h"

namespace headliner {
namespace {

v1::GetRelatedRequest Valid() {
  v1::GetRelatedRequest r;
  r.set_article_id("a");
  return r;
}

TEST(RequestLimitsTest, AcceptsValidAndDefaultsLimit) {
  RankingConfig config;
  EXPECT_TRUE(ValidateGetRelated(Valid(), config).ok());
  EXPECT_EQ(EffectiveLimit(Valid(), config), 10);
}

TEST(RequestLimitsTest, RejectsEachBadField) {
  RankingConfig config;
  auto r = Valid();
  r.clear_article_id();
  EXPECT_FALSE(ValidateGetRelated(r, config).ok());
  r = Valid();
  r.set_article_id(std::string(257, 'x'));
  EXPECT_FALSE(ValidateGetRelated(r, config).ok());
  r = Valid();
  r.set_limit(101);
  EXPECT_NE(ValidateGetRelated(r, config).message().find("limit"), absl::string_view::npos);
  r.set_limit(-1);
  EXPECT_FALSE(ValidateGetRelated(r, config).ok());
  r = Valid();
  for (int i = 0; i < 33; ++i) r.mutable_filter()->add_sections("s");
  EXPECT_FALSE(ValidateGetRelated(r, config).ok());
  r = Valid();
  for (int i = 0; i < 1001; ++i) r.mutable_filter()->add_exclude_ids("x");
  EXPECT_FALSE(ValidateGetRelated(r, config).ok());
  r = Valid();
  r.mutable_filter()->mutable_max_age()->set_seconds(-5);
  EXPECT_FALSE(ValidateGetRelated(r, config).ok());
  r = Valid();
  r.set_user_id(std::string(1000, 'u'));
  EXPECT_FALSE(ValidateGetRelated(r, config).ok());
}

TEST(RequestLimitsTest, FilterTranslation) {
  v1::Filter f;
  f.add_sections("world");
  f.mutable_max_age()->set_seconds(3600);
  ArticleFilter filter = ToArticleFilter(f);
  EXPECT_TRUE(filter.sections.contains("world"));
  EXPECT_EQ(*filter.max_age, absl::Hours(1));
}

TEST(RequestLimitsTest, RankRequestCarriesEveryFieldAndTheDefaultLimit) {
  v1::GetRelatedRequest r;
  r.set_article_id("a");
  r.set_session_id("s");
  r.set_user_id("u");
  r.set_explain(true);
  r.mutable_filter()->add_sections("world");
  RankingConfig config;
  config.default_limit = 7;
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  const RankRequest rank = ToRankRequest(r, config, now);
  EXPECT_EQ(rank.article_id, "a");
  EXPECT_EQ(rank.session_id, "s");
  EXPECT_EQ(rank.user_id, "u");
  EXPECT_TRUE(rank.explain);
  EXPECT_EQ(rank.limit, 7);
  EXPECT_TRUE(rank.filter.sections.contains("world"));
  EXPECT_EQ(rank.now, now);
}

}  // namespace
}  // namespace headliner
