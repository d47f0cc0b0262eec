#include "store/index_journal.h"

#include <algorithm>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "store/keys.h"

namespace headliner {
namespace {

// In `meta`: the position through which entries were trimmed.
constexpr char kTrimmedKey[] = "index_journal_trimmed";

// Value: the number of content ids, then the content ids, then the behaviour ids; all big-endian
// u64 (an entry is a few ids per click of a batch, so compactness does not matter).
std::string EncodeEntry(const IndexJournalEntry& entry) {
  std::string out = EncodeU64(entry.content.size());
  out.reserve(8 * (1 + entry.content.size() + entry.behaviour.size()));
  for (uint64_t id : entry.content) out += EncodeU64(id);
  for (uint64_t id : entry.behaviour) out += EncodeU64(id);
  return out;
}

std::optional<IndexJournalEntry> DecodeEntry(std::string_view value) {
  if (value.size() < 8 || value.size() % 8 != 0) return std::nullopt;
  const uint64_t content = *DecodeU64(value.substr(0, 8));
  const uint64_t ids = value.size() / 8 - 1;
  if (content > ids) return std::nullopt;
  IndexJournalEntry entry;
  for (uint64_t i = 0; i < ids; ++i) {
    const uint64_t id = *DecodeU64(value.substr(8 * (i + 1), 8));
    (i < content ? entry.content : entry.behaviour).push_back(id);
  }
  return entry;
}

}  // namespace

absl::StatusOr<std::unique_ptr<IndexJournal>> IndexJournal::Open(Database& database) {
  uint64_t trimmed = 0;
  ASSIGN_OR_RETURN(std::optional<std::string> stored, database.Get(Column::kMeta, kTrimmedKey));
  if (stored) {
    std::optional<uint64_t> decoded = DecodeU64(*stored);
    if (!decoded) return absl::DataLossError("index journal: malformed trimmed position");
    trimmed = *decoded;
  }
  uint64_t last = trimmed;
  std::unique_ptr<rocksdb::Iterator> it(
      database.db().NewIterator(rocksdb::ReadOptions(), database.handle(Column::kIndexJournal)));
  it->SeekToLast();
  if (it->Valid()) {
    std::optional<uint64_t> position = DecodeU64(it->key().ToStringView());
    if (!position) return absl::DataLossError("index journal: malformed position");
    last = std::max(last, *position);
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "index journal scan"));
  return std::unique_ptr<IndexJournal>(new IndexJournal(database, last, trimmed));
}

uint64_t IndexJournal::Stage(StagedBatch& batch, const IndexJournalEntry& entry, uint64_t after) {
  const uint64_t position = std::max(last_position(), after) + 1;
  batch.Put(Column::kIndexJournal, EncodeU64(position), EncodeEntry(entry));
  batch.OnCommit([this, position] { last_.store(position, std::memory_order_release); });
  return position;
}

absl::Status IndexJournal::StageTrim(StagedBatch& batch, uint64_t position) {
  if (position <= trimmed_through()) return absl::OkStatus();
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.handle(Column::kIndexJournal)));
  const std::string end = EncodeU64(position);
  for (it->SeekToFirst(); it->Valid() && it->key().compare(end) <= 0; it->Next()) {
    batch.Delete(Column::kIndexJournal, it->key().ToString());
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "index journal scan"));
  batch.Put(Column::kMeta, kTrimmedKey, EncodeU64(position));
  batch.OnCommit([this, position] { trimmed_.store(position, std::memory_order_release); });
  return absl::OkStatus();
}

absl::Status IndexJournal::ForEachAfter(
    uint64_t position,
    const std::function<absl::Status(uint64_t, const IndexJournalEntry&)>& fn) const {
  if (position < trimmed_through()) {
    return absl::FailedPreconditionError(
        absl::StrCat("index journal trimmed through ", trimmed_through(),
                     ", after the snapshot's position ", position));
  }
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.handle(Column::kIndexJournal)));
  for (it->Seek(EncodeU64(position + 1)); it->Valid(); it->Next()) {
    std::optional<uint64_t> at = DecodeU64(it->key().ToStringView());
    std::optional<IndexJournalEntry> entry = DecodeEntry(it->value().ToStringView());
    if (!at || !entry) return absl::DataLossError("index journal: malformed entry");
    RETURN_IF_ERROR(fn(*at, *entry));
  }
  return FromRocks(it->status(), "index journal scan");
}

}  // namespace headliner
