#include "experiment/experiment_assigner.h"

#include "experiment/growthbook_hash.h"

namespace headliner {

ExperimentAssigner::ExperimentAssigner(const ExperimentsConfig& config) : config_(config) {
  for (const ExperimentLayer& layer : config_.layers) {
    auto& layer_ranges = ranges_.emplace_back();
    for (const Experiment& e : layer.experiments) {
      std::vector<double> weights;
      for (const ExperimentVariant& v : e.variants) weights.push_back(v.weight);
      if (e.interleave) weights = {1.0};  // one bucket: the coverage
      layer_ranges.push_back(GrowthBookBucketRanges(weights, e.coverage));
    }
  }
}

std::optional<ExperimentAssignment> ExperimentAssigner::AssignTo(const ExperimentLayer& layer,
                                                                 const Experiment& experiment,
                                                                 absl::string_view unit_id) const {
  if (!experiment.running || unit_id.empty()) return std::nullopt;
  if (!InGrowthBookNamespace(unit_id, layer.salt, experiment.range.first,
                             experiment.range.second)) {
    return std::nullopt;
  }
  const size_t l = static_cast<size_t>(&layer - config_.layers.data());
  const size_t e = static_cast<size_t>(&experiment - layer.experiments.data());
  const int variant =
      ChooseGrowthBookVariation(GrowthBookHash(experiment.seed, unit_id, 2), ranges_[l][e]);
  if (variant < 0) return std::nullopt;  // outside the coverage
  if (experiment.interleave)
    return ExperimentAssignment{&layer, &experiment, experiment.control, true};
  return ExperimentAssignment{&layer, &experiment, variant};
}

std::vector<ExperimentAssignment> ExperimentAssigner::Assign(absl::string_view user_id,
                                                             absl::string_view session_id) const {
  std::vector<ExperimentAssignment> out;
  for (const ExperimentLayer& layer : config_.layers) {
    for (const Experiment& e : layer.experiments) {
      const absl::string_view unit = e.unit == ExperimentUnit::kUser ? user_id : session_id;
      if (std::optional<ExperimentAssignment> a = AssignTo(layer, e, unit)) {
        out.push_back(*a);
        break;  // the layer's ranges are disjoint
      }
    }
  }
  return out;
}

}  // namespace headliner
