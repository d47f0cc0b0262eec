// A model that turns texts into unit-length vectors, a batch at a time: what the apply step needs
// of a sentence model (minilm_encoder.h is the one the service loads; tests use small fakes).
//
// Thread safety: Encode is const and may be called from any thread.
#ifndef HEADLINER_ENCODE_SENTENCE_ENCODER_H_
#define HEADLINER_ENCODE_SENTENCE_ENCODER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace headliner {

class SentenceEncoder {
 public:
  virtual ~SentenceEncoder() = default;

  // Vectors have this many floats.
  virtual int dimension() const = 0;

  // One unit-length vector per text, in order. Encoding many texts in one call is cheaper per
  // text than one call each (one forward pass over a padded batch).
  virtual absl::StatusOr<std::vector<std::vector<float>>> Encode(
      absl::Span<const std::string> texts) const = 0;
};

}  // namespace headliner

#endif  // HEADLINER_ENCODE_SENTENCE_ENCODER_H_
