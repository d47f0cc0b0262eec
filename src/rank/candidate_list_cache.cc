#include "rank/candidate_list_cache.h"

#include <algorithm>
#include <utility>

namespace headliner {

CandidateListCache::CandidateListCache(size_t capacity, int base_k, size_t filtered_capacity,
                                       absl::Duration filtered_ttl)
    : shard_capacity_(std::max<size_t>(1, (capacity + kShards - 1) / kShards)),
      wide_shard_capacity_(std::max<size_t>(1, shard_capacity_ / kWideShare)),
      base_k_(base_k),
      filtered_shard_capacity_(
          filtered_ttl > absl::ZeroDuration() ? (filtered_capacity + kShards - 1) / kShards : 0),
      filtered_ttl_(filtered_ttl) {}

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
  const bool wide = IsWide(*list);
  const uint64_t key = Key(list->source, wide);
  std::shared_ptr<const CandidateList> evicted;  // released outside the lock
  MutexLock lock(&shard.mu);
  if (auto it = shard.lists.find(key); it != shard.lists.end()) {
    evicted = std::exchange(it->second, std::move(list));
    return;
  }
  const size_t count = wide ? shard.wide_count : shard.lists.size() - shard.wide_count;
  if (count >= (wide ? wide_shard_capacity_ : shard_capacity_)) {
    evicted = EvictOne(shard, wide);
    (wide ? wide_evictions_ : evictions_).fetch_add(1, std::memory_order_relaxed);
  }
  shard.lists.emplace(key, std::move(list));
  if (wide) ++shard.wide_count;
}

std::shared_ptr<const CandidateList> CandidateListCache::EvictOne(Shard& shard, bool wide) {
  // An arbitrary victim: flat_hash_map iteration order is unrelated to insertion order. Lists of
  // the other kind are skipped; wide lists are at most 1 in kWideShare + 1 of a full shard, and a
  // shard evicting wide lists holds wide_shard_capacity_ of them.
  for (auto it = shard.lists.begin(); it != shard.lists.end(); ++it) {
    if (((it->first & kWideBit) != 0) != wide) continue;
    std::shared_ptr<const CandidateList> victim = std::move(it->second);
    shard.lists.erase(it);
    if (wide) --shard.wide_count;
    return victim;
  }
  return nullptr;
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
  std::vector<FilteredList> held_filtered;
  MutexLock lock(&shard.mu);
  for (bool wide : {false, true}) {
    auto it = shard.lists.find(Key(source, wide));
    if (it == shard.lists.end()) continue;
    held[wide] = std::move(it->second);
    shard.lists.erase(it);
    if (wide) --shard.wide_count;
  }
  if (auto it = shard.filtered.find(source); it != shard.filtered.end()) {
    held_filtered = std::move(it->second);
    shard.filtered_count -= held_filtered.size();
    shard.filtered.erase(it);
  }
}

std::shared_ptr<const CandidateList> CandidateListCache::FindFiltered(uint64_t source,
                                                                      absl::string_view filter_key,
                                                                      int k, absl::Time now) const {
  if (filtered_shard_capacity_ > 0) {
    Shard& shard = ShardOf(source);
    ReaderMutexLock lock(&shard.mu);
    if (auto it = shard.filtered.find(source); it != shard.filtered.end()) {
      for (const FilteredList& f : it->second) {
        if (f.filter_key != filter_key || now - f.built_at >= filtered_ttl_) continue;
        if (f.list->k < k && !f.list->exhausted) continue;
        filtered_hits_.fetch_add(1, std::memory_order_relaxed);
        return f.list;
      }
    }
  }
  filtered_misses_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void CandidateListCache::PutFiltered(std::shared_ptr<const CandidateList> list,
                                     std::string filter_key, absl::Time built_at) {
  if (filtered_shard_capacity_ == 0) return;
  Shard& shard = ShardOf(list->source);
  std::vector<FilteredList> evicted;  // released outside the lock
  std::shared_ptr<const CandidateList> replaced;
  MutexLock lock(&shard.mu);
  std::vector<FilteredList>& mine = shard.filtered[list->source];
  for (FilteredList& f : mine) {
    if (f.filter_key != filter_key) continue;
    replaced = std::exchange(f.list, std::move(list));
    f.built_at = built_at;
    return;
  }
  if (shard.filtered_count >= filtered_shard_capacity_) {
    // An arbitrary source's filtered lists go (not this one's, which may be empty here).
    for (auto it = shard.filtered.begin(); it != shard.filtered.end(); ++it) {
      if (it->second.empty() || &it->second == &mine) continue;
      evicted = std::move(it->second);
      shard.filtered_count -= evicted.size();
      filtered_evictions_.fetch_add(evicted.size(), std::memory_order_relaxed);
      shard.filtered.erase(it);
      break;
    }
  }
  mine.push_back({std::move(filter_key), std::move(list), built_at});
  ++shard.filtered_count;
}

CandidateCacheStats CandidateListCache::Stats() const {
  CandidateCacheStats s;
  for (const Shard& shard : shards_) {
    ReaderMutexLock lock(&shard.mu);
    s.lists += shard.lists.size();
    s.wide_lists += shard.wide_count;
    s.filtered_lists += shard.filtered_count;
  }
  s.filtered_hits = filtered_hits_.load(std::memory_order_relaxed);
  s.filtered_misses = filtered_misses_.load(std::memory_order_relaxed);
  s.hits = hits_.load(std::memory_order_relaxed);
  s.misses = misses_.load(std::memory_order_relaxed);
  s.evictions = evictions_.load(std::memory_order_relaxed);
  s.wide_evictions = wide_evictions_.load(std::memory_order_relaxed);
  s.filtered_evictions = filtered_evictions_.load(std::memory_order_relaxed);
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
      bytes += kPerList + list->members.capacity() * sizeof(CandidateMember) +
               (list->content_hits.capacity() + list->behaviour_hits.capacity()) * sizeof(uint32_t);
    }
    for (const auto& [source, lists] : shard.filtered) {
      for (const FilteredList& f : lists) {
        bytes += kPerList + sizeof(FilteredList) + f.filter_key.capacity() +
                 f.list->members.capacity() * sizeof(CandidateMember);
      }
    }
  }
  return bytes;
}

}  // namespace headliner
