// The candidate lists (candidate_list.h) of the articles readers ask about, kept ready so that a
// request does not search the indexes. Kept fresh by CandidateRefresher.
//
// A source has up to two lists: its base list (k = `base_k`, ranking.candidate_pool), which
// every request scores, and a wide one (k > base_k) built when a request's filters left too few
// items. They are kept apart so that one filtered request does not make every later request of
// the source score the wide list. Bounded, each kind on its own: past `capacity` base lists an
// arbitrary base list is evicted, past `capacity` / kWideShare wide lists an arbitrary wide list
// (the next request for it builds it again). So wide lists, built on demand by requests, never
// push out the base lists the refresher built ahead of the requests.
//
// It also keeps lists built within a request's metadata filter (FindFiltered, PutFiltered): when
// the source's own list cannot fill a section, language or age filter the ranker searches the
// indexes within the filter, which costs several times a whole request, and the same source and
// filter come back (a widget's configuration, a popular article). Nothing refreshes those: each is
// served for at most `filtered_ttl` after it was built, and dropped with the source's lists.
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
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/mutex.h"
#include "rank/candidate_list.h"

namespace headliner {

struct CandidateCacheStats {
  uint64_t lists = 0;  // base and wide
  uint64_t wide_lists = 0;
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;  // of base lists
  uint64_t wide_evictions = 0;
  uint64_t refreshes = 0;  // lists rebuilt by the refresher
  uint64_t filtered_lists = 0;
  uint64_t filtered_hits = 0;
  uint64_t filtered_misses = 0;  // none kept, or too old
  uint64_t filtered_evictions = 0;
};

class CandidateListCache {
 public:
  // Up to `capacity` sources' lists and `filtered_capacity` filtered lists (none when 0 or when
  // `filtered_ttl` is zero).
  CandidateListCache(size_t capacity, int base_k, size_t filtered_capacity = 0,
                     absl::Duration filtered_ttl = absl::ZeroDuration());

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
  // Drops both lists of `source`, and its filtered lists.
  void Erase(uint64_t source);

  // The list of `source` built within the filter `filter_key` (MetadataFilter::Key) with at
  // least `k` neighbours per index (or all there were), built less than filtered_ttl before
  // `now`, or null; counted as a filtered hit or miss.
  std::shared_ptr<const CandidateList> FindFiltered(uint64_t source, absl::string_view filter_key,
                                                    int k, absl::Time now) const;
  // Keeps `list`, built within `filter_key` at `built_at`, replacing the source's list for it.
  void PutFiltered(std::shared_ptr<const CandidateList> list, std::string filter_key,
                   absl::Time built_at);

  CandidateCacheStats Stats() const;
  // Memory the cached lists take (members, list headers, map entries): O(lists), for reports.
  uint64_t MemoryBytes() const;
  // Base lists kept at most (wide lists: at most capacity() / kWideShare besides; a wide list
  // holds about four times a base list's members).
  size_t capacity() const { return shard_capacity_ * kShards; }
  static constexpr size_t kWideShare = 32;

 private:
  static constexpr size_t kShards = 16;
  struct FilteredList {
    std::string filter_key;
    std::shared_ptr<const CandidateList> list;
    absl::Time built_at;
  };
  struct Shard {
    mutable Mutex mu;
    absl::flat_hash_map<uint64_t, std::shared_ptr<const CandidateList>> lists ABSL_GUARDED_BY(mu);
    size_t wide_count ABSL_GUARDED_BY(mu) = 0;  // wide lists among `lists`
    // By source: a source has few filters, so its lists are a short vector scanned by key.
    absl::flat_hash_map<uint64_t, std::vector<FilteredList>> filtered ABSL_GUARDED_BY(mu);
    size_t filtered_count ABSL_GUARDED_BY(mu) = 0;
  };
  void Insert(std::shared_ptr<const CandidateList> list);
  // Removes an arbitrary list of the given kind from `shard` (which holds at least one) and
  // returns it, to be released outside the lock.
  std::shared_ptr<const CandidateList> EvictOne(Shard& shard, bool wide)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);
  // Map key of a source's base or wide list (dense ids are below 2^32).
  static uint64_t Key(uint64_t source, bool wide) { return wide ? source | kWideBit : source; }
  static constexpr uint64_t kWideBit = 1ull << 63;
  bool IsWide(const CandidateList& list) const { return list.k > base_k_; }
  Shard& ShardOf(uint64_t source) const { return shards_[(source * 0x9E3779B97F4A7C15ull) >> 60]; }

  const size_t shard_capacity_;       // base lists per shard
  const size_t wide_shard_capacity_;  // wide lists per shard
  const int base_k_;
  const size_t filtered_shard_capacity_;  // 0: no filtered lists
  const absl::Duration filtered_ttl_;
  mutable std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> round_{0};
  Mutex suspects_mu_;
  absl::flat_hash_set<uint64_t> suspects_ ABSL_GUARDED_BY(suspects_mu_);
  mutable std::atomic<uint64_t> hits_{0};
  mutable std::atomic<uint64_t> misses_{0};
  std::atomic<uint64_t> evictions_{0};
  std::atomic<uint64_t> wide_evictions_{0};
  std::atomic<uint64_t> filtered_evictions_{0};
  std::atomic<uint64_t> refreshes_{0};
  mutable std::atomic<uint64_t> filtered_hits_{0};
  mutable std::atomic<uint64_t> filtered_misses_{0};
};

}  // namespace headliner

#endif  // HEADLINER_RANK_CANDIDATE_LIST_CACHE_H_
