#include "store/offset_store.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "store/keys.h"

namespace headliner {
namespace {

// Key: topic, a NUL byte (not allowed in topic names), then the big-endian partition.
std::string OffsetKey(const std::string& topic, int32_t partition) {
  return absl::StrCat(topic, std::string(1, '\0'), EncodeU32(static_cast<uint32_t>(partition)));
}

}  // namespace

absl::StatusOr<std::optional<int64_t>> OffsetStore::Find(const std::string& topic,
                                                         int32_t partition) const {
  ASSIGN_OR_RETURN(std::optional<std::string> v,
                   db_.Get(Column::kOffsets, OffsetKey(topic, partition)));
  if (!v) return std::nullopt;
  std::optional<uint64_t> offset = DecodeU64(*v);
  if (!offset)
    return absl::DataLossError(absl::StrCat("stored offset of ", topic, " is malformed"));
  return static_cast<int64_t>(*offset);
}

absl::StatusOr<std::map<TopicPartition, int64_t>> OffsetStore::All() const {
  std::map<TopicPartition, int64_t> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.handle(Column::kOffsets)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key = it->key().ToStringView();
    const size_t nul = key.find('\0');
    std::optional<uint32_t> partition =
        nul == std::string_view::npos ? std::nullopt : DecodeU32(key.substr(nul + 1));
    std::optional<uint64_t> offset = DecodeU64(it->value().ToStringView());
    if (!partition || !offset) return absl::DataLossError("malformed stored offset");
    out[{std::string(key.substr(0, nul)), static_cast<int32_t>(*partition)}] =
        static_cast<int64_t>(*offset);
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "offset scan"));
  return out;
}

void OffsetStore::Stage(StagedBatch& batch, const std::string& topic, int32_t partition,
                        int64_t next_offset) {
  batch.Put(Column::kOffsets, OffsetKey(topic, partition),
            EncodeU64(static_cast<uint64_t>(next_offset)));
}

}  // namespace headliner
