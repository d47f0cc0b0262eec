// The built-in content encoder: headline (and tags) -> L2-normalised dense vector, with no model
// files. See docs/architecture.md, "Content embedding".
#ifndef HEADLINER_ENCODE_TEXT_ENCODER_H_
#define HEADLINER_ENCODE_TEXT_ENCODER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "encode/document_frequencies.h"
#include "encode/encoder_config.h"

namespace headliner {

// One hashed feature of a text and its term frequency in that text.
struct TextFeature {
  uint32_t bucket;
  float weight;  // Sublinear term frequency times the feature kind's weight.
};

// Stateless and thread-safe; all state that changes (document frequencies) is passed in.
//
// Features: words, and character 4-grams of each word padded with spaces
// (so "pakistan" and "pakistani" share most of their grams). Each is hashed into one of
// `feature_buckets` buckets and weighted by TF-IDF. The sparse TF-IDF vector is then projected
// to `dimension` dense coordinates by signed feature hashing (each bucket adds +-w to two
// coordinates chosen by a fixed-seed hash), which preserves inner products in expectation, and
// L2-normalised so that inner product is cosine similarity.
class TextEncoder {
 public:
  explicit TextEncoder(const EncoderConfig& config);

  // The features of `text`, one entry per distinct bucket, sorted by bucket.
  std::vector<TextFeature> Features(std::string_view text) const;

  // Distinct buckets of `text`: what its document-frequency bookkeeping adds or removes.
  std::vector<uint32_t> Buckets(std::string_view text) const;

  // The embedding of `text` under the given document frequencies. A text with no features (only
  // punctuation or stop words) gives the zero vector.
  std::vector<float> Encode(std::string_view text, const DocumentFrequencies& df) const;
  // The same from features already computed with Features().
  std::vector<float> Encode(const std::vector<TextFeature>& features,
                            const DocumentFrequencies& df) const;

  int dimension() const { return dimension_; }

 private:
  int dimension_;
  uint32_t bucket_mask_;
};

// Concatenates the parts of an article the encoder reads: headline, then tags.
std::string EncoderInput(std::string_view headline, const std::vector<std::string>& tags);

}  // namespace headliner

#endif  // HEADLINER_ENCODE_TEXT_ENCODER_H_
