#include "sample/sample_catalog.h"

#include <algorithm>
#include <map>
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
  std::set<std::string> ids, stories, sections, languages;
  std::map<std::string, std::string> story_language;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].article.headline(), b[i].article.headline());
    ids.insert(a[i].article.id());
    stories.insert(a[i].story);
    sections.insert(a[i].article.section());
    languages.insert(a[i].article.language());
    // One story, one edition: its headlines share a language.
    auto [it, added] = story_language.emplace(a[i].story, a[i].article.language());
    EXPECT_EQ(it->second, a[i].article.language()) << a[i].story;
    EXPECT_LE(absl::FromUnixSeconds(a[i].article.published_at().seconds()), options.newest);
  }
  EXPECT_EQ(ids.size(), 500u);
  EXPECT_GT(stories.size(), 40u);
  EXPECT_GE(sections.size(), 5u);
  EXPECT_GE(languages.size(), 2u);
}

TEST(SampleCatalogTest, EditionsInSeveralLanguagesOverTheWholeSpan) {
  SampleCatalogOptions options;
  options.articles = 5000;
  options.span = absl::Hours(7 * 24);
  absl::Time oldest = options.newest;
  std::map<std::string, int> languages;
  for (const SampleArticle& s : GenerateSampleCatalog(options)) {
    ++languages[s.article.language()];
    const absl::Time published = absl::FromUnixSeconds(s.article.published_at().seconds());
    EXPECT_GE(published, options.newest - options.span);
    oldest = std::min(oldest, published);
  }
  EXPECT_LT(oldest, options.newest - absl::Hours(6 * 24));
  ASSERT_EQ(languages.size(), 4u);
  EXPECT_GT(languages["en"], 5000 / 2);
  for (const char* other : {"es", "de", "fr"}) EXPECT_GT(languages[other], 5000 / 20) << other;
}

}  // namespace
}  // namespace headliner
