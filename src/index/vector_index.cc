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

namespace {

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

absl::Status VectorIndex::Upsert(uint64_t id, std::span<const float> vector) {
  if (vector.size() != static_cast<size_t>(dimension_)) {
    return absl::InvalidArgumentError(
        absl::StrCat("vector of dimension ", vector.size(), ", index dimension is ", dimension_));
  }
  bool due = false;
  {
    MutexLock lock(&mu_);
    if (MoveInMainLocked(id, vector.data())) return absl::OkStatus();
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
  if (std::optional<Label> label = main_->LabelOf(id)) {
    masked_labels_.insert(*label);
    // A masked entry's moved codes are never read; while a compaction reads moved_ without the
    // lock they must stay (it ends by clearing them all).
    if (!compacting_) moved_.erase(*label);
  }
}

bool VectorIndex::MoveInMainLocked(uint64_t id, const float* vector) {
  // During a compaction the segment is being copied without the lock: updates go to the delta
  // segment then, as the compaction expects.
  if (config_.keep_place_similarity >= 1 || compacting_ || main_ == nullptr) return false;
  const std::optional<Label> label = main_->LabelOf(id);
  if (!label || masked_labels_.contains(*label) || delta_rows_.contains(id)) return false;
  // Compared with where the graph placed it, not with its last update, so that drift adds up.
  std::unique_ptr<faiss::FlatCodesDistanceComputer> placed = main_->NewDistanceComputer();
  placed->set_query(vector);
  if ((*placed)(*label) < config_.keep_place_similarity) return false;
  moved_[*label] = main_->Encode(vector);
  return true;
}

const uint8_t* VectorIndex::CodesLocked(Label label) const {
  auto it = moved_.find(label);
  return it != moved_.end() ? it->second.data() : main_->CodesOf(label);
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
    std::unique_ptr<faiss::FlatCodesDistanceComputer> rescore;
    for (int64_t i = 0; i < main_k; ++i) {
      if (labels[i] < 0 || masked_labels_.contains(labels[i])) continue;
      if (auto it = moved_.find(labels[i]); it != moved_.end()) {
        if (rescore == nullptr) {
          rescore = main_->NewDistanceComputer();
          rescore->set_query(query.data());
        }
        scores[i] = rescore->distance_to_code(it->second.data());
      }
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
  main_->Decode(CodesLocked(*label), buffer);
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
  // Two passes: first every entry's codes are located and prefetched, then scored. The candidates
  // are scattered over the segment, so each lookup and each code is a cache miss; located one
  // after the other and scored in between, they were waited for one at a time.
  std::vector<const uint8_t*> codes(ids.size(), nullptr);
  const size_t code_size = main_ != nullptr ? main_->code_size() : 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (auto it = delta_rows_.find(ids[i]); it != delta_rows_.end()) {
      out[i] = InnerProduct(query.data(), delta_->get_xb() + it->second * dimension_, dimension_);
      continue;
    }
    if (main_ == nullptr) continue;
    std::optional<Label> label = main_->LabelOf(ids[i]);
    if (label && !masked_labels_.contains(*label)) {
      codes[i] = CodesLocked(*label);
      for (size_t line = 0; line < code_size; line += 64) __builtin_prefetch(codes[i] + line);
    }
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    if (codes[i] != nullptr) out[i] = main_scores->distance_to_code(codes[i]);
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
  s.moved = moved_.size();
  s.live = s.main_segment - s.masked + s.delta_segment;
  s.compactions = compactions_;
  s.rebuilds = rebuilds_;
  s.compaction_time = compaction_time_;
  s.bytes = (main_ ? main_->MemoryBytes() : 0) + delta_->codes.size() +
            delta_ids_.size() * sizeof(uint64_t) +
            moved_.size() * (sizeof(int64_t) + (main_ ? main_->code_size() : 0));
  return s;
}

}  // namespace headliner
