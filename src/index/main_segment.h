// The immutable HNSW segment of VectorIndex: a graph over a fixed set of vectors, with the map
// between HNSW labels (positions 0..n-1) and article ids. Thread-safe for concurrent searches once
// built; never modified afterwards.
#ifndef HEADLINER_INDEX_MAIN_SEGMENT_H_
#define HEADLINER_INDEX_MAIN_SEGMENT_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "faiss/IndexFlatCodes.h"
#include "faiss/IndexHNSW.h"
#include "index/index_config.h"
#include "index/inner_product.h"

namespace headliner {

class MainSegment {
 public:
  using Label = faiss::Index::idx_t;

  MainSegment(int dimension, const IndexConfig& config, std::vector<uint64_t> ids,
              std::span<const float> vectors)
      : storage_(NewStorage(config, dimension)),
        hnsw_(storage_.get(), config.hnsw_m),
        ids_(std::move(ids)) {
    hnsw_.hnsw.efConstruction = config.hnsw_ef_construction;
    hnsw_.hnsw.efSearch = config.hnsw_ef_search;
    hnsw_.add(static_cast<Label>(ids_.size()), vectors.data());
    IndexLabels();
  }

  // A segment of the vectors `next_chunk` gives, chunk after chunk (it fills `ids` and `vectors`,
  // both cleared before each call, and returns false once it has nothing more), inserted in
  // that order. A rebuild passes the live entries of the old segment this way, so that it never
  // holds all of them decoded as floats at once.
  using ChunkSource = std::function<bool(std::vector<uint64_t>& ids, std::vector<float>& vectors)>;
  MainSegment(int dimension, const IndexConfig& config, const ChunkSource& next_chunk)
      : storage_(NewStorage(config, dimension)), hnsw_(storage_.get(), config.hnsw_m) {
    hnsw_.hnsw.efConstruction = config.hnsw_ef_construction;
    hnsw_.hnsw.efSearch = config.hnsw_ef_search;
    std::vector<uint64_t> ids;
    std::vector<float> vectors;
    while (true) {
      ids.clear();
      vectors.clear();
      const bool more = next_chunk(ids, vectors);
      if (!ids.empty()) {
        hnsw_.add(static_cast<Label>(ids.size()), vectors.data());
        ids_.insert(ids_.end(), ids.begin(), ids.end());
      }
      if (!more) break;
    }
    IndexLabels();
  }

  // A copy of `base` with `ids` appended: the graph is copied and the new vectors inserted into
  // it, which costs a copy plus O(new vectors) instead of a full build. An id already in `base`
  // gets a new label; its old label must be masked by the caller. `moved` replaces the codes of
  // base labels (entries updated in place) before the new vectors are inserted.
  template <typename MovedCodes>
  MainSegment(const MainSegment& base, const IndexConfig& config, const MovedCodes& moved,
              std::span<const uint64_t> ids, std::span<const float> vectors)
      : storage_(NewStorage(config, base.hnsw_.d)),
        hnsw_(storage_.get(), config.hnsw_m),
        ids_(base.ids_) {
    storage_->codes = base.storage_->codes;
    storage_->ntotal = base.storage_->ntotal;
    for (const auto& [label, codes] : moved) {
      std::copy(codes.begin(), codes.end(), storage_->codes.begin() + label * code_size());
    }
    hnsw_.hnsw = base.hnsw_.hnsw;
    hnsw_.ntotal = base.hnsw_.ntotal;
    hnsw_.add(static_cast<Label>(ids.size()), vectors.data());
    ids_.insert(ids_.end(), ids.begin(), ids.end());
    IndexLabels();  // an id appended again maps to its new label: the later one wins
  }

  // A segment as a snapshot saved it (index_snapshot.h): the storage codes (code_size() bytes per
  // entry, in label order), the graph and the ids. The caller has checked that the parts agree
  // (CheckParts).
  MainSegment(int dimension, const IndexConfig& config, std::vector<uint64_t> ids,
              std::vector<uint8_t> codes, faiss::HNSW graph)
      : storage_(NewStorage(config, dimension)),
        hnsw_(storage_.get(), config.hnsw_m),
        ids_(std::move(ids)) {
    storage_->codes = std::move(codes);
    storage_->ntotal = static_cast<Label>(ids_.size());
    hnsw_.hnsw = std::move(graph);
    hnsw_.hnsw.efConstruction = config.hnsw_ef_construction;
    hnsw_.hnsw.efSearch = config.hnsw_ef_search;
    hnsw_.ntotal = storage_->ntotal;
    IndexLabels();
  }

