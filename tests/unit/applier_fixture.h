// A store + index + apply path on a temporary RocksDB, for tests of ingest and ranking.
#ifndef HEADLINER_TESTS_UNIT_APPLIER_FIXTURE_H_
#define HEADLINER_TESTS_UNIT_APPLIER_FIXTURE_H_

#include <memory>

#include "gtest/gtest.h"
#include "index/vector_index.h"
#include "ingest/event_applier.h"
#include "store/article_store.h"
#include "store/click_store.h"
#include "test_util.h"

namespace headliner::testing {

class ApplierFixture : public ::testing::Test {
 protected:
  ApplierFixture() { config_.encoder.dimension = 64; }

  void Open() { OpenAt(dir_.path()); }
  void OpenAt(const std::string& path) {
    auto db = Database::Open(path, DatabaseOptions{});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    auto store = ArticleStore::Open(*db_);
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    clicks_ = std::make_unique<ClickStore>(*db_);
    index_ = std::make_unique<VectorIndex>(config_.encoder.dimension, IndexConfig{});
    behaviour_index_ = std::make_unique<VectorIndex>(config_.encoder.dimension, IndexConfig{});
    auto applier =
        EventApplier::Create(*db_, *store_, *clicks_, *index_, *behaviour_index_, config_);
    ASSERT_TRUE(applier.ok()) << applier.status();
    applier_ = std::move(*applier);
    ASSERT_TRUE(applier_->RestoreIndex().ok());
  }
  void Close() {
    applier_.reset();
    index_.reset();
    behaviour_index_.reset();
    clicks_.reset();
    store_.reset();
    db_.reset();
  }

  ArticleApplyResult MustApply(const v1::Article& a) {
    auto r = applier_->ApplyArticle(a);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : ArticleApplyResult{};
  }

  Config config_;
  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<ArticleStore> store_;
  std::unique_ptr<ClickStore> clicks_;
  std::unique_ptr<VectorIndex> index_;
  std::unique_ptr<VectorIndex> behaviour_index_;
  std::unique_ptr<EventApplier> applier_;
};

}  // namespace headliner::testing

#endif  // HEADLINER_TESTS_UNIT_APPLIER_FIXTURE_H_
