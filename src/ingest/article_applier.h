// Stages one article event (upsert or tombstone) into a micro-batch: validate -> compare
// versions with the stored article (as staged so far) -> embed (the event's embedding, else the
// content embedder of encoder.kind: content_embedder.h) -> RocksDB writes (article, id mapping,
// embedding, by-time listing, document frequencies, counters) -> an index change applied after
// commit. The index is derived state: it is rebuilt from RocksDB at start-up, so a crash between
// the write and the index update loses nothing.
//
// Thread safety: none. EventApplier owns it and calls it under its writer lock.
#ifndef HEADLINER_INGEST_ARTICLE_APPLIER_H_
#define HEADLINER_INGEST_ARTICLE_APPLIER_H_

#include <memory>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "encode/encoder_config.h"
#include "encode/sentence_encoder.h"
#include "headliner/v1/article.pb.h"
#include "index/vector_index.h"
#include "ingest/apply_context.h"
#include "ingest/content_embedder.h"
#include "ingest/ingest_config.h"
#include "ingest/ingest_event.h"
#include "store/article_store.h"

namespace headliner {

class ArticleApplier {
 public:
  // The embedder follows `encoder.kind`: hashed loads the document frequencies from `articles`;
  // minilm encodes with `model`, which it needs (null otherwise); external needs every live
  // article to carry its embedding. References must outlive the applier.
  static absl::StatusOr<std::unique_ptr<ArticleApplier>> Create(ArticleStore& articles,
                                                                VectorIndex& content_index,
                                                                const EncoderConfig& encoder,
                                                                const SentenceEncoder* model);

  // Called once per batch before it is staged: the embedder sees the batch's articles that need
  // a vector (a model encodes them in one call). A non-OK status abandons the batch.
  absl::Status Prepare(std::span<const IngestEvent> events, const TimeBounds& time_bounds);

  // Stages `article`. A non-OK status is a storage failure (the batch must be abandoned); an
  // invalid event is a kRejected outcome, an older version than the stored one kIgnored.
  absl::StatusOr<EventOutcome> Stage(const v1::Article& article, ApplyContext& context);

  // Loads every stored embedding into the index (start-up).
  absl::Status RestoreIndex();

 private:
  ArticleApplier(ArticleStore& articles, VectorIndex& content_index,
                 std::unique_ptr<ContentEmbedder> embedder)
      : articles_(articles), content_index_(content_index), embedder_(std::move(embedder)) {}

  ArticleStore& articles_;
  VectorIndex& content_index_;
  // Null for encoder.kind external: events bring their vectors.
  const std::unique_ptr<ContentEmbedder> embedder_;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_ARTICLE_APPLIER_H_
