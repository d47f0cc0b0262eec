#include "store/rejection_counters.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
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
  std::map<std::string, uint64_t> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.handle(Column::kMeta)));
  for (it->Seek(kPrefix); it->Valid() && it->key().starts_with(kPrefix); it->Next()) {
    std::optional<uint64_t> n = DecodeU64(it->value().ToStringView());
    if (!n) return absl::DataLossError("malformed rejection counter");
    out[std::string(it->key().ToStringView().substr(sizeof(kPrefix) - 1))] = *n;
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "rejection counter scan"));
  return out;
}

}  // namespace headliner
