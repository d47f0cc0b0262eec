#include "ingest/article_applier.h"

#include "encode/document_frequencies.h"
#include "encode/text_encoder.h"
#include "engine_fixture.h"
#include "gtest/gtest.h"
#include "store/rejection_counters.h"

namespace headliner {
namespace {

using testing::MakeArticle;
using testing::SetUpdatedAt;

class ArticleApplierTest : public testing::EngineFixture {};

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

TEST_F(ArticleApplierTest, UpsertIsSearchable) {
  Open();
  ArticleApplyResult r =
      MustApply(MakeArticle("a", "Japan and Pakistan agree on cooperation", kT0));
  EXPECT_TRUE(r.applied);
  EXPECT_TRUE(content_index().Contains(r.dense_id));
}

TEST_F(ArticleApplierTest, OlderVersionNeverOverwritesNewer) {
  Open();
  v1::Article v2 = MakeArticle("a", "Second version", kT0);
  SetUpdatedAt(v2, kT0 + absl::Hours(2));
  MustApply(v2);
  v1::Article v1_old = MakeArticle("a", "First version", kT0);
  SetUpdatedAt(v1_old, kT0 + absl::Hours(1));
  EXPECT_FALSE(MustApply(v1_old).applied);
  EXPECT_FALSE(MustApply(v2).applied);  // same version again: idempotent
  auto stored = articles().FindByExternalId("a");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->article.headline(), "Second version");
}

TEST_F(ArticleApplierTest, DeleteLeavesIndexAndOlderUpsertCannotResurrect) {
  Open();
  ArticleApplyResult r = MustApply(MakeArticle("a", "Some headline", kT0));
  auto del = applier().DeleteArticle("a", kT0 + absl::Hours(1));
  ASSERT_TRUE(del.ok());
  EXPECT_TRUE(del->applied);
  EXPECT_FALSE(content_index().Contains(r.dense_id));
  v1::Article stale = MakeArticle("a", "Some headline", kT0);
  SetUpdatedAt(stale, kT0 + absl::Minutes(30));
  EXPECT_FALSE(MustApply(stale).applied);
  EXPECT_FALSE(content_index().Contains(r.dense_id));
  EXPECT_EQ(applier().DeleteArticle("never-seen", kT0).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ArticleApplierTest, ATombstoneForAnArticleNeverSeenIsIgnored) {
  Open();
  v1::Article tombstone;
  tombstone.set_id("never-seen");
  tombstone.set_deleted(true);
  SetUpdatedAt(tombstone, kT0);
  const IngestEvent event = tombstone;
  auto outcomes = applier().ApplyBatch({&event, 1});
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  EXPECT_EQ((*outcomes)[0].kind, EventOutcome::Kind::kIgnored);
  EXPECT_EQ((*outcomes)[0].reason, "unknown_article");
  EXPECT_FALSE(articles().FindByExternalId("never-seen")->has_value());
  EXPECT_EQ(articles().Counts()->deleted, 0u);
  // No dense id was used up: the next article gets the first one.
  EXPECT_EQ(MustApply(MakeArticle("a", "First real article", kT0)).dense_id, 0u);
}

TEST_F(ArticleApplierTest, InvalidEventsAreCountedByReason) {
  Open();
  v1::Article bad = MakeArticle("", "x", kT0);
  EXPECT_EQ(applier().ApplyArticle(bad).status().code(), absl::StatusCode::kInvalidArgument);
  v1::Article wrong_dim = MakeArticle("b", "x", kT0);
  wrong_dim.add_embedding(1.0f);
  auto status = applier().ApplyArticle(wrong_dim).status();
  EXPECT_NE(status.message().find("dimension 1"), absl::string_view::npos) << status;
  auto counts = tables().rejections().All();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)["articles/missing_id"], 1u);
  EXPECT_EQ((*counts)["articles/bad_embedding"], 1u);
}

TEST_F(ArticleApplierTest, EventEmbeddingIsUsedNormalised) {
  Open();
  v1::Article a = MakeArticle("a", "Text that would encode differently", kT0);
  for (int i = 0; i < config_.encoder.dimension; ++i) a.add_embedding(i == 3 ? 5.0f : 0.0f);
  ArticleApplyResult r = MustApply(a);
  auto v = content_index().Vector(r.dense_id);
  ASSERT_TRUE(v.has_value());
  EXPECT_FLOAT_EQ((*v)[3], 1.0f);
}

TEST_F(ArticleApplierTest, StateSurvivesReopenWithSameVectors) {
  Open();
  ArticleApplyResult a = MustApply(MakeArticle("a", "Icahn presses eBay over PayPal", kT0));
  MustApply(MakeArticle("b", "Apple unveils smartwatch", kT0));
  auto before = content_index().Vector(a.dense_id);
  Close();
  Open();
  auto after = content_index().Vector(a.dense_id);
  ASSERT_TRUE(before && after);
  EXPECT_EQ(*before, *after);
  EXPECT_EQ(content_index().Stats().live, 2u);

  // Document frequencies were restored: a new article encodes exactly as with the frequencies of
  // all three headlines.
  ArticleApplyResult c = MustApply(MakeArticle("c", "eBay shareholders back PayPal spin-off", kT0));
  TextEncoder encoder(config_.encoder);
  DocumentFrequencies df(config_.encoder.feature_buckets);
  for (const char* text : {"Icahn presses eBay over PayPal", "Apple unveils smartwatch",
                           "eBay shareholders back PayPal spin-off"}) {
    std::vector<uint32_t> buckets = encoder.Buckets(text);
    df.AddDocument(buckets);
  }
  EXPECT_EQ(*content_index().Vector(c.dense_id),
            encoder.Encode("eBay shareholders back PayPal spin-off", df));
}

}  // namespace
}  // namespace headliner
