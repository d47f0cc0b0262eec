// Ranking v1: turns an article id into an ordered list of related articles.
//
// Candidates are the source article's nearest neighbours in the content index and, when
// behaviour is available, its co-visitation partners (articles read in the same sessions, even
// with no word in common). Each candidate that passes the filter is scored
//     score = content_weight * cosine(source, candidate)
//           + covisitation_weight * jaccard(source, candidate)
//           + freshness_weight * 2^(-age / freshness_half_life)
// where jaccard = c / (clicks(source) + clicks(candidate) - c) and c is the decayed
// co-visitation weight.
// and the list is built greedily by score, dropping near-duplicates (cosine >= threshold) of the
// source or of an item already chosen. An unknown source gives the freshest articles that pass the
// filter, flagged as a fallback, so that a widget is never empty. Articles the reader (session or
// user) recently clicked are left out of both.
//
// Thread-safe: Rank() only reads the store and the index.
#ifndef HEADLINER_RANK_RANKER_H_
#define HEADLINER_RANK_RANKER_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config.h"
#include "headliner/v1/article.pb.h"
#include "index/vector_index.h"
#include "rank/request_filter.h"
#include "store/article_store.h"
#include "store/click_store.h"
#include "store/covisitation_store.h"

namespace headliner {

struct RankRequest {
  std::string article_id;
  int limit = 10;
  ArticleFilter filter;
  bool explain = false;
  // The reader: articles in their recent clicks are not recommended again.
  std::string user_id;
  std::string session_id;
  absl::Time now;
  // Ranking gives up with DeadlineExceeded past this time.
  absl::Time deadline = absl::InfiniteFuture();
};

struct FeatureContribution {
  std::string feature;
  double value;
  double contribution;
};

struct RankedArticle {
  v1::Article article;
  double score = 0;
  std::vector<FeatureContribution> reasons;  // filled when explain is set
};

struct RankResult {
  std::vector<RankedArticle> items;
  bool fallback = false;
};

// Behavioural data the ranker reads; absent, ranking is by content and freshness only.
struct BehaviourSources {
  CoVisitationStore& covisitation;
  ClickStore& clicks;
};

class Ranker {
 public:
  // `store`, `index` and the behaviour sources must outlive the ranker.
  Ranker(ArticleStore& store, const VectorIndex& index, const RankingConfig& config,
         std::optional<BehaviourSources> behaviour = std::nullopt)
      : store_(store), index_(index), config_(config), behaviour_(behaviour) {}

  absl::StatusOr<RankResult> Rank(const RankRequest& request) const;

 private:
  absl::StatusOr<RankResult> RankByContent(const RankRequest& request, const StoredArticle& source,
                                           const std::vector<float>& query) const;
  // Dense ids of the articles in the reader's recent clicks (session, and user-keyed clicks).
  absl::StatusOr<absl::flat_hash_set<uint64_t>> AlreadyRead(const RankRequest& request) const;
  // Jaccard co-visitation score of the source's partners, by dense id.
  absl::StatusOr<std::vector<std::pair<uint64_t, double>>> CoVisited(uint64_t source) const;
  absl::StatusOr<RankResult> Freshest(const RankRequest& request) const;
  double Freshness(const v1::Article& article, absl::Time now) const;

  ArticleStore& store_;
  const VectorIndex& index_;
  const RankingConfig config_;
  const std::optional<BehaviourSources> behaviour_;
};

}  // namespace headliner

#endif  // HEADLINER_RANK_RANKER_H_
