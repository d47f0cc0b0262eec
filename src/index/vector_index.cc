#include "index/vector_index.h"

#include <omp.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "faiss/IndexFlat.h"
#include "faiss/IndexHNSW.h"
#include "faiss/impl/AuxIndexStructures.h"
#include "faiss/impl/FaissException.h"
#include "faiss/impl/IDSelector.h"
#include "index/inner_product.h"
#include "index/main_segment.h"

namespace headliner {

using Label = faiss::Index::idx_t;

namespace {

// Above this share of masked entries a compaction rebuilds the graph from the live vectors
// instead of extending it: masked entries still cost search time.
constexpr double kMaxMaskedFraction = 0.1;

// Lets HNSW skip masked labels while it walks the graph, so that a query still finds k live
// neighbours however many entries are masked.
class UnmaskedSelector : public faiss::IDSelector {
 public:
  explicit UnmaskedSelector(const absl::flat_hash_set<int64_t>& masked) : masked_(masked) {}
  bool is_member(faiss::Index::idx_t id) const override { return !masked_.contains(id); }

 private:
  const absl::flat_hash_set<int64_t>& masked_;
};

// Unmasked labels whose article id the caller's filter takes.
class AcceptedSelector : public faiss::IDSelector {
 public:
  AcceptedSelector(const absl::flat_hash_set<int64_t>& masked, const MainSegment& main,
                   const VectorIndex::IdFilter& accept)
      : masked_(masked), main_(main), accept_(accept) {}
  bool is_member(faiss::Index::idx_t label) const override {
    return !masked_.contains(label) && accept_(main_.IdOf(label));
  }

 private:
  const absl::flat_hash_set<int64_t>& masked_;
  const MainSegment& main_;
  const VectorIndex::IdFilter& accept_;
};

// FAISS parallelises even a single query with OpenMP; on serving threads that only adds
// contention, so each search runs on the calling thread alone.
class SingleThreadedOpenMp {
 public:
  SingleThreadedOpenMp() : previous_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~SingleThreadedOpenMp() { omp_set_num_threads(previous_); }

 private:
  int previous_;
};

// The order of results: higher score first, ties by lower id. A total order, so that which of
// several equal vectors (republished copies of one headline) make the cut at k does not depend on
// where they sit in a segment, which differs between a live index and one restored after a restart.
bool Better(const SearchHit& a, const SearchHit& b) {
  return a.score != b.score ? a.score > b.score : a.id < b.id;
}

void MergeHits(std::vector<SearchHit>& hits, int k) {
  std::sort(hits.begin(), hits.end(), Better);
  if (hits.size() > static_cast<size_t>(k)) hits.resize(k);
}

}  // namespace

VectorIndex::VectorIndex(int dimension, const IndexConfig& config)
    : dimension_(dimension),
      config_(config),
      delta_(std::make_unique<faiss::IndexFlatIP>(dimension)) {}

VectorIndex::~VectorIndex() {
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    stop_ = true;
  }
  loop_cv_.notify_all();
  if (compaction_thread_.joinable()) compaction_thread_.join();
}

absl::Status VectorIndex::Restore(std::span<const uint64_t> ids, std::span<const float> vectors) {
  if (vectors.size() != ids.size() * dimension_) {
    return absl::InvalidArgumentError(absl::StrCat("restore: ", vectors.size(), " floats for ",
                                                   ids.size(), " ids of dimension ", dimension_));
  }
  std::lock_guard<std::mutex> one_build(compaction_mu_);
  std::shared_ptr<const MainSegment> main;
  if (ids.size() >= static_cast<size_t>(config_.min_main_segment)) {
    main = std::make_shared<const MainSegment>(
        dimension_, config_, std::vector<uint64_t>(ids.begin(), ids.end()), vectors);
  }
  MutexLock lock(&mu_);
  main_ = std::move(main);
  masked_labels_.clear();
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
  std::lock_guard<std::mutex> one_build(compaction_mu_);
  MutexLock lock(&mu_);
  main_ = std::move(contents.main);
  masked_labels_ = absl::flat_hash_set<int64_t>(contents.masked.begin(), contents.masked.end());
  delta_->reset();
  delta_ids_.clear();
  delta_rows_.clear();
  for (size_t i = 0; i < contents.delta_ids.size(); ++i) {
    RemoveFromDeltaLocked(contents.delta_ids[i]);
    AddToDeltaLocked(contents.delta_ids[i], contents.delta_vectors.data() + i * dimension_);
  }
  return absl::OkStatus();
}

absl::Status VectorIndex::Upsert(uint64_t id, std::span<const float> vector) {
  if (vector.size() != static_cast<size_t>(dimension_)) {
    return absl::InvalidArgumentError(
        absl::StrCat("vector of dimension ", vector.size(), ", index dimension is ", dimension_));
  }
  bool due = false;
  {
    MutexLock lock(&mu_);
    RemoveFromDeltaLocked(id);
    MaskInMainLocked(id);
    AddToDeltaLocked(id, vector.data());
    if (compacting_) changed_during_compaction_.insert(id);
    due = CompactionDueLocked();
  }
  if (due) loop_cv_.notify_one();
  return absl::OkStatus();
}

