#include "encode/encoder_config.h"

namespace headliner {

void DeclareEncoderOptions(EncoderConfig& c, OptionTable& table) {
  table.In("encoder")
      .Int("dimension", c.dimension, 8, 4096)
      .Int("feature_buckets", c.feature_buckets, 1024, 1 << 26);
  table.Rule([&c] {
    const int b = c.feature_buckets;
    if ((b & (b - 1)) == 0) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("encoder.feature_buckets: must be a power of two, got ", b));
  });
}

}  // namespace headliner
