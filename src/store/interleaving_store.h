// The clicks of interleaving experiments (experiment/team_draft.h), in the experiments column
// family beside store/experiment_store.h's rows: per clicked impression, the attributed clicks on
// each team's items, and per experiment the outcome counts the readout needs (impressions with
// clicks, won by A, won by B, tied) and the clicks per team. A click stages its impression's new
// row and the outcome's change together, in the batch of the click (and its Kafka offset), so the
// counts are exact across crashes and replays. Impressions without clicks have no row.
//
//   i <experiment> 0x1f <nonce, 16 hex digits>  -> TeamClicks (16 bytes: clicks of A, of B)
//   w <experiment> 0x1f <field>                 -> uint64 (merge: add)
//
// Thread safety: reads from any thread; staging only by the apply step.
#ifndef HEADLINER_STORE_INTERLEAVING_STORE_H_
#define HEADLINER_STORE_INTERLEAVING_STORE_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "store/database.h"
#include "store/staged_batch.h"

namespace headliner {

struct TeamClicks {
  uint64_t a = 0;
  uint64_t b = 0;
};

// Sums over the impressions of one interleaving experiment.
struct InterleavingTotals {
  uint64_t impressions_with_clicks = 0;
  uint64_t wins_a = 0;  // more clicks on A's items than on B's
  uint64_t wins_b = 0;
  uint64_t ties = 0;  // as many on each, at least one
  uint64_t clicks_a = 0;
  uint64_t clicks_b = 0;
};

class InterleavingStore {
 public:
  explicit InterleavingStore(Database& database) : db_(database) {}

  // One impression's clicks so far, as staged in `pending` (when given).
  absl::StatusOr<TeamClicks> FindImpression(const std::string& experiment, uint64_t nonce,
                                            StagedBatch* pending) const;
  // Stages one more click of the impression on `team_a`'s or B's item, `before` being what
  // FindImpression returned, and the change of the impression's outcome.
  void StageClick(StagedBatch& batch, const std::string& experiment, uint64_t nonce,
                  const TeamClicks& before, bool team_a);

  // Every interleaving experiment's sums, by key.
  absl::StatusOr<std::map<std::string, InterleavingTotals>> AllTotals() const;

 private:
  Database& db_;
};

}  // namespace headliner

#endif  // HEADLINER_STORE_INTERLEAVING_STORE_H_
