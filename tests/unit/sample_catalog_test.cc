#include "sample/sample_catalog.h"

#include <set>

#include "gtest/gtest.h"

namespace headliner {
namespace {

TEST(SampleCatalogTest, DeterministicSizedAndGroupedIntoStories) {
  SampleCatalogOptions options;
  options.articles = 500;
  auto a = GenerateSampleCatalog(options);
  auto b = GenerateSampleCatalog(options);
  ASSERT_EQ(a.size(), 500u);
  std::set<std::string> ids, stories, sections;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].article.headline(), b[i].article.headline());
    ids.insert(a[i].article.id());
    stories.insert(a[i].story);
    sections.insert(a[i].article.section());
    EXPECT_LE(absl::FromUnixSeconds(a[i].article.published_at().seconds()), options.newest);
  }
  EXPECT_EQ(ids.size(), 500u);
  EXPECT_GT(stories.size(), 40u);
  EXPECT_GE(sections.size(), 5u);
}

}  // namespace
}  // namespace headliner
