#include "store/staged_batch.h"

#include "common/status_macros.h"
#include "store/uint64_add_operator.h"

namespace headliner {
namespace {

rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

}  // namespace

void StagedBatch::Stage(Column c, absl::string_view key, std::optional<std::string> value) {
  Staged& staged = staged_[static_cast<size_t>(c)];
  auto [it, inserted] = staged.try_emplace(key, std::move(value));
  if (inserted) {
    ++staged_count_;
  } else {
    it->second = std::move(value);
  }
}

void StagedBatch::Put(Column c, absl::string_view key, absl::string_view value) {
  Stage(c, key, std::string(value));
}

void StagedBatch::Delete(Column c, absl::string_view key) { Stage(c, key, std::nullopt); }

void StagedBatch::Add(Column c, const std::string& key, int64_t delta) {
  counters_[{c, key}] += delta;
  counter_columns_.set(static_cast<size_t>(c));
}

const std::optional<std::string>* StagedBatch::FindStaged(Column c, absl::string_view key) const {
  const Staged& staged = staged_[static_cast<size_t>(c)];
  auto it = staged.find(key);
  return it != staged.end() ? &it->second : nullptr;
}

const std::optional<std::string>* StagedBatch::FindPending(Column c, absl::string_view key) const {
  if (const std::optional<std::string>* own = FindStaged(c, key)) return own;
  return in_flight_ != nullptr ? in_flight_->FindStaged(c, key) : nullptr;
}

absl::StatusOr<std::optional<std::string>> StagedBatch::Get(Column c, absl::string_view key) {
  if (const std::optional<std::string>* own = FindStaged(c, key)) return *own;
  if (in_flight_ != nullptr) {
    if (const std::optional<std::string>* pending = in_flight_->FindStaged(c, key)) return *pending;
    // A counter's value is RocksDB's merge of the operands: known once the write is done. (A
    // failed write abandons this batch too, so its status does not matter here.)
    if (in_flight_->HasCounter(c, key)) in_flight_written_.wait();
  }
  if (rows_ != nullptr) {
    if (const std::optional<std::string>* cached = rows_->Find(c, key)) return *cached;
  }
  ASSIGN_OR_RETURN(std::optional<std::string> value, db_.Get(c, ToSlice(key)));
  if (rows_ != nullptr) rows_->Put(c, key, value);
  return value;
}

absl::Status StagedBatch::Commit() {
  absl::Status written = Write();
  if (written.ok()) {
    Publish();
  } else {
    Discard();
  }
  return written;
}

absl::Status StagedBatch::Write() const {
  rocksdb::WriteBatch batch;
  for (size_t c = 0; c < staged_.size(); ++c) {
    rocksdb::ColumnFamilyHandle* handle = db_.handle(static_cast<Column>(c));
    for (const auto& [key, value] : staged_[c]) {
      if (value) {
        (void)batch.Put(handle, key, *value);
      } else {
        (void)batch.Delete(handle, key);
      }
    }
  }
  for (const auto& [column_key, delta] : counters_) {
    if (delta == 0) continue;
    (void)batch.Merge(db_.handle(column_key.first), column_key.second, UInt64AddOperand(delta));
  }
  return db_.Write(batch);
}

void StagedBatch::Publish() {
  if (rows_ != nullptr) {
    for (const auto& [column_key, delta] : counters_) {
      // A counter is a merge operand, not a value the cache could hold.
      if (delta != 0) rows_->Erase(column_key.first, column_key.second);
    }
    for (size_t c = 0; c < staged_.size(); ++c) {
      const Column column = static_cast<Column>(c);
      if (!rows_->Caches(column)) continue;
      for (auto& [key, value] : staged_[c]) rows_->Put(column, key, std::move(value));
    }
  }
  std::vector<std::function<void()>> hooks = std::move(on_commit_);
  Discard();
  for (std::function<void()>& hook : hooks) hook();
}

void StagedBatch::Discard() {
  for (Staged& s : staged_) s.clear();
  staged_count_ = 0;
  counters_.clear();
  counter_columns_.reset();
  on_commit_.clear();
}

}  // namespace headliner
