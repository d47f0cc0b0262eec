// Options of experiments (src/experiment): the "experiments" section of the main config.
#ifndef HEADLINER_EXPERIMENT_EXPERIMENT_OPTIONS_H_
#define HEADLINER_EXPERIMENT_EXPERIMENT_OPTIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/option_table.h"

namespace headliner {

struct ExperimentOptions {
  // The experiments file (experiment_config.h; deploy/experiments.yaml). Empty: no experiments,
  // every request gets the `ranking` section and reports the config's `variant` name.
  std::string file;
  // How often the file is read again for changes (a ConfigMap update swaps a symlink).
  absl::Duration reload_interval = absl::Seconds(2);
  // The key response tokens are signed with (common/recommendation_token.h), read at start: a
  // Kubernetes Secret shared by every replica, so that a click on one replica's response is
  // attributed by all. Empty: an empty key (altered tokens are still refused, forged ones not).
  std::string token_key_file;
};

// The token key from `options.token_key_file` ("" without one).
absl::StatusOr<std::string> ReadTokenKey(const ExperimentOptions& options);

// Declares the keys of `options` under "experiments".
void DeclareExperimentOptions(ExperimentOptions& options, OptionTable& table);

}  // namespace headliner

#endif  // HEADLINER_EXPERIMENT_EXPERIMENT_OPTIONS_H_
