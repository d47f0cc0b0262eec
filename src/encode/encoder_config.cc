#include "encode/encoder_config.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace headliner {
namespace {

constexpr std::pair<absl::string_view, EncoderKind> kKindNames[] = {
    {"minilm", EncoderKind::kMiniLm},
    {"hashed", EncoderKind::kHashed},
    {"external", EncoderKind::kExternal}};

constexpr int kMiniLmDimension = 384;  // MiniLmEncoder::kDimension (not linked here)
constexpr int kHashedDefaultDimension = 256;

}  // namespace

int EncoderConfig::vector_dimension() const {
  if (dimension != 0) return dimension;
  switch (kind) {
    case EncoderKind::kMiniLm:
      return kMiniLmDimension;
    case EncoderKind::kHashed:
      return kHashedDefaultDimension;
    case EncoderKind::kExternal:
      return 0;
  }
  return 0;
}

absl::string_view EncoderKindName(EncoderKind kind) {
  for (const auto& [name, k] : kKindNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<EncoderKind> ParseEncoderKind(absl::string_view name) {
  return FindByName<EncoderKind>(kKindNames, name);
}

std::string EncoderIdentity(const EncoderConfig& config) {
  return absl::StrCat(EncoderKindName(config.kind), "/", config.vector_dimension());
}

void DeclareEncoderOptions(EncoderConfig& c, OptionTable& table) {
  table.In("encoder")
      .Enum<EncoderKind>("kind", c.kind, kKindNames)
      .Env("HEADLINER_ENCODER")
      .String("model_dir", c.model_dir)
      .Env("HEADLINER_MODEL_DIR")
      .Int("dimension", c.dimension, 0, 4096)
      .Int("feature_buckets", c.feature_buckets, 1024, 1 << 26);
  table.Rule([&c] {
    const int b = c.feature_buckets;
    if ((b & (b - 1)) == 0) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("encoder.feature_buckets: must be a power of two, got ", b));
  });
  table.Rule([&c] {
    if (c.dimension != 0 && c.dimension < 8) {
      return absl::InvalidArgumentError(absl::StrCat(
          "encoder.dimension: must be 0 (the encoder's own) or at least 8, got ", c.dimension));
    }
    if (c.kind == EncoderKind::kMiniLm && c.dimension != 0 && c.dimension != kMiniLmDimension) {
      return absl::InvalidArgumentError(
          absl::StrCat("encoder.dimension: encoder.kind minilm makes ", kMiniLmDimension,
                       "-dimension vectors; leave encoder.dimension unset or set it to ",
                       kMiniLmDimension, ", got ", c.dimension));
    }
    if (c.kind == EncoderKind::kExternal && c.dimension == 0) {
      return absl::InvalidArgumentError(
          "encoder.dimension: required with encoder.kind external (the length of the articles' "
          "embedding fields)");
    }
    return absl::OkStatus();
  });
}

}  // namespace headliner
