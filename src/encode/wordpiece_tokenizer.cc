#include "encode/wordpiece_tokenizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <fstream>

#include "absl/strings/str_cat.h"

namespace headliner {
namespace {

constexpr size_t kMaxWordChars = 100;
constexpr char kContinuation[] = "##";

bool IsControl(UChar32 c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  switch (u_charType(c)) {
    case U_CONTROL_CHAR:
    case U_FORMAT_CHAR:
    case U_UNASSIGNED:
    case U_PRIVATE_USE_CHAR:
    case U_SURROGATE:
      return true;
    default:
      return false;
  }
}

bool IsWhitespace(UChar32 c) { return c == '\t' || c == '\n' || c == '\r' || u_isUWhiteSpace(c); }

bool IsPunctuation(UChar32 c) {
  if (c < 0x80) return u_ispunct(c) || (c >= 0x21 && c <= 0x7e && !u_isalnum(c));
  return u_ispunct(c);  // the P* categories
}

// The CJK ideograph blocks BERT's tokenizer splits one by one.
bool IsCjk(UChar32 c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

// Steps 1 to 3: the cleaned, accent-stripped, lowercased code points.
std::vector<UChar32> Normalize(std::string_view text) {
  icu::UnicodeString cleaned;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0 || c == 0 || c == 0xFFFD || IsControl(c)) continue;  // c < 0: invalid UTF-8
    if (IsWhitespace(c)) {
      cleaned.append(static_cast<UChar32>(' '));
    } else if (IsCjk(c)) {
      cleaned.append(static_cast<UChar32>(' ')).append(c).append(static_cast<UChar32>(' '));
    } else {
      cleaned.append(c);
    }
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  const icu::UnicodeString decomposed =
      U_SUCCESS(status) ? nfd->normalize(cleaned, status) : cleaned;
  std::vector<UChar32> out;
  for (int32_t i = 0; i < decomposed.length(); i = decomposed.moveIndex32(i, 1)) {
    const UChar32 c = decomposed.char32At(i);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    // char::to_lowercase: the full mapping, which differs from the simple one only for U+0130.
    if (c == 0x130) {
      out.push_back('i');
      out.push_back(0x307);
    } else {
      out.push_back(u_tolower(c));
    }
  }
  return out;
}

void AppendUtf8(UChar32 c, std::string& out) {
  char buffer[U8_MAX_LENGTH];
  int32_t n = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buffer), n, U8_MAX_LENGTH, c, error);
  if (!error) out.append(buffer, static_cast<size_t>(n));
}

}  // namespace

absl::StatusOr<std::unique_ptr<WordPieceTokenizer>> WordPieceTokenizer::FromVocabFile(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read the vocabulary ", path));
  std::vector<std::string> pieces;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pieces.push_back(std::move(line));
  }
  return FromVocab(std::move(pieces));
}

absl::StatusOr<std::unique_ptr<WordPieceTokenizer>> WordPieceTokenizer::FromVocab(
    std::vector<std::string> pieces) {
  std::unique_ptr<WordPieceTokenizer> t(new WordPieceTokenizer(std::move(pieces)));
  for (const auto& [name, id] : {std::pair<const char*, int32_t*>{"[UNK]", &t->unk_},
                                 {"[CLS]", &t->cls_},
                                 {"[SEP]", &t->sep_}}) {
    const auto it = t->id_of_.find(name);
    if (it == t->id_of_.end()) {
      return absl::InvalidArgumentError(absl::StrCat("the vocabulary has no ", name));
    }
    *id = it->second;
  }
  return t;
}

WordPieceTokenizer::WordPieceTokenizer(std::vector<std::string> pieces)
    : pieces_(std::move(pieces)) {
  id_of_.reserve(pieces_.size());
  for (size_t i = 0; i < pieces_.size(); ++i) {
    id_of_.try_emplace(pieces_[i], static_cast<int32_t>(i));  // the first of duplicates wins
  }
}

std::vector<std::string> WordPieceTokenizer::Words(std::string_view text) const {
  std::vector<std::string> words;
  std::string word;
  auto end_word = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (const UChar32 c : Normalize(text)) {
    if (IsWhitespace(c)) {
      end_word();
    } else if (IsPunctuation(c)) {
      end_word();
      AppendUtf8(c, word);
      end_word();
    } else {
      AppendUtf8(c, word);
    }
  }
  end_word();
  return words;
}

void WordPieceTokenizer::AddPieces(const std::string& word, std::vector<int32_t>& ids) const {
  // Code point boundaries: pieces never split a character.
  std::vector<size_t> bounds;
  const auto* bytes = reinterpret_cast<const uint8_t*>(word.data());
  const int32_t length = static_cast<int32_t>(word.size());
  for (int32_t i = 0; i < length;) {
    bounds.push_back(static_cast<size_t>(i));
    U8_FWD_1(bytes, i, length);
  }
  if (bounds.size() > kMaxWordChars) {
    ids.push_back(unk_);
    return;
  }
  bounds.push_back(word.size());
  const size_t first = ids.size();
  std::string candidate;
  for (size_t start = 0; start + 1 < bounds.size();) {
    size_t end = bounds.size() - 1;
    int32_t found = -1;
    for (; end > start; --end) {
      candidate.assign(start == 0 ? "" : kContinuation);
      candidate.append(word, bounds[start], bounds[end] - bounds[start]);
      if (const auto it = id_of_.find(candidate); it != id_of_.end()) {
        found = it->second;
        break;
      }
    }
    if (found < 0) {  // no piece fits: the whole word is unknown
      ids.resize(first);
      ids.push_back(unk_);
      return;
    }
    ids.push_back(found);
    start = end;
  }
}

std::vector<int32_t> WordPieceTokenizer::Encode(std::string_view text, size_t max_tokens) const {
  std::vector<int32_t> ids = {cls_};
  for (const std::string& word : Words(text)) AddPieces(word, ids);
  if (max_tokens >= 2 && ids.size() + 1 > max_tokens) ids.resize(max_tokens - 1);
  ids.push_back(sep_);
  return ids;
}

}  // namespace headliner
