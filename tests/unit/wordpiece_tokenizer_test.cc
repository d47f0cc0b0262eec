#include "encode/wordpiece_tokenizer.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "encode/model_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

using ::testing::ElementsAre;

std::unique_ptr<WordPieceTokenizer> Tiny() {
  auto t = WordPieceTokenizer::FromVocab({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "fed", "lifts",
                                          "rate", "##s", ",", "!", "cafe", "中", "国", "un",
                                          "##aff", "##able", "i"});
  EXPECT_TRUE(t.ok()) << t.status();
  return std::move(*t);
}

TEST(WordPieceTokenizerTest, WordsAreCleanedLowercasedAndSplitAtPunctuation) {
  const auto t = Tiny();
  EXPECT_THAT(t->Words("Fed lifts RATES, again!"),
              ElementsAre("fed", "lifts", "rates", ",", "again", "!"));
  EXPECT_THAT(t->Words("Café\tcrème\u00a0brûlée"), ElementsAre("cafe", "creme", "brulee"));
  EXPECT_THAT(t->Words("中国GDP"), ElementsAre("中", "国", "gdp"));
  EXPECT_THAT(t->Words(std::string("a\0b\x07"
                                   "c",
                                   5)),
              ElementsAre("abc"));
  EXPECT_THAT(t->Words("U.S.-led"), ElementsAre("u", ".", "s", ".", "-", "led"));
  EXPECT_THAT(t->Words("bad \xff utf8"), ElementsAre("bad", "utf8"));
}

TEST(WordPieceTokenizerTest, WordsBecomeTheLongestPiecesOrUnknown) {
  const auto t = Tiny();
  EXPECT_THAT(t->Encode("Fed lifts rates!"), ElementsAre(2, 4, 5, 6, 7, 9, 3));
  EXPECT_THAT(t->Encode("unaffable"), ElementsAre(2, 13, 14, 15, 3));
  EXPECT_THAT(t->Encode("unaffablex cafe"), ElementsAre(2, 1, 10, 3));  // "x" fits no piece
  EXPECT_THAT(t->Encode(std::string(101, 'i')), ElementsAre(2, 1, 3));  // over 100 characters
  EXPECT_THAT(t->Encode(""), ElementsAre(2, 3));
  EXPECT_THAT(t->Encode("cafe cafe cafe cafe", 4), ElementsAre(2, 10, 10, 3));
}

TEST(WordPieceTokenizerTest, AVocabularyWithoutTheSpecialPiecesIsRefused) {
  EXPECT_FALSE(WordPieceTokenizer::FromVocab({"[UNK]", "[CLS]", "a"}).ok());
  EXPECT_FALSE(WordPieceTokenizer::FromVocabFile("/nonexistent/vocab.txt").ok());
}

// The model's own tokenizer (Hugging Face tokenizers, tests/fixtures/minilm_tokens.py) on
// headlines with punctuation, accents, numbers, other scripts, control characters and long
// inputs: the same ids.
TEST(WordPieceTokenizerTest, MatchesTheModelsTokenizerOnTheFixture) {
  const std::string vocab = DefaultMiniLmDir() + "/vocab.txt";
  if (!std::filesystem::exists(vocab)) {
    GTEST_SKIP() << vocab << " is missing: run scripts/model (scripts/setup does)";
  }
  auto t = WordPieceTokenizer::FromVocabFile(vocab);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->vocab_size(), 30522u);
  std::ifstream in(std::string(HEADLINER_SOURCE_DIR) + "/tests/fixtures/minilm_tokens.tsv");
  ASSERT_TRUE(in);
  int cases = 0;
  for (std::string line; std::getline(in, line); ++cases) {
    const std::vector<std::string> parts = absl::StrSplit(line, '\t');
    ASSERT_EQ(parts.size(), 2u) << line;
    const std::string text = absl::HexStringToBytes(parts[0]);
    std::vector<int32_t> expected;
    for (absl::string_view id : absl::StrSplit(parts[1], ' ', absl::SkipEmpty())) {
      int32_t v = 0;
      ASSERT_TRUE(absl::SimpleAtoi(id, &v));
      expected.push_back(v);
    }
    EXPECT_EQ((*t)->Encode(text), expected) << text;
  }
  EXPECT_EQ(cases, 21);
}

}  // namespace
}  // namespace headliner
