// Stages one click event into a micro-batch: validate -> resolve the clicked article (as staged
// so far) -> drop duplicates (same event_id within the dedup window) -> update the reader's
// session (bounded, expiring after an idle time) -> every ClickSignal.
//
// Thread safety: none. EventApplier owns it and calls it under its writer lock.
#ifndef HEADLINER_INGEST_CLICK_APPLIER_H_
#define HEADLINER_INGEST_CLICK_APPLIER_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "headliner/v1/click.pb.h"
#include "ingest/apply_context.h"
#include "ingest/click_signal.h"
#include "ingest/ingest_config.h"
#include "store/article_store.h"
#include "store/click_store.h"

namespace headliner {

class ClickApplier {
 public:
  // References must outlive the applier; the options are copied.
  ClickApplier(ArticleStore& articles, ClickStore& clicks, const ClicksConfig& config)
      : articles_(articles), clicks_(clicks), config_(config) {}

  // Signals are called in the order they were added.
  void AddSignal(std::unique_ptr<ClickSignal> signal) { signals_.push_back(std::move(signal)); }

  // A non-OK status is a storage failure; bad clicks are kRejected outcomes, duplicates kIgnored.
  absl::StatusOr<EventOutcome> Stage(const v1::ClickEvent& click, ApplyContext& context);

  // Lets every signal stage what it aggregated over the batch.
  absl::Status FinishBatch(ApplyContext& context);

 private:
  ArticleStore& articles_;
  ClickStore& clicks_;
  const ClicksConfig config_;
  std::vector<std::unique_ptr<ClickSignal>> signals_;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_CLICK_APPLIER_H_
