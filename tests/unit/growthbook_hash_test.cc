#include "experiment/growthbook_hash.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace headliner {
namespace {

TEST(GrowthBookHashTest, Fnv1a32MatchesTheReferenceVectors) {
  EXPECT_EQ(Fnv1a32(""), 0x811c9dc5u);
  EXPECT_EQ(Fnv1a32("a"), 0xe40c292cu);
  EXPECT_EQ(Fnv1a32("foobar"), 0xbf9cf968u);
}

// Produced by GrowthBook's own JavaScript SDK (npm @growthbook/growthbook): for each case,
// new GrowthBook({attributes: {id}}).run({key, seed, variations, weights, coverage,
// hashVersion: 2, namespace}) and its result's inExperiment, variationId and bucket.
struct SdkCase {
  std::string id;
  std::string seed;
  std::vector<double> weights;
  double coverage;
  std::string ns;  // "" for none
  double ns_start, ns_end;
  bool in_experiment;
  int variation;
  double bucket;  // -1 when the SDK reports none (not in the namespace or the coverage)
};

TEST(GrowthBookHashTest, AssignsAsGrowthBooksSdkDoes) {
  const std::vector<SdkCase> cases = {
      {"reader-1", "ranking-weights", {0.5, 0.5}, 1, "", 0, 0, true, 0, 0.45},
      {"reader-2", "ranking-weights", {0.5, 0.5}, 1, "", 0, 0, true, 1, 0.8296},
      {"session-abc", "ranking-weights", {0.5, 0.5}, 1, "", 0, 0, true, 0, 0.4627},
      {"u42", "salt-7", {0.2, 0.3, 0.5}, 1, "", 0, 0, true, 2, 0.8121},
      {"u43", "salt-7", {0.2, 0.3, 0.5}, 0.6, "", 0, 0, false, -1, -1},
      {"u44", "salt-7", {0.2, 0.3, 0.5}, 0.6, "", 0, 0, true, 2, 0.5898},
      {"reader-1", "ranking-weights", {0.5, 0.5}, 1, "layer-a", 0, 0.5, true, 0, 0.45},
      {"reader-2", "ranking-weights", {0.5, 0.5}, 1, "layer-a", 0, 0.5, false, -1, -1},
      {"session-abc", "ranking-weights", {0.5, 0.5}, 1, "layer-a", 0.5, 1, true, 0, 0.4627},
  };
  for (const SdkCase& c : cases) {
    SCOPED_TRACE(c.id + " " + c.seed + " " + c.ns);
    const bool in_namespace =
        c.ns.empty() || InGrowthBookNamespace(c.id, c.ns, c.ns_start, c.ns_end);
    const double bucket = GrowthBookHash(c.seed, c.id, 2);
    const int variation = in_namespace ? ChooseGrowthBookVariation(
                                             bucket, GrowthBookBucketRanges(c.weights, c.coverage))
                                       : -1;
    EXPECT_EQ(variation >= 0, c.in_experiment);
    if (c.in_experiment) {
      EXPECT_EQ(variation, c.variation);
      EXPECT_DOUBLE_EQ(bucket, c.bucket);
    }
  }
}

TEST(GrowthBookHashTest, VersionOneAndUnknownVersions) {
  // Version 1 (namespaces): fnv1a32(value + seed) % 1000 / 1000.
  EXPECT_DOUBLE_EQ(GrowthBookHash("seed", "id", 1), (Fnv1a32("idseed") % 1000) / 1000.0);
  EXPECT_EQ(GrowthBookHash("seed", "id", 3), -1);
}

TEST(GrowthBookHashTest, RangesFollowTheWeightsCutToTheCoverage) {
  const std::vector<double> weights = {0.2, 0.3, 0.5};
  const auto ranges = GrowthBookBucketRanges(weights, 0.5);
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_DOUBLE_EQ(ranges[1].first, 0.2);
  EXPECT_DOUBLE_EQ(ranges[1].second, 0.35);
  EXPECT_EQ(ChooseGrowthBookVariation(0.36, ranges), -1);  // between the cut ranges
  EXPECT_EQ(ChooseGrowthBookVariation(0.5, ranges), 2);
  EXPECT_EQ(ChooseGrowthBookVariation(0.0, ranges), 0);
}

}  // namespace
}  // namespace headliner
