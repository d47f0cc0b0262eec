#include "ingest/model_content_embedder.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "encode/text_encoder.h"

namespace headliner {
absl::StatusOr<std::vector<std::vector<float>>> ModelContentEmbedder::Encode(
    absl::Span<const std::string> texts) {
  const absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(std::vector<std::vector<float>> vectors, model_.Encode(texts));
  stats_.encode_time += absl::Now() - start;
  ++stats_.model_calls;
  stats_.texts_encoded += texts.size();
  if (vectors.size() != texts.size()) {
    return absl::InternalError(absl::StrCat("sentence model returned ", vectors.size(),
                                            " vectors for ", texts.size(), " texts"));
  }
  for (const std::vector<float>& v : vectors) {
    if (v.size() != static_cast<size_t>(model_.dimension())) {
      return absl::InternalError(absl::StrCat("sentence model returned a vector of dimension ",
                                              v.size(), ", expected ", model_.dimension()));
    }
  }
  return vectors;
}

absl::Status ModelContentEmbedder::Prepare(std::span<const v1::Article* const> articles) {
  prepared_.clear();
  std::vector<std::string> texts;
  absl::flat_hash_set<std::string> seen;
  for (const v1::Article* article : articles) {
    std::string text = ContentText(*article);
    if (seen.contains(text)) continue;
    // Compared with the committed version: an earlier event of this batch changing the same
    // article is rare, and Stage encodes any text it finds missing.
    ASSIGN_OR_RETURN(std::optional<StoredArticle> stored,
                     articles_.FindByExternalId(article->id()));
    if (stored && !stored->article.deleted() && ContentText(stored->article) == text) continue;
    seen.insert(text);
    texts.push_back(std::move(text));
  }
  if (texts.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<std::vector<float>> vectors, Encode(texts));
  for (size_t i = 0; i < texts.size(); ++i) prepared_[texts[i]] = std::move(vectors[i]);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<float>> ModelContentEmbedder::Stage(uint64_t dense_id,
                                                               const v1::Article* before,
                                                               const v1::Article* after,
                                                               bool want_vector,
                                                               ApplyContext& ctx) {
  if (!want_vector || after == nullptr) return std::vector<float>();
  const std::string text = ContentText(*after);
  if (before != nullptr && ContentText(*before) == text) {
    ASSIGN_OR_RETURN(std::optional<std::vector<float>> stored,
                     articles_.FindEmbedding(dense_id, &ctx.writes));
    if (stored && stored->size() == static_cast<size_t>(model_.dimension())) {
      ++stats_.vectors_reused;
      return *std::move(stored);
    }
  }
  if (auto it = prepared_.find(text); it != prepared_.end()) return it->second;
  const std::string one[] = {text};
  ASSIGN_OR_RETURN(std::vector<std::vector<float>> vectors, Encode(one));
  return std::move(vectors[0]);
}

}  // namespace headliner
