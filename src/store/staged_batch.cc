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
}

absl::StatusOr<std::optional<std::string>> StagedBatch::Get(Column c, absl::string_view key) {
  const Staged& staged = staged_[static_cast<size_t>(c)];
  if (auto it = staged.find(key); it != staged.end()) return it->second;
  if (rows_ != nullptr) {
    if (const std::optional<std::string>* cached = rows_->Find(c, key)) return *cached;
  }
  ASSIGN_OR_RETURN(std::optional<std::string> value, db_.Get(c, ToSlice(key)));
  if (rows_ != nullptr) rows_->Put(c, key, value);
  return value;
}

absl::Status StagedBatch::Commit() {
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
    // A counter is a merge operand, not a value the cache could hold.
    if (rows_ != nullptr) rows_->Erase(column_key.first, column_key.second);
  }
  std::array<Staged, static_cast<size_t>(Column::kCount)> staged = std::move(staged_);
  for (Staged& s : staged_) s.clear();
  staged_count_ = 0;
  counters_.clear();
  std::vector<std::function<void()>> hooks = std::move(on_commit_);
  on_commit_.clear();
  RETURN_IF_ERROR(db_.Write(batch));
  if (rows_ != nullptr) {
    for (size_t c = 0; c < staged.size(); ++c) {
      const Column column = static_cast<Column>(c);
      if (!rows_->Caches(column)) continue;
      for (auto& [key, value] : staged[c]) rows_->Put(column, key, std::move(value));
    }
  }
  for (std::function<void()>& hook : hooks) hook();
  return absl::OkStatus();
}

}  // namespace headliner
