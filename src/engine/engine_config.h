// Options of the Engine: those of every layer it opens (storage, encoder, index, ranking, and the
// apply path's validation, apply, clicks, co-visitation and behaviour sections). Each layer owns
// its struct and declares its keys; this composes them.
#ifndef HEADLINER_ENGINE_ENGINE_CONFIG_H_
#define HEADLINER_ENGINE_ENGINE_CONFIG_H_

#include "absl/status/status.h"
#include "common/option_table.h"
#include "encode/encoder_config.h"
#include "experiment/experiment_options.h"
#include "index/index_config.h"
#include "ingest/ingest_config.h"
#include "rank/ranking_config.h"
#include "store/storage_config.h"

namespace headliner {

struct EngineConfig {
  StorageConfig storage;
  EncoderConfig encoder;
  IndexConfig index;
  RankingConfig ranking;
  ValidationConfig validation;
  ApplyConfig apply;
  ClicksConfig clicks;
  CoVisitationConfig covisitation;
  BehaviourConfig behaviour;
  // The experiments file (read by the server) and the token key (the apply step checks clicks'
  // and impressions' tokens with it).
  ExperimentOptions experiments;
};

// The length of the behaviour vectors: behaviour.dimension, or the content encoder's when that is
// smaller or behaviour.dimension is 0 (more dimensions than the content vectors they start from
// would only cost).
int BehaviourDimension(const EngineConfig& config);

// Declares the keys of every section of `config`.
void DeclareEngineOptions(EngineConfig& config, OptionTable& table);

// Checks every key's range; the message names the first bad key.
absl::Status ValidateEngineConfig(const EngineConfig& config);

}  // namespace headliner

#endif  // HEADLINER_ENGINE_ENGINE_CONFIG_H_
