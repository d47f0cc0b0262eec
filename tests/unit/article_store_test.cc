#include "store/article_store.h"

#include <future>

#include "gtest/gtest.h"
#include "test_util.h"

namespace headliner {
namespace {

using testing::MakeArticle;
using testing::TempDir;

class ArticleStoreTest : public ::testing::Test {
 protected:
  void Open() {
    auto db = Database::Open(dir_.path(), DatabaseOptions{});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    auto store = ArticleStore::Open(*db_, /*read_cache_bytes=*/1 << 20);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void Close() {
    store_.reset();
    db_.reset();
  }
  uint64_t Put(const v1::Article& a, std::vector<float> embedding = {1, 0}) {
    auto previous = store_->FindByExternalId(a.id());
    EXPECT_TRUE(previous.ok());
    StagedBatch batch(*db_);
    uint64_t id = *previous ? (*previous)->dense_id : store_->AllocateDenseId(batch);
    store_->StagePut(batch, id, a, *previous ? &(*previous)->article : nullptr, embedding);
    EXPECT_TRUE(batch.Commit().ok());
    return id;
  }

  std::vector<uint64_t> Newest() {
    std::vector<uint64_t> listed;
    EXPECT_TRUE(store_
                    ->ForEachNewest([&](uint64_t id, int64_t) {
                      listed.push_back(id);
                      return true;
                    })
                    .ok());
    return listed;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<ArticleStore> store_;
};

TEST_F(ArticleStoreTest, PutFindAndDenseIdsSurviveReopen) {
  Open();
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  uint64_t a = Put(MakeArticle("a", "First", t));
  uint64_t b = Put(MakeArticle("b", "Second", t + absl::Hours(1)));
  EXPECT_NE(a, b);
  Close();
  Open();
  auto found = store_->FindByExternalId("b");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->dense_id, b);
  EXPECT_EQ((*found)->article.headline(), "Second");
  // A new article after reopening never reuses an id.
  uint64_t c = Put(MakeArticle("c", "Third", t));
  EXPECT_GT(c, b);
  auto embedding = store_->FindEmbedding(a);
  ASSERT_TRUE(embedding.ok() && embedding->has_value());
  EXPECT_EQ(**embedding, (std::vector<float>{1, 0}));
}

TEST_F(ArticleStoreTest, TombstoneLeavesListingAndCounts) {
  Open();
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  Put(MakeArticle("a", "First", t));
  Put(MakeArticle("b", "Second", t + absl::Hours(1)));
  v1::Article dead = MakeArticle("a", "First", t);
  dead.set_deleted(true);
  uint64_t a = Put(dead, {});
  auto counts = store_->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->live, 1u);
  EXPECT_EQ(counts->deleted, 1u);
  const std::vector<uint64_t> listed = Newest();
  EXPECT_EQ(listed.size(), 1u);
  auto embedding = store_->FindEmbedding(a);
  ASSERT_TRUE(embedding.ok());
  EXPECT_FALSE(embedding->has_value());
}

TEST_F(ArticleStoreTest, ListingIsNewestFirst) {
  Open();
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  uint64_t old_id = Put(MakeArticle("old", "Old", t));
  uint64_t new_id = Put(MakeArticle("new", "New", t + absl::Hours(5)));
  uint64_t mid_id = Put(MakeArticle("mid", "Mid", t + absl::Hours(2)));
  const std::vector<uint64_t> listed = Newest();
  EXPECT_EQ(listed, (std::vector<uint64_t>{new_id, mid_id, old_id}));
}

TEST_F(ArticleStoreTest, UnknownIdIsEmptyNotError) {
  Open();
  auto found = store_->FindByExternalId("nope");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  auto many = store_->FindByDenseIds(std::vector<uint64_t>{99});
  ASSERT_TRUE(many.ok());
  EXPECT_FALSE((*many)[0].has_value());
}

TEST_F(ArticleStoreTest, AClickedArticleIsWhatPendingWritesLeaveElseWhatIsCommitted) {
  Open();
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  v1::Article a = MakeArticle("a", "First", t);
  a.set_section("world");
  const uint64_t a_id = Put(a);
  auto clicked = [&](const std::string& id, const StagedBatch& pending) {
    auto found = store_->FindClicked(id, pending);
    EXPECT_TRUE(found.ok()) << found.status();
    return found.ok() ? *found : std::nullopt;
  };

  StagedBatch empty(*db_);
  std::optional<ClickedArticle> found = clicked("a", empty);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->dense_id, a_id);
  EXPECT_TRUE(found->live);
  EXPECT_EQ(found->section, "world");
  EXPECT_FALSE(clicked("nope", empty).has_value());

