// Stages one article event (upsert or tombstone) into a micro-batch: validate -> compare
// versions with the stored article (as staged so far) -> embed (event embedding or built-in
// encoder) -> RocksDB writes (article, id mapping, embedding, by-time listing, document
// frequencies, counters) -> an index change applied after commit. The index is derived state:
// it is rebuilt from RocksDB at start-up, so a crash between the write and the index update
// loses nothing.
//
// Thread safety: none. EventApplier owns it and calls it under its writer lock.
#ifndef HEADLINER_INGEST_ARTICLE_APPLIER_H_
#define HEADLINER_INGEST_ARTICLE_APPLIER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "encode/document_frequencies.h"
#include "encode/text_encoder.h"
#include "headliner/v1/article.pb.h"
#include "index/vector_index.h"
#include "ingest/apply_context.h"
#include "ingest/ingest_config.h"
#include "store/article_store.h"

namespace headliner {

class ArticleApplier {
 public:
  // Loads the document frequencies from `articles`. References must outlive the applier.
  static absl::StatusOr<std::unique_ptr<ArticleApplier>> Create(ArticleStore& articles,
                                                                VectorIndex& content_index,
                                                                const EncoderConfig& encoder);

  // Stages `article`. A non-OK status is a storage failure (the batch must be abandoned); an
  // invalid event is a kRejected outcome, an older version than the stored one kIgnored.
  absl::StatusOr<EventOutcome> Stage(const v1::Article& article, ApplyContext& context);

  // Loads every stored embedding into the index (start-up).
  absl::Status RestoreIndex();

 private:
  ArticleApplier(ArticleStore& articles, VectorIndex& content_index, const EncoderConfig& encoder)
      : articles_(articles),
        content_index_(content_index),
        encoder_(encoder),
        frequencies_(encoder.feature_buckets) {}

  ArticleStore& articles_;
  VectorIndex& content_index_;
  const TextEncoder encoder_;
  DocumentFrequencies frequencies_;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_ARTICLE_APPLIER_H_
