// Exposures and clicks of experiments, counted per randomisation unit (the reader's session or
// user id, as the experiment says) and summed per variant, in the experiments column family.
// The per-variant sums are what the readout needs for a ratio metric over units (the delta
// method): the number of units, the sums of their impressions and clicks, of their squares and
// of their products. They are kept with the add merge operator, and each change of a unit's
// counts stages the unit's row and the sums' deltas together, in the batch of the event (and its
// Kafka offset), so they are exact across crashes and replays.
//
//   u <experiment> 0x1f <variant> 0x1f <unit id>  -> UnitCounts (16 bytes: impressions, clicks)
//   t <experiment> 0x1f <variant> 0x1f <field>    -> uint64 (merge: add)
//   x <reason>                                    -> uint64 (merge: add): clicks not attributed
//   i..., w...: interleaving experiments' clicks (store/interleaving_store.h)
//
// Thread safety: reads from any thread; staging only by the apply step.
#ifndef HEADLINER_STORE_EXPERIMENT_STORE_H_
#define HEADLINER_STORE_EXPERIMENT_STORE_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "store/database.h"
#include "store/staged_batch.h"

namespace headliner {

struct UnitCounts {
  uint64_t impressions = 0;
  uint64_t clicks = 0;
};

// Sums over the units of one variant.
struct VariantTotals {
  uint64_t units = 0;
  uint64_t impressions = 0;
  uint64_t clicks = 0;
  uint64_t impressions_squared = 0;  // sum of each unit's impressions squared
  uint64_t clicks_squared = 0;
  uint64_t impressions_clicks = 0;  // sum of each unit's impressions times its clicks
};

class ExperimentStore {
 public:
  explicit ExperimentStore(Database& database) : db_(database) {}

  // A unit's counts in a variant, as staged so far in `pending` (when given).
  absl::StatusOr<UnitCounts> FindUnit(const std::string& experiment, const std::string& variant,
                                      const std::string& unit, StagedBatch* pending) const;
  // Stages a unit's new counts, `before` being what FindUnit returned, and the variant's sums'
  // deltas. Counts only grow.
  void StageUnit(StagedBatch& batch, const std::string& experiment, const std::string& variant,
                 const std::string& unit, const UnitCounts& before, const UnitCounts& after);
  // Counts a click whose token could not be attributed, by reason.
  void StageUnattributed(StagedBatch& batch, const std::string& reason);

  // Every variant's sums, by (experiment, variant).
  absl::StatusOr<std::map<std::pair<std::string, std::string>, VariantTotals>> AllTotals() const;
  // Clicks not attributed, by reason.
  absl::StatusOr<std::map<std::string, uint64_t>> Unattributed() const;

 private:
  Database& db_;
};

}  // namespace headliner

#endif  // HEADLINER_STORE_EXPERIMENT_STORE_H_
