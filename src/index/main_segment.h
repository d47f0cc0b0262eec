// The immutable HNSW segment of VectorIndex: a graph over a fixed set of vectors, with the map
// between HNSW labels (positions 0..n-1) and article ids. Thread-safe for concurrent searches once
// built; never modified afterwards.
#ifndef HEADLINER_INDEX_MAIN_SEGMENT_H_
#define HEADLINER_INDEX_MAIN_SEGMENT_H_

#include <cstdint>
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
    labels_.reserve(ids_.size());
    for (size_t i = 0; i < ids_.size(); ++i) labels_[ids_[i]] = static_cast<Label>(i);
  }

  // A copy of `base` with `ids` appended: the graph is copied and the new vectors inserted into
  // it, which costs a copy plus O(new vectors) instead of a full build. An id already in `base`
  // gets a new label; its old label must be masked by the caller.
  MainSegment(const MainSegment& base, const IndexConfig& config, std::span<const uint64_t> ids,
              std::span<const float> vectors)
      : storage_(NewStorage(config, base.hnsw_.d)),
        hnsw_(storage_.get(), config.hnsw_m),
        ids_(base.ids_),
        labels_(base.labels_) {
    storage_->codes = base.storage_->codes;
    storage_->ntotal = base.storage_->ntotal;
    hnsw_.hnsw = base.hnsw_.hnsw;
    hnsw_.ntotal = base.hnsw_.ntotal;
    hnsw_.add(static_cast<Label>(ids.size()), vectors.data());
    for (uint64_t id : ids) {
      labels_[id] = static_cast<Label>(ids_.size());
      ids_.push_back(id);
    }
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
    labels_.reserve(ids_.size());
    for (size_t i = 0; i < ids_.size(); ++i) labels_[ids_[i]] = static_cast<Label>(i);
  }

  // Bytes per entry in the storage of a segment built with `config`.
  static size_t CodeSize(const IndexConfig& config, int dimension) {
    return NewStorage(config, dimension)->code_size;
  }

  const faiss::IndexHNSW& hnsw() const { return hnsw_; }
  const std::vector<uint8_t>& codes() const { return storage_->codes; }
  const std::vector<uint64_t>& ids() const { return ids_; }
  uint64_t IdOf(Label label) const { return ids_[label]; }
  std::optional<Label> LabelOf(uint64_t id) const {
    auto it = labels_.find(id);
    if (it == labels_.end()) return std::nullopt;
    return it->second;
  }
  size_t size() const { return ids_.size(); }

 private:
  static std::unique_ptr<faiss::IndexFlatCodes> NewStorage(const IndexConfig& config,
                                                           int dimension) {
    if (config.quantize_main_segment) return std::make_unique<Int8InnerProductStorage>(dimension);
    return std::make_unique<FastInnerProductStorage>(dimension);
  }

  std::unique_ptr<faiss::IndexFlatCodes> storage_;  // vectors; outlives hnsw_, which borrows it
  faiss::IndexHNSW hnsw_;
  std::vector<uint64_t> ids_;
  absl::flat_hash_map<uint64_t, Label> labels_;
};

}  // namespace headliner

#endif  // HEADLINER_INDEX_MAIN_SEGMENT_H_
