// The rows the single writer read or wrote last, in memory, as RocksDB holds them once committed:
// the apply path's hot state (sessions, click activity, trending lists, co-visitation weights and
// partner lists, the external id map). RocksDB stays their durable copy; this cache only saves the
// reads. A click reads about a dozen such rows, and those reads (a memtable search, then the block
// cache and its index and data blocks) were most of the apply path's time.
//
// It holds committed state only: StagedBatch fills it with what it reads from RocksDB, and with
// what it wrote once the write succeeded, so an abandoned batch never leaves its writes here. A
// key known to be absent is cached as absent (most articles are never trained, most sessions are
// new). Only the columns given at construction are cached; every write to them must go through a
// StagedBatch that carries this cache (the apply path's), or the cache would go stale. Counters
// (StagedBatch::Add) are merge operands, not cached values: a column that holds them must not be
// cached.
//
// Bounded by `capacity_bytes` (keys, values and a fixed per-entry overhead); the least recently
// used row goes first.
//
// Thread safety: none. Owned by the apply step (EventApplier), used under its writer lock.
#ifndef HEADLINER_STORE_COMMITTED_ROW_CACHE_H_
#define HEADLINER_STORE_COMMITTED_ROW_CACHE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <list>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "store/database.h"

namespace headliner {

struct RowCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;
  uint64_t entries = 0;
  uint64_t bytes = 0;
};

class CommittedRowCache {
 public:
  // capacity_bytes 0 caches nothing.
  CommittedRowCache(size_t capacity_bytes, std::initializer_list<Column> columns);

  CommittedRowCache(const CommittedRowCache&) = delete;
  CommittedRowCache& operator=(const CommittedRowCache&) = delete;

  // Whether rows of `c` are cached.
  bool Caches(Column c) const { return cached_[static_cast<size_t>(c)]; }

  // The committed value of `key` (an empty optional: known to be absent), or null when the row is
  // not cached (a miss). Valid until the next Put or Erase. Counts a hit or a miss.
  const std::optional<std::string>* Find(Column c, absl::string_view key);
  // Records `value` as the committed value of `key` (empty: absent), evicting the least recently
  // used rows while over capacity. Ignored for columns that are not cached.
  void Put(Column c, absl::string_view key, std::optional<std::string> value);
  void Erase(Column c, absl::string_view key);

  RowCacheStats stats() const;

 private:
  struct Row {
    Column column;
    std::string key;
    std::optional<std::string> value;
    size_t Bytes() const;
  };
  using Recency = std::list<Row>;  // most recently used first; nodes never move
  // Keys are views of the row's own key in its list node.
  using Index = absl::flat_hash_map<absl::string_view, Recency::iterator>;

  void EvictOverCapacity();

  const size_t capacity_bytes_;
  std::array<bool, static_cast<size_t>(Column::kCount)> cached_{};
  std::array<Index, static_cast<size_t>(Column::kCount)> index_;
  Recency recency_;
  size_t bytes_ = 0;
  RowCacheStats stats_;
};

}  // namespace headliner

#endif  // HEADLINER_STORE_COMMITTED_ROW_CACHE_H_
