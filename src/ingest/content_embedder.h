// How ArticleApplier gets the content vector of a live article that carries none of its own: one
// implementation per encoder.kind that computes vectors (hashed_content_embedder.h,
// model_content_embedder.h; "external" has none, since its events must carry their vectors).
//
// Thread safety: none. ArticleApplier owns it and calls it on the apply thread, under
// EventApplier's writer lock.
#ifndef HEADLINER_INGEST_CONTENT_EMBEDDER_H_
#define HEADLINER_INGEST_CONTENT_EMBEDDER_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "encode/text_encoder.h"
#include "headliner/v1/article.pb.h"
#include "ingest/apply_context.h"

namespace headliner {

// What an embedder reads of an article: its headline, then its tags.
inline std::string ContentText(const v1::Article& article) {
  return EncoderInput(article.headline(), {article.tags().begin(), article.tags().end()});
}

class ContentEmbedder {
 public:
  virtual ~ContentEmbedder() = default;

  // Called once per batch before any of it is staged, with the live, valid articles of the batch
  // that carry no embedding, in order: a model encodes their texts here in one call.
  virtual absl::Status Prepare(std::span<const v1::Article* const> articles) = 0;
  // Whether Prepare does anything: if not, the applier does not gather (and validate) the batch's
  // articles for it, which would be work done twice on the apply path.
  virtual bool PreparesBatches() const = 0;

  // Called for every staged change of article `dense_id`: `before` is its live version until now
  // (null when it had none), `after` its new live version (null when it is deleted). Returns the
  // vector of `after` when `want_vector` (empty otherwise). Stages whatever the embedder keeps
  // about the live catalog into `ctx.writes`, with the undo steps of its in-memory state.
  virtual absl::StatusOr<std::vector<float>> Stage(uint64_t dense_id, const v1::Article* before,
                                                   const v1::Article* after, bool want_vector,
                                                   ApplyContext& ctx) = 0;
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_CONTENT_EMBEDDER_H_
