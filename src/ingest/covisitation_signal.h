// Co-visitation: when a session clicks b, every distinct article a it clicked within
// `covisitation.window` before adds 2^(-gap / gap_half_life) to c(a, b) and c(b, a) in both
// articles' partner rows, each bounded to `max_partners` by Space-Saving
// (store/covisitation_store.h). Normalising c into a relatedness score (Jaccard, cosine, ...)
// happens at read time, against the articles' click counts.
//
// Weights age: a row's counts are kept as of its latest click (TrackedRow::as_of_micros), and a
// click at a later time t first scales them by 2^(-(t - as_of) / half_life), as DecayedCount does;
// an earlier click's weight is decayed to the row's time instead. The click counts they are
// normalised by age at the same half-life (PopularitySignal), so ratios compare like with like.
//
// Within a batch the touched rows are kept in memory and each is written once at FinishBatch,
// not once per click (popular articles take part in hundreds of pairs per batch). Each click
// updates them in stream order, in float32 as stored, and a row's stored order follows from its
// contents alone, so replaying a stream gives the same rows bit for bit whatever its batching.
#ifndef HEADLINER_INGEST_COVISITATION_SIGNAL_H_
#define HEADLINER_INGEST_COVISITATION_SIGNAL_H_

#include <utility>
#include <vector>

#include "absl/container/node_hash_map.h"
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
  using Row = TrackedRow;

  // a's row as of this batch, read on first use. Stable address until the batch ends.
  absl::StatusOr<Row*> RowOf(uint64_t a, StagedBatch& batch);
  // Adds `weight`, at time `micros`, to c(a, b) in a's row (Space-Saving when the row is full).
  void Add(Row& row, uint64_t b, float weight, int64_t micros) const;
  static void SortRow(Row& row);

  CoVisitationStore& covisitation_;
  const CoVisitationConfig config_;
  // This batch's rows. Only the batch's (single) writer touches them.
  absl::node_hash_map<uint64_t, Row> rows_;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_COVISITATION_SIGNAL_H_
