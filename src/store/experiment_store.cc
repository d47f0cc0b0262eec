#include "store/experiment_store.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "store/counter_scan.h"
#include "store/keys.h"

namespace headliner {
namespace {

constexpr char kSep = '\x1f';
constexpr char kUnitPrefix[] = "u";
constexpr char kTotalPrefix[] = "t";
constexpr char kUnattributedPrefix[] = "x";

std::string UnitKey(const std::string& experiment, const std::string& variant,
                    const std::string& unit) {
  return absl::StrCat(kUnitPrefix, experiment, std::string(1, kSep), variant, std::string(1, kSep),
                      unit);
}

std::string TotalKey(const std::string& experiment, const std::string& variant,
                     absl::string_view field) {
  return absl::StrCat(kTotalPrefix, experiment, std::string(1, kSep), variant, std::string(1, kSep),
                      field);
}

// The fields of VariantTotals as stored.
constexpr std::pair<absl::string_view, uint64_t VariantTotals::*> kFields[] = {
    {"units", &VariantTotals::units},
    {"impressions", &VariantTotals::impressions},
    {"clicks", &VariantTotals::clicks},
    {"impressions_squared", &VariantTotals::impressions_squared},
    {"clicks_squared", &VariantTotals::clicks_squared},
    {"impressions_clicks", &VariantTotals::impressions_clicks}};

}  // namespace

absl::StatusOr<UnitCounts> ExperimentStore::FindUnit(const std::string& experiment,
                                                     const std::string& variant,
                                                     const std::string& unit,
                                                     StagedBatch* pending) const {
  ASSIGN_OR_RETURN(
      std::optional<std::string> value,
      ReadThrough(db_, pending, Column::kExperiments, UnitKey(experiment, variant, unit)));
  if (!value) return UnitCounts();
  const auto counts = DecodeU64Pair(*value);
  if (!counts) return absl::DataLossError("malformed experiment unit row");
  return UnitCounts{counts->first, counts->second};
}

void ExperimentStore::StageUnit(StagedBatch& batch, const std::string& experiment,
                                const std::string& variant, const std::string& unit,
                                const UnitCounts& before, const UnitCounts& after) {
  batch.Put(Column::kExperiments, UnitKey(experiment, variant, unit),
            EncodeU64Pair(after.impressions, after.clicks));
  auto add = [&](absl::string_view field, uint64_t old_value, uint64_t new_value) {
    if (new_value != old_value) {
      batch.Add(Column::kExperiments, TotalKey(experiment, variant, field),
                static_cast<int64_t>(new_value - old_value));
    }
  };
  const bool is_new = before.impressions == 0 && before.clicks == 0;
  add("units", 0, is_new ? 1 : 0);
  add("impressions", before.impressions, after.impressions);
  add("clicks", before.clicks, after.clicks);
  add("impressions_squared", before.impressions * before.impressions,
      after.impressions * after.impressions);
  add("clicks_squared", before.clicks * before.clicks, after.clicks * after.clicks);
  add("impressions_clicks", before.impressions * before.clicks, after.impressions * after.clicks);
}

void ExperimentStore::StageUnattributed(StagedBatch& batch, const std::string& reason) {
  batch.Add(Column::kExperiments, absl::StrCat(kUnattributedPrefix, reason), 1);
}

absl::StatusOr<std::map<std::pair<std::string, std::string>, VariantTotals>>
ExperimentStore::AllTotals() const {
  ASSIGN_OR_RETURN(const auto counters,
                   ScanCounters(db_, Column::kExperiments, kTotalPrefix, "experiment total"));
  std::map<std::pair<std::string, std::string>, VariantTotals> out;
  for (const auto& [key, n] : counters) {
    const std::vector<std::string> parts = absl::StrSplit(key, kSep);
    if (parts.size() != 3) return absl::DataLossError("malformed experiment total");
    VariantTotals& totals = out[{parts[0], parts[1]}];
    for (const auto& [name, field] : kFields) {
      if (parts[2] == name) totals.*field = n;
    }
  }
  return out;
}

absl::StatusOr<std::map<std::string, uint64_t>> ExperimentStore::Unattributed() const {
  return ScanCounters(db_, Column::kExperiments, kUnattributedPrefix, "unattributed-click counter");
}

}  // namespace headliner
