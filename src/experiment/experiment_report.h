// Assembles the readouts of experiments (experiment_statistics.h) from the config in force (the
// variants, weights and controls) and the stored per-variant sums.
#ifndef HEADLINER_EXPERIMENT_EXPERIMENT_REPORT_H_
#define HEADLINER_EXPERIMENT_EXPERIMENT_REPORT_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "experiment/experiment_config.h"
#include "experiment/experiment_statistics.h"
#include "store/experiment_store.h"

namespace headliner {

struct ExperimentReportEntry {
  std::string layer;
  bool running = false;
  bool in_config = false;
  ExperimentReadout readout;
  // Interleaving experiments: their one variant row is "interleaved" (the mixed lists).
  std::optional<InterleavingReadout> interleaving;
};

// Every experiment of `config` (in its order), then those `totals` has counts of that the config
// no longer names (in key order, variants in name order, no control). With `only` non-empty, just
// that experiment (none when it is unknown). `interleaving` holds the interleaving experiments'
// sums, by key.
std::vector<ExperimentReportEntry> ReportExperiments(
    const ExperimentsConfig& config,
    const std::map<std::pair<std::string, std::string>, VariantTotals>& totals,
    const std::map<std::string, InterleavingTotals>& interleaving, const std::string& only = "");

}  // namespace headliner

#endif  // HEADLINER_EXPERIMENT_EXPERIMENT_REPORT_H_
