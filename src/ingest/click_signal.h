// A signal maintained from the click stream: popularity (PopularitySignal), co-visitation
// (CoVisitationSignal) and behaviour embeddings (BehaviourEmbeddingSignal). ClickApplier calls
// every signal, in order, for each accepted click, inside the same micro-batch as the click's
// other state and its Kafka offset, so every signal is exactly-once too. A new signal is one class
// and one line in EventApplier::Create.
#ifndef HEADLINER_INGEST_CLICK_SIGNAL_H_
#define HEADLINER_INGEST_CLICK_SIGNAL_H_

#include <cstdint>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "headliner/v1/click.pb.h"
#include "ingest/apply_context.h"
#include "store/click_store.h"

namespace headliner {

// A validated click whose article is known.
struct ResolvedClick {
  const v1::ClickEvent& event;
  const std::string& section;  // the clicked article's, as stored (or staged)
  uint64_t dense_id = 0;
  int64_t micros = 0;  // occurred_at
  std::string session_key;
};

class ClickSignal {
 public:
  virtual ~ClickSignal() = default;

  // Stages the signal's update for `click`. `history` is the session's earlier clicks, oldest
  // first, expired ones removed. A non-OK status is a storage failure and abandons the batch.
  virtual absl::Status Stage(const ResolvedClick& click, std::span<const SessionClick> history,
                             ApplyContext& context) = 0;

  // Called once after the last click of a batch, before the batch is written: a signal may
  // aggregate in memory during the batch and stage the result here. If the batch is abandoned
  // instead, the context's undo steps run.
  virtual absl::Status FinishBatch(ApplyContext& /*context*/) { return absl::OkStatus(); }
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_CLICK_SIGNAL_H_
