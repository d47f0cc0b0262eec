// A Database on a temporary directory for the store tables' unit tests, with a helper that
// stages writes into one batch and commits it.
#ifndef HEADLINER_TESTS_STORE_FIXTURE_H_
#define HEADLINER_TESTS_STORE_FIXTURE_H_

#include <functional>
#include <memory>

#include "gtest/gtest.h"
#include "store/database.h"
#include "store/staged_batch.h"
#include "test_util.h"

namespace headliner::testing {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    auto db = Database::Open(dir_.path(), DatabaseOptions{});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  // Closes and opens the database again: what is read afterwards was durable.
  void Reopen() {
    db_.reset();
    Open();
  }

  // Stages with `stage` into one batch and commits it.
  void Commit(const std::function<void(StagedBatch&)>& stage) {
    StagedBatch batch(*db_);
    stage(batch);
    absl::Status s = batch.Commit();
    ASSERT_TRUE(s.ok()) << s;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
};

}  // namespace headliner::testing

#endif  // HEADLINER_TESTS_STORE_FIXTURE_H_
