// The one code path that applies an article event to the catalog (RocksDB) and the index
// (FAISS): Admin.UpsertArticle, Admin.DeleteArticle, the bulk loader and the Kafka consumer all
// call it.
//
// Apply order: validate -> compare versions with the stored article -> embed (event embedding or
// built-in encoder) -> one RocksDB WriteBatch (article, id mapping, embedding, by-time listing,
// document frequencies, counters) -> index update. The index is derived state: it is rebuilt from
// RocksDB at start-up, so a crash between the write and the index update loses nothing.
//
// Thread safety: Apply() may be called from any thread; calls are serialised by `mu_`, which
// makes this class the single writer that ArticleStore requires.
#ifndef HEADLINER_INGEST_ARTICLE_APPLIER_H_
#define HEADLINER_INGEST_ARTICLE_APPLIER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "encode/document_frequencies.h"
#include "encode/text_encoder.h"
#include "headliner/v1/article.pb.h"
#include "index/vector_index.h"
#include "store/article_store.h"

namespace headliner {

struct ApplyResult {
  // False when the stored version was as new or newer, so nothing changed.
  bool applied = false;
  uint64_t dense_id = 0;
};

class ArticleApplier {
 public:
  // Loads the document frequencies from `store`. All references must outlive the applier.
  static absl::StatusOr<std::unique_ptr<ArticleApplier>> Create(ArticleStore& store,
                                                                VectorIndex& index,
                                                                const EncoderConfig& encoder);

  // Validates and applies one article event. InvalidArgument (with the field in the message) for
  // an invalid event, which is also counted under its reason.
  absl::StatusOr<ApplyResult> Apply(const v1::Article& article);

  // Marks `article_id` deleted at `when` (or just after the stored version, if that is later).
  // NotFound when the article was never seen.
  absl::StatusOr<ApplyResult> Delete(const std::string& article_id, absl::Time when);

  // Loads every stored embedding into the index (start-up).
  absl::Status RestoreIndex();

  // Rejected events since start, by reason.
  std::map<std::string, uint64_t> RejectedCounts() const;

 private:
  ArticleApplier(ArticleStore& store, VectorIndex& index, const EncoderConfig& encoder)
      : store_(store), index_(index), encoder_(encoder), frequencies_(encoder.feature_buckets) {}

  absl::StatusOr<ApplyResult> ApplyLocked(const v1::Article& article)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Reject(const std::string& reason, const std::string& message)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  ArticleStore& store_;
  VectorIndex& index_;
  const TextEncoder encoder_;

  mutable absl::Mutex mu_;
  DocumentFrequencies frequencies_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> rejected_ ABSL_GUARDED_BY(mu_);
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_ARTICLE_APPLIER_H_
