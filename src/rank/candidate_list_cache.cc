#include "rank/candidate_list_cache.h"

#include <algorithm>
#include <utility>

namespace headliner {

CandidateListCache::CandidateListCache(size_t capacity, int base_k)
    : shard_capacity_(std::max<size_t>(1, (capacity + kShards - 1) / kShards)), base_k_(base_k) {}

std::shared_ptr<const CandidateList> CandidateListCache::Find(uint64_t source, int k) const {
  Shard& shard = ShardOf(source);
  {
    ReaderMutexLock lock(&shard.mu);
    for (bool wide : {false, true}) {
      auto it = shard.lists.find(Key(source, wide));
      if (it != shard.lists.end() && (it->second->k >= k || it->second->exhausted)) {
        hits_.fetch_add(1, std::memory_order_relaxed);
        return it->second;
      }
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

std::shared_ptr<const CandidateList> CandidateListCache::Peek(uint64_t source, bool wide) const {
  Shard& shard = ShardOf(source);
  ReaderMutexLock lock(&shard.mu);
  auto it = shard.lists.find(Key(source, wide));
  return it == shard.lists.end() ? nullptr : it->second;
}

absl::flat_hash_set<uint64_t> CandidateListCache::TakeSuspects() {
  MutexLock lock(&suspects_mu_);
  return std::exchange(suspects_, {});
}

void CandidateListCache::Put(std::shared_ptr<const CandidateList> list, uint64_t built_in) {
  const uint64_t source = list->source;
  Insert(std::move(list));
  if (round() != built_in) {
    MutexLock lock(&suspects_mu_);
    suspects_.insert(source);
  }
}

void CandidateListCache::Insert(std::shared_ptr<const CandidateList> list) {
  Shard& shard = ShardOf(list->source);
  const uint64_t key = Key(list->source, IsWide(*list));
  std::shared_ptr<const CandidateList> evicted;  // released outside the lock
  MutexLock lock(&shard.mu);
  if (!shard.lists.contains(key) && shard.lists.size() >= shard_capacity_) {
    // An arbitrary victim: flat_hash_map iteration order is unrelated to insertion order.
    auto victim = shard.lists.begin();
    evicted = std::move(victim->second);
    shard.lists.erase(victim);
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
  shard.lists[key] = std::move(list);
}

void CandidateListCache::Replace(std::shared_ptr<const CandidateList> list) {
  Shard& shard = ShardOf(list->source);
  std::shared_ptr<const CandidateList> old;
  MutexLock lock(&shard.mu);
  auto it = shard.lists.find(Key(list->source, IsWide(*list)));
  if (it == shard.lists.end()) return;
  old = std::move(it->second);
  it->second = std::move(list);
  refreshes_.fetch_add(1, std::memory_order_relaxed);
}

void CandidateListCache::Erase(uint64_t source) {
  Shard& shard = ShardOf(source);
  std::shared_ptr<const CandidateList> held[2];  // released outside the lock
  MutexLock lock(&shard.mu);
  for (bool wide : {false, true}) {
    auto it = shard.lists.find(Key(source, wide));
    if (it == shard.lists.end()) continue;
    held[wide] = std::move(it->second);
    shard.lists.erase(it);
  }
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

uint64_t CandidateListCache::MemoryBytes() const {
  // A map slot (key and shared_ptr) and the shared_ptr's control block beside each list.
  constexpr uint64_t kPerList =
      sizeof(uint64_t) + sizeof(std::shared_ptr<const CandidateList>) + sizeof(CandidateList) + 16;
  uint64_t bytes = 0;
  for (const Shard& shard : shards_) {
    ReaderMutexLock lock(&shard.mu);
    for (const auto& [key, list] : shard.lists) {
      bytes += kPerList + list->members.capacity() * sizeof(CandidateMember);
    }
  }
  return bytes;
}

}  // namespace headliner
