// The candidate lists (candidate_list.h) of the articles readers ask about, kept ready so that a
// request does not search the indexes. Bounded: past `capacity` lists, an arbitrary one is
// evicted (the next request for it builds it again). Kept fresh by CandidateRefresher.
//
// A source has up to two lists: its base list (k = `base_k`, ranking.candidate_pool), which
// every request scores, and a wide one (k > base_k) built when a request's filters left too few
// items. They are kept apart so that one filtered request does not make every later request of
// the source score the wide list.
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
#include "absl/container/flat_hash_set.h"
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
  CandidateListCache(size_t capacity, int base_k);

  CandidateListCache(const CandidateListCache&) = delete;
  CandidateListCache& operator=(const CandidateListCache&) = delete;

  // The narrowest list of `source` with at least `k` neighbours per index (or with all there
  // were), or null; counted as a hit or a miss.
  std::shared_ptr<const CandidateList> Find(uint64_t source, int k) const;
  // The base or wide list of `source`, without counting (the refresher).
  std::shared_ptr<const CandidateList> Peek(uint64_t source, bool wide = false) const;
  bool Contains(uint64_t source) const { return Peek(source) != nullptr; }

  // Refresh rounds. A list built while a round began may have missed the changes of that round
  // (the round found it not cached), so Put queues it for the next round.
  uint64_t round() const { return round_.load(std::memory_order_acquire); }
  void BeginRound() { round_.fetch_add(1, std::memory_order_acq_rel); }
  // Lists put across a round since the last call.
  absl::flat_hash_set<uint64_t> TakeSuspects();

  // Caches `list`, built from the state as of round `built_in` (round() before the build).
  void Put(std::shared_ptr<const CandidateList> list, uint64_t built_in);
  // Replaces the list of list->source (base or wide by its k) only if one is cached.
  void Replace(std::shared_ptr<const CandidateList> list);
  // Drops both lists of `source`.
  void Erase(uint64_t source);

  CandidateCacheStats Stats() const;
  // Memory the cached lists take (members, list headers, map entries): O(lists), for reports.
  uint64_t MemoryBytes() const;
  size_t capacity() const { return shard_capacity_ * kShards; }

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    mutable Mutex mu;
    absl::flat_hash_map<uint64_t, std::shared_ptr<const CandidateList>> lists ABSL_GUARDED_BY(mu);
  };
  void Insert(std::shared_ptr<const CandidateList> list);
  // Map key of a source's base or wide list (dense ids are below 2^32).
  static uint64_t Key(uint64_t source, bool wide) { return wide ? source | (1ull << 63) : source; }
  bool IsWide(const CandidateList& list) const { return list.k > base_k_; }
  Shard& ShardOf(uint64_t source) const { return shards_[(source * 0x9E3779B97F4A7C15ull) >> 60]; }

  const size_t shard_capacity_;
  const int base_k_;
  mutable std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> round_{0};
  Mutex suspects_mu_;
  absl::flat_hash_set<uint64_t> suspects_ ABSL_GUARDED_BY(suspects_mu_);
  mutable std::atomic<uint64_t> hits_{0};
  mutable std::atomic<uint64_t> misses_{0};
  std::atomic<uint64_t> evictions_{0};
  std::atomic<uint64_t> refreshes_{0};
};

}  // namespace headliner

#endif  // HEADLINER_RANK_CANDIDATE_LIST_CACHE_H_
