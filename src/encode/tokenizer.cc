#include "encode/tokenizer.h"

#include <algorithm>
#include <array>

namespace headliner {
namespace {

// Sorted, so that IsStopWord can binary-search it.
constexpr std::array<std::string_view, 92> kStopWords = {
    "a",     "about", "after", "against", "all",  "also",  "amid",  "an",   "and",   "any",
    "are",   "as",    "at",    "be",      "been", "being", "but",   "by",   "can",   "could",
    "did",   "do",    "does",  "for",     "from", "had",   "has",   "have", "he",    "her",
    "his",   "how",   "i",     "if",      "in",   "into",  "is",    "it",   "its",   "just",
    "more",  "most",  "new",   "no",      "not",  "now",   "of",    "off",  "on",    "one",
    "or",    "our",   "out",   "over",    "s",    "say",   "says",  "she",  "so",    "than",
    "that",  "the",   "their", "them",    "then", "there", "these", "they", "this",  "to",
    "too",   "up",    "us",    "vs",      "was",  "we",    "were",  "what", "when",  "where",
    "which", "while", "who",   "why",     "will", "with",  "would", "year", "years", "yet",
    "you",   "your",
};

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

bool IsStopWord(std::string_view token) {
  return std::binary_search(kStopWords.begin(), kStopWords.end(), token);
}

std::vector<std::string> Tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    std::string token;
    while (i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]))) {
      char c = text[i++];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      token.push_back(c);
    }
    // "Obama's" -> "obama": the apostrophe split leaves a lone "s", which is a stop word.
    if (!token.empty() && !IsStopWord(token)) tokens.push_back(std::move(token));
  }
  return tokens;
}

uint64_t StableHash(std::string_view bytes, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ULL ^ Mix(seed);
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return Mix(h);
}

}  // namespace headliner
