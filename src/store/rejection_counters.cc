#include "store/rejection_counters.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "store/counter_scan.h"
#include "store/keys.h"
#include "store/uint64_add_operator.h"

namespace headliner {
namespace {
constexpr char kPrefix[] = "rejected/";
}  // namespace

void RejectionCounters::Stage(StagedBatch& batch, const std::string& source,
                              const std::string& reason) {
  batch.Add(Column::kMeta, absl::StrCat(kPrefix, source, "/", reason), 1);
}

absl::StatusOr<std::map<std::string, uint64_t>> RejectionCounters::All() const {
  return ScanCounters(db_, Column::kMeta, kPrefix, "rejection counter");
}

}  // namespace headliner
