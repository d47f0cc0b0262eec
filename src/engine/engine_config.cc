#include "engine/engine_config.h"

#include <algorithm>

namespace headliner {

int BehaviourDimension(const EngineConfig& config) {
  const int content = config.encoder.vector_dimension();
  return config.behaviour.dimension > 0 ? std::min(config.behaviour.dimension, content) : content;
}

void DeclareEngineOptions(EngineConfig& c, OptionTable& table) {
  DeclareStorageOptions(c.storage, table);
  DeclareEncoderOptions(c.encoder, table);
  DeclareIndexOptions(c.index, table);
  DeclareRankingOptions(c.ranking, table);
  DeclareValidationOptions(c.validation, table);
  DeclareApplyOptions(c.apply, table);
  DeclareClicksOptions(c.clicks, table);
  DeclareCoVisitationOptions(c.covisitation, table);
  DeclareBehaviourOptions(c.behaviour, table);
  DeclareExperimentOptions(c.experiments, table);
}

absl::Status ValidateEngineConfig(const EngineConfig& config) {
  EngineConfig copy = config;  // the table binds mutable fields; validation reads only
  OptionTable table;
  DeclareEngineOptions(copy, table);
  return table.Validate();
}

}  // namespace headliner
