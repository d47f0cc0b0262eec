#include "experiment/experiment_config.h"

#include <fstream>
#include <sstream>
#include <string>

#include "experiment/ranking_overrides.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

using ::testing::HasSubstr;

constexpr char kTwoLayers[] = R"(
layers:
  - name: blend
    experiments:
      - key: behaviour-x2
        unit: session
        range: [0, 0.5]
        control: control
        variants:
          - {name: control, weight: 0.5}
          - name: more
            weight: 0.5
            ranking: {behaviour_weight: 2, freshness_half_life: 12h}
  - name: diversity
    salt: div-2026
    experiments:
      - key: mmr
        seed: mmr-seed
        unit: user
        coverage: 0.2
        state: stopped
        control: "off"
        variants:
          - {name: "off", weight: 0.25}
          - {name: "on", weight: 0.75, ranking: {mmr_lambda: 0.8}}
)";

std::string ErrorOf(const std::string& yaml) {
  absl::StatusOr<ExperimentsConfig> c = ParseExperimentsConfig(yaml, "experiments.yaml", {});
  return c.ok() ? "ok" : std::string(c.status().message());
}

TEST(ExperimentConfigTest, ParsesLayersExperimentsAndVariantRankings) {
  RankingConfig base;
  base.freshness_weight = 0.07;
  absl::StatusOr<ExperimentsConfig> c = ParseExperimentsConfig(kTwoLayers, "x.yaml", base);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->layers.size(), 2u);
  EXPECT_FALSE(c->allow_forced_variant);
  const Experiment& e = c->layers[0].experiments[0];
  EXPECT_EQ(c->layers[0].salt, "blend");
  EXPECT_EQ(e.seed, "behaviour-x2");
  EXPECT_EQ(e.unit, ExperimentUnit::kSession);
  EXPECT_EQ(e.range, (std::pair<double, double>(0, 0.5)));
  EXPECT_TRUE(e.running);
  EXPECT_EQ(e.control, 0);
  // Overridden keys change; the others are the service's.
  EXPECT_EQ(e.variants[1].ranking.behaviour_weight, 2);
  EXPECT_EQ(e.variants[1].ranking.freshness_half_life, absl::Hours(12));
  EXPECT_EQ(e.variants[1].ranking.freshness_weight, 0.07);
  EXPECT_EQ(e.variants[0].ranking.behaviour_weight, base.behaviour_weight);
  const Experiment& m = c->layers[1].experiments[0];
  EXPECT_EQ(c->layers[1].salt, "div-2026");
  EXPECT_EQ(m.seed, "mmr-seed");
  EXPECT_EQ(m.unit, ExperimentUnit::kUser);
  EXPECT_EQ(m.coverage, 0.2);
  EXPECT_FALSE(m.running);
  EXPECT_EQ(m.variants[1].ranking.mmr_lambda, 0.8);
}

