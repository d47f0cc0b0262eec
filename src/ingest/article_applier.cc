#include "ingest/article_applier.h"

#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "index/inner_product.h"
#include "ingest/event_validator.h"

namespace headliner {
namespace {

std::vector<float> Normalized(const google::protobuf::RepeatedField<float>& values) {
  std::vector<float> out(values.begin(), values.end());
  NormalizeInPlace(out);
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ArticleApplier>> ArticleApplier::Create(
    ArticleStore& articles, VectorIndex& content_index, const EncoderConfig& encoder) {
  if (content_index.dimension() != encoder.dimension) {
    return absl::InvalidArgumentError(absl::StrCat("index dimension ", content_index.dimension(),
                                                   " differs from encoder dimension ",
                                                   encoder.dimension));
  }
  std::unique_ptr<ArticleApplier> applier(new ArticleApplier(articles, content_index, encoder));
  DocumentFrequencies& df = applier->frequencies_;
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
  return applier;
}

absl::StatusOr<EventOutcome> ArticleApplier::Stage(const v1::Article& event, ApplyContext& ctx) {
  if (std::optional<Rejection> r = ValidateArticle(event, encoder_.dimension(), ctx.time_bounds)) {
    return EventOutcome::Rejected(r->reason, r->message);
  }
  v1::Article article = event;
  if (!article.has_updated_at()) *article.mutable_updated_at() = article.published_at();

  StagedBatch& batch = ctx.writes;
  ASSIGN_OR_RETURN(std::optional<StoredArticle> stored,
                   articles_.FindByExternalId(article.id(), &batch));
  const v1::Article* previous = stored ? &stored->article : nullptr;
  if (previous != nullptr && FromProto(previous->updated_at()) >= FromProto(article.updated_at())) {
    return EventOutcome::Ignored(stored->dense_id, "stale_version");  // idempotent no-op
  }
  if (article.deleted() && previous == nullptr) {
    // A tombstone for an article never seen deletes nothing. Storing it would let anyone who can
    // write the topic grow the catalog (and use up dense ids) with random ids; on the compacted
    // articles topic an article's older versions precede its tombstone anyway.
    return EventOutcome::Ignored(0, "unknown_article");
  }
  if (article.deleted()) {
    // Keep the last content with the tombstone: GetArticle and operators can still see it.
    v1::Article tombstone = *previous;
    tombstone.set_deleted(true);
    *tombstone.mutable_updated_at() = article.updated_at();
    article = std::move(tombstone);
  }

  if (!stored) {
    // An abandoned batch gives its ids back, so that its replay allocates the same ones.
    ctx.undo.push_back(
        [this, next = articles_.next_dense_id()] { articles_.RewindDenseIds(next); });
  }
  const uint64_t dense_id = stored ? stored->dense_id : articles_.AllocateDenseId(batch);

  // Document frequencies follow the text of live articles. The in-memory copy changes now (a
  // later article of the same batch is encoded with it) and is restored if the batch is dropped.
  const bool was_live = previous != nullptr && !previous->deleted();
  const bool is_live = !article.deleted();
  std::vector<uint32_t> old_buckets, new_buckets;
  if (was_live) {
    old_buckets = encoder_.Buckets(
        EncoderInput(previous->headline(), {previous->tags().begin(), previous->tags().end()}));
    articles_.StageFrequencies(batch, old_buckets, -1);
    frequencies_.RemoveDocument(old_buckets);
  }
  std::vector<TextFeature> features;
  if (is_live) {
    features = encoder_.Features(
        EncoderInput(article.headline(), {article.tags().begin(), article.tags().end()}));
    for (const TextFeature& f : features) new_buckets.push_back(f.bucket);
    articles_.StageFrequencies(batch, new_buckets, +1);
    frequencies_.AddDocument(new_buckets);
  }
  ctx.undo.push_back([this, is_live, was_live, old_buckets, new_buckets] {
    if (is_live) frequencies_.RemoveDocument(new_buckets);
    if (was_live) frequencies_.AddDocument(old_buckets);
  });

  std::vector<float> embedding;
  if (is_live) {
    embedding = article.embedding_size() > 0 ? Normalized(article.embedding())
                                             : encoder_.Encode(features, frequencies_);
  }
  articles_.StagePut(batch, dense_id, article, previous, embedding);
  ctx.index_changes.push_back({dense_id, std::move(embedding)});
  return EventOutcome::Applied(dense_id);
}

absl::Status ArticleApplier::RestoreIndex() {
  std::vector<uint64_t> ids;
  std::vector<float> vectors;
  const size_t dimension = static_cast<size_t>(content_index_.dimension());
  RETURN_IF_ERROR(
      articles_.ForEachEmbedding([&](uint64_t id, std::vector<float> v) -> absl::Status {
        if (v.size() != dimension) {
          return absl::FailedPreconditionError(
              absl::StrCat("stored embedding of dimension ", v.size(), " but encoder.dimension is ",
                           dimension, "; the dimension cannot change for an existing data dir"));
        }
        ids.push_back(id);
        vectors.insert(vectors.end(), v.begin(), v.end());
        return absl::OkStatus();
      }));
  return content_index_.Restore(ids, vectors);
}

}  // namespace headliner
