#include "ingest/article_applier.h"

#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "index/inner_product.h"
#include "ingest/event_validator.h"
#include "ingest/hashed_content_embedder.h"
#include "ingest/model_content_embedder.h"

namespace headliner {
namespace {

std::vector<float> Normalized(const google::protobuf::RepeatedField<float>& values) {
  std::vector<float> out(values.begin(), values.end());
  NormalizeInPlace(out);
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ArticleApplier>> ArticleApplier::Create(
    ArticleStore& articles, VectorIndex& content_index, const EncoderConfig& encoder,
    const SentenceEncoder* model) {
  const int dimension = encoder.vector_dimension();
  if (content_index.dimension() != dimension) {
    return absl::InvalidArgumentError(absl::StrCat("index dimension ", content_index.dimension(),
                                                   " differs from encoder dimension ", dimension));
  }
  std::unique_ptr<ContentEmbedder> embedder;
  switch (encoder.kind) {
    case EncoderKind::kHashed: {
      ASSIGN_OR_RETURN(embedder, HashedContentEmbedder::Create(articles, encoder));
      break;
    }
    case EncoderKind::kMiniLm:
      if (model == nullptr || model->dimension() != dimension) {
        return absl::FailedPreconditionError(
            absl::StrCat("encoder.kind minilm needs its model loaded, of dimension ", dimension));
      }
      embedder = std::make_unique<ModelContentEmbedder>(articles, *model);
      break;
    case EncoderKind::kExternal:
      break;
  }
  return std::unique_ptr<ArticleApplier>(
      new ArticleApplier(articles, content_index, std::move(embedder)));
}

absl::Status ArticleApplier::Prepare(std::span<const IngestEvent> events,
                                     const TimeBounds& time_bounds) {
  if (embedder_ == nullptr || !embedder_->PreparesBatches()) return absl::OkStatus();
  std::vector<const v1::Article*> need_vectors;
  for (const IngestEvent& event : events) {
    const auto* article = std::get_if<v1::Article>(&event);
    if (article == nullptr || article->deleted() || article->embedding_size() > 0) continue;
    if (ValidateArticle(*article, content_index_.dimension(), time_bounds)) continue;
    need_vectors.push_back(article);
  }
  return embedder_->Prepare(need_vectors);
}

absl::StatusOr<EventOutcome> ArticleApplier::Stage(const v1::Article& event, ApplyContext& ctx) {
  if (std::optional<Rejection> r =
          ValidateArticle(event, content_index_.dimension(), ctx.time_bounds)) {
    return EventOutcome::Rejected(r->reason, r->message);
  }
  if (embedder_ == nullptr && !event.deleted() && event.embedding_size() == 0) {
    return EventOutcome::Rejected("missing_embedding",
                                  "embedding: required with encoder.kind external (none given)");
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

  const v1::Article* before = previous != nullptr && !previous->deleted() ? previous : nullptr;
  const v1::Article* after = article.deleted() ? nullptr : &article;
  std::vector<float> embedding;
  if (after != nullptr && article.embedding_size() > 0) embedding = Normalized(article.embedding());
  if (embedder_ != nullptr) {
    ASSIGN_OR_RETURN(std::vector<float> computed,
                     embedder_->Stage(dense_id, before, after, embedding.empty(), ctx));
    if (embedding.empty()) embedding = std::move(computed);
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
              absl::StrCat("stored embedding of dimension ", v.size(), " but the encoder makes ",
                           dimension, "; the dimension cannot change for an existing data dir"));
        }
        ids.push_back(id);
        vectors.insert(vectors.end(), v.begin(), v.end());
        return absl::OkStatus();
      }));
  return content_index_.Restore(ids, vectors);
}

}  // namespace headliner
