#include "ingest/behaviour_embedding_signal.h"

#include <cmath>
#include <map>

#include "cosine.h"
#include "engine_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "index/inner_product.h"
#include "ingest/content_projection.h"

namespace headliner {
namespace {

using testing::Cosine;
using testing::MakeArticle;
using testing::MakeClick;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

class BehaviourEmbeddingSignalTest : public testing::EngineFixture {
 protected:
  void SetUp() override {
    config_.behaviour.negatives = 2;
    config_.behaviour.learning_rate = 0.1;
    Open();
    LoadArticles();
  }
  void LoadArticles() {
    const char* headlines[] = {"Volcano erupts on remote island",   "Central bank raises rates",
                               "Film festival opens with premiere", "Striker signs record deal",
                               "New vaccine trial shows promise",   "Chip maker unveils processor"};
    for (int i = 0; i < 6; ++i) {
      const std::string id = "n" + std::to_string(i);
      ids_[id] = MustApply(MakeArticle(id, headlines[i], kT0)).dense_id;
    }
  }
  // Sessions that read n0 then n1, and others that read n2 then n3, interleaved; every fifth
  // session also has a reader of n4 alone (so n4 is drawn as a negative, never trained itself).
  std::vector<IngestEvent> Stream(int sessions) {
    std::vector<IngestEvent> events;
    for (int s = 0; s < sessions; ++s) {
      const std::string session = "s" + std::to_string(s);
      const absl::Time t = kT0 + absl::Minutes(s);
      if (s % 5 == 0) events.push_back(MakeClick(session + "x", "lone" + session, "n4", t));
      const bool first_pair = s % 2 == 0;
      events.push_back(MakeClick(session + "a", session, first_pair ? "n0" : "n2", t));
      events.push_back(
          MakeClick(session + "b", session, first_pair ? "n1" : "n3", t + absl::Seconds(30)));
    }
    return events;
  }
  std::vector<float> Input(const std::string& id) {
    auto v = tables().behaviour().Find(ids_[id]);
    EXPECT_TRUE(v.ok() && v->has_value()) << id;
    return v.ok() && v->has_value() ? (*v)->input : std::vector<float>{};
  }

  std::vector<float> Content(const std::string& id) {
    return articles().FindEmbedding(ids_[id])->value_or(std::vector<float>{});
  }

