// Nearest-neighbour search over article vectors (inner product of L2-normalised vectors, i.e.
// cosine similarity), updated online.
//
// Structure: an immutable HNSW "main" segment plus a mutable exact "delta" segment. Distances use
// InnerProduct (inner_product.h), not FAISS's scalar kernels.
//  - Upsert puts the vector in the delta segment and masks the id's old entry in main, if any;
//    Remove masks or drops it. Neither rebuilds anything, so an update is searchable at once.
//  - An update that stays close to the vector its main entry was inserted with (inner product at
//    least `keep_place_similarity`) keeps its place in the graph instead: the entry's new codes
//    are kept beside the immutable segment ("moved" entries), and everything that scores or reads
//    the entry uses them; only the graph's links still reflect where it was inserted. So a
//    behaviour vector nudged by every click costs a code write, not a graph insertion, until it
//    has drifted far enough that the old links would mislead searches.
//  - Search queries both segments and merges the results, skipping masked main entries; a moved
//    entry the graph search returns is rescored on its new codes.
//  - When the delta segment reaches `compaction_threshold`, a background thread builds a new main
//    segment without holding the lock and swaps it in: a copy of the old graph extended with the
//    delta rows while under 10% of the main entries are masked, else a rebuild from all live
//    vectors (also triggered by masks alone). Either way moved entries are written into the new
//    segment with their new codes. Writes that raced with the build stay in the delta segment
//    (none moves in place meanwhile) and are masked in the new main. Below `min_main_segment` live
//    vectors everything stays in the (exact) delta segment.
//
// Thread safety: every public method may be called from any thread. `mu_` guards the segments;
// searches take it shared, writers exclusively and only for O(dimension) work (Mutex does
// not starve writers). The main segment itself is immutable once published.
#ifndef HEADLINER_INDEX_VECTOR_INDEX_H_
#define HEADLINER_INDEX_VECTOR_INDEX_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/mutex.h"
#include "index/index_config.h"

namespace faiss {
struct IndexFlatIP;
}  // namespace faiss

namespace headliner {

struct SearchHit {
  uint64_t id;
  float score;  // inner product with the query
};

struct IndexStats {
  uint64_t live = 0;
  uint64_t main_segment = 0;  // entries in the main segment, masked ones included
  uint64_t masked = 0;        // stale or removed entries of the main segment
  uint64_t delta_segment = 0;
  uint64_t moved = 0;  // main entries updated in place (keep_place_similarity)
  uint64_t compactions = 0;
  // Of those, full rebuilds of the graph (the others extend a copy of it), and the time spent
  // building new segments, all compactions together.
  uint64_t rebuilds = 0;
  absl::Duration compaction_time;
  // Memory of the segments served now (the main segment's codes and graph, the delta's vectors);
  // a compaction holds a second main segment besides while it builds.
  uint64_t bytes = 0;
};

class MainSegment;  // vector_index.cc

class VectorIndex {
 public:
  VectorIndex(int dimension, const IndexConfig& config);
  ~VectorIndex();  // stops the compaction thread

  VectorIndex(const VectorIndex&) = delete;
  VectorIndex& operator=(const VectorIndex&) = delete;

  // Replaces the whole content (start-up restore): builds the main segment directly when there
  // are at least `min_main_segment` vectors, on every core (or OMP_NUM_THREADS, when set)
  // whatever the calling thread's OpenMP setting, which it leaves as it was. `vectors` holds ids.size() * dimension floats.
  absl::Status Restore(std::span<const uint64_t> ids, std::span<const float> vectors);

  // Inserts or replaces the vector of `id`. InvalidArgument on a wrong dimension.
  absl::Status Upsert(uint64_t id, std::span<const float> vector);
  // Removes `id`; a no-op when absent.
  void Remove(uint64_t id);

  // The `k` nearest live vectors, best first.
  std::vector<SearchHit> Search(std::span<const float> query, int k) const;
  // The `k` nearest live vectors whose id `accept` takes, best first: HNSW walks the whole graph
  // but only accepted entries are results, so a filter that takes one article in six costs a few
  // times an unfiltered search instead of a search six times as wide. `accept` is called under
  // the index's shared lock and must not call back into it.
  using IdFilter = std::function<bool(uint64_t)>;
  std::vector<SearchHit> Search(std::span<const float> query, int k, const IdFilter& accept) const;
  // The stored vector of `id`, if live.
  std::optional<std::vector<float>> Vector(uint64_t id) const;
  // The inner product of `query` with the stored vector of each of `ids` (InnerProduct(query,
  // *Vector(id)) up to float rounding: a quantised entry is scored on its codes, as the graph
  // search scores it), NaN for an id that is not live. One lock for all of them and no copies:
  // the ranker scores its candidates with it.
  std::vector<float> InnerProducts(std::span<const float> query,
                                   std::span<const uint64_t> ids) const;
  // The stored vectors of `ids`, ids.size() * dimension floats in order, under one lock; `live`
  // says which were found (the others are zero).
  std::vector<float> Vectors(std::span<const uint64_t> ids, std::vector<bool>& live) const;
  bool Contains(uint64_t id) const;

  IndexStats Stats() const;
  int dimension() const { return dimension_; }
  const IndexConfig& config() const { return config_; }

