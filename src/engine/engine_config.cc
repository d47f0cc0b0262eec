#include "engine/engine_config.h"

#include "absl/strings/str_cat.h"

namespace headliner {

int BehaviourDimension(const EngineConfig& config) {
  return config.behaviour.dimension > 0 ? config.behaviour.dimension
                                        : config.encoder.vector_dimension();
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
  table.Rule([&c]() -> absl::Status {
    // More dimensions than the content vectors they start from would only cost.
    const int content = c.encoder.vector_dimension();
    if (c.behaviour.dimension == 0 ||
        (c.behaviour.dimension >= 8 && c.behaviour.dimension <= content)) {
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "behaviour.dimension (", c.behaviour.dimension,
        ") must be 0 (the encoder's) or from 8 to the encoder's dimension (", content, ")"));
  });
}

absl::Status ValidateEngineConfig(const EngineConfig& config) {
  EngineConfig copy = config;  // the table binds mutable fields; validation reads only
  OptionTable table;
  DeclareEngineOptions(copy, table);
  return table.Validate();
}

}  // namespace headliner
