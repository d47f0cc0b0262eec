// A variant's ranking: the service's `ranking` section with some of its keys overridden. Only the
// keys that change how one request is ranked may be (weights, normaliser, diversity, candidate
// pool); keys that size caches or steer background threads are one per process.
#ifndef HEADLINER_EXPERIMENT_RANKING_OVERRIDES_H_
#define HEADLINER_EXPERIMENT_RANKING_OVERRIDES_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "rank/ranking_config.h"

namespace headliner {

// `base` with `overrides` (ranking keys without the "ranking." prefix) applied and validated.
// INVALID_ARGUMENT for an unknown key, a process setting, or a value the ranking refuses.
absl::StatusOr<RankingConfig> ApplyRankingOverrides(
    const RankingConfig& base, const std::map<std::string, std::string>& overrides);

}  // namespace headliner

#endif  // HEADLINER_EXPERIMENT_RANKING_OVERRIDES_H_
