#include "ingest/content_projection.h"

#include <cmath>
#include <random>

#include "cosine.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

using testing::Cosine;

std::vector<float> RandomUnit(std::mt19937& rng, size_t d) {
  std::normal_distribution<float> normal;
  std::vector<float> v(d);
  double norm = 0;
  for (float& x : v) {
    x = normal(rng);
    norm += double{x} * x;
  }
  for (float& x : v) x = static_cast<float>(x / std::sqrt(norm));
  return v;
}

TEST(ContentProjectionTest, SameDimensionIsTheIdentity) {
  const ContentProjection identity(8, 8);
  const std::vector<float> v = {1, -2, 3, 0, 0.5f, 6, 7, -8};
  EXPECT_EQ(identity.Project(v), v);
}

// Every instance (every process, every replay) projects a vector to the same bits.
TEST(ContentProjectionTest, FixedAcrossInstances) {
  std::mt19937 rng(1);
  const std::vector<float> v = RandomUnit(rng, 384);
  const std::vector<float> a = ContentProjection(384, 64).Project(v);
  ASSERT_EQ(a.size(), 64u);
  EXPECT_EQ(ContentProjection(384, 64).Project(v), a);
  // Not degenerate: the projection of a unit vector keeps about its length.
  double norm = 0;
  for (float x : a) norm += double{x} * x;
  EXPECT_NEAR(std::sqrt(norm), 1.0, 0.35);
}

// What the projection is for: vectors close in content stay closer after it than unrelated ones.
TEST(ContentProjectionTest, KeepsNeighboursApart) {
  std::mt19937 rng(2);
  const ContentProjection projection(384, 64);
  int kept = 0;
  double max_error = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const std::vector<float> a = RandomUnit(rng, 384);
    const std::vector<float> noise = RandomUnit(rng, 384);
    std::vector<float> near(384);  // cosine about 0.8 with a
    for (size_t i = 0; i < near.size(); ++i) near[i] = a[i] + 0.75f * noise[i];
    const std::vector<float> far = RandomUnit(rng, 384);  // cosine about 0
    const double before = Cosine(a, near);
    const double after = Cosine(projection.Project(a), projection.Project(near));
    max_error = std::max(max_error, std::abs(after - before));
    if (after > Cosine(projection.Project(a), projection.Project(far))) ++kept;
  }
  EXPECT_EQ(kept, 200);
  EXPECT_LT(max_error, 0.3);
}

}  // namespace
}  // namespace headliner
