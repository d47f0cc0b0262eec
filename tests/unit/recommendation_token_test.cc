#include "common/recommendation_token.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

v1::RecommendationToken Token() {
  v1::RecommendationToken t;
  t.set_source_article_id("jp1");
  t.set_variant("blend:more");
  t.set_served_at_ms(1700000000000);
  t.set_nonce(42);
  v1::ExperimentVariant* e = t.add_experiments();
  e->set_experiment("blend");
  e->set_variant("more");
  return t;
}

TEST(RecommendationTokenTest, ATokenDecodesUnderItsKey) {
  const std::string text = EncodeRecommendationToken(Token(), "secret");
  absl::StatusOr<v1::RecommendationToken> back = DecodeRecommendationToken(text, "secret");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->SerializeAsString(), Token().SerializeAsString());
  // URL-safe: a frontend puts it in a link as it is.
  EXPECT_EQ(text.find_first_of("+/= "), std::string::npos);
}

TEST(RecommendationTokenTest, AlteredForgedAndMalformedTokensAreRefused) {
  const std::string text = EncodeRecommendationToken(Token(), "secret");
  EXPECT_EQ(DecodeRecommendationToken(text, "other key").status().message(),
            "token signature does not match");
  v1::RecommendationToken changed = Token();
  changed.mutable_experiments(0)->set_variant("control");  // claim the other variant
  const std::string payload = EncodeRecommendationToken(changed, "secret");
  const std::string spliced =
      payload.substr(0, payload.find('.')) + text.substr(text.find('.'));  // the old signature
  EXPECT_EQ(DecodeRecommendationToken(spliced, "secret").status().message(),
            "token signature does not match");
  for (const std::string& bad : {std::string(""), std::string("abc"), std::string("!!!.???"),
                                 text.substr(0, text.find('.'))}) {
    EXPECT_EQ(DecodeRecommendationToken(bad, "secret").status().message(), "malformed token")
        << bad;
  }
  EXPECT_FALSE(DecodeRecommendationToken(text.substr(0, text.size() - 2), "secret").ok());
}

TEST(RecommendationTokenTest, ItemChecksSayWhichArticleWasAtAPosition) {
  v1::RecommendationToken token;
  token.set_item_checks(ItemCheck("first") + ItemCheck("second"));
  EXPECT_TRUE(TokenShowsItemAt(token, 0, "first"));
  EXPECT_TRUE(TokenShowsItemAt(token, 1, "second"));
  EXPECT_FALSE(TokenShowsItemAt(token, 1, "first"));
  EXPECT_FALSE(TokenShowsItemAt(token, 2, "second"));
  EXPECT_FALSE(TokenShowsItemAt(token, -1, "first"));
  EXPECT_EQ(ItemCheck("first").size(), 2u);
  // FNV-1a 32 of "a" is 0xe40c292c: its first two bytes.
  EXPECT_EQ(ItemCheck("a"), std::string("\xe4\x0c", 2));
}

}  // namespace
}  // namespace headliner
