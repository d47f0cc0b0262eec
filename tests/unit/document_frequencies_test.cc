#include "encode/document_frequencies.h"

#include <vector>

#include "gtest/gtest.h"

namespace headliner {
namespace {

TEST(DocumentFrequenciesTest, AddAndRemoveDocuments) {
  DocumentFrequencies df(16);
  const std::vector<uint32_t> a = {1, 2}, b = {2, 3};
  df.AddDocument(a);
  df.AddDocument(b);
  EXPECT_EQ(df.documents(), 2u);
  EXPECT_EQ(df.Count(2), 2u);
  df.RemoveDocument(a);
  EXPECT_EQ(df.documents(), 1u);
  EXPECT_EQ(df.Count(1), 0u);
  EXPECT_EQ(df.Count(2), 1u);
}

// Regression: removing "no previous document" once decremented the document count, which made
// IDF negative for every common feature.
TEST(DocumentFrequenciesTest, IdfIsAtLeastOneAndRareIsHigher) {
  DocumentFrequencies df(16);
  for (int i = 0; i < 10; ++i) {
    std::vector<uint32_t> common = {1};
    df.AddDocument(common);
  }
  std::vector<uint32_t> rare = {1, 2};
  df.AddDocument(rare);
  EXPECT_GE(df.Idf(1), 1.0);
  EXPECT_GT(df.Idf(2), df.Idf(1));
  EXPECT_GT(df.Idf(3), df.Idf(2));
}

TEST(DocumentFrequenciesTest, RemoveNeverUnderflows) {
  DocumentFrequencies df(16);
  std::vector<uint32_t> a = {5};
  df.RemoveDocument(a);
  EXPECT_EQ(df.documents(), 0u);
  EXPECT_EQ(df.Count(5), 0u);
}

}  // namespace
}  // namespace headliner
