// A store + index + apply path on a temporary RocksDB, for tests of ingest and ranking.
#ifndef HEADLINER_TESTS_UNIT_APPLIER_FIXTURE_H_
#define HEADLINER_TESTS_UNIT_APPLIER_FIXTURE_H_

#include <memory>

#include "gtest/gtest.h"
#include "index/vector_index.h"
#include "ingest/article_applier.h"
#include "store/article_store.h"
#include "test_util.h"

namespace headliner::testing {

class ApplierFixture : public ::testing::Test {
 protected:
  ApplierFixture() { config_.dimension = 64; }

  void Open() {
    auto db = Database::Open(dir_.path(), DatabaseOptions{});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    auto store = ArticleStore::Open(*db_);
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    index_ = std::make_unique<VectorIndex>(config_.dimension, IndexConfig{});
    auto applier = ArticleApplier::Create(*store_, *index_, config_);
    ASSERT_TRUE(applier.ok()) << applier.status();
    applier_ = std::move(*applier);
    ASSERT_TRUE(applier_->RestoreIndex().ok());
  }
  void Close() {
    applier_.reset();
    index_.reset();
    store_.reset();
    db_.reset();
  }

  ApplyResult MustApply(const v1::Article& a) {
    auto r = applier_->Apply(a);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : ApplyResult{};
  }

  EncoderConfig config_;
  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<ArticleStore> store_;
  std::unique_ptr<VectorIndex> index_;
  std::unique_ptr<ArticleApplier> applier_;
};

}  // namespace headliner::testing

#endif  // HEADLINER_TESTS_UNIT_APPLIER_FIXTURE_H_
