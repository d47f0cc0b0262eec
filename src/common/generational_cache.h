// A bounded, thread-safe map for caches read on every request: sharded, and in each shard two
// generations of a flat hash map instead of an LRU list. Entries go into the young generation;
// when it holds half the shard's budget it becomes the old one (the previous old one is dropped),
// and a hit in the old generation moves the entry back into the young one. So what is used at
// least once per half-capacity of inserts stays, as with LRU, at one or two cache misses per
// lookup and no list to maintain (RocksDB's LRU cache, tried first for the catalog reads, spent
// more time in its handle table than the reads it saved).
//
// Bounded by `capacity_bytes`: each entry is charged what `charge(key, value)` says plus a fixed
// overhead, and neither generation of a shard exceeds half the shard's share.
//
// Thread safety: every method may be called from any thread; each shard has its own mutex.
// Values are returned by copy, so V is best a small value or a shared_ptr to an immutable one.
#ifndef HEADLINER_COMMON_GENERATIONAL_CACHE_H_
#define HEADLINER_COMMON_GENERATIONAL_CACHE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "common/mutex.h"

namespace headliner {

struct GenerationalCacheStats {
  uint64_t entries = 0;
  uint64_t bytes = 0;
};

template <typename K, typename V>
class GenerationalCache {
 public:
  // What an entry costs besides its key and value (map slots, control bytes).
  static constexpr size_t kEntryOverhead = 32;
  using ChargeFn = std::function<size_t(const K&, const V&)>;

  // capacity_bytes 0 caches nothing.
  GenerationalCache(size_t capacity_bytes, ChargeFn charge)
      : generation_bytes_(capacity_bytes / kShards / 2), charge_(std::move(charge)) {}

  GenerationalCache(const GenerationalCache&) = delete;
  GenerationalCache& operator=(const GenerationalCache&) = delete;

  // Heterogeneous lookup (e.g. a string_view for string keys) where the map supports it.
  template <typename Key>
  std::optional<V> Find(const Key& key) {
    Shard& shard = ShardOf(key);
    MutexLock lock(&shard.mu);
    if (auto it = shard.young.map.find(key); it != shard.young.map.end()) return it->second;
    auto it = shard.old.map.find(key);
    if (it == shard.old.map.end()) return std::nullopt;
    V value = it->second;
    K promoted = it->first;
    shard.old.map.erase(it);
    InsertLocked(shard, std::move(promoted), value);
    return value;
  }

  void Put(K key, V value) {
    if (generation_bytes_ == 0) return;
    Shard& shard = ShardOf(key);
    MutexLock lock(&shard.mu);
    shard.old.map.erase(key);  // the young one, if any, is replaced below
    InsertLocked(shard, std::move(key), std::move(value));
  }

  GenerationalCacheStats Stats() const {
    GenerationalCacheStats s;
    for (const Shard& shard : shards_) {
      MutexLock lock(&shard.mu);
      s.entries += shard.young.map.size() + shard.old.map.size();
      s.bytes += shard.young.bytes + shard.old.bytes;
    }
    return s;
  }

 private:
  static constexpr size_t kShards = 16;
  struct Generation {
    absl::flat_hash_map<K, V> map;
    size_t bytes = 0;  // charged, an upper bound once entries left for the young generation
  };
  struct Shard {
    mutable Mutex mu;
    Generation young ABSL_GUARDED_BY(mu);
    Generation old ABSL_GUARDED_BY(mu);
  };

  template <typename Key>
  Shard& ShardOf(const Key& key) {
    // The map hashes again with its own seed; the shard takes the high bits of this one.
    // absl hashes a string and a string_view of it alike, so Find and Put agree.
    return shards_[(absl::Hash<Key>{}(key) >> 56) % kShards];
  }

  void InsertLocked(Shard& shard, K key, V value) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu) {
    const size_t charge = charge_(key, value) + kEntryOverhead;
    if (charge > generation_bytes_) return;  // would not fit even alone
    if (shard.young.bytes + charge > generation_bytes_) {
      shard.old = std::move(shard.young);
      shard.young = Generation();
    }
    auto [it, inserted] = shard.young.map.insert_or_assign(std::move(key), std::move(value));
    (void)it;
    (void)inserted;
    shard.young.bytes += charge;
  }

  const size_t generation_bytes_;  // per shard and generation
  const ChargeFn charge_;
  std::array<Shard, kShards> shards_;
};

}  // namespace headliner

#endif  // HEADLINER_COMMON_GENERATIONAL_CACHE_H_
