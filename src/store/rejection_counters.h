// Counts of rejected events by (source, reason), e.g. ("articles", "bad_time"), persisted in the
// meta column family with the add merge operator. They are staged into the same batch as the
// offsets that moved past the rejected events, so the counts are exact across crashes.
#ifndef HEADLINER_STORE_REJECTION_COUNTERS_H_
#define HEADLINER_STORE_REJECTION_COUNTERS_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "store/database.h"
#include "store/staged_batch.h"

namespace headliner {

class RejectionCounters {
 public:
  explicit RejectionCounters(Database& database) : db_(database) {}

  void Stage(StagedBatch& batch, const std::string& source, const std::string& reason);

  // "source/reason" -> count.
  absl::StatusOr<std::map<std::string, uint64_t>> All() const;

 private:
  Database& db_;
};

}  // namespace headliner

#endif  // HEADLINER_STORE_REJECTION_COUNTERS_H_