  std::map<std::string, uint64_t> ids_;
};

TEST_F(BehaviourEmbeddingSignalTest, StartsFromTheContentVectorAndIsSearchable) {
  ASSERT_TRUE(applier().ApplyBatch(Stream(1)).ok());  // one session: n0 then n1
  // n1 was trained once from its content vector; n0 likewise. Before any click nothing exists.
  EXPECT_FALSE(tables().behaviour().Find(ids_["n5"])->has_value());
  const std::vector<float> content = Content("n0");
  EXPECT_GT(Cosine(Input("n0"), content), 0.9);  // one small step away from it
  EXPECT_TRUE(behaviour_index().Contains(ids_["n0"]));
  EXPECT_TRUE(behaviour_index().Contains(ids_["n1"]));
  EXPECT_FALSE(behaviour_index().Contains(ids_["n4"]));  // read alone: never trained
  EXPECT_FALSE(behaviour_index().Contains(ids_["n5"]));
}

TEST_F(BehaviourEmbeddingSignalTest, ArticlesReadTogetherMoveTogether) {
  const double before_pair = Cosine(Content("n0"), Content("n1"));
  const double before_other = Cosine(Content("n0"), Content("n3"));
  ASSERT_TRUE(applier().ApplyBatch(Stream(200)).ok());
  const double pair = Cosine(Input("n0"), Input("n1"));
  const double other = Cosine(Input("n0"), Input("n3"));
  EXPECT_GT(pair, before_pair + 0.2) << before_pair;
  EXPECT_GT(pair, other + 0.2) << "co-read " << pair << " vs not co-read " << other
                               << " (before: " << before_other << ")";
  // The behaviour index finds the co-read article first.
  std::vector<SearchHit> hits = behaviour_index().Search(*behaviour_index().Vector(ids_["n0"]), 2);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[1].id, ids_["n1"]);
}

// behaviour.dimension below the encoder's: the vectors, the index and the start from content all
// have the smaller dimension, and clicks still pull co-read articles together.
TEST_F(BehaviourEmbeddingSignalTest, AtASmallerDimensionStartsFromTheProjectedContent) {
  Close();
  config_.behaviour.dimension = 16;  // the fixture's encoder has 64
  testing::TempDir small;
  OpenAt(small.path());
  LoadArticles();
  EXPECT_EQ(behaviour_index().dimension(), 16);
  const ContentProjection projection(64, 16);
  ASSERT_TRUE(applier().ApplyBatch(Stream(1)).ok());
  ASSERT_EQ(Input("n0").size(), 16u);
  EXPECT_GT(Cosine(Input("n0"), projection.Project(Content("n0"))), 0.9);
  ASSERT_EQ(behaviour_index().Vector(ids_["n0"])->size(), 16u);

  ASSERT_TRUE(applier().ApplyBatch(Stream(200)).ok());
  EXPECT_GT(Cosine(Input("n0"), Input("n1")), Cosine(Input("n0"), Input("n3")) + 0.2);

  // The data dir keeps its dimension: another is refused at start, naming the key.
  Close();
  config_.behaviour.dimension = 0;
  absl::StatusOr<std::unique_ptr<Engine>> other = Engine::Open(small.path(), config_);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(other.status().message(), ::testing::HasSubstr("behaviour.dimension"));
  EXPECT_THAT(other.status().message(), ::testing::HasSubstr("have 16 dimensions"));
  config_.behaviour.dimension = 16;
  OpenAt(small.path());
  for (const char* id : {"n0", "n1", "n2", "n3"}) {  // rebuilt at 16 dimensions
    ASSERT_TRUE(behaviour_index().Contains(ids_[id])) << id;
    EXPECT_EQ(behaviour_index().Vector(ids_[id])->size(), 16u) << id;
  }
}

// More behaviour dimensions than content ones would only cost: the encoder's are the most.
TEST_F(BehaviourEmbeddingSignalTest, AtMostTheEncodersDimension) {
  EngineConfig config = config_;  // encoder dimension 64
  config.behaviour.dimension = 65;
  EXPECT_EQ(BehaviourDimension(config), 64);
  config.behaviour.dimension = 0;
  EXPECT_EQ(BehaviourDimension(config), 64);
  config.behaviour.dimension = 16;
  EXPECT_EQ(BehaviourDimension(config), 16);
  config.behaviour.dimension = 4097;
  absl::Status s = ValidateEngineConfig(config);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), ::testing::HasSubstr("behaviour.dimension"));
}

