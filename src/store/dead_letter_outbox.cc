#include "store/dead_letter_outbox.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "store/keys.h"

namespace headliner {
namespace {

constexpr char kPrefix[] = "outbox/";
constexpr char kStaged[] = "dead_letters/staged";
constexpr char kDelivered[] = "dead_letters/delivered";
constexpr char kTruncated[] = "dead_letters/truncated";
constexpr char kReference[] = "dead_letters/reference";

std::string OutboxKey(const store::DeadLetterRecord& r) {
  return absl::StrCat(kPrefix, r.source_topic(), std::string(1, '\0'),
                      EncodeU32(static_cast<uint32_t>(r.source_partition())),
                      EncodeU64(static_cast<uint64_t>(r.source_offset())));
}

}  // namespace

std::string DeadLetterId(const store::DeadLetterRecord& record) {
  return absl::StrCat(record.source_topic(), "/", record.source_partition(), "@",
                      record.source_offset());
}

void DeadLetterOutbox::Stage(StagedBatch& batch, const store::DeadLetterRecord& record) {
  const std::string key = OutboxKey(record);
  // A record staged again (the same message rejected by a replayed batch) is not counted twice.
  absl::StatusOr<std::optional<std::string>> existing = batch.Get(Column::kMeta, key);
  if (!existing.ok() || !existing->has_value()) batch.Add(Column::kMeta, kStaged, 1);
  batch.Put(Column::kMeta, key, record.SerializeAsString());
}

void DeadLetterOutbox::StageDelivered(StagedBatch& batch, const store::DeadLetterRecord& record,
                                      DeliveredAs how) {
  batch.Delete(Column::kMeta, OutboxKey(record));
  batch.Add(Column::kMeta, kDelivered, 1);
  if (how == DeliveredAs::kTruncated) batch.Add(Column::kMeta, kTruncated, 1);
  if (how == DeliveredAs::kReference) batch.Add(Column::kMeta, kReference, 1);
}

absl::StatusOr<std::vector<store::DeadLetterRecord>> DeadLetterOutbox::Pending(size_t limit) const {
  std::vector<store::DeadLetterRecord> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.handle(Column::kMeta)));
  for (it->Seek(kPrefix); it->Valid() && it->key().starts_with(kPrefix) && out.size() < limit;
       it->Next()) {
    store::DeadLetterRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("malformed dead letter in the outbox");
    }
    out.push_back(std::move(record));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "dead-letter outbox scan"));
  return out;
}

absl::StatusOr<DeadLetterCounts> DeadLetterOutbox::Counts() const {
  DeadLetterCounts c;
  ASSIGN_OR_RETURN(c.staged, db_.GetCounter(Column::kMeta, kStaged));
  ASSIGN_OR_RETURN(c.delivered, db_.GetCounter(Column::kMeta, kDelivered));
  ASSIGN_OR_RETURN(c.truncated, db_.GetCounter(Column::kMeta, kTruncated));
  ASSIGN_OR_RETURN(c.reference, db_.GetCounter(Column::kMeta, kReference));
  return c;
}

}  // namespace headliner