void VectorIndex::Remove(uint64_t id) {
  MutexLock lock(&mu_);
  RemoveFromDeltaLocked(id);
  MaskInMainLocked(id);
  if (compacting_) changed_during_compaction_.insert(id);
}

void VectorIndex::AddToDeltaLocked(uint64_t id, const float* vector) {
  delta_rows_[id] = static_cast<int64_t>(delta_ids_.size());
  delta_ids_.push_back(id);
  delta_->add(1, vector);
}

void VectorIndex::RemoveFromDeltaLocked(uint64_t id) {
  auto it = delta_rows_.find(id);
  if (it == delta_rows_.end()) return;
  // Swap-remove: move the last row into the hole so removal is O(dimension), not O(n).
  const int64_t row = it->second;
  const int64_t last = static_cast<int64_t>(delta_ids_.size()) - 1;
  float* xb = delta_->get_xb();
  if (row != last) {
    std::copy(xb + last * dimension_, xb + (last + 1) * dimension_, xb + row * dimension_);
    delta_ids_[row] = delta_ids_[last];
    delta_rows_[delta_ids_[row]] = row;
  }
  delta_ids_.pop_back();
  delta_rows_.erase(id);
  delta_->codes.resize(delta_->codes.size() - delta_->code_size);
  delta_->ntotal -= 1;
}

void VectorIndex::MaskInMainLocked(uint64_t id) {
  if (main_ == nullptr) return;
  if (std::optional<Label> label = main_->LabelOf(id)) masked_labels_.insert(*label);
}

std::vector<SearchHit> VectorIndex::Search(std::span<const float> query, int k) const {
  return SearchLocked(query, k, nullptr);
}

std::vector<SearchHit> VectorIndex::Search(std::span<const float> query, int k,
                                           const IdFilter& accept) const {
  return SearchLocked(query, k, &accept);
}

std::vector<SearchHit> VectorIndex::SearchLocked(std::span<const float> query, int k,
                                                 const IdFilter* accept) const {
  std::vector<SearchHit> hits;
  if (query.size() != static_cast<size_t>(dimension_) || k <= 0) return hits;
  SingleThreadedOpenMp single_thread;
  ReaderMutexLock lock(&mu_);

  ScanDeltaLocked(query.data(), k, accept, hits);
  if (main_ != nullptr && main_->size() > masked_labels_.size()) {
    const int64_t main_k = std::min<int64_t>(k, main_->size());
    std::vector<float> scores(main_k);
    std::vector<Label> labels(main_k, -1);
    UnmaskedSelector unmasked(masked_labels_);
    std::optional<AcceptedSelector> accepted;
    faiss::SearchParametersHNSW params;
    params.efSearch = std::max(config_.hnsw_ef_search, k);
    if (accept != nullptr) {
      params.sel = &accepted.emplace(masked_labels_, *main_, *accept);
    } else if (!masked_labels_.empty()) {
      params.sel = &unmasked;
    }
    main_->hnsw().search(1, query.data(), main_k, scores.data(), labels.data(), &params);
    for (int64_t i = 0; i < main_k; ++i) {
      if (labels[i] < 0 || masked_labels_.contains(labels[i])) continue;
      hits.push_back({main_->IdOf(labels[i]), scores[i]});
    }
  }
  MergeHits(hits, k);
  return hits;
}

const float* VectorIndex::FindLocked(uint64_t id, float* buffer) const {
  if (auto it = delta_rows_.find(id); it != delta_rows_.end()) {
    return delta_->get_xb() + it->second * dimension_;
  }
  if (main_ == nullptr) return nullptr;
  std::optional<Label> label = main_->LabelOf(id);
  if (!label || masked_labels_.contains(*label)) return nullptr;
  main_->hnsw().reconstruct(*label, buffer);
  return buffer;
}

std::optional<std::vector<float>> VectorIndex::Vector(uint64_t id) const {
  std::vector<float> out(dimension_);
  ReaderMutexLock lock(&mu_);
  const float* row = FindLocked(id, out.data());
  if (row == nullptr) return std::nullopt;
  if (row != out.data()) std::copy(row, row + dimension_, out.begin());
  return out;
}

std::vector<float> VectorIndex::InnerProducts(std::span<const float> query,
                                              std::span<const uint64_t> ids) const {
  std::vector<float> out(ids.size(), std::numeric_limits<float>::quiet_NaN());
  if (query.size() != static_cast<size_t>(dimension_)) return out;
  ReaderMutexLock lock(&mu_);
  // Main-segment entries are scored on their stored codes, as the graph search scores them:
  // dequantising each into a buffer first was most of a request's scoring time.
  std::unique_ptr<faiss::FlatCodesDistanceComputer> main_scores;
  if (main_ != nullptr) {
    main_scores = main_->NewDistanceComputer();
    main_scores->set_query(query.data());
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    if (auto it = delta_rows_.find(ids[i]); it != delta_rows_.end()) {
      out[i] = InnerProduct(query.data(), delta_->get_xb() + it->second * dimension_, dimension_);
      continue;
    }
    if (main_ == nullptr) continue;
    std::optional<Label> label = main_->LabelOf(ids[i]);
    if (label && !masked_labels_.contains(*label)) out[i] = (*main_scores)(*label);
  }
  return out;
}

