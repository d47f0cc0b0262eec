#include "rank/covisitation_normalizer.h"

#include <cmath>

#include "gtest/gtest.h"

namespace headliner {
namespace {

TEST(CoVisitationNormalizerTest, EachFormula) {
  // Source clicked 10 times; partners: (c = 4, n = 8), (c = 2, n = 40), never co-read.
  const std::vector<PartnerCounts> partners = {{4, 8}, {2, 40}, {0, 5}};
  auto run = [&](CoVisitationNormalizer n) { return NormalizeCoVisitation(n, 10, 1000, partners); };

  std::vector<double> j = run(CoVisitationNormalizer::kJaccard);
  EXPECT_DOUBLE_EQ(j[0], 4.0 / 14);
  EXPECT_DOUBLE_EQ(j[1], 2.0 / 48);
  EXPECT_EQ(j[2], 0.0);

  std::vector<double> c = run(CoVisitationNormalizer::kConditional);
  EXPECT_DOUBLE_EQ(c[0], 0.4);
  EXPECT_DOUBLE_EQ(c[1], 0.2);

  std::vector<double> cos = run(CoVisitationNormalizer::kCosine);
  EXPECT_DOUBLE_EQ(cos[0], 4 / std::sqrt(80.0));

  // Lift and PMI are scaled so that the source's best partner scores 1.
  std::vector<double> lift = run(CoVisitationNormalizer::kLift);
  EXPECT_DOUBLE_EQ(lift[0], 1.0);
  EXPECT_DOUBLE_EQ(lift[1], (2.0 / 400) / (4.0 / 80));
  std::vector<double> pmi = run(CoVisitationNormalizer::kPmi);
  EXPECT_DOUBLE_EQ(pmi[0], 1.0);
  EXPECT_DOUBLE_EQ(pmi[1], std::log(2.0 * 1000 / 400) / std::log(4.0 * 1000 / 80));
}

TEST(CoVisitationNormalizerTest, ClampedAndSafeOnEdgeCases) {
  // A pair counted more often than the rarer article was clicked (a, b, a in one session).
  const std::vector<PartnerCounts> partners = {{3, 2}};
  EXPECT_EQ(NormalizeCoVisitation(CoVisitationNormalizer::kJaccard, 2, 0, partners)[0], 1.0);
  EXPECT_EQ(NormalizeCoVisitation(CoVisitationNormalizer::kConditional, 2, 0, partners)[0], 1.0);
  EXPECT_EQ(NormalizeCoVisitation(CoVisitationNormalizer::kCosine, 2, 0, partners)[0], 1.0);
  // No clicks at all, or a negative PMI: zero, never NaN.
  EXPECT_EQ(NormalizeCoVisitation(CoVisitationNormalizer::kJaccard, 0, 0, partners)[0], 0.0);
  const std::vector<PartnerCounts> unlikely = {{1, 100}};
  EXPECT_EQ(NormalizeCoVisitation(CoVisitationNormalizer::kPmi, 100, 200, unlikely)[0], 0.0);
  EXPECT_TRUE(NormalizeCoVisitation(CoVisitationNormalizer::kLift, 5, 0, {}).empty());
}

TEST(CoVisitationNormalizerTest, ParsesNames) {
  EXPECT_EQ(ParseCoVisitationNormalizer("conditional"), CoVisitationNormalizer::kConditional);
  EXPECT_EQ(ParseCoVisitationNormalizer("pmi"), CoVisitationNormalizer::kPmi);
  EXPECT_FALSE(ParseCoVisitationNormalizer("Jaccard").has_value());
}

}  // namespace
}  // namespace headliner
