// encoder.kind hashed: the built-in TF-IDF encoder (encode/text_encoder.h) with the catalog's
// document frequencies, kept in memory and in RocksDB (each change written in the batch of the
// article that made it). Vectors depend on the frequencies at the time an article is staged, so
// they are computed one article at a time, in batch order; Prepare does nothing.
#ifndef HEADLINER_INGEST_HASHED_CONTENT_EMBEDDER_H_
#define HEADLINER_INGEST_HASHED_CONTENT_EMBEDDER_H_

#include <memory>

#include "encode/document_frequencies.h"
#include "encode/encoder_config.h"
#include "encode/text_encoder.h"
#include "ingest/content_embedder.h"
#include "store/article_store.h"

namespace headliner {

class HashedContentEmbedder : public ContentEmbedder {
 public:
  // Loads the document frequencies from `articles`, which must outlive the embedder.
  static absl::StatusOr<std::unique_ptr<HashedContentEmbedder>> Create(ArticleStore& articles,
                                                                       const EncoderConfig& config);

  absl::Status Prepare(std::span<const v1::Article* const>) override { return absl::OkStatus(); }
  bool PreparesBatches() const override { return false; }
  absl::StatusOr<std::vector<float>> Stage(uint64_t dense_id, const v1::Article* before,
                                           const v1::Article* after, bool want_vector,
                                           ApplyContext& ctx) override;

 private:
  HashedContentEmbedder(ArticleStore& articles, const EncoderConfig& config)
      : articles_(articles), encoder_(config), frequencies_(config.feature_buckets) {}

  ArticleStore& articles_;
  const TextEncoder encoder_;
  DocumentFrequencies frequencies_;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_HASHED_CONTENT_EMBEDDER_H_
