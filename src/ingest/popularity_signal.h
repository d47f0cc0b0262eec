// Click counts and time-decayed popularity per article and per section.
#ifndef HEADLINER_INGEST_POPULARITY_SIGNAL_H_
#define HEADLINER_INGEST_POPULARITY_SIGNAL_H_

#include "absl/time/time.h"
#include "ingest/click_signal.h"
#include "store/click_store.h"

namespace headliner {

class PopularitySignal : public ClickSignal {
 public:
  // `clicks` must outlive the signal.
  PopularitySignal(ClickStore& clicks, absl::Duration half_life)
      : clicks_(clicks), half_life_(half_life) {}

  absl::Status Stage(const ResolvedClick& click, std::span<const SessionClick> history,
                     ApplyContext& context) override;

 private:
  ClickStore& clicks_;
  const absl::Duration half_life_;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_POPULARITY_SIGNAL_H_
