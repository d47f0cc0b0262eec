// Attributes clicks to experiment variants: a click that carries the token of the response it
// came from counts for each experiment the token names, as a click of the reader's unit (session
// or user id, as the experiment splits) in that variant (store/experiment_store.h). The token is
// checked first (common/recommendation_token.h): a malformed or forged one is counted by reason
// and attributed to nothing; the click still counts for every other signal. Clicks without a
// token are no experiment's. In an interleaving experiment the click also credits the team of the
// item at its position (the token lists them; store/interleaving_store.h); a position the token
// has no item for, or whose item is not the clicked article (RecommendationToken.item_checks), is
// counted as "bad_position" and the click is not that experiment's.
#ifndef HEADLINER_INGEST_EXPERIMENT_CLICK_SIGNAL_H_
#define HEADLINER_INGEST_EXPERIMENT_CLICK_SIGNAL_H_

#include <string>

#include "ingest/click_signal.h"
#include "store/experiment_store.h"
#include "store/interleaving_store.h"

namespace headliner {

class ExperimentClickSignal : public ClickSignal {
 public:
  // The stores must outlive the signal; tokens are checked with `token_key`.
  ExperimentClickSignal(ExperimentStore& experiments, InterleavingStore& interleaving,
                        std::string token_key)
      : experiments_(experiments), interleaving_(interleaving), token_key_(std::move(token_key)) {}

  absl::Status Stage(const ResolvedClick& click, std::span<const SessionClick> history,
                     ApplyContext& context) override;

 private:
  ExperimentStore& experiments_;
  InterleavingStore& interleaving_;
  const std::string token_key_;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_EXPERIMENT_CLICK_SIGNAL_H_
