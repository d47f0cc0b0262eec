#include "rank/candidate_list_cache.h"

#include <algorithm>

namespace headliner {

CandidateListCache::CandidateListCache(size_t capacity)
    : shard_capacity_(std::max<size_t>(1, (capacity + kShards - 1) / kShards)) {}

std::shared_ptr<const CandidateList> CandidateListCache::Find(uint64_t source) const {
  Shard& shard = ShardOf(source);
  ReaderMutexLock lock(&shard.mu);
  auto it = shard.lists.find(source);
  if (it == shard.lists.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->second;
}

bool CandidateListCache::Contains(uint64_t source) const {
  Shard& shard = ShardOf(source);
  ReaderMutexLock lock(&shard.mu);
  return shard.lists.contains(source);
}

void CandidateListCache::Put(std::shared_ptr<const CandidateList> list) {
  Shard& shard = ShardOf(list->source);
  std::shared_ptr<const CandidateList> evicted;  // released outside the lock
  MutexLock lock(&shard.mu);
  if (!shard.lists.contains(list->source) && shard.lists.size() >= shard_capacity_) {
    // An arbitrary victim: flat_hash_map iteration order is unrelated to insertion order.
    auto victim = shard.lists.begin();
    evicted = std::move(victim->second);
    shard.lists.erase(victim);
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
  shard.lists[list->source] = std::move(list);
}

void CandidateListCache::Replace(std::shared_ptr<const CandidateList> list) {
  Shard& shard = ShardOf(list->source);
  std::shared_ptr<const CandidateList> old;
  MutexLock lock(&shard.mu);
  auto it = shard.lists.find(list->source);
  if (it == shard.lists.end()) return;
  old = std::move(it->second);
  it->second = std::move(list);
  refreshes_.fetch_add(1, std::memory_order_relaxed);
}

void CandidateListCache::Erase(uint64_t source) {
  Shard& shard = ShardOf(source);
  std::shared_ptr<const CandidateList> old;
  MutexLock lock(&shard.mu);
  auto it = shard.lists.find(source);
  if (it == shard.lists.end()) return;
  old = std::move(it->second);
  shard.lists.erase(it);
}

CandidateCacheStats CandidateListCache::Stats() const {
  CandidateCacheStats s;
  for (const Shard& shard : shards_) {
    ReaderMutexLock lock(&shard.mu);
    s.lists += shard.lists.size();
  }
  s.hits = hits_.load(std::memory_order_relaxed);
  s.misses = misses_.load(std::memory_order_relaxed);
  s.evictions = evictions_.load(std::memory_order_relaxed);
  s.refreshes = refreshes_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace headliner
