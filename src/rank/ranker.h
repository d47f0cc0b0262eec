// Ranking: turns an article id into an ordered list of related articles.
//
//   candidates (CandidateGenerator: content index, behaviour index, co-visitation partners,
//   trending in the section; each with all five features)
//   -> linear blend of the features, weights from the ranking config (candidate.h)
//   -> near-duplicates folded into their freshest member, then maximal marginal relevance
//      (diversifier.h)
// When filters leave too few candidates the indexes are asked for more, up to a cap. Articles
// the reader (session or user) recently clicked are never shown. An unknown source gives the
// freshest articles that pass the filter, flagged as a fallback, so a widget is never empty.
//
// Thread-safe: Rank() only reads the stores and the indexes.
#ifndef HEADLINER_RANK_RANKER_H_
#define HEADLINER_RANK_RANKER_H_

#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "rank/candidate_generator.h"
#include "rank/rank_request.h"
#include "rank/rank_sources.h"
#include "rank/ranking_config.h"

namespace headliner {

class Ranker {
 public:
  // What `sources` refers to must outlive the ranker. The Engine serves one with the configured
  // ranking; tools and experiments make others over the same sources.
  Ranker(const RankSources& sources, const RankingConfig& config)
      : sources_(sources), config_(config), generator_(sources_, config_) {}

  // Not copyable: generator_ refers to this ranker's config_.
  Ranker(const Ranker&) = delete;
  Ranker& operator=(const Ranker&) = delete;

  absl::StatusOr<RankResult> Rank(const RankRequest& request) const;

 private:
  absl::StatusOr<RankResult> RankRelated(const RankRequest& request, const StoredArticle& source,
                                         const std::vector<float>& query) const;
  // Dense ids of the articles in the reader's recent clicks (session, and user-keyed clicks).
  absl::StatusOr<absl::flat_hash_set<uint64_t>> AlreadyRead(const RankRequest& request) const;
  absl::StatusOr<RankResult> Freshest(const RankRequest& request) const;

  const RankSources sources_;
  const RankingConfig config_;
  const CandidateGenerator generator_;  // borrows config_
};

}  // namespace headliner

#endif  // HEADLINER_RANK_RANKER_H_
