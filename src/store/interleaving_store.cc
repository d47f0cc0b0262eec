#include "store/interleaving_store.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "store/counter_scan.h"
#include "store/keys.h"

namespace headliner {
namespace {

constexpr char kSep = '\x1f';
constexpr char kImpressionPrefix[] = "i";
constexpr char kTotalPrefix[] = "w";

std::string ImpressionKey(const std::string& experiment, uint64_t nonce) {
  return absl::StrCat(kImpressionPrefix, experiment, std::string(1, kSep),
                      absl::Hex(nonce, absl::kZeroPad16));
}

std::string TotalKey(const std::string& experiment, absl::string_view field) {
  return absl::StrCat(kTotalPrefix, experiment, std::string(1, kSep), field);
}

constexpr std::pair<absl::string_view, uint64_t InterleavingTotals::*> kFields[] = {
    {"impressions_with_clicks", &InterleavingTotals::impressions_with_clicks},
    {"wins_a", &InterleavingTotals::wins_a},
    {"wins_b", &InterleavingTotals::wins_b},
    {"ties", &InterleavingTotals::ties},
    {"clicks_a", &InterleavingTotals::clicks_a},
    {"clicks_b", &InterleavingTotals::clicks_b}};

// The outcome field an impression with these clicks counts in; empty without clicks.
absl::string_view OutcomeOf(const TeamClicks& c) {
  if (c.a == 0 && c.b == 0) return "";
  return c.a > c.b ? "wins_a" : c.b > c.a ? "wins_b" : "ties";
}

}  // namespace

absl::StatusOr<TeamClicks> InterleavingStore::FindImpression(const std::string& experiment,
                                                             uint64_t nonce,
                                                             StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::optional<std::string> value, ReadThrough(db_, pending, Column::kExperiments,
                                                                 ImpressionKey(experiment, nonce)));
  if (!value) return TeamClicks();
  const auto clicks = DecodeU64Pair(*value);
  if (!clicks) return absl::DataLossError("malformed interleaved impression row");
  return TeamClicks{clicks->first, clicks->second};
}

void InterleavingStore::StageClick(StagedBatch& batch, const std::string& experiment,
                                   uint64_t nonce, const TeamClicks& before, bool team_a) {
  TeamClicks after = before;
  ++(team_a ? after.a : after.b);
  batch.Put(Column::kExperiments, ImpressionKey(experiment, nonce),
            EncodeU64Pair(after.a, after.b));
  batch.Add(Column::kExperiments, TotalKey(experiment, team_a ? "clicks_a" : "clicks_b"), 1);
  const absl::string_view was = OutcomeOf(before), is = OutcomeOf(after);
  if (was == is) return;
  if (was.empty()) {
    batch.Add(Column::kExperiments, TotalKey(experiment, "impressions_with_clicks"), 1);
  } else {
    batch.Add(Column::kExperiments, TotalKey(experiment, was), -1);
  }
  batch.Add(Column::kExperiments, TotalKey(experiment, is), 1);
}

absl::StatusOr<std::map<std::string, InterleavingTotals>> InterleavingStore::AllTotals() const {
  ASSIGN_OR_RETURN(const auto counters,
                   ScanCounters(db_, Column::kExperiments, kTotalPrefix, "interleaving total"));
  std::map<std::string, InterleavingTotals> out;
  for (const auto& [key, n] : counters) {
    const std::vector<std::string> parts = absl::StrSplit(key, kSep);
    if (parts.size() != 2) return absl::DataLossError("malformed interleaving total");
    InterleavingTotals& totals = out[parts[0]];
    for (const auto& [name, field] : kFields) {
      if (parts[1] == name) totals.*field = n;
    }
  }
  return out;
}

}  // namespace headliner
