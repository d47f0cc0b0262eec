// The apply path with a sentence model (encoder.kind minilm), through the Engine with a stand-in
// model that counts its calls: a batch's new and changed headlines are encoded in one call, an
// article whose text did not change keeps its vector, and the model's vectors are what is stored
// and indexed.
#include "ingest/model_content_embedder.h"

#include <atomic>
#include <cmath>
#include <filesystem>

#include "absl/hash/hash.h"
#include "encode/model_dir.h"
#include "engine/engine.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace headliner {
namespace {

using testing::MakeArticle;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

// A unit vector per text (from its hash), with a record of every call.
class CountingEncoder : public SentenceEncoder {
 public:
  struct Calls {
    std::atomic<int> calls{0};
    std::atomic<int> texts{0};
  };
  explicit CountingEncoder(Calls& calls) : calls_(calls) {}
  int dimension() const override { return 384; }
  absl::StatusOr<std::vector<std::vector<float>>> Encode(
      absl::Span<const std::string> texts) const override {
    ++calls_.calls;
    calls_.texts += static_cast<int>(texts.size());
    std::vector<std::vector<float>> out;
    for (const std::string& text : texts) out.push_back(VectorOf(text));
    return out;
  }
  static std::vector<float> VectorOf(const std::string& text) {
    std::vector<float> v(384, 0.0f);
    v[absl::HashOf(text) % 384] = 1.0f;
    return v;
  }

 private:
  Calls& calls_;
};

class ModelContentEmbedderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.encoder.kind = EncoderKind::kMiniLm;
    auto engine = Engine::Open(dir_.path(), config_, std::make_unique<CountingEncoder>(calls_));
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }
  std::vector<EventOutcome> Apply(const std::vector<IngestEvent>& events) {
    auto outcomes = engine_->applier().ApplyBatch(events);
    EXPECT_TRUE(outcomes.ok()) << outcomes.status();
    return outcomes.ok() ? *outcomes : std::vector<EventOutcome>();
  }
  std::vector<float> Stored(const std::string& id) {
    auto stored = engine_->tables().articles().FindByExternalId(id);
    EXPECT_TRUE(stored.ok() && stored->has_value());
    auto v = engine_->tables().articles().FindEmbedding((*stored)->dense_id);
    EXPECT_TRUE(v.ok() && v->has_value());
    return v.ok() && v->has_value() ? **v : std::vector<float>();
  }

  testing::TempDir dir_;
  EngineConfig config_;
  CountingEncoder::Calls calls_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(ModelContentEmbedderTest, ABatchOfNewHeadlinesIsOneModelCall) {
  std::vector<IngestEvent> events;
  for (int i = 0; i < 10; ++i) {
    events.push_back(MakeArticle("a" + std::to_string(i), "Headline " + std::to_string(i), kT0));
  }
  events.push_back(MakeArticle("dup", "Headline 3", kT0));  // same text: encoded once
  for (const EventOutcome& o : Apply(events)) EXPECT_EQ(o.kind, EventOutcome::Kind::kApplied);
  EXPECT_EQ(calls_.calls.load(), 1);
  EXPECT_EQ(calls_.texts.load(), 10);
  EXPECT_EQ(Stored("a7"), CountingEncoder::VectorOf("Headline 7"));
  EXPECT_EQ(Stored("dup"), CountingEncoder::VectorOf("Headline 3"));
  EXPECT_EQ(engine_->content_index().Stats().live, 11u);
}

TEST_F(ModelContentEmbedderTest, OnlyNewAndChangedTextsAreEncoded) {
  Apply({MakeArticle("a", "Fed lifts rates", kT0), MakeArticle("b", "Rain in Spain", kT0)});
  ASSERT_EQ(calls_.calls.load(), 1);

  v1::Article same_text = MakeArticle("a", "Fed lifts rates", kT0, "business");  // section only
  same_text.mutable_updated_at()->set_seconds(absl::ToUnixSeconds(kT0 + absl::Hours(1)));
  v1::Article new_text = MakeArticle("b", "Sun in Spain", kT0);
  new_text.mutable_updated_at()->set_seconds(absl::ToUnixSeconds(kT0 + absl::Hours(1)));
  Apply({same_text, new_text});
  EXPECT_EQ(calls_.calls.load(), 2);
  EXPECT_EQ(calls_.texts.load(), 3);  // a, b, then only b's new text
  EXPECT_EQ(Stored("a"), CountingEncoder::VectorOf("Fed lifts rates"));
  EXPECT_EQ(Stored("b"), CountingEncoder::VectorOf("Sun in Spain"));

  // Nothing to encode: no call at all.
  v1::Article again = same_text;
  again.mutable_updated_at()->set_seconds(absl::ToUnixSeconds(kT0 + absl::Hours(2)));
  Apply({again});
  EXPECT_EQ(calls_.calls.load(), 2);
}

