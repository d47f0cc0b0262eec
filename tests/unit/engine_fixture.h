// An Engine on a temporary data dir, for tests of ingest and ranking: the same stack the server
// opens, with small vectors.
#ifndef HEADLINER_TESTS_UNIT_ENGINE_FIXTURE_H_
#define HEADLINER_TESTS_UNIT_ENGINE_FIXTURE_H_

#include <memory>
#include <string>

#include "engine/engine.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace headliner::testing {

class EngineFixture : public ::testing::Test {
 protected:
  EngineFixture() { config_.encoder.dimension = 64; }

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

}  // namespace headliner::testing

#endif  // HEADLINER_TESTS_UNIT_ENGINE_FIXTURE_H_
