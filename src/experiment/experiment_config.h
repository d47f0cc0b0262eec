// Experiments: which readers see which ranking, read from a YAML file (a Kubernetes ConfigMap;
// deploy/experiments.yaml documents every key). Layers are independent of each other, as in
// Google's overlapping experiments: each hashes readers with its own salt, and the experiments of
// one layer take disjoint ranges of its readers, so a reader is in at most one experiment per
// layer and in experiments of several layers at once. Assignment is GrowthBook's
// (growthbook_hash.h): a layer is a GrowthBook namespace, an experiment a GrowthBook experiment.
//
//   allow_forced_variant: false       # QA may ask for a variant per request when true
//   layers:
//     - name: ranking-weights         # its salt, unless `salt` is given
//       experiments:
//         - key: more-behaviour       # also the hash seed, unless `seed` is given
//           unit: session             # or user: whose id is hashed
//           range: [0, 0.5]           # the share of the layer's readers it may take
//           coverage: 1               # of those, the share that is exposed
//           state: running            # or stopped: everyone gets the service's ranking
//           type: ab                  # or interleave: two variants (no weights), each response
//                                     # a team-draft interleaving of both (team A: the control)
//           control: control
//           variants:
//             - {name: control, weight: 0.5}
//             - name: treatment
//               weight: 0.5
//               ranking: {behaviour_weight: 2}   # keys of the service's `ranking` section
//
// A variant's ranking is the service's with its overrides; keys it does not set inherit the
// service's values. Two layers that override the same key are a config error (a reader in both
// would get one of them silently).
#ifndef HEADLINER_EXPERIMENT_EXPERIMENT_CONFIG_H_
#define HEADLINER_EXPERIMENT_EXPERIMENT_CONFIG_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "rank/ranking_config.h"

namespace headliner {

enum class ExperimentUnit { kUser, kSession };

struct ExperimentVariant {
  std::string name;
  double weight = 0;
  // ranking key (without "ranking.") -> value as written.
  std::map<std::string, std::string> overrides;
  RankingConfig ranking;  // the service's ranking with `overrides` applied
};

// The variant name of an interleaving experiment's responses, which mix both variants' lists.
inline constexpr char kInterleavedVariant[] = "interleaved";

struct Experiment {
  std::string key;
  std::string seed;  // the key unless given
  ExperimentUnit unit = ExperimentUnit::kSession;
  std::pair<double, double> range{0, 1};  // [start, end) of the layer's readers
  double coverage = 1;
  bool running = true;
  // Interleaving (two variants, no weights): every reader in the experiment gets both variants'
  // lists interleaved, the control's as team A. Interleaving experiments share one layer.
  bool interleave = false;
  int control = 0;  // index into variants
  std::vector<ExperimentVariant> variants;
};

struct ExperimentLayer {
  std::string name;
  std::string salt;  // the name unless given
  std::vector<Experiment> experiments;
};

struct ExperimentsConfig {
  bool allow_forced_variant = false;
  std::vector<ExperimentLayer> layers;
};

// Readers in variants of several layers get their overrides together: at most this many
// distinct rankings (each a Ranker in the server) may arise.
inline constexpr size_t kMaxRankingCombinations = 256;

// Parses and validates `yaml_text` against the service's ranking `base`. Errors name the source,
// the line and the key: "experiments.yaml:14: layers[0].experiments[0].variants[1].ranking.
// behaviour_weight: must be in [0, 100], got 200".
absl::StatusOr<ExperimentsConfig> ParseExperimentsConfig(const std::string& yaml_text,
                                                         const std::string& source,
                                                         const RankingConfig& base);

}  // namespace headliner

#endif  // HEADLINER_EXPERIMENT_EXPERIMENT_CONFIG_H_
