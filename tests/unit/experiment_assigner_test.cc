#include "experiment/experiment_assigner.h"

#include <array>
#include <string>

#include "experiment/growthbook_hash.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

constexpr char kConfig[] = R"(
layers:
  - name: blend
    experiments:
      - key: three-way
        unit: session
        range: [0, 0.5]
        control: a
        variants:
          - {name: a, weight: 0.2}
          - {name: b, weight: 0.3, ranking: {behaviour_weight: 2}}
          - {name: c, weight: 0.5, ranking: {behaviour_weight: 3}}
      - key: other-half
        unit: session
        range: [0.5, 1]
        control: a
        variants:
          - {name: a, weight: 0.5}
          - {name: b, weight: 0.5, ranking: {content_weight: 1}}
  - name: diversity
    experiments:
      - key: mmr
        unit: session
        control: a
        variants:
          - {name: a, weight: 0.5}
          - {name: b, weight: 0.5, ranking: {mmr_lambda: 0.8}}
  - name: logged-in
    experiments:
      - key: users-only
        unit: user
        coverage: 0.4
        control: a
        variants:
          - {name: a, weight: 0.5}
          - {name: b, weight: 0.5, ranking: {freshness_weight: 0.2}}
)";

class ExperimentAssignerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<ExperimentsConfig> c = ParseExperimentsConfig(kConfig, "x.yaml", {});
    ASSERT_TRUE(c.ok()) << c.status();
    config_ = *std::move(c);
  }
  ExperimentsConfig config_;
};

// Pearson's chi-square of `observed` against `expected` counts.
template <size_t N>
double ChiSquare(const std::array<double, N>& observed, const std::array<double, N>& expected) {
  double x = 0;
  for (size_t i = 0; i < N; ++i)
    x += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  return x;
}

TEST_F(ExperimentAssignerTest, AHundredThousandReadersSplitAsConfigured) {
  const ExperimentAssigner assigner(config_);
  constexpr int kReaders = 100000;
  std::array<double, 3> three_way{};
  double in_first = 0, in_second = 0;
  for (int i = 0; i < kReaders; ++i) {
    for (const ExperimentAssignment& a : assigner.Assign("", "session-" + std::to_string(i))) {
      if (a.experiment->key == "three-way") {
        ++in_first;
        ++three_way[a.variant];
      }
      if (a.experiment->key == "other-half") ++in_second;
    }
  }
  // Every session is in one of the blend layer's two experiments, about half in each.
  EXPECT_EQ(in_first + in_second, kReaders);
  EXPECT_LT(ChiSquare<2>({in_first, in_second}, {kReaders / 2.0, kReaders / 2.0}), 10.83);
  // Within the first, 20/30/50: chi-square with 2 degrees of freedom, p > 0.001 below 13.82.
  EXPECT_LT(ChiSquare<3>(three_way, {0.2 * in_first, 0.3 * in_first, 0.5 * in_first}), 13.82)
      << three_way[0] << " " << three_way[1] << " " << three_way[2];
}

TEST_F(ExperimentAssignerTest, AssignmentsInTwoLayersAreIndependent) {
  const ExperimentAssigner assigner(config_);
  // 2x2 table of (variant in other-half, variant in mmr) over the sessions in both.
  std::array<double, 4> table{};
  for (int i = 0; i < 100000; ++i) {
    int blend = -1, mmr = -1;
    for (const ExperimentAssignment& a : assigner.Assign("", "s" + std::to_string(i))) {
      if (a.experiment->key == "other-half") blend = a.variant;
      if (a.experiment->key == "mmr") mmr = a.variant;
    }
    if (blend >= 0 && mmr >= 0) ++table[2 * blend + mmr];
  }
  const double n = table[0] + table[1] + table[2] + table[3];
  const double row0 = table[0] + table[1], col0 = table[0] + table[2];
  const std::array<double, 4> expected = {row0 * col0 / n, row0 * (n - col0) / n,
                                          (n - row0) * col0 / n, (n - row0) * (n - col0) / n};
  // One degree of freedom: independence is not rejected at p = 0.001 below 10.83.
  EXPECT_LT(ChiSquare<4>(table, expected), 10.83);
}

TEST_F(ExperimentAssignerTest, TheSameReaderGetsTheSameVariantsFromAFreshAssigner) {
  const ExperimentAssigner first(config_);
  absl::StatusOr<ExperimentsConfig> reloaded = ParseExperimentsConfig(kConfig, "x.yaml", {});
  ASSERT_TRUE(reloaded.ok());
  const ExperimentAssigner second(*reloaded);
  for (int i = 0; i < 1000; ++i) {
    const std::string user = "u" + std::to_string(i), session = "s" + std::to_string(i);
    const auto a = first.Assign(user, session), b = second.Assign(user, session);
    ASSERT_EQ(a.size(), b.size());
    for (size_t j = 0; j < a.size(); ++j) {
      EXPECT_EQ(a[j].experiment->key, b[j].experiment->key);
      EXPECT_EQ(a[j].variant, b[j].variant);
    }
  }
}

TEST_F(ExperimentAssignerTest, WithoutTheUnitIdOrOnceStoppedNobodyIsAssigned) {
  const ExperimentAssigner assigner(config_);
  int users = 0;
  for (int i = 0; i < 10000; ++i) {
    for (const ExperimentAssignment& a : assigner.Assign("", "s" + std::to_string(i))) {
      EXPECT_NE(a.experiment->key, "users-only");  // no user id: not in the user experiment
    }
    for (const ExperimentAssignment& a : assigner.Assign("u" + std::to_string(i), "")) {
      EXPECT_EQ(a.experiment->key, "users-only");  // no session id: only the user experiment
      ++users;
    }
  }
  EXPECT_NEAR(users / 10000.0, 0.4, 0.03);  // its coverage
  for (ExperimentLayer& layer : config_.layers) {
    for (Experiment& e : layer.experiments) e.running = false;
  }
  const ExperimentAssigner stopped(config_);
  EXPECT_TRUE(stopped.Assign("u1", "s1").empty());
}

TEST(ExperimentAssignerInterleavingTest, ReadersInCoverageGetBothVariantsInterleaved) {
  absl::StatusOr<ExperimentsConfig> c = ParseExperimentsConfig(R"(
layers:
  - name: order
    experiments:
      - key: mix
        type: interleave
        unit: session
        coverage: 0.3
        control: b
        variants:
          - {name: a, ranking: {mmr_lambda: 0.8}}
          - name: b
)",
                                                               "x.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status();
  const ExperimentAssigner assigner(*c);
  int in = 0;
  for (int i = 0; i < 10000; ++i) {
    const std::string session = "s" + std::to_string(i);
    const std::vector<ExperimentAssignment> got = assigner.Assign("", session);
    // GrowthBook's coverage check: the hash of the seed and the id below the coverage.
    const bool expected = GrowthBookHash("mix", session, 2) < 0.3;
    ASSERT_EQ(got.size(), expected ? 1u : 0u) << session;
    if (got.empty()) continue;
    ++in;
    EXPECT_TRUE(got[0].interleaved);
    EXPECT_EQ(got[0].variant, 1);  // the control is team A
    EXPECT_EQ(got[0].VariantName(), "interleaved");
  }
  EXPECT_NEAR(in / 10000.0, 0.3, 0.02);
}

}  // namespace
}  // namespace headliner
