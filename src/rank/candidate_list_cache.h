// The candidate lists (candidate_list.h) of the articles readers ask about, kept ready so that a
// request does not search the indexes. Bounded: past `capacity` lists, an arbitrary one is
// evicted (the next request for it builds it again). Kept fresh by CandidateRefresher.
//
// Thread safety: every method may be called from any thread. The map is split into shards, each
// guarded by its own mutex; lists are immutable and shared, so a reader keeps its list while a
// refresh replaces it.
#ifndef HEADLINER_RANK_CANDIDATE_LIST_CACHE_H_
#define HEADLINER_RANK_CANDIDATE_LIST_CACHE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "common/mutex.h"
#include "rank/candidate_list.h"

namespace headliner {

struct CandidateCacheStats {
  uint64_t lists = 0;
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;
  uint64_t refreshes = 0;  // lists rebuilt by the refresher
};

class CandidateListCache {
 public:
  explicit CandidateListCache(size_t capacity);

  CandidateListCache(const CandidateListCache&) = delete;
  CandidateListCache& operator=(const CandidateListCache&) = delete;

  // The list of `source`, or null (counted as a hit or a miss).
  std::shared_ptr<const CandidateList> Find(uint64_t source) const;
  // Whether `source` has a list, without counting.
  bool Contains(uint64_t source) const;
  void Put(std::shared_ptr<const CandidateList> list);
  // Replaces the list of list->source only if it is cached (a refresh never adds lists).
  void Replace(std::shared_ptr<const CandidateList> list);
  void Erase(uint64_t source);

  CandidateCacheStats Stats() const;

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    mutable Mutex mu;
    absl::flat_hash_map<uint64_t, std::shared_ptr<const CandidateList>> lists ABSL_GUARDED_BY(mu);
  };
  Shard& ShardOf(uint64_t source) const { return shards_[(source * 0x9E3779B97F4A7C15ull) >> 60]; }

  const size_t shard_capacity_;
  mutable std::array<Shard, kShards> shards_;
  mutable std::atomic<uint64_t> hits_{0};
  mutable std::atomic<uint64_t> misses_{0};
  std::atomic<uint64_t> evictions_{0};
  std::atomic<uint64_t> refreshes_{0};
};

}  // namespace headliner

#endif  // HEADLINER_RANK_CANDIDATE_LIST_CACHE_H_
