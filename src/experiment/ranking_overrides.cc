#include "experiment/ranking_overrides.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/option_table.h"
#include "common/status_macros.h"

namespace headliner {
namespace {

// The ranking keys a variant may set: those that change how one request is ranked. The others
// size caches or steer background threads, which are one per process.
constexpr absl::string_view kPerRequestKeys[] = {
    "content_weight",          "behaviour_weight",   "covisitation_weight",
    "freshness_weight",        "popularity_weight",  "freshness_half_life",
    "covisitation_normalizer", "mmr_lambda",         "near_duplicate_threshold",
    "candidate_pool",          "popular_candidates", "popular_max_age"};

}  // namespace

absl::StatusOr<RankingConfig> ApplyRankingOverrides(
    const RankingConfig& base, const std::map<std::string, std::string>& overrides) {
  RankingConfig out = base;
  OptionTable table;
  DeclareRankingOptions(out, table);
  for (const auto& [key, value] : overrides) {
    const Option* option = table.Find(absl::StrCat("ranking.", key));
    if (option == nullptr || option->value == nullptr) {
      return absl::InvalidArgumentError("not a key of the ranking section");
    }
    if (std::find(std::begin(kPerRequestKeys), std::end(kPerRequestKeys), key) ==
        std::end(kPerRequestKeys)) {
      return absl::InvalidArgumentError(
          "a process setting (caches, background work), which a variant cannot change");
    }
    RETURN_IF_ERROR(option->value->Parse(value));
  }
  RETURN_IF_ERROR(table.Validate());
  return out;
}

}  // namespace headliner
