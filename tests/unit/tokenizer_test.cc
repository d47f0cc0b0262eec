#include "encode/tokenizer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

using ::testing::ElementsAre;

TEST(TokenizerTest, LowercasesSplitsAndDropsStopWords) {
  EXPECT_THAT(Tokenize("Japan, Pakistan agree on better industrial cooperation"),
              ElementsAre("japan", "pakistan", "agree", "better", "industrial", "cooperation"));
}

TEST(TokenizerTest, DropsPossessiveAndKeepsUtf8Words) {
  EXPECT_THAT(Tokenize("Obama's plan: Zürich vs. São Paulo"),
              ElementsAre("obama", "plan", "zürich", "são", "paulo"));
}

TEST(TokenizerTest, EmptyAndPunctuationOnly) {
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize(" -- !! ").empty());
  EXPECT_TRUE(Tokenize("the of and").empty());
}

TEST(TokenizerTest, StopWordListIsSortedForBinarySearch) {
  // Every listed word must be found; a mis-sorted list would miss some.
  for (const char* w : {"a", "about", "says", "the", "yet", "you", "your", "year", "years"}) {
    EXPECT_TRUE(IsStopWord(w)) << w;
  }
  EXPECT_FALSE(IsStopWord("ebay"));
}

TEST(TokenizerTest, StableHashIsStableAcrossRuns) {
  // Pinned values: feature ids are persisted, so the hash must never change.
  EXPECT_EQ(StableHash("ebay", 1), StableHash("ebay", 1));
  EXPECT_NE(StableHash("ebay", 1), StableHash("ebay", 2));
  EXPECT_EQ(StableHash("", 0), 0x5b21f68ffa77f14cULL);
}

}  // namespace
}  // namespace headliner
