#include "store/keys.h"

#include <cstring>

namespace headliner {

std::string EncodeU64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

std::optional<uint64_t> DecodeU64(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  return v;
}

std::string EncodeU64Pair(uint64_t first, uint64_t second) {
  return EncodeU64(first) + EncodeU64(second);
}

std::optional<std::pair<uint64_t, uint64_t>> DecodeU64Pair(std::string_view bytes) {
  if (bytes.size() != 16) return std::nullopt;
  return std::pair(*DecodeU64(bytes.substr(0, 8)), *DecodeU64(bytes.substr(8)));
}

std::string EncodeU32(uint32_t v) {
  std::string out(4, '\0');
  for (int i = 3; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

std::optional<uint32_t> DecodeU32(std::string_view bytes) {
  if (bytes.size() != 4) return std::nullopt;
  uint32_t v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  return v;
}

std::string EncodeTimeKey(int64_t micros, uint64_t dense_id) {
  return EncodeU64(static_cast<uint64_t>(micros) ^ (uint64_t{1} << 63)) + EncodeU64(dense_id);
}

bool DecodeTimeKey(std::string_view key, int64_t& micros, uint64_t& dense_id) {
  if (key.size() != 16) return false;
  micros = static_cast<int64_t>(*DecodeU64(key.substr(0, 8)) ^ (uint64_t{1} << 63));
  dense_id = *DecodeU64(key.substr(8));
  return true;
}

std::string EncodeFloats(std::span<const float> values) {
  std::string out(values.size() * sizeof(float), '\0');
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

std::optional<std::vector<float>> DecodeFloats(std::string_view bytes) {
  if (bytes.size() % sizeof(float) != 0) return std::nullopt;
  std::vector<float> out(bytes.size() / sizeof(float));
  if (!out.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

}  // namespace headliner
