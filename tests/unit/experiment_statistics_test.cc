#include "experiment/experiment_statistics.h"

#include <cmath>

#include "gtest/gtest.h"

namespace headliner {
namespace {

// Sums of two simulated variants (400 and 420 units, 1-6 impressions each, CTR 0.10 and 0.13).
// The expected figures were computed from the per-unit rows themselves (not these sums) with the
// textbook formulas, in Python:
//   delta method  var = (s_c^2/m_i^2 - 2 m_c s_ic/m_i^3 + m_c^2 s_i^2/m_i^4) / n
//   p             erfc(|d| / sqrt(2 V)),  lift CI  r -1 +- 1.96 r sqrt(Vt/t^2 + Vc/c^2)
//   mSPRT         min(1, 1/Lambda), tau = 0.1 * control CTR
const VariantTotals kControl{400, 1360, 125, 5786, 159, 524};
const VariantTotals kTreatment{420, 1465, 182, 6329, 248, 776};

TEST(ExperimentStatisticsTest, ClickThroughRateWithDeltaMethodVarianceOverUnits) {
  const RatioEstimate c = ClickThroughRate(kControl);
  EXPECT_NEAR(c.value, 0.0919117647, 1e-9);
  EXPECT_NEAR(std::sqrt(c.variance), 0.0077758829, 1e-9);
  const RatioEstimate t = ClickThroughRate(kTreatment);
  EXPECT_NEAR(t.value, 0.1242320819, 1e-9);
  EXPECT_NEAR(std::sqrt(t.variance), 0.0084497283, 1e-9);
  EXPECT_EQ(ClickThroughRate(VariantTotals{1, 3, 1, 9, 1, 3}).variance, 0);  // one unit
  EXPECT_EQ(ClickThroughRate(VariantTotals{}).value, 0);
}

TEST(ExperimentStatisticsTest, TreatmentAgainstControl) {
  const ExperimentReadout r = ReadOutExperiment(
      "exp", {{"control", false, 0.5, kControl}, {"treatment", false, 0.5, kTreatment}}, 0);
  ASSERT_EQ(r.variants.size(), 2u);
  EXPECT_TRUE(r.variants[0].control);
  EXPECT_FALSE(r.variants[0].compared);
  const VariantReadout& t = r.variants[1];
  ASSERT_TRUE(t.compared);
  EXPECT_NEAR(t.p_value, 0.004883929003404422, 1e-9);
  EXPECT_NEAR(t.lift, 0.35164505119453904, 1e-9);
  EXPECT_NEAR(t.lift_low, 0.06407141835328539, 1e-9);
  EXPECT_NEAR(t.lift_high, 0.6392186840357927, 1e-9);
  EXPECT_NEAR(t.always_valid_p_value, 0.27276259196266894, 1e-9);
  EXPECT_NEAR(t.ctr_low, 0.1242320819 - 1.959963984540054 * 0.0084497283, 1e-8);
  // 400 against 420 units of a 50/50 split: chi-square 0.488, p 0.485: no mismatch.
  EXPECT_NEAR(r.srm_p_value, 0.4849081354502283, 1e-9);
  EXPECT_FALSE(r.srm_warning);
}

TEST(ExperimentStatisticsTest, ASampleRatioMismatchIsFlagged) {
  VariantTotals few = kTreatment;
  few.units = 300;  // 400 against 300 of a 50/50 split: p ~ 1.6e-4
  const ExperimentReadout r =
      ReadOutExperiment("exp", {{"c", false, 0.5, kControl}, {"t", false, 0.5, few}}, 0);
  EXPECT_LT(r.srm_p_value, 0.001);
  EXPECT_TRUE(r.srm_warning);
}

TEST(ExperimentStatisticsTest, InterleavingPreferenceCountsTiesAsHalf) {
  InterleavingTotals t;
  t.impressions_with_clicks = 20;
  t.wins_a = 1;
  t.wins_b = 9;
  t.ties = 10;
  const InterleavingReadout r = ReadOutInterleaving("served", "content", t);
  EXPECT_DOUBLE_EQ(r.preference_b, (9 + 5) / 20.0 - 0.5);
  EXPECT_NEAR(r.p_value, 0.021484375, 1e-12);  // the sign test leaves the ties out
  EXPECT_EQ(ReadOutInterleaving("a", "b", {}).p_value, 1);
}

TEST(ExperimentStatisticsTest, SignTestMatchesTheExactBinomial) {
  // scipy.stats.binomtest(k, n, 0.5).pvalue
  EXPECT_NEAR(SignTestPValue(9, 1), 0.021484375, 1e-12);
  EXPECT_NEAR(SignTestPValue(1, 9), 0.021484375, 1e-12);
  EXPECT_NEAR(SignTestPValue(60, 40), 0.056887933640960, 1e-9);
  EXPECT_DOUBLE_EQ(SignTestPValue(5, 5), 1.0);
  EXPECT_DOUBLE_EQ(SignTestPValue(0, 0), 1.0);
  EXPECT_LT(SignTestPValue(5300, 4700), 1e-8);
}

TEST(ExperimentStatisticsTest, ChiSquareTailMatchesClosedForms) {
  EXPECT_NEAR(ChiSquareUpperTail(0.4878048780487805, 1), 0.4849081354502283, 1e-12);
  EXPECT_NEAR(ChiSquareUpperTail(5.0, 2), 0.0820849986238988, 1e-12);
  EXPECT_NEAR(ChiSquareUpperTail(5.0, 3), 0.17179714429673315, 1e-12);
  EXPECT_NEAR(ChiSquareUpperTail(40.0, 3), 1.0655e-08, 1e-11);
  EXPECT_EQ(ChiSquareUpperTail(0, 4), 1);
}

}  // namespace
}  // namespace headliner
