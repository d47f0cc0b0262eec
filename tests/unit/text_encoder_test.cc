#include "encode/text_encoder.h"

#include <cmath>
#include <map>

#include "gtest/gtest.h"
#include "sample/sample_catalog.h"

namespace headliner {
namespace {

float Dot(const std::vector<float>& a, const std::vector<float>& b) {
  float s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

class TextEncoderTest : public ::testing::Test {
 protected:
  TextEncoderTest() : encoder_(config_), df_(config_.feature_buckets) {}
  std::vector<float> Encode(const std::string& text) { return encoder_.Encode(text, df_); }
  void Learn(const std::string& text) {
    std::vector<uint32_t> b = encoder_.Buckets(text);
    df_.AddDocument(b);
  }

  EncoderConfig config_;
  TextEncoder encoder_;
  DocumentFrequencies df_;
};

TEST_F(TextEncoderTest, UnitNormAndDimension) {
  auto v = Encode("Japan, Pakistan agree on better industrial cooperation");
  ASSERT_EQ(v.size(), 256u);  // the hashed encoder's default dimension
  ASSERT_EQ(v.size(), static_cast<size_t>(encoder_.dimension()));
  EXPECT_NEAR(Dot(v, v), 1.0, 1e-5);
}

TEST_F(TextEncoderTest, DeterministicAcrossInstances) {
  TextEncoder other(config_);
  EXPECT_EQ(Encode("EBay, Icahn talk smack"), other.Encode("EBay, Icahn talk smack", df_));
}

TEST_F(TextEncoderTest, NoFeaturesGivesZeroVector) {
  auto v = Encode("the of -- and");
  EXPECT_EQ(Dot(v, v), 0.0f);
}

TEST_F(TextEncoderTest, SameStoryCloserThanUnrelated) {
  const std::string a = "Japan, Pakistan agree on better industrial cooperation";
  const std::string b = "Pakistan and Japan sign pact to boost industrial ties";
  const std::string c = "Apple unveils new smartwatch at launch event";
  for (const auto& t : {a, b, c}) Learn(t);
  EXPECT_GT(Dot(Encode(a), Encode(b)), Dot(Encode(a), Encode(c)) + 0.2);
}

TEST_F(TextEncoderTest, IdfDownweightsCommonWords) {
  // "report" is everywhere, "icahn" in one headline: sharing "icahn" must count for more.
  for (int i = 0; i < 50; ++i) Learn("report number " + std::to_string(i));
  Learn("Icahn presses eBay");
  const auto q = Encode("Icahn report");
  EXPECT_GT(Dot(q, Encode("Icahn presses eBay")), Dot(q, Encode("report number 7")));
}

TEST_F(TextEncoderTest, SampleCatalogStoriesClusterTogether) {
  SampleCatalogOptions options;
  options.articles = 400;
  auto catalog = GenerateSampleCatalog(options);
  for (const auto& s : catalog) Learn(s.article.headline());
  std::vector<std::vector<float>> vectors;
  for (const auto& s : catalog) vectors.push_back(Encode(s.article.headline()));
  double same = 0, other = 0;
  int n_same = 0, n_other = 0;
  for (size_t i = 0; i < catalog.size(); ++i) {
    for (size_t j = i + 1; j < catalog.size(); ++j) {
      const double d = Dot(vectors[i], vectors[j]);
      if (catalog[i].story == catalog[j].story) {
        same += d;
        ++n_same;
      } else {
        other += d;
        ++n_other;
      }
    }
  }
  ASSERT_GT(n_same, 0);
  EXPECT_GT(same / n_same, other / n_other + 0.3);
}

}  // namespace
}  // namespace headliner
