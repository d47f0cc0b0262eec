// Reading counters kept with the add merge operator (uint64_add_operator.h): every counter whose
// key starts with a prefix, as one map. The tables that keep such counters (rejections,
// experiment sums, interleaving outcomes) read them this way and parse their own key suffixes.
#ifndef HEADLINER_STORE_COUNTER_SCAN_H_
#define HEADLINER_STORE_COUNTER_SCAN_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/database.h"

namespace headliner {

// Key without `prefix` -> value, for every key of `column` starting with `prefix`. DATA_LOSS
// naming `what` when a value is not an 8-byte counter.
absl::StatusOr<std::map<std::string, uint64_t>> ScanCounters(Database& db, Column column,
                                                             absl::string_view prefix,
                                                             absl::string_view what);

}  // namespace headliner

#endif  // HEADLINER_STORE_COUNTER_SCAN_H_
