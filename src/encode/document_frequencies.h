// Per-feature-bucket document frequencies of the catalog, the "IDF" half of TF-IDF.
#ifndef HEADLINER_ENCODE_DOCUMENT_FREQUENCIES_H_
#define HEADLINER_ENCODE_DOCUMENT_FREQUENCIES_H_

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace headliner {

// Counts, for each feature bucket, how many live articles contain it. Not thread-safe: the ingest
// layer owns the only instance and mutates it from its apply thread; the store persists the same
// counts (as merge operands) in the WriteBatch of the article that changed them.
class DocumentFrequencies {
 public:
  explicit DocumentFrequencies(int buckets) : counts_(buckets, 0) {}

  // Counts one more document containing `buckets` (distinct).
  void AddDocument(std::span<const uint32_t> buckets) {
    for (uint32_t b : buckets) ++counts_[b];
    ++documents_;
  }

  // Forgets a document previously added with the same `buckets`.
  void RemoveDocument(std::span<const uint32_t> buckets) {
    for (uint32_t b : buckets) {
      if (counts_[b] > 0) --counts_[b];
    }
    if (documents_ > 0) --documents_;
  }

  // Restores one bucket's count (start-up, from the store).
  void Set(uint32_t bucket, uint32_t count) { counts_[bucket] = count; }
  void SetDocuments(uint64_t documents) { documents_ = documents; }

  // Smoothed inverse document frequency: ln((N + 1) / (df + 1)) + 1, always >= 1.
  double Idf(uint32_t bucket) const {
    return std::log((static_cast<double>(documents_) + 1.0) / (counts_[bucket] + 1.0)) + 1.0;
  }

  uint32_t Count(uint32_t bucket) const { return counts_[bucket]; }
  uint64_t documents() const { return documents_; }
  int buckets() const { return static_cast<int>(counts_.size()); }

 private:
  std::vector<uint32_t> counts_;
  uint64_t documents_ = 0;
};

}  // namespace headliner

#endif  // HEADLINER_ENCODE_DOCUMENT_FREQUENCIES_H_
