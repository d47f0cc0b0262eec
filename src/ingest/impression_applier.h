// Stages one exposure (impression.proto, from the impressions topic) into a micro-batch: one
// impression of the reader's unit in each experiment it names (store/experiment_store.h). The
// token must be one this deployment signed: an impression signed with another key means the
// replicas do not share experiments.token_key_file, which would leave their clicks unattributed,
// so it is rejected ("bad_token") where an operator sees it.
//
// Thread safety: none. EventApplier owns it and calls it under its writer lock.
#ifndef HEADLINER_INGEST_IMPRESSION_APPLIER_H_
#define HEADLINER_INGEST_IMPRESSION_APPLIER_H_

#include <string>

#include "absl/status/statusor.h"
#include "headliner/v1/impression.pb.h"
#include "ingest/apply_context.h"
#include "store/experiment_store.h"

namespace headliner {

class ImpressionApplier {
 public:
  ImpressionApplier(ExperimentStore& experiments, std::string token_key)
      : experiments_(experiments), token_key_(std::move(token_key)) {}

  // A non-OK status is a storage failure; bad events are kRejected outcomes.
  absl::StatusOr<EventOutcome> Stage(const v1::ImpressionEvent& event, ApplyContext& context);

 private:
  ExperimentStore& experiments_;
  const std::string token_key_;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_IMPRESSION_APPLIER_H_
