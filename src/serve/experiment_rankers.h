// The rankers of one experiments config over one engine: for each combination of variants a
// reader can be in (one per layer at most), a Ranker with the service's ranking plus those
// variants' overrides. Built once per config and engine (a reload or a reopened engine builds a
// new set) and then read-only: requests pick their ranker without a lock.
//
// A combination without overrides ranks with the engine's served ranker. Variants share the
// served ranker's candidate lists when they build the same lists (Engine::MakeRanker).
//
// Thread-safe: const after Build.
#ifndef HEADLINER_SERVE_EXPERIMENT_RANKERS_H_
#define HEADLINER_SERVE_EXPERIMENT_RANKERS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/engine.h"
#include "experiment/experiment_assigner.h"
#include "experiment/experiment_config.h"
#include "rank/ranker.h"

namespace headliner {

// How one request is ranked.
struct RankingChoice {
  const Ranker* ranker = nullptr;
  // A reader in an interleaving experiment: `ranker` ranks team A's list (the control's), this
  // team B's, and the response interleaves them. Null otherwise.
  const Ranker* team_b_ranker = nullptr;
  std::vector<ExperimentAssignment> assignments;  // empty: in no experiment
  bool forced = false;                            // a QA request's forced variant: no exposure
};

class ExperimentRankers {
 public:
  // `engine` must stay alive while the result is used; the result keeps `config` alive.
  static absl::StatusOr<std::unique_ptr<const ExperimentRankers>> Build(
      std::shared_ptr<const ExperimentsConfig> config, const std::shared_ptr<const Engine>& engine);

  // The ranking of a reader: their assignments, or with a non-empty `force_variant`
  // ("experiment:variant", allowed by the config) that variant alone ("experiment:interleaved":
  // an interleaving experiment's mixed lists). INVALID_ARGUMENT for a
  // forced variant that is not allowed or does not exist.
  absl::StatusOr<RankingChoice> Choose(absl::string_view user_id, absl::string_view session_id,
                                       absl::string_view force_variant) const;

  const std::shared_ptr<const ExperimentsConfig>& config() const { return config_; }
  // Whether this set was built for `engine` (compares owners; never dereferences).
  bool BuiltFor(const std::shared_ptr<const Engine>& engine) const {
    return !engine_.owner_before(engine) && !engine.owner_before(engine_);
  }

 private:
  ExperimentRankers(std::shared_ptr<const ExperimentsConfig> config,
                    const std::shared_ptr<const Engine>& engine)
      : config_(std::move(config)), assigner_(*config_), engine_(engine) {}

  // The index into rankers_ of a set of assignments (one per layer at most): mixed radix over
  // the layers, each digit 0 for none or 1 + the variant's position among the layer's variants.
  size_t ComboIndex(const std::vector<ExperimentAssignment>& assignments) const;

  const std::shared_ptr<const ExperimentsConfig> config_;
  const ExperimentAssigner assigner_;  // refers to *config_
  const std::weak_ptr<const Engine> engine_;
  std::vector<size_t> radix_;  // per layer: 1 + its variants
  // Per layer and experiment: the digit of its first variant.
  std::vector<std::vector<size_t>> first_digit_;
  std::vector<std::unique_ptr<Ranker>> owned_;
  std::vector<const Ranker*> rankers_;  // per combination
};

}  // namespace headliner

#endif  // HEADLINER_SERVE_EXPERIMENT_RANKERS_H_
