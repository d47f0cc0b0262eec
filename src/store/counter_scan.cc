#include "store/counter_scan.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "store/keys.h"

namespace headliner {

absl::StatusOr<std::map<std::string, uint64_t>> ScanCounters(Database& db, Column column,
                                                             absl::string_view prefix,
                                                             absl::string_view what) {
  std::map<std::string, uint64_t> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db.db().NewIterator(rocksdb::ReadOptions(), db.handle(column)));
  const rocksdb::Slice start(prefix.data(), prefix.size());
  for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
    const std::optional<uint64_t> n = DecodeU64(it->value().ToStringView());
    if (!n) return absl::DataLossError(absl::StrCat("malformed ", what));
    out.emplace(std::string(it->key().ToStringView().substr(prefix.size())), *n);
  }
  RETURN_IF_ERROR(FromRocks(it->status(), absl::StrCat(what, " scan")));
  return out;
}

}  // namespace headliner
