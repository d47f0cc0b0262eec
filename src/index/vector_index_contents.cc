// VectorIndex's whole-content operations: Restore (a start-up rebuild from stored vectors), and
// Export / Import, what an index snapshot saves and loads (index_snapshot.h).
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "faiss/IndexFlat.h"
#include "index/main_segment.h"
#include "index/vector_index.h"

namespace headliner {
namespace {

// A start-up rebuild may use every core: nothing is served from the index until it is done. The
// calling thread's OpenMP setting cannot be trusted for that: the sentence model, loaded first on
// the same thread, sets it to one (libtorch's intra-op threads), and a 1M-vector graph then took
// twice as long. Restored afterwards, so the caller keeps its own. OMP_NUM_THREADS, when set, is
// the operator's word (the ThreadSanitizer run sets 1: libgomp is not instrumented).
int BuildThreads() {
  const char* env = std::getenv("OMP_NUM_THREADS");
  if (env != nullptr && *env != '\0') return std::max(1, std::atoi(env));
  return omp_get_num_procs();
}

class AllCoresOpenMp {
 public:
  AllCoresOpenMp() : previous_(omp_get_max_threads()) { omp_set_num_threads(BuildThreads()); }
  ~AllCoresOpenMp() { omp_set_num_threads(previous_); }

 private:
  int previous_;
};

}  // namespace

absl::Status VectorIndex::Restore(std::span<const uint64_t> ids, std::span<const float> vectors) {
  if (vectors.size() != ids.size() * dimension_) {
    return absl::InvalidArgumentError(absl::StrCat("restore: ", vectors.size(), " floats for ",
                                                   ids.size(), " ids of dimension ", dimension_));
  }
  std::lock_guard<std::mutex> one_build(compaction_mu_);
  std::shared_ptr<const MainSegment> main;
  if (ids.size() >= static_cast<size_t>(config_.min_main_segment)) {
    AllCoresOpenMp all_cores;
    main = std::make_shared<const MainSegment>(
        dimension_, config_, std::vector<uint64_t>(ids.begin(), ids.end()), vectors);
  }
  MutexLock lock(&mu_);
  main_ = std::move(main);
  masked_labels_.clear();
  moved_.clear();
  delta_->reset();
  delta_ids_.clear();
  delta_rows_.clear();
  if (main_ == nullptr) {
    for (size_t i = 0; i < ids.size(); ++i) {
      RemoveFromDeltaLocked(ids[i]);  // tolerate duplicates: the last one wins
      AddToDeltaLocked(ids[i], vectors.data() + i * dimension_);
    }
  }
  return absl::OkStatus();
}

VectorIndex::Contents VectorIndex::Export() const {
  ReaderMutexLock lock(&mu_);
  Contents contents;
  contents.main = main_;
  contents.masked.assign(masked_labels_.begin(), masked_labels_.end());
  std::sort(contents.masked.begin(), contents.masked.end());
  std::vector<std::pair<Label, const std::vector<uint8_t>*>> moved;
  for (const auto& [label, codes] : moved_) {
    if (!masked_labels_.contains(label)) moved.emplace_back(label, &codes);
  }
  std::sort(moved.begin(), moved.end());
  for (const auto& [label, codes] : moved) {
    contents.moved.push_back(label);
    contents.moved_codes.insert(contents.moved_codes.end(), codes->begin(), codes->end());
  }
  contents.delta_ids = delta_ids_;
  const float* xb = delta_->get_xb();
  contents.delta_vectors.assign(xb, xb + delta_ids_.size() * dimension_);
  return contents;
}

absl::Status VectorIndex::Import(Contents contents) {
  if (contents.delta_vectors.size() != contents.delta_ids.size() * dimension_ ||
      (contents.main != nullptr && contents.main->hnsw().d != dimension_)) {
    return absl::InvalidArgumentError("import: contents of another dimension");
  }
  const int64_t main_size = contents.main == nullptr ? 0 : contents.main->size();
  for (int64_t label : contents.masked) {
    if (label < 0 || label >= main_size) {
      return absl::InvalidArgumentError(absl::StrCat("import: masked label ", label));
    }
  }
  const size_t code_size = contents.main == nullptr ? 0 : contents.main->code_size();
  if (contents.moved_codes.size() != contents.moved.size() * code_size) {
    return absl::InvalidArgumentError("import: moved entries and their codes disagree");
  }
  MovedCodes moved;
  for (size_t i = 0; i < contents.moved.size(); ++i) {
    const Label label = contents.moved[i];
    if (label < 0 || label >= main_size) {
      return absl::InvalidArgumentError(absl::StrCat("import: moved label ", label));
    }
    const auto codes = contents.moved_codes.begin() + i * code_size;
    moved[label].assign(codes, codes + code_size);
  }
  std::lock_guard<std::mutex> one_build(compaction_mu_);
  MutexLock lock(&mu_);
  main_ = std::move(contents.main);
  masked_labels_ = absl::flat_hash_set<int64_t>(contents.masked.begin(), contents.masked.end());
  moved_ = std::move(moved);
  delta_->reset();
  delta_ids_.clear();
  delta_rows_.clear();
  for (size_t i = 0; i < contents.delta_ids.size(); ++i) {
    RemoveFromDeltaLocked(contents.delta_ids[i]);
    AddToDeltaLocked(contents.delta_ids[i], contents.delta_vectors.data() + i * dimension_);
  }
  return absl::OkStatus();
}

}  // namespace headliner
