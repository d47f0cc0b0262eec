// The behaviour vectors the apply step read or wrote last, kept in memory so that training a click
// reads them from there instead of RocksDB: a click touches the clicked article, up to
// `context_clicks` earlier ones and `negatives` sampled ones, each a 2 KB row at dimension 256, and
// those reads (a memtable search each, then the block cache) were the largest share of the apply
// path's time.
//
// It holds committed state only, as RocksDB would return it (an empty input or output: not
// stored). BehaviourEmbeddingSignal takes an article's vectors out when a batch first touches
// them, puts the batch's vectors back when it stages them, and erases them again if the batch is
// abandoned (ApplyContext::undo), so the next batch reads RocksDB for them.
// Nothing else writes behaviour rows. Bounded by `capacity` entries; the least recently used goes
// first.
//
// Thread safety: none. Owned by the signal, which only the applying thread calls.
#ifndef HEADLINER_INGEST_BEHAVIOUR_VECTOR_CACHE_H_
#define HEADLINER_INGEST_BEHAVIOUR_VECTOR_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "store/behaviour_store.h"

namespace headliner {

struct VectorCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;
  uint64_t entries = 0;
};

class BehaviourVectorCache {
 public:
  // capacity 0: caches nothing (every Find misses).
  explicit BehaviourVectorCache(size_t capacity) : capacity_(capacity) {}

  BehaviourVectorCache(const BehaviourVectorCache&) = delete;
  BehaviourVectorCache& operator=(const BehaviourVectorCache&) = delete;

  // The cached vectors of `id`, or null; valid until the next Put, Take or Erase.
  const BehaviourVectors* Find(uint64_t id);
  // Removes and returns the cached vectors of `id` (counted as a hit), or empty (a miss): for a
  // caller that will Put them back, changed, and would otherwise copy them.
  std::optional<BehaviourVectors> Take(uint64_t id);
  // Caches `vectors` as the committed state of `id`, evicting the least recently used entry when
  // full.
  void Put(uint64_t id, BehaviourVectors vectors);
  void Erase(uint64_t id);

  VectorCacheStats stats() const {
    VectorCacheStats s = stats_;
    s.entries = entries_.size();
    return s;
  }

 private:
  using Entry = std::pair<uint64_t, BehaviourVectors>;
  const size_t capacity_;
  std::list<Entry> recency_;  // most recently used first
  absl::flat_hash_map<uint64_t, std::list<Entry>::iterator> entries_;
  VectorCacheStats stats_;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_BEHAVIOUR_VECTOR_CACHE_H_
