// BERT's uncased WordPiece tokenizer, as the all-MiniLM-L6-v2 model's tokenizer.json defines it
// (Hugging Face tokenizers: BertNormalizer, BertPreTokenizer, WordPiece, the [CLS] ... [SEP]
// template, truncation at 128 tokens):
//  1. clean: drop NUL, U+FFFD and control characters (categories C*, but not \t \n \r); every
//     White_Space character becomes a space;
//  2. CJK ideographs are words of their own;
//  3. accents are stripped (NFD, then non-spacing marks dropped) and the text lowercased, one
//     code point at a time as Rust's char::to_lowercase does;
//  4. words split at whitespace, and every punctuation character (ASCII punctuation or a Unicode
//     P* category) is a word of its own;
//  5. each word becomes the longest vocabulary pieces from its start ("##" marks a piece that
//     continues a word); a word with a piece not in the vocabulary, or over 100 characters, is
//     [UNK].
// ICU does the Unicode parts (categories, White_Space, NFD, case mapping).
//
// Thread-safe: const after construction.
#ifndef HEADLINER_ENCODE_WORDPIECE_TOKENIZER_H_
#define HEADLINER_ENCODE_WORDPIECE_TOKENIZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace headliner {

class WordPieceTokenizer {
 public:
  // The vocabulary of a BERT vocab.txt: one piece per line, its id the line's number. It must hold
  // [UNK], [CLS] and [SEP].
  static absl::StatusOr<std::unique_ptr<WordPieceTokenizer>> FromVocabFile(const std::string& path);
  static absl::StatusOr<std::unique_ptr<WordPieceTokenizer>> FromVocab(
      std::vector<std::string> pieces);

  // The ids of [CLS], the pieces of `text`, [SEP]: at most `max_tokens` (the pieces cut to fit).
  std::vector<int32_t> Encode(std::string_view text, size_t max_tokens = 128) const;

  // The words of `text` after steps 1 to 4, for tests and diagnostics.
  std::vector<std::string> Words(std::string_view text) const;

  size_t vocab_size() const { return pieces_.size(); }

 private:
  explicit WordPieceTokenizer(std::vector<std::string> pieces);
  // Appends the pieces of one word (step 5).
  void AddPieces(const std::string& word, std::vector<int32_t>& ids) const;

  std::vector<std::string> pieces_;
  absl::flat_hash_map<std::string, int32_t> id_of_;
  int32_t unk_ = 0, cls_ = 0, sep_ = 0;
};

}  // namespace headliner

#endif  // HEADLINER_ENCODE_WORDPIECE_TOKENIZER_H_
