// Splits headline text into normalised word tokens for the text encoder.
#ifndef HEADLINER_ENCODE_TOKENIZER_H_
#define HEADLINER_ENCODE_TOKENIZER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace headliner {

// Lower-cases ASCII letters, splits on anything that is not a letter, digit or non-ASCII byte
// (so UTF-8 words stay whole), drops a trailing possessive "'s" and English stop words.
// Deterministic and locale-independent: the same text always gives the same tokens.
std::vector<std::string> Tokenize(std::string_view text);

// True for the built-in English stop words ("the", "of", "says", ...), which carry no topic.
bool IsStopWord(std::string_view token);

// 64-bit FNV-1a followed by a SplitMix64 finaliser. Stable across processes and machines, unlike
// absl::Hash, because feature ids are persisted (document frequencies) and must not move.
uint64_t StableHash(std::string_view bytes, uint64_t seed);

}  // namespace headliner

#endif  // HEADLINER_ENCODE_TOKENIZER_H_
