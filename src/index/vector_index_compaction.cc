// VectorIndex's compaction: building a new main segment from the old one and the delta rows, and
// the background thread that does it when due (vector_index.h).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <utility>

#include "common/background_thread.h"
#include "common/log.h"
#include "faiss/IndexHNSW.h"
#include "index/main_segment.h"
#include "index/vector_index.h"

namespace headliner {
namespace {

// Above this share of masked entries a compaction rebuilds the graph from the live vectors
// instead of extending it: masked entries still cost search time.
constexpr double kMaxMaskedFraction = 0.1;

}  // namespace

bool VectorIndex::CompactionDueLocked() const {
  const size_t threshold = static_cast<size_t>(config_.compaction_threshold);
  if (compacting_) return false;
  if (main_ == nullptr) {
    return delta_ids_.size() >= static_cast<size_t>(config_.min_main_segment);
  }
  return delta_ids_.size() >= threshold || TooManyMasked(*main_, masked_labels_.size());
}

bool VectorIndex::CompactIfDue() {
  {
    ReaderMutexLock lock(&mu_);
    if (!CompactionDueLocked()) return false;
  }
  Compact(CompactionMode::kExtendIfCheap);
  return true;
}

void VectorIndex::Compact() { Compact(CompactionMode::kRebuild); }

void VectorIndex::Compact(CompactionMode mode) {
  std::lock_guard<std::mutex> one_build(compaction_mu_);
  const absl::Time started = absl::Now();

  // 1. Snapshot under the lock: cheap (pointer copy, masked set and the small delta segment).
  std::shared_ptr<const MainSegment> old_main;
  absl::flat_hash_set<int64_t> old_masked;
  std::vector<uint64_t> ids;
  std::vector<float> vectors;
  {
    MutexLock lock(&mu_);
    compacting_ = true;
    changed_during_compaction_.clear();
    old_main = main_;
    old_masked = masked_labels_;
    ids = delta_ids_;
    vectors.assign(delta_->get_xb(), delta_->get_xb() + delta_ids_.size() * dimension_);
  }

  // 2. Build without the lock; searches and writes go on meanwhile. While few main entries are
  //    masked, extend a copy of the graph with the delta rows; otherwise rebuild from live vectors.
  //    Either way the moved entries' codes go into the new segment.
  const bool incremental = mode == CompactionMode::kExtendIfCheap && old_main != nullptr &&
                           !ids.empty() && !TooManyMasked(*old_main, old_masked.size());
  const MovedCodes& moved = MovedWhileCompacting();
  std::shared_ptr<const MainSegment> new_main;
  std::vector<Label> superseded;  // old labels of ids the incremental build re-adds
  if (incremental) {
    for (uint64_t id : ids) {
      if (std::optional<Label> label = old_main->LabelOf(id)) superseded.push_back(*label);
    }
    new_main = std::make_shared<const MainSegment>(*old_main, config_, moved, ids, vectors);
  } else {
    new_main = Rebuild(old_main.get(), old_masked, moved, ids, vectors);
    if (new_main == nullptr && old_main != nullptr) {  // too few for a graph: all go to the delta
      Label next = 0;
      AppendLiveVectors(*old_main, old_masked, moved, &next, SIZE_MAX, ids, vectors);
    }
  }

  // 3. Swap. Everything written during the build is current in the delta segment (or removed),
  //    so it stays there and its snapshot copy is masked in the new main segment.
  MutexLock lock(&mu_);
  compacting_ = false;
  ++compactions_;
  if (!incremental) ++rebuilds_;
  compaction_time_ += absl::Now() - started;
  moved_.clear();  // all in the new segment (or the delta segment)
  if (new_main == nullptr) {
    FoldMainIntoDeltaLocked(ids, vectors);
    return;
  }
  // An incremental main keeps the old labels, so the masks set meanwhile still apply.
  absl::flat_hash_set<int64_t> new_masked;
  if (incremental) new_masked = std::move(masked_labels_);
  new_masked.insert(superseded.begin(), superseded.end());
  for (uint64_t id : changed_during_compaction_) {
    if (std::optional<Label> label = new_main->LabelOf(id)) new_masked.insert(*label);
  }
  KeepOnlyChangedInDeltaLocked();
  main_ = std::move(new_main);
  masked_labels_ = std::move(new_masked);
  changed_during_compaction_.clear();
}

bool VectorIndex::TooManyMasked(const MainSegment& main, size_t masked) const {
  return masked >= std::max<size_t>(config_.compaction_threshold, main.size() * kMaxMaskedFraction);
}

const VectorIndex::MovedCodes& VectorIndex::MovedWhileCompacting() const
    ABSL_NO_THREAD_SAFETY_ANALYSIS {
  return moved_;  // unchanged while compacting_: see MoveInMainLocked and MaskInMainLocked
}

std::shared_ptr<const MainSegment> VectorIndex::Rebuild(const MainSegment* old,
                                                        const absl::flat_hash_set<int64_t>& masked,
                                                        const MovedCodes& moved,
                                                        const std::vector<uint64_t>& ids,
                                                        const std::vector<float>& vectors) const {
  const size_t live = old == nullptr ? 0 : old->size() - masked.size();
  if (ids.size() + live < static_cast<size_t>(config_.min_main_segment)) return nullptr;
  bool delta_given = false;
  Label next = 0;
  return std::make_shared<const MainSegment>(
      dimension_, config_, [&](std::vector<uint64_t>& chunk_ids, std::vector<float>& chunk) {
        if (!delta_given) {  // the delta rows first, as they were inserted before
          delta_given = true;
          chunk_ids = ids;
          chunk = vectors;
          return old != nullptr;
        }
        AppendLiveVectors(*old, masked, moved, &next, config_.rebuild_chunk, chunk_ids, chunk);
        return next < static_cast<Label>(old->size());
      });
}

void VectorIndex::AppendLiveVectors(const MainSegment& main,
                                    const absl::flat_hash_set<int64_t>& masked,
                                    const MovedCodes& moved, Label* next, size_t limit,
                                    std::vector<uint64_t>& ids, std::vector<float>& vectors) const {
  std::vector<float> row(dimension_);
  for (; *next < static_cast<Label>(main.size()) && ids.size() < limit; ++*next) {
    const Label label = *next;
    if (masked.contains(label)) continue;
    auto it = moved.find(label);
    main.Decode(it != moved.end() ? it->second.data() : main.CodesOf(label), row.data());
    ids.push_back(main.IdOf(label));
    vectors.insert(vectors.end(), row.begin(), row.end());
  }
}

void VectorIndex::FoldMainIntoDeltaLocked(std::span<const uint64_t> ids,
                                          std::span<const float> vectors) {
  // Too few vectors for a graph: keep one exact segment, moving the old main's still-unmasked
  // vectors into it.
  changed_during_compaction_.clear();
  if (main_ == nullptr) return;
  for (size_t i = 0; i < ids.size(); ++i) {
    std::optional<Label> label = main_->LabelOf(ids[i]);
    if (!label || masked_labels_.contains(*label) || delta_rows_.contains(ids[i])) continue;
    AddToDeltaLocked(ids[i], vectors.data() + i * dimension_);
  }
  main_.reset();
  masked_labels_.clear();
}

void VectorIndex::KeepOnlyChangedInDeltaLocked() {
  std::vector<uint64_t> keep_ids;
  std::vector<float> keep_vectors;
  for (size_t row = 0; row < delta_ids_.size(); ++row) {
    if (!changed_during_compaction_.contains(delta_ids_[row])) continue;
    keep_ids.push_back(delta_ids_[row]);
    keep_vectors.insert(keep_vectors.end(), delta_->get_xb() + row * dimension_,
                        delta_->get_xb() + (row + 1) * dimension_);
  }
  delta_->reset();
  delta_ids_.clear();
  delta_rows_.clear();
  for (size_t i = 0; i < keep_ids.size(); ++i) {
    AddToDeltaLocked(keep_ids[i], keep_vectors.data() + i * dimension_);
  }
}

void VectorIndex::StartBackgroundCompaction() {
  if (compaction_thread_.joinable()) return;
  compaction_thread_ = std::thread([this] {
    SetCurrentThreadName("index-compact");
    if (absl::Status s = SetCurrentThreadNice(config_.compaction_nice); !s.ok()) {
      LogWarning("index", "compaction thread priority: %s", s.ToString());
    }
    CompactionLoop();
  });
}

void VectorIndex::CompactionLoop() {
  std::unique_lock<std::mutex> lock(loop_mu_);
  absl::Time next_allowed = absl::InfinitePast();  // the share of a core (compaction_max_share)
  while (!stop_) {
    loop_cv_.wait_for(lock, std::chrono::seconds(1));
    if (stop_) break;
    if (absl::Now() < next_allowed) continue;
    lock.unlock();
    const absl::Time started = absl::Now();
    if (CompactIfDue()) {
      const absl::Duration took = absl::Now() - started;
      next_allowed = absl::Now() + took * (1 / config_.compaction_max_share - 1);
    }
    lock.lock();
  }
}

}  // namespace headliner