TEST_F(BehaviourEmbeddingSignalTest, SameVectorsWhateverTheBatchingAndAfterRestart) {
  // A pool smaller than the stream's 80 clicks, so that it wraps around.
  config_.behaviour.negative_pool = 16;
  Close();
  testing::TempDir first;
  OpenAt(first.path());
  LoadArticles();
  const std::vector<IngestEvent> stream = Stream(40);
  ASSERT_TRUE(applier().ApplyBatch(stream).ok());
  std::map<std::string, std::vector<float>> one_batch;
  for (const auto& [id, dense] : ids_) {
    if (auto v = tables().behaviour().Find(dense); v.ok() && v->has_value()) {
      one_batch[id] = (*v)->input;
      one_batch[id + "/out"] = (*v)->output;
    }
  }
  ASSERT_EQ(one_batch.size(), 10u);  // input and output of n0-n3, and of n4 (only a negative)

  // A second database fed one event per batch, with a failed (abandoned) batch in the middle
  // and a restart (the pool is read back from RocksDB) after three quarters.
  Close();
  testing::TempDir other;
  OpenAt(other.path());
  LoadArticles();
  for (size_t i = 0; i < stream.size(); ++i) {
    if (i == stream.size() / 2) {
      auto fail = [](std::span<const EventOutcome>) { return absl::UnavailableError("dlq down"); };
      ASSERT_FALSE(applier().ApplyBatch({&stream[i], 1}, {}, fail).ok());
    }
    if (i == stream.size() * 3 / 4) {
      Close();
      OpenAt(other.path());
    }
    ASSERT_TRUE(applier().ApplyBatch({&stream[i], 1}).ok());
  }
  for (const auto& [id, dense] : ids_) {
    auto v = tables().behaviour().Find(dense);
    if (!v.ok() || !v->has_value()) continue;
    EXPECT_EQ((*v)->input, one_batch[id]) << id;
    EXPECT_EQ((*v)->output, one_batch[id + "/out"]) << id;
  }

  // Restart: the behaviour index is rebuilt from RocksDB with the same articles and vectors. n4
  // has an output vector (it was a negative) but was never trained: not searchable, before or
  // after.
  ASSERT_TRUE(tables().behaviour().Find(ids_["n4"])->has_value());
  std::map<std::string, std::optional<std::vector<float>>> served;
  for (const auto& [id, dense] : ids_) served[id] = behaviour_index().Vector(dense);
  EXPECT_FALSE(served["n4"].has_value());
  Close();
  OpenAt(other.path());
  for (const auto& [id, dense] : ids_) EXPECT_EQ(behaviour_index().Vector(dense), served[id]) << id;
}

// The vector cache only saves reads: with it off, tiny (evicting all the time) or on, one event per
// batch, each tried first in a batch that is abandoned after the signal staged it, the stored
// vectors are the same bit for bit.
TEST_F(BehaviourEmbeddingSignalTest, TheVectorCacheChangesNoVector) {
  const std::vector<IngestEvent> stream = Stream(40);
  std::vector<std::map<std::string, BehaviourVectors>> results;
  for (int cache_size : {0, 2, 20000}) {
    config_.behaviour.vector_cache_size = cache_size;
    Close();
    testing::TempDir dir;
    OpenAt(dir.path());
    LoadArticles();
    auto fail = [](std::span<const EventOutcome>) { return absl::UnavailableError("down"); };
    for (size_t i = 0; i < stream.size(); ++i) {
      ASSERT_FALSE(applier().ApplyBatch({&stream[i], 1}, {}, fail).ok());
      ASSERT_TRUE(applier().ApplyBatch({&stream[i], 1}).ok());
    }
    std::map<std::string, BehaviourVectors> stored;
    for (const auto& [id, dense] : ids_) {
      if (auto v = tables().behaviour().Find(dense); v.ok() && v->has_value()) stored[id] = **v;
    }
    results.push_back(std::move(stored));
    const VectorCacheStats cache = applier().BehaviourCacheStats();
    if (cache_size == 20000) {
      EXPECT_GT(cache.hits, 0u);  // abandoned batches erase what they put: many misses too
    } else {
      EXPECT_LE(cache.entries, static_cast<uint64_t>(cache_size));
    }
  }
  ASSERT_EQ(results[0].size(), 5u);
  for (size_t r = 1; r < results.size(); ++r) {
    for (const auto& [id, v] : results[0]) {
      EXPECT_EQ(results[r][id].input, v.input) << id << " run " << r;
      EXPECT_EQ(results[r][id].output, v.output) << id << " run " << r;
    }
  }
}

TEST_F(BehaviourEmbeddingSignalTest, DeletedArticlesLeaveTheBehaviourIndex) {
  ASSERT_TRUE(applier().ApplyBatch(Stream(4)).ok());
  ASSERT_TRUE(behaviour_index().Contains(ids_["n1"]));
  ASSERT_TRUE(applier().DeleteArticle("n1", kT0 + absl::Hours(1)).ok());
  EXPECT_FALSE(behaviour_index().Contains(ids_["n1"]));
  Close();
  Open();
  EXPECT_FALSE(behaviour_index().Contains(ids_["n1"]));
  EXPECT_TRUE(behaviour_index().Contains(ids_["n0"]));
}

}  // namespace
}  // namespace headliner