TEST_F(ModelContentEmbedderTest, TwoVersionsInOneBatchGetTheLastText) {
  v1::Article second = MakeArticle("a", "Second text", kT0);
  second.mutable_updated_at()->set_seconds(absl::ToUnixSeconds(kT0 + absl::Hours(1)));
  Apply({MakeArticle("a", "First text", kT0), second});
  EXPECT_EQ(calls_.calls.load(), 1);
  EXPECT_EQ(Stored("a"), CountingEncoder::VectorOf("Second text"));
}

TEST_F(ModelContentEmbedderTest, AnEventsOwnEmbeddingIsKeptAndInvalidEventsAreNotEncoded) {
  v1::Article own = MakeArticle("own", "Carries its vector", kT0);
  for (int i = 0; i < 384; ++i) own.add_embedding(i == 5 ? 2.0f : 0.0f);
  v1::Article invalid = MakeArticle("", "No id", kT0);
  const std::vector<EventOutcome> outcomes = Apply({own, invalid});
  EXPECT_EQ(outcomes[1].kind, EventOutcome::Kind::kRejected);
  EXPECT_EQ(calls_.calls.load(), 0);
  std::vector<float> expected(384, 0.0f);
  expected[5] = 1.0f;
  EXPECT_EQ(Stored("own"), expected);
}

TEST(ExternalEncoderTest, ArticlesWithoutTheirEmbeddingAreRejected) {
  testing::TempDir dir;
  EngineConfig config;
  config.encoder.kind = EncoderKind::kExternal;
  config.encoder.dimension = 8;
  auto engine = Engine::Open(dir.path(), config);
  ASSERT_TRUE(engine.ok()) << engine.status();
  v1::Article with = MakeArticle("with", "Has a vector", kT0);
  for (int i = 0; i < 8; ++i) with.add_embedding(1.0f);
  std::vector<IngestEvent> events = {MakeArticle("without", "No vector", kT0), with};
  auto outcomes = (*engine)->applier().ApplyBatch(events);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  EXPECT_EQ((*outcomes)[0].kind, EventOutcome::Kind::kRejected);
  EXPECT_EQ((*outcomes)[0].reason, "missing_embedding");
  EXPECT_NE((*outcomes)[0].message.find("encoder.kind external"), std::string::npos);
  EXPECT_EQ((*outcomes)[1].kind, EventOutcome::Kind::kApplied);
  EXPECT_EQ((*engine)->content_index().Stats().live, 1u);
}

// The real model through the served ranker: related headlines that share no words, which the
// hashed encoder cannot find.
TEST(MiniLmServingTest, RelatesHeadlinesThatShareNoWords) {
  testing::TempDir dir;
  auto engine = Engine::Open(dir.path(), EngineConfig());  // the default encoder
  if (engine.status().code() == absl::StatusCode::kFailedPrecondition &&
      !std::filesystem::exists(DefaultMiniLmDir() + "/model.safetensors")) {
    GTEST_SKIP() << DefaultMiniLmDir() << " has no model: run scripts/model (scripts/setup does)";
  }
  ASSERT_TRUE(engine.ok()) << engine.status();
  std::vector<IngestEvent> events = {
      MakeArticle("q", "Fed lifts rates", kT0),
      MakeArticle("a", "Lakers beat Celtics in overtime thriller", kT0),
      MakeArticle("b", "Central bank raises borrowing costs", kT0),
      MakeArticle("c", "Apple unveils a new iPhone", kT0),
      MakeArticle("d", "Storm floods coastal towns", kT0)};
  ASSERT_TRUE((*engine)->applier().ApplyBatch(events).ok());
  RankRequest request;
  request.article_id = "q";
  request.limit = 4;
  request.now = kT0 + absl::Hours(1);
  auto ranked = (*engine)->ranker().Rank(request);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  ASSERT_FALSE(ranked->items.empty());
  EXPECT_EQ(ranked->items[0].article.id(), "b");
}

}  // namespace
}  // namespace headliner