  // The whole content at one instant, for a snapshot (index_snapshot.h): the main segment is
  // shared (it is immutable), the masked labels and delta rows are copied under the shared lock
  // (at most a compaction threshold's worth), so writers wait only for those copies.
  struct Contents {
    std::shared_ptr<const MainSegment> main;  // null when everything is in the delta segment
    std::vector<int64_t> masked;              // labels of `main`
    std::vector<int64_t> moved;               // labels of `main` updated in place, ascending
    std::vector<uint8_t> moved_codes;         // their codes, a main-segment code size each
    std::vector<uint64_t> delta_ids;
    std::vector<float> delta_vectors;  // delta_ids.size() * dimension
  };
  Contents Export() const;
  // Replaces the whole content (start-up from a snapshot). InvalidArgument when `contents` does
  // not fit this index (dimension, a masked label outside the main segment).
  absl::Status Import(Contents contents);

  // Starts the background compaction thread (not started by the constructor so that tests and
  // benchmarks can drive compaction by hand).
  void StartBackgroundCompaction();
  // Compacts now if due, extending the graph when that is cheap; returns whether it did. Safe to
  // call concurrently with everything.
  bool CompactIfDue();
  // Rebuilds the main segment from all live vectors now (none left masked), or folds everything
  // into the delta segment if there are too few for a graph.
  void Compact();

 private:
  using Label = int64_t;  // a position in the main segment (faiss::idx_t)
  using MovedCodes = absl::flat_hash_map<Label, std::vector<uint8_t>>;
  enum class CompactionMode { kRebuild, kExtendIfCheap };
  void Compact(CompactionMode mode);
  bool CompactionDueLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void AddToDeltaLocked(uint64_t id, const float* vector) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemoveFromDeltaLocked(uint64_t id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MaskInMainLocked(uint64_t id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Replaces the codes of the main entry of `id` if it is live there, close enough to `vector`
  // and no compaction is reading the segment; returns whether it did.
  bool MoveInMainLocked(uint64_t id, const float* vector) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The current codes of a live main entry: its moved codes, or the segment's.
  const uint8_t* CodesLocked(Label label) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The stored vector of `id`: a row of the delta segment, or `buffer` (dimension floats) filled
  // from the main segment; null when `id` is not live.
  const float* FindLocked(uint64_t id, float* buffer) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Search, with `accept` (when not null) as the filter; takes the lock itself.
  std::vector<SearchHit> SearchLocked(std::span<const float> query, int k,
                                      const IdFilter* accept) const ABSL_LOCKS_EXCLUDED(mu_);
  // Appends the k best delta rows for `query` (those `accept` takes, if set) to `hits`.
  void ScanDeltaLocked(const float* query, int k, const IdFilter* accept,
                       std::vector<SearchHit>& hits) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void CompactionLoop();
  bool TooManyMasked(const MainSegment& main, size_t masked) const;
  // moved_, read by the compaction without the lock: nothing changes it while compacting_.
  const MovedCodes& MovedWhileCompacting() const;
  // Appends the unmasked vectors of `main` with labels in [*next, end), moved ones with their new
  // codes, until `limit` ids are in `ids`; advances *next.
  void AppendLiveVectors(const MainSegment& main, const absl::flat_hash_set<int64_t>& masked,
                         const MovedCodes& moved, Label* next, size_t limit,
                         std::vector<uint64_t>& ids, std::vector<float>& vectors) const;
  // A full rebuild of `old` (may be null) less `masked`, with `moved`, and the delta rows `ids`
  // first; null when that is fewer than min_main_segment vectors.
  std::shared_ptr<const MainSegment> Rebuild(const MainSegment* old,
                                             const absl::flat_hash_set<int64_t>& masked,
                                             const MovedCodes& moved,
                                             const std::vector<uint64_t>& ids,
                                             const std::vector<float>& vectors) const;
  void FoldMainIntoDeltaLocked(std::span<const uint64_t> ids, std::span<const float> vectors)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Drops delta rows that the new main segment now holds: all but those changed meanwhile.
  void KeepOnlyChangedInDeltaLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int dimension_;
  const IndexConfig config_;

  mutable Mutex mu_;
  std::shared_ptr<const MainSegment> main_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<int64_t> masked_labels_ ABSL_GUARDED_BY(mu_);  // labels of main_
  MovedCodes moved_ ABSL_GUARDED_BY(mu_);  // live labels of main_ updated in place
  std::unique_ptr<faiss::IndexFlatIP> delta_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> delta_ids_ ABSL_GUARDED_BY(mu_);                    // row -> id
  absl::flat_hash_map<uint64_t, int64_t> delta_rows_ ABSL_GUARDED_BY(mu_);  // id -> row
  // While a compaction builds, the ids written meanwhile: they must not be taken from its
  // snapshot.
  bool compacting_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<uint64_t> changed_during_compaction_ ABSL_GUARDED_BY(mu_);
  uint64_t compactions_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t rebuilds_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Duration compaction_time_ ABSL_GUARDED_BY(mu_);

  std::mutex compaction_mu_;  // one compaction at a time

  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stop_ = false;  // guarded by loop_mu_
  std::thread compaction_thread_;
};

}  // namespace headliner

#endif  // HEADLINER_INDEX_VECTOR_INDEX_H_
