// Co-visitation: when a session clicks b, every distinct article a it clicked within
// `covisitation.window` before adds 2^(-gap / gap_half_life) to c(a, b) and c(b, a), and both
// articles' partner lists are updated. Normalising c into a relatedness score (Jaccard, cosine,
// ...) happens at read time, against the articles' click counts.
//
// Within a batch the weight deltas are summed in memory and written at FinishBatch: each pair's
// weight and each article's partner list is read and written once per batch, not once per click
// (popular articles take part in hundreds of pairs per batch).
#ifndef HEADLINER_INGEST_COVISITATION_SIGNAL_H_
#define HEADLINER_INGEST_COVISITATION_SIGNAL_H_

#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "ingest/click_signal.h"
#include "ingest/ingest_config.h"
#include "store/covisitation_store.h"

namespace headliner {

class CoVisitationSignal : public ClickSignal {
 public:
  // `store` must outlive the signal.
  CoVisitationSignal(CoVisitationStore& covisitation, const CoVisitationConfig& config)
      : covisitation_(covisitation), config_(config) {}

  absl::Status Stage(const ResolvedClick& click, std::span<const SessionClick> history,
                     ApplyContext& context) override;
  absl::Status FinishBatch(ApplyContext& context) override;

 private:
  // Stages a's new weights with its partners and a's partner list.
  absl::Status StageArticle(uint64_t a, const std::vector<std::pair<uint64_t, double>>& deltas,
                            StagedBatch& batch);

  CoVisitationStore& covisitation_;
  const CoVisitationConfig config_;
  // This batch's weight deltas: a -> (b -> delta). Only the batch's (single) writer touches it.
  absl::flat_hash_map<uint64_t, absl::flat_hash_map<uint64_t, double>> pending_;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_COVISITATION_SIGNAL_H_
