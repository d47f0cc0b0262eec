// Byte encodings of RocksDB keys and values. Integers in keys are big-endian so that RocksDB's
// bytewise order is numeric order.
#ifndef HEADLINER_STORE_KEYS_H_
#define HEADLINER_STORE_KEYS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace headliner {

std::string EncodeU64(uint64_t v);
std::optional<uint64_t> DecodeU64(std::string_view bytes);

// Two counters in one 16-byte value (experiment rows).
std::string EncodeU64Pair(uint64_t first, uint64_t second);
std::optional<std::pair<uint64_t, uint64_t>> DecodeU64Pair(std::string_view bytes);

std::string EncodeU32(uint32_t v);
std::optional<uint32_t> DecodeU32(std::string_view bytes);

// A signed time in microseconds, with the sign bit flipped so that earlier sorts first, followed
// by a dense id: the key of the by-time column family.
std::string EncodeTimeKey(int64_t micros, uint64_t dense_id);
// Returns false when `key` is not 16 bytes.
bool DecodeTimeKey(std::string_view key, int64_t& micros, uint64_t& dense_id);

// Embeddings are stored as raw little-endian float32 (every supported target is little-endian).
std::string EncodeFloats(std::span<const float> values);
std::optional<std::vector<float>> DecodeFloats(std::string_view bytes);

}  // namespace headliner

#endif  // HEADLINER_STORE_KEYS_H_
