// Options of the built-in text encoder (src/encode): the "encoder" section of the config.
#ifndef HEADLINER_ENCODE_ENCODER_CONFIG_H_
#define HEADLINER_ENCODE_ENCODER_CONFIG_H_

#include "common/option_table.h"

namespace headliner {

struct EncoderConfig {
  // Dimension of every article vector, built-in or carried by events.
  int dimension = 256;
  // Hash buckets for word and character n-gram features (document frequencies are kept per
  // bucket). A power of two.
  int feature_buckets = 1 << 20;
};

// Declares the keys of `config` under "encoder".
void DeclareEncoderOptions(EncoderConfig& config, OptionTable& table);

}  // namespace headliner

#endif  // HEADLINER_ENCODE_ENCODER_CONFIG_H_
