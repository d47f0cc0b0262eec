// Click counts and time-decayed popularity per article and per section, and each section's
// trending list: its `trending_per_section` most popular articles, which ranking draws fresh
// popular candidates from. Also the click counts aged at `aged_half_life` (covisitation.half_life)
// per article and in total, which the co-visitation weights are normalised by: like divided by
// like, on one time scale.
//
// The trending lists are updated once per batch (FinishBatch), from the articles whose popularity
// the batch changed, like the co-visitation partner lists.
#ifndef HEADLINER_INGEST_POPULARITY_SIGNAL_H_
#define HEADLINER_INGEST_POPULARITY_SIGNAL_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "ingest/click_signal.h"
#include "ingest/ingest_config.h"
#include "store/click_store.h"

namespace headliner {

class PopularitySignal : public ClickSignal {
 public:
  // `clicks` must outlive the signal.
  PopularitySignal(ClickStore& clicks, const ClicksConfig& config, absl::Duration aged_half_life)
      : clicks_(clicks), config_(config), aged_half_life_(aged_half_life) {}

  absl::Status Stage(const ResolvedClick& click, std::span<const SessionClick> history,
                     ApplyContext& context) override;
  absl::Status FinishBatch(ApplyContext& context) override;

 private:
  absl::Status StageTrending(const std::string& section,
                             const absl::flat_hash_map<uint64_t, DecayedCount>& changed,
                             StagedBatch& batch);

  ClickStore& clicks_;
  const ClicksConfig config_;
  const absl::Duration aged_half_life_;
  // This batch's new popularity of each clicked article, by section. Only the batch's (single)
  // writer touches it.
  absl::flat_hash_map<std::string, absl::flat_hash_map<uint64_t, DecayedCount>> pending_;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_POPULARITY_SIGNAL_H_
