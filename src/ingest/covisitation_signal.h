// Co-visitation: when a session clicks b, every distinct article a it clicked within
// `covisitation.window` before adds 2^(-gap / gap_half_life) to c(a, b) and c(b, a) in both
// articles' partner rows, each bounded to `max_partners` by Space-Saving
// (store/covisitation_store.h). Normalising c into a relatedness score (Jaccard, cosine, ...)
// happens at read time, against the articles' click counts.
//
// Weights age: a row's counts are kept as of one time (TrackedRow::as_of_micros), at most
// half_life / 64 before its latest click. A click later than that first scales them by
// 2^(-(t - as_of) / half_life), as DecayedCount does, and moves the row to its time t; any other
// click adds its weight brought to the row's time, 2^(-(t - as_of) / half_life) times it. The click
// counts they are normalised by age at the same half-life (PopularitySignal), so ratios compare
// like with like.
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

  // A row's counts are rescaled when a click is more than half_life / kRescaleFraction after
  // their time (a weight added before that grows by at most 2^(1/64), 1.1%).
  static constexpr double kRescaleFraction = 64;

  CoVisitationStore& covisitation_;
  const CoVisitationConfig config_;
  // This batch's rows. Only the batch's (single) writer touches them.
  absl::node_hash_map<uint64_t, Row> rows_;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_COVISITATION_SIGNAL_H_
