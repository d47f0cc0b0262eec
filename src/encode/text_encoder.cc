#include "encode/text_encoder.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "encode/tokenizer.h"

namespace headliner {
namespace {

// Seeds separate the feature kinds so that the word "ebay" and the 4-gram " eba" never collide by
// construction, and separate bucket hashing from the projection.
constexpr uint64_t kWordSeed = 1;
constexpr uint64_t kCharGramSeed = 3;
constexpr uint64_t kProjectionSeed = 0x5eed;

// Relative weights of the feature kinds, tuned on the UCI headlines (docs/architecture.md): whole
// words carry the topic; character grams catch inflections ("pakistan", "pakistani") and spread a
// word's weight over several buckets, which makes the projection's collision noise average out.
// Word bigrams were tried and dropped: they add many rare buckets, hence noise, and no precision.
constexpr float kWordWeight = 1.0f;
constexpr float kCharGramWeight = 0.8f;
constexpr int kCharGram = 4;
// Each bucket lands on this many coordinates; two halves the variance of collisions.
constexpr int kProjectionsPerBucket = 2;

}  // namespace

namespace {

// The dimension the hashed encoder makes under `config`, whatever its kind says.
int HashedDimension(EncoderConfig config) {
  config.kind = EncoderKind::kHashed;
  return config.vector_dimension();
}

}  // namespace

TextEncoder::TextEncoder(const EncoderConfig& config)
    : dimension_(HashedDimension(config)),
      bucket_mask_(static_cast<uint32_t>(config.feature_buckets - 1)) {}

std::vector<TextFeature> TextEncoder::Features(std::string_view text) const {
  const std::vector<std::string> tokens = Tokenize(text);
  // Raw counts per bucket, each kind weighted.
  absl::flat_hash_map<uint32_t, std::pair<float, float>> counts;  // bucket -> (count, kind weight)
  auto add = [&](std::string_view s, uint64_t seed, float kind_weight) {
    auto& [count, weight] = counts[static_cast<uint32_t>(StableHash(s, seed)) & bucket_mask_];
    count += 1.0f;
    weight = std::max(weight, kind_weight);
  };
  for (size_t i = 0; i < tokens.size(); ++i) {
    add(tokens[i], kWordSeed, kWordWeight);
    const std::string padded = " " + tokens[i] + " ";
    for (size_t j = 0; j + kCharGram <= padded.size(); ++j) {
      add(std::string_view(padded).substr(j, kCharGram), kCharGramSeed, kCharGramWeight);
    }
  }
  std::vector<TextFeature> features;
  features.reserve(counts.size());
  for (const auto& [bucket, cw] : counts) {
    features.push_back({bucket, (1.0f + std::log(cw.first)) * cw.second});
  }
  std::sort(features.begin(), features.end(),
            [](const TextFeature& a, const TextFeature& b) { return a.bucket < b.bucket; });
  return features;
}

std::vector<uint32_t> TextEncoder::Buckets(std::string_view text) const {
  std::vector<uint32_t> buckets;
  for (const TextFeature& f : Features(text)) buckets.push_back(f.bucket);
  return buckets;
}

std::vector<float> TextEncoder::Encode(std::string_view text, const DocumentFrequencies& df) const {
  return Encode(Features(text), df);
}

std::vector<float> TextEncoder::Encode(const std::vector<TextFeature>& features,
                                       const DocumentFrequencies& df) const {
  std::vector<float> out(dimension_, 0.0f);
  for (const TextFeature& f : features) {
    const float w = f.weight * static_cast<float>(df.Idf(f.bucket));
    uint64_t h =
        StableHash(std::string_view(reinterpret_cast<const char*>(&f.bucket), sizeof(f.bucket)),
                   kProjectionSeed);
    for (int p = 0; p < kProjectionsPerBucket; ++p) {
      const int coordinate = static_cast<int>((h >> 1) % static_cast<uint64_t>(dimension_));
      out[coordinate] += (h & 1) ? w : -w;
      h = StableHash(std::string_view(reinterpret_cast<const char*>(&h), sizeof(h)),
                     kProjectionSeed + p + 1);
    }
  }
  double norm = 0;
  for (float v : out) norm += double{v} * v;
  if (norm > 0) {
    const float inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (float& v : out) v *= inv;
  }
  return out;
}

std::string EncoderInput(std::string_view headline, const std::vector<std::string>& tags) {
  std::string input(headline);
  for (const std::string& tag : tags) {
    input += " | ";
    input += tag;
  }
  return input;
}

}  // namespace headliner