  // Staged and not written: an article created and a section changed are seen by the batch...
  StagedBatch batch(*db_);
  v1::Article moved = a;
  moved.set_section("sport");
  const std::vector<float> x{1, 0}, y{0, 1};
  store_->StagePut(batch, a_id, moved, &a, x);
  const uint64_t b_id = store_->AllocateDenseId(batch);
  store_->StagePut(batch, b_id, MakeArticle("b", "Second", t), nullptr, y);
  found = clicked("a", batch);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->section, "sport");
  found = clicked("b", batch);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->dense_id, b_id);
  EXPECT_TRUE(found->live);
  // ...and by the next batch staged while this one is written (pipelining)...
  std::promise<absl::Status> written;
  StagedBatch next(*db_, nullptr, &batch, written.get_future().share());
  v1::Article dead = moved;
  dead.set_deleted(true);
  store_->StagePut(next, a_id, dead, &moved, {});
  found = clicked("a", next);
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->live);
  found = clicked("b", next);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->dense_id, b_id);
  // ...but by nothing else until written; abandoned, never.
  StagedBatch other(*db_);
  EXPECT_EQ(clicked("a", other)->section, "world");
  EXPECT_FALSE(clicked("b", other).has_value());
  next.Discard();
  batch.Discard();
  written.set_value(absl::OkStatus());
  EXPECT_EQ(clicked("a", other)->section, "world");
  EXPECT_TRUE(clicked("a", other)->live);
  EXPECT_FALSE(clicked("b", other).has_value());

  // Committed: from the mirror, deleted included.
  v1::Article gone = a;
  gone.set_deleted(true);
  store_->StagePut(other, a_id, gone, &a, {});
  ASSERT_TRUE(other.Commit().ok());
  StagedBatch after(*db_);
  found = clicked("a", after);
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->live);
  EXPECT_EQ(found->section, "world");
}

TEST_F(ArticleStoreTest, CachedReadsShowEveryCommittedWriteAndNoAbandonedOne) {
  Open();
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  const uint64_t a = Put(MakeArticle("a", "First", t));
  auto headline = [&] {
    auto found = store_->FindByDenseIds(std::vector<uint64_t>{a});
    EXPECT_TRUE(found.ok() && (*found)[0].has_value());
    return (*found)[0]->headline() + ((*found)[0]->deleted() ? " (deleted)" : "");
  };
  EXPECT_EQ(headline(), "First");
  const uint64_t hits = store_->read_cache_stats().hits;
  EXPECT_EQ(headline(), "First");
  EXPECT_EQ(store_->read_cache_stats().hits, hits + 1);  // from memory the second time

  Put(MakeArticle("a", "Rewritten", t));
  EXPECT_EQ(headline(), "Rewritten");
  {
    StagedBatch abandoned(*db_);
    v1::Article never = MakeArticle("a", "Never", t);
    store_->StagePut(abandoned, a, never, nullptr, {});
  }
  EXPECT_EQ(headline(), "Rewritten");
  v1::Article dead = MakeArticle("a", "Rewritten", t);
  dead.set_deleted(true);
  Put(dead, {});
  EXPECT_EQ(headline(), "Rewritten (deleted)");
}

TEST_F(ArticleStoreTest, ASourceEmbeddingIsServedFromMemoryUntilTheArticleIsRewritten) {
  Open();
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  const uint64_t a = Put(MakeArticle("a", "First", t), {1, 0});
  auto embedding = [&] {
    auto found = store_->FindSourceEmbedding(a);
    EXPECT_TRUE(found.ok() && *found != nullptr);
    return **found;
  };
  EXPECT_EQ(embedding(), (std::vector<float>{1, 0}));
  const uint64_t hits = store_->read_cache_stats().hits;
  EXPECT_EQ(embedding(), (std::vector<float>{1, 0}));
  EXPECT_EQ(store_->read_cache_stats().hits, hits + 1);
  Put(MakeArticle("a", "First", t), {0, 1});
  EXPECT_EQ(embedding(), (std::vector<float>{0, 1}));
  auto unknown = store_->FindSourceEmbedding(a + 100);
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(*unknown, nullptr);
}

TEST_F(ArticleStoreTest, AnIdUnknownWhenAskedIsFoundOnceCreated) {
  Open();
  auto before = store_->FindDenseId("late");
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->has_value());
  const uint64_t id = Put(MakeArticle("late", "Late", absl::FromUnixSeconds(1700000000)));
  for (int i = 0; i < 2; ++i) {  // read, then cached
    auto after = store_->FindDenseId("late");
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(*after, id);
  }
}

TEST_F(ArticleStoreTest, FrequenciesAccumulateThroughMerges) {
  Open();
  StagedBatch batch(*db_);
  std::vector<uint32_t> buckets = {3, 9};
  store_->StageFrequencies(batch, buckets, +1);
  store_->StageFrequencies(batch, buckets, +1);
  std::vector<uint32_t> one = {9};
  store_->StageFrequencies(batch, one, -1);
  ASSERT_TRUE(batch.Commit().ok());
  Close();
  Open();
  std::map<uint32_t, uint64_t> seen;
  auto docs = store_->ForEachFrequency([&](uint32_t b, uint64_t n) {
    seen[b] = n;
    return absl::OkStatus();
  });
  ASSERT_TRUE(docs.ok());
  EXPECT_EQ(*docs, 1u);
  EXPECT_EQ(seen[3], 2u);
  EXPECT_EQ(seen[9], 1u);
}

}  // namespace
}  // namespace headliner
