// An Engine on a temporary data dir, for tests of ingest and ranking: the same stack the server
// opens, with small vectors.
#ifndef HEADLINER_TESTS_UNIT_ENGINE_FIXTURE_H_
#define HEADLINER_TESTS_UNIT_ENGINE_FIXTURE_H_

#include <map>
#include <memory>
#include <set>
#include <string>

#include "engine/engine.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace headliner::testing {

class EngineFixture : public ::testing::Test {
 protected:
  // The hashed encoder: small vectors, no model files, and similarities tests can reason about.
  EngineFixture() {
    config_.encoder.kind = EncoderKind::kHashed;
    config_.encoder.dimension = 64;
  }

  void Open() { OpenAt(dir_.path()); }
  void OpenAt(const std::string& data_dir) {
    auto engine = Engine::Open(data_dir, config_);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }
  void Close() { engine_.reset(); }

  EventApplier& applier() { return engine_->applier(); }
  const Tables& tables() const { return engine_->tables(); }
  const ArticleStore& articles() const { return engine_->tables().articles(); }
  const ClickStore& clicks() const { return engine_->tables().clicks(); }
  const VectorIndex& content_index() const { return engine_->content_index(); }
  const VectorIndex& behaviour_index() const { return engine_->behaviour_index(); }

  ArticleApplyResult MustApply(const v1::Article& a) {
    auto r = applier().ApplyArticle(a);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : ArticleApplyResult{};
  }

  EngineConfig config_;
  TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

// Every row stored under `data_dir`, by column family, except the index journal (one entry per
// batch, so it depends on the batching by design).
inline std::map<std::pair<int, std::string>, std::string> StoredRows(const std::string& data_dir) {
  std::map<std::pair<int, std::string>, std::string> rows;
  auto opened = Database::Open(data_dir + "/rocksdb", DatabaseOptions{});
  EXPECT_TRUE(opened.ok()) << opened.status();
  if (!opened.ok()) return rows;
  Database& db = **opened;
  for (int c = 0; c < static_cast<int>(Column::kCount); ++c) {
    if (static_cast<Column>(c) == Column::kIndexJournal) continue;
    std::unique_ptr<rocksdb::Iterator> it(
        db.db().NewIterator(rocksdb::ReadOptions(), db.handle(static_cast<Column>(c))));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      rows[{c, it->key().ToString()}] = it->value().ToString();
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  }
  return rows;
}

// Rows of `a` missing from `b` or different there, plus rows only in `b`; each differing column
// is reported once as a test failure.
inline size_t CountDifferingRows(const std::map<std::pair<int, std::string>, std::string>& a,
                                 const std::map<std::pair<int, std::string>, std::string>& b) {
  size_t differing = 0;
  std::set<int> reported;
  for (const auto& [key, value] : a) {
    auto it = b.find(key);
    if (it != b.end() && it->second == value) continue;
    ++differing;
    if (reported.insert(key.first).second) ADD_FAILURE() << "column " << key.first << " differs";
  }
  for (const auto& [key, value] : b) differing += a.contains(key) ? 0 : 1;
  return differing;
}

}  // namespace headliner::testing

#endif  // HEADLINER_TESTS_UNIT_ENGINE_FIXTURE_H_
