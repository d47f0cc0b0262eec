#include "ingest/hashed_content_embedder.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace headliner {
absl::StatusOr<std::unique_ptr<HashedContentEmbedder>> HashedContentEmbedder::Create(
    ArticleStore& articles, const EncoderConfig& config) {
  std::unique_ptr<HashedContentEmbedder> embedder(new HashedContentEmbedder(articles, config));
  DocumentFrequencies& df = embedder->frequencies_;
  ASSIGN_OR_RETURN(uint64_t documents, articles.ForEachFrequency([&](uint32_t bucket,
                                                                     uint64_t n) -> absl::Status {
    if (bucket >= static_cast<uint32_t>(df.buckets())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "stored document frequencies use more buckets than encoder.feature_buckets = ",
          df.buckets(), "; the setting cannot change for an existing data dir"));
    }
    df.Set(bucket, static_cast<uint32_t>(n));
    return absl::OkStatus();
  }));
  df.SetDocuments(documents);
  return embedder;
}

absl::StatusOr<std::vector<float>> HashedContentEmbedder::Stage(uint64_t /*dense_id*/,
                                                                const v1::Article* before,
                                                                const v1::Article* after,
                                                                bool want_vector,
                                                                ApplyContext& ctx) {
  // Document frequencies follow the text of live articles. The in-memory copy changes now (a
  // later article of the same batch is encoded with it) and is restored if the batch is dropped.
  std::vector<uint32_t> old_buckets, new_buckets;
  if (before != nullptr) {
    old_buckets = encoder_.Buckets(ContentText(*before));
    articles_.StageFrequencies(ctx.writes, old_buckets, -1);
    frequencies_.RemoveDocument(old_buckets);
  }
  std::vector<TextFeature> features;
  if (after != nullptr) {
    features = encoder_.Features(ContentText(*after));
    for (const TextFeature& f : features) new_buckets.push_back(f.bucket);
    articles_.StageFrequencies(ctx.writes, new_buckets, +1);
    frequencies_.AddDocument(new_buckets);
  }
  const bool added = after != nullptr, removed = before != nullptr;
  ctx.undo.push_back([this, added, removed, old_buckets, new_buckets] {
    if (added) frequencies_.RemoveDocument(new_buckets);
    if (removed) frequencies_.AddDocument(old_buckets);
  });
  if (!want_vector || after == nullptr) return std::vector<float>();
  return encoder_.Encode(features, frequencies_);
}

}  // namespace headliner