std::vector<float> VectorIndex::Vectors(std::span<const uint64_t> ids,
                                        std::vector<bool>& live) const {
  std::vector<float> out(ids.size() * dimension_, 0.0f);
  live.assign(ids.size(), false);
  ReaderMutexLock lock(&mu_);
  for (size_t i = 0; i < ids.size(); ++i) {
    float* slot = out.data() + i * dimension_;
    const float* row = FindLocked(ids[i], slot);
    if (row == nullptr) continue;
    if (row != slot) std::copy(row, row + dimension_, slot);
    live[i] = true;
  }
  return out;
}

void VectorIndex::ScanDeltaLocked(const float* query, int k, const IdFilter* accept,
                                  std::vector<SearchHit>& hits) const {
  // Exact scan with a size-k min-heap on score. FAISS's own flat search would use its scalar
  // kernel (see inner_product.h).
  const float* xb = delta_->get_xb();
  // Heap ordered by Better: its front is the worst kept hit.
  std::vector<SearchHit> heap;
  heap.reserve(k);
  for (size_t row = 0; row < delta_ids_.size(); ++row) {
    if (accept != nullptr && !(*accept)(delta_ids_[row])) continue;
    const SearchHit hit{delta_ids_[row], InnerProduct(query, xb + row * dimension_, dimension_)};
    if (heap.size() < static_cast<size_t>(k)) {
      heap.push_back(hit);
      std::push_heap(heap.begin(), heap.end(), Better);
    } else if (Better(hit, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), Better);
      heap.back() = hit;
      std::push_heap(heap.begin(), heap.end(), Better);
    }
  }
  hits.insert(hits.end(), heap.begin(), heap.end());
}

bool VectorIndex::Contains(uint64_t id) const {
  ReaderMutexLock lock(&mu_);
  if (delta_rows_.contains(id)) return true;
  if (main_ == nullptr) return false;
  std::optional<Label> label = main_->LabelOf(id);
  return label && !masked_labels_.contains(*label);
}

IndexStats VectorIndex::Stats() const {
  ReaderMutexLock lock(&mu_);
  IndexStats s;
  s.main_segment = main_ ? main_->size() : 0;
  s.masked = masked_labels_.size();
  s.delta_segment = delta_ids_.size();
  s.live = s.main_segment - s.masked + s.delta_segment;
  s.compactions = compactions_;
  return s;
}

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
  const bool incremental = mode == CompactionMode::kExtendIfCheap && old_main != nullptr &&
                           !ids.empty() && !TooManyMasked(*old_main, old_masked.size());
  std::shared_ptr<const MainSegment> new_main;
  std::vector<Label> superseded;  // old labels of ids the incremental build re-adds
  if (incremental) {
    for (uint64_t id : ids) {
      if (std::optional<Label> label = old_main->LabelOf(id)) superseded.push_back(*label);
    }
    new_main = std::make_shared<const MainSegment>(*old_main, config_, ids, vectors);
  } else {
    if (old_main != nullptr) AppendLiveVectors(*old_main, old_masked, ids, vectors);
    if (ids.size() >= static_cast<size_t>(config_.min_main_segment)) {
      new_main = std::make_shared<const MainSegment>(dimension_, config_, ids, vectors);
    }
  }

  // 3. Swap. Everything written during the build is current in the delta segment (or removed),
  //    so it stays there and its snapshot copy is masked in the new main segment.
  MutexLock lock(&mu_);
  compacting_ = false;
  ++compactions_;
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

void VectorIndex::AppendLiveVectors(const MainSegment& main,
                                    const absl::flat_hash_set<int64_t>& masked,
                                    std::vector<uint64_t>& ids, std::vector<float>& vectors) const {
  std::vector<float> row(dimension_);
  for (size_t label = 0; label < main.size(); ++label) {
    if (masked.contains(static_cast<Label>(label))) continue;
    main.hnsw().reconstruct(static_cast<Label>(label), row.data());
    ids.push_back(main.IdOf(static_cast<Label>(label)));
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
  compaction_thread_ = std::thread([this] { CompactionLoop(); });
}

void VectorIndex::CompactionLoop() {
  std::unique_lock<std::mutex> lock(loop_mu_);
  while (!stop_) {
    loop_cv_.wait_for(lock, std::chrono::seconds(1));
    if (stop_) break;
    lock.unlock();
    CompactIfDue();
    lock.lock();
  }
}

}  // namespace headliner
