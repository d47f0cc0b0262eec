#include "store/committed_row_cache.h"

namespace headliner {
namespace {

// What a cached row costs besides its key and value: the list node, the index slot and the
// strings' headers.
constexpr size_t kRowOverheadBytes = 96;

}  // namespace

size_t CommittedRowCache::Row::Bytes() const {
  return kRowOverheadBytes + key.size() + (value ? value->size() : 0);
}

CommittedRowCache::CommittedRowCache(size_t capacity_bytes, std::initializer_list<Column> columns)
    : capacity_bytes_(capacity_bytes) {
  for (Column c : columns) cached_[static_cast<size_t>(c)] = true;
}

const std::optional<std::string>* CommittedRowCache::Find(Column c, absl::string_view key) {
  if (!Caches(c)) return nullptr;
  Index& index = index_[static_cast<size_t>(c)];
  auto it = index.find(key);
  if (it == index.end()) {
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  recency_.splice(recency_.begin(), recency_, it->second);  // most recently used
  return &it->second->value;
}

void CommittedRowCache::Put(Column c, absl::string_view key, std::optional<std::string> value) {
  if (!Caches(c) || capacity_bytes_ == 0) return;
  Index& index = index_[static_cast<size_t>(c)];
  if (auto it = index.find(key); it != index.end()) {
    Row& row = *it->second;
    bytes_ -= row.Bytes();
    row.value = std::move(value);
    bytes_ += row.Bytes();
    recency_.splice(recency_.begin(), recency_, it->second);
  } else {
    recency_.push_front(Row{c, std::string(key), std::move(value)});
    index.emplace(recency_.front().key, recency_.begin());
    bytes_ += recency_.front().Bytes();
  }
  EvictOverCapacity();
}

void CommittedRowCache::Erase(Column c, absl::string_view key) {
  if (!Caches(c)) return;
  Index& index = index_[static_cast<size_t>(c)];
  auto it = index.find(key);
  if (it == index.end()) return;
  Recency::iterator row = it->second;
  bytes_ -= row->Bytes();
  index.erase(it);
  recency_.erase(row);
}

void CommittedRowCache::EvictOverCapacity() {
  while (bytes_ > capacity_bytes_ && !recency_.empty()) {
    Row& oldest = recency_.back();
    bytes_ -= oldest.Bytes();
    index_[static_cast<size_t>(oldest.column)].erase(oldest.key);
    recency_.pop_back();
    ++stats_.evictions;
  }
}

RowCacheStats CommittedRowCache::stats() const {
  RowCacheStats s = stats_;
  s.entries = recency_.size();
  s.bytes = bytes_;
  return s;
}

}  // namespace headliner
