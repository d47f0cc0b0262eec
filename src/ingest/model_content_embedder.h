// encoder.kind minilm (or any SentenceEncoder): an article's vector is the model's encoding of its
// headline and tags. A batch's new and changed texts are encoded in one call to the model before
// the batch is staged (Prepare); an article whose text did not change keeps its stored vector, and
// nothing about the catalog is kept besides the vectors.
#ifndef HEADLINER_INGEST_MODEL_CONTENT_EMBEDDER_H_
#define HEADLINER_INGEST_MODEL_CONTENT_EMBEDDER_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "encode/sentence_encoder.h"
#include "ingest/content_embedder.h"
#include "store/article_store.h"

namespace headliner {

// What the embedder has done since it was made (for bulk-load reports and tests).
struct ModelEmbedderStats {
  uint64_t model_calls = 0;     // calls to SentenceEncoder::Encode
  uint64_t texts_encoded = 0;   // texts they encoded
  uint64_t vectors_reused = 0;  // articles whose text had not changed
  absl::Duration encode_time;   // wall time inside the model
};

class ModelContentEmbedder : public ContentEmbedder {
 public:
  // References must outlive the embedder.
  ModelContentEmbedder(const ArticleStore& articles, const SentenceEncoder& model)
      : articles_(articles), model_(model) {}

  absl::Status Prepare(std::span<const v1::Article* const> articles) override;
  bool PreparesBatches() const override { return true; }
  absl::StatusOr<std::vector<float>> Stage(uint64_t dense_id, const v1::Article* before,
                                           const v1::Article* after, bool want_vector,
                                           ApplyContext& ctx) override;

  const ModelEmbedderStats& stats() const { return stats_; }

 private:
  absl::StatusOr<std::vector<std::vector<float>>> Encode(absl::Span<const std::string> texts);

  const ArticleStore& articles_;
  const SentenceEncoder& model_;
  // Vectors of the current batch's texts (Prepare), by text.
  absl::flat_hash_map<std::string, std::vector<float>> prepared_;
  ModelEmbedderStats stats_;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_MODEL_CONTENT_EMBEDDER_H_