TEST(ExperimentConfigTest, AnEmptyFileHasNoExperiments) {
  absl::StatusOr<ExperimentsConfig> c = ParseExperimentsConfig("", "x.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->layers.empty());
}

TEST(ExperimentConfigTest, TheDocumentedExampleParses) {
  std::ifstream in(std::string(HEADLINER_SOURCE_DIR) + "/deploy/k8s/base/experiments.yaml");
  ASSERT_TRUE(in) << "deploy/k8s/base/experiments.yaml";
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<ExperimentsConfig> c = ParseExperimentsConfig(text.str(), "experiments.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->layers.size(), 3u);
}

TEST(ExperimentConfigTest, ErrorsNameTheLineAndTheKey) {
  std::string yaml = kTwoLayers;
  yaml.replace(yaml.find("behaviour_weight: 2"), 19, "behaviour_weight: 200");
  EXPECT_EQ(ErrorOf(yaml),
            "experiments.yaml:13: layers[0].experiments[0].variants[1].ranking.behaviour_weight: "
            "ranking.behaviour_weight: must be in [0, 100], got 200");
}

TEST(ExperimentConfigTest, RefusesWhatWouldBeSilentlyWrong) {
  auto with = [](const std::string& from, const std::string& to) {
    std::string yaml = kTwoLayers;
    yaml.replace(yaml.find(from), from.size(), to);
    return ErrorOf(yaml);
  };
  EXPECT_THAT(with("behaviour_weight: 2", "behavior_weight: 2"),
              HasSubstr("ranking.behavior_weight: not a key of the ranking section"));
  EXPECT_THAT(with("behaviour_weight: 2", "candidate_cache_size: 2"),
              HasSubstr("a process setting"));
  EXPECT_THAT(with("mmr_lambda: 0.8", "behaviour_weight: 3"),
              HasSubstr("ranking.behaviour_weight is overridden in layer \"blend\" and in layer "
                        "\"diversity\""));
  EXPECT_THAT(with("weight: 0.75", "weight: 0.5"), HasSubstr("weights must add up to 1, got 0.75"));
  EXPECT_THAT(with("control: control", "control: treatment"),
              HasSubstr("control: \"treatment\" is not one of the variants"));
  EXPECT_THAT(with("unit: session", "unit: device"), HasSubstr("must be user or session"));
  EXPECT_THAT(with("range: [0, 0.5]", "range: [0.5, 0.2]"), HasSubstr("start must be below end"));
  EXPECT_THAT(with("coverage: 0.2", "coverage: 1.5"), HasSubstr("coverage: must be in [0, 1]"));
  EXPECT_THAT(with("state: stopped", "state: paused"), HasSubstr("must be running or stopped"));
  EXPECT_THAT(with("unit: session", "unit: session\n        type: mixed"),
              HasSubstr("type: must be ab or interleave"));
  EXPECT_THAT(with("name: more", "name: interleaved"), HasSubstr("choose another"));
  EXPECT_THAT(with("key: mmr", "key: behaviour-x2"), HasSubstr("defined twice"));
  EXPECT_THAT(with("key: mmr", "key: \"a:b\""), HasSubstr("key: must not contain"));
  EXPECT_THAT(with("name: more", "name: \"mo\\x1fre\""), HasSubstr("name: must not contain"));
  EXPECT_THAT(with("name: diversity", "name: blend"),
              HasSubstr("layer \"blend\" is defined twice"));
  EXPECT_THAT(with("        control: control", "        controll: control"),
              HasSubstr("controll: unknown key"));
  EXPECT_THAT(with("          - {name: control, weight: 0.5}\n", ""),
              HasSubstr("expected a list of at least two variants"));
  EXPECT_THAT(with("layers:", "layers: 3\nx:"), HasSubstr("x: unknown key"));
  EXPECT_THAT(ErrorOf("layers: [\n"), HasSubstr("not valid YAML"));
  EXPECT_THAT(ErrorOf("layers:\n  - name: a\n    experiments:\n      - unit: user\n"),
              HasSubstr("layers[0].experiments[0].key: missing"));
}

constexpr char kInterleaving[] = R"(
layers:
  - name: order
    experiments:
      - key: blend-vs-content
        type: interleave
        unit: session
        control: served
        variants:
          - name: served
          - name: content
            ranking: {behaviour_weight: 0, covisitation_weight: 0}
)";

TEST(ExperimentConfigTest, InterleavingExperimentsHaveTwoVariantsWithoutWeights) {
  absl::StatusOr<ExperimentsConfig> c = ParseExperimentsConfig(kInterleaving, "x.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status();
  const Experiment& e = c->layers[0].experiments[0];
  EXPECT_TRUE(e.interleave);
  EXPECT_EQ(e.control, 0);
  EXPECT_EQ(e.variants[1].ranking.behaviour_weight, 0);

  auto with = [](const std::string& from, const std::string& to) {
    std::string yaml = kInterleaving;
    yaml.replace(yaml.find(from), from.size(), to);
    return ErrorOf(yaml);
  };
  EXPECT_THAT(
      with("- name: served", "- {name: served, weight: 0.5}"),
      HasSubstr("variants[0].weight: an interleaving experiment's variants take no weight"));
  EXPECT_THAT(with("          - name: served\n", "          - name: served\n          - name: x\n"),
              HasSubstr("exactly two variants"));
  // A second layer with an interleaving experiment: a reader could be in both.
  std::string two = kInterleaving;
  two += R"(  - name: other
    experiments:
      - key: mmr-vs-none
        type: interleave
        unit: session
        control: "off"
        variants:
          - name: "off"
          - {name: "on", ranking: {mmr_lambda: 0.8}}
)";
  EXPECT_THAT(ErrorOf(two), HasSubstr("interleaving experiments share one layer"));
}

TEST(ExperimentConfigTest, ExperimentsOfALayerTakeDisjointRangesOfOneUnit) {
  const std::string layer = R"(
layers:
  - name: l
    experiments:
      - {key: a, unit: session, range: [0, 0.6], control: c, variants: [{name: c, weight: 0.5}, {name: t, weight: 0.5}]}
      - {key: b, unit: UNIT, range: [START, 1], control: c, variants: [{name: c, weight: 0.5}, {name: t, weight: 0.5}]}
)";
  auto with = [&](const std::string& unit, const std::string& start) {
    std::string yaml = layer;
    yaml.replace(yaml.find("UNIT"), 4, unit);
    yaml.replace(yaml.find("START"), 5, start);
    return ErrorOf(yaml);
  };
  EXPECT_EQ(with("session", "0.6"), "ok");
  EXPECT_THAT(with("session", "0.5"), HasSubstr("overlaps the range of \"a\" in layer \"l\""));
  EXPECT_THAT(with("user", "0.6"), HasSubstr("the experiments of a layer split one unit's ids"));
}

TEST(ExperimentConfigTest, VariantsOfTwoLayersMustRankTogether) {
  // Each variant alone leaves a source of candidates on; a reader in both would have none.
  const std::string yaml = R"(
layers:
  - name: a
    experiments:
      - {key: x, unit: session, control: c, variants: [{name: c, weight: 0.5},
         {name: t, weight: 0.5, ranking: {content_weight: 0, popularity_weight: 0}}]}
  - name: b
    experiments:
      - {key: y, unit: user, control: c, variants: [{name: c, weight: 0.5},
         {name: t, weight: 0.5, ranking: {behaviour_weight: 0, covisitation_weight: 0}}]}
)";
  EXPECT_THAT(ErrorOf(yaml), HasSubstr("layers: x:t with y:t together: ranking: at least one of"));
}

TEST(ExperimentConfigTest, OverridesMustLeaveAValidRanking) {
  RankingConfig base;
  base.content_weight = 0;
  base.covisitation_weight = 0;
  base.popularity_weight = 0;  // only behaviour_weight left
  absl::StatusOr<RankingConfig> none = ApplyRankingOverrides(base, {{"behaviour_weight", "0"}});
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("at least one of content_weight"));
  absl::StatusOr<RankingConfig> ok =
      ApplyRankingOverrides(base, {{"covisitation_normalizer", "pmi"}});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->covisitation_normalizer, CoVisitationNormalizer::kPmi);
}

}  // namespace
}  // namespace headliner
