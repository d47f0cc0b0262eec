#include "sample/click_simulator.h"

#include <map>

#include "gtest/gtest.h"
#include "sample/sample_catalog.h"

namespace headliner {
namespace {

// A seed's stream is part of the next-click harness's contract: its figures are compared across
// commits. The numbers are those of the straightforward one-pass sampler this one replaced; a
// faster sampler that consumed one more random number when every article was skipped or
// unpublished changed the harness's synthetic stream (79,656 clicks instead of 79,325).
TEST(ClickSimulatorTest, ASeedGivesTheSameStreamAsBefore) {
  const std::vector<SampleArticle> catalog = GenerateSampleCatalog(SampleCatalogOptions{});
  ClickSimulatorOptions options;
  options.sessions = 20000;
  options.seed = 7;
  absl::Time oldest = absl::InfiniteFuture(), newest = absl::InfinitePast();
  for (const SampleArticle& a : catalog) {
    const absl::Time t = absl::FromUnixSeconds(a.article.published_at().seconds());
    oldest = std::min(oldest, t);
    newest = std::max(newest, t);
  }
  options.start = oldest;  // as the harness: readers arrive while the catalog grows
  options.span = newest - oldest;
  const std::vector<v1::ClickEvent> clicks = SimulateClicks(catalog, options);
  EXPECT_EQ(clicks.size(), 79325u);
  ASSERT_FALSE(clicks.empty());
  EXPECT_EQ(clicks.front().article_id(), "sample-184");
}

TEST(ClickSimulatorTest, OnlyPublishedArticlesAreClicked) {
  SampleCatalogOptions catalog_options;
  catalog_options.articles = 2500;  // more than one block of the sampler
  const std::vector<SampleArticle> catalog = GenerateSampleCatalog(catalog_options);
  std::map<std::string, int64_t> published;
  for (const SampleArticle& a : catalog)
    published[a.article.id()] = a.article.published_at().seconds();
  ClickSimulatorOptions options;
  options.sessions = 3000;
  options.start = catalog_options.newest - absl::Hours(72);
  options.span = absl::Hours(72);
  for (const v1::ClickEvent& c : SimulateClicks(catalog, options)) {
    EXPECT_LE(published.at(c.article_id()), c.occurred_at().seconds() + 1) << c.event_id();
  }
}

}  // namespace
}  // namespace headliner
