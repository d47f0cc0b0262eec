// Which variant of which experiment a reader gets, from an ExperimentsConfig: per layer, the
// experiment whose range of the layer holds the reader (GrowthBook namespace hash with the
// layer's salt), then the variant whose bucket holds the reader (GrowthBook hash v2 with the
// experiment's seed). A request without the experiment's unit id (no user id for a user-unit
// experiment) is not in it: it gets the service's ranking and is no exposure. Stopped experiments
// assign nobody.
//
// Thread-safe: const after construction; the config it refers to must outlive it.
#ifndef HEADLINER_EXPERIMENT_EXPERIMENT_ASSIGNER_H_
#define HEADLINER_EXPERIMENT_EXPERIMENT_ASSIGNER_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "experiment/experiment_config.h"

namespace headliner {

struct ExperimentAssignment {
  const ExperimentLayer* layer = nullptr;
  const Experiment* experiment = nullptr;
  int variant = 0;  // index into experiment->variants; the control when interleaved
  // Both variants of an interleaving experiment, interleaved (team A: `variant`).
  bool interleaved = false;
  const ExperimentVariant& Variant() const { return experiment->variants[variant]; }
  // As responses, exposures and the readout name it.
  absl::string_view VariantName() const {
    return interleaved ? absl::string_view(kInterleavedVariant) : Variant().name;
  }
};

class ExperimentAssigner {
 public:
  explicit ExperimentAssigner(const ExperimentsConfig& config);

  // At most one assignment per layer, in layer order.
  std::vector<ExperimentAssignment> Assign(absl::string_view user_id,
                                           absl::string_view session_id) const;

  // The assignment of one reader to one experiment, or nullopt when the reader is not in it.
  std::optional<ExperimentAssignment> AssignTo(const ExperimentLayer& layer,
                                               const Experiment& experiment,
                                               absl::string_view unit_id) const;

 private:
  const ExperimentsConfig& config_;
  // Each experiment's bucket ranges, in layer and experiment order.
  std::vector<std::vector<std::vector<std::pair<double, double>>>> ranges_;
};

}  // namespace headliner

#endif  // HEADLINER_EXPERIMENT_EXPERIMENT_ASSIGNER_H_