  // Bytes per entry in the storage of a segment built with `config`.
  static size_t CodeSize(const IndexConfig& config, int dimension) {
    return NewStorage(config, dimension)->code_size;
  }

  const faiss::IndexHNSW& hnsw() const { return hnsw_; }
  const std::vector<uint8_t>& codes() const { return storage_->codes; }
  size_t code_size() const { return storage_->code_size; }
  const uint8_t* CodesOf(Label label) const {
    return storage_->codes.data() + label * storage_->code_size;
  }
  // The codes this segment's storage would hold for `vector` (dimension floats), and back.
  std::vector<uint8_t> Encode(const float* vector) const {
    std::vector<uint8_t> codes(storage_->code_size);
    storage_->sa_encode(1, vector, codes.data());
    return codes;
  }
  void Decode(const uint8_t* codes, float* vector) const { storage_->sa_decode(1, codes, vector); }
  const std::vector<uint64_t>& ids() const { return ids_; }
  uint64_t IdOf(Label label) const { return ids_[label]; }
  std::optional<Label> LabelOf(uint64_t id) const {
    if (id < direct_labels_.size()) {
      const int32_t label = direct_labels_[id];
      if (label < 0) return std::nullopt;
      return label;
    }
    auto it = other_labels_.find(id);
    if (it == other_labels_.end()) return std::nullopt;
    return it->second;
  }
  size_t size() const { return ids_.size(); }

  // Memory the segment holds: codes, graph, and the label maps (approximate for the hash map).
  // Sizes, not capacities: a vector's unused capacity is never written, so it is not resident.
  uint64_t MemoryBytes() const {
    const faiss::HNSW& g = hnsw_.hnsw;
    return storage_->codes.size() + g.neighbors.size() * sizeof(g.neighbors[0]) +
           g.offsets.size() * sizeof(g.offsets[0]) + g.levels.size() * sizeof(int) +
           ids_.size() * sizeof(uint64_t) + direct_labels_.size() * sizeof(int32_t) +
           other_labels_.size() * (sizeof(uint64_t) + sizeof(Label) + 1);
  }

  // Scores query vectors against stored entries the way the graph search does (on the stored
  // codes, without dequantising them): set_query, then (*computer)(label).
  std::unique_ptr<faiss::FlatCodesDistanceComputer> NewDistanceComputer() const {
    return std::unique_ptr<faiss::FlatCodesDistanceComputer>(
        storage_->get_FlatCodesDistanceComputer());
  }

 private:
  static std::unique_ptr<faiss::IndexFlatCodes> NewStorage(const IndexConfig& config,
                                                           int dimension) {
    if (config.quantize_main_segment) return std::make_unique<Int8InnerProductStorage>(dimension);
    return std::make_unique<FastInnerProductStorage>(dimension);
  }

  // Maps ids to labels: article ids are dense (allocated in order from 0), so a table indexed by
  // id answers LabelOf with one memory access (a hash map lookup per candidate of every request
  // was 5% of the serving CPU). Ids far beyond the segment's size go to a map instead, so that
  // sparse ids cannot make the table huge.
  void IndexLabels() {
    const uint64_t direct_end = 4 * static_cast<uint64_t>(ids_.size()) + 65536;
    uint64_t size = 0;
    for (uint64_t id : ids_) {
      if (id < direct_end) size = std::max(size, id + 1);
    }
    direct_labels_.assign(size, -1);
    other_labels_.clear();
    for (size_t i = 0; i < ids_.size(); ++i) {
      if (ids_[i] < size) {
        direct_labels_[ids_[i]] = static_cast<int32_t>(i);
      } else {
        other_labels_[ids_[i]] = static_cast<Label>(i);
      }
    }
  }

  std::unique_ptr<faiss::IndexFlatCodes> storage_;  // vectors; outlives hnsw_, which borrows it
  faiss::IndexHNSW hnsw_;
  std::vector<uint64_t> ids_;                          // label -> id
  std::vector<int32_t> direct_labels_;                 // id -> label, -1 when absent
  absl::flat_hash_map<uint64_t, Label> other_labels_;  // ids past direct_labels_
};

}  // namespace headliner

#endif  // HEADLINER_INDEX_MAIN_SEGMENT_H_
