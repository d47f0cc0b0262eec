#include "ingest/behaviour_vector_cache.h"

namespace headliner {

const BehaviourVectors* BehaviourVectorCache::Find(uint64_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  recency_.splice(recency_.begin(), recency_, it->second);
  return &it->second->second;
}

std::optional<BehaviourVectors> BehaviourVectorCache::Take(uint64_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    ++stats_.misses;
    return std::nullopt;
  }
  ++stats_.hits;
  std::optional<BehaviourVectors> taken = std::move(it->second->second);
  recency_.erase(it->second);
  entries_.erase(it);
  return taken;
}

void BehaviourVectorCache::Put(uint64_t id, BehaviourVectors vectors) {
  if (capacity_ == 0) return;
  if (auto it = entries_.find(id); it != entries_.end()) {
    it->second->second = std::move(vectors);
    recency_.splice(recency_.begin(), recency_, it->second);
    return;
  }
  if (entries_.size() >= capacity_) {
    entries_.erase(recency_.back().first);
    recency_.pop_back();
    ++stats_.evictions;
  }
  recency_.emplace_front(id, std::move(vectors));
  entries_.emplace(id, recency_.begin());
}

void BehaviourVectorCache::Erase(uint64_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  recency_.erase(it->second);
  entries_.erase(it);
}

}  // namespace headliner
