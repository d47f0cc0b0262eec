// Ranking: turns an article id into an ordered list of related articles.
//
//   the source's candidate list (candidate_list.h: content neighbours, behaviour neighbours,
//   co-visitation partners, in near-duplicate groups; built once and kept in a
//   CandidateListCache when the ranker has one)
//   -> scored for this request with the trending articles of its section (candidate_scorer.h):
//      filters, exclusions, fresh features, the linear blend of the ranking config's weights
//   -> one item per near-duplicate group, then maximal marginal relevance (diversifier.h)
// When a request's section, language or age filter leaves too few items of the source's list, the
// indexes are searched within the filter (such lists are kept for ranking.filtered_list_ttl in the
// cache, for the next request of the same source and filter); when exclusions still leave too
// few, the list is rebuilt wider (×4), up to CandidateList::kMaxSearch neighbours, so the work of
// a request is bounded. Articles the reader
// (session or user) recently clicked are never shown. An unknown source gives the freshest
// articles that pass the filter, flagged as a fallback, so a widget is never empty.
//
// Thread-safe: Rank() only reads the stores and the indexes (and the cache, itself thread-safe).
#ifndef HEADLINER_RANK_RANKER_H_
#define HEADLINER_RANK_RANKER_H_

#include <memory>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "rank/candidate_list.h"
#include "rank/candidate_list_cache.h"
#include "rank/candidate_scorer.h"
#include "rank/metadata_filter.h"
#include "rank/rank_request.h"
#include "rank/rank_sources.h"
#include "rank/ranking_config.h"

namespace headliner {

class Ranker {
 public:
  // What `sources` refers to must outlive the ranker, and so must `cache` when given: the ranker
  // then takes candidate lists from it and puts the ones it builds there (the served ranker;
  // CandidateRefresher keeps the lists fresh). Without a cache every request builds its list:
  // the same ranking, at the cost of the searches (tools and experiments over the same sources).
  Ranker(const RankSources& sources, const RankingConfig& config,
         CandidateListCache* cache = nullptr)
      : sources_(sources),
        config_(config),
        builder_(sources_, config_),
        scorer_(sources_, config_),
        cache_(cache) {}

  // Not copyable: builder_ and scorer_ refer to this ranker's config_.
  Ranker(const Ranker&) = delete;
  Ranker& operator=(const Ranker&) = delete;

  absl::StatusOr<RankResult> Rank(const RankRequest& request) const;

  // How this ranker builds lists (for the refresher of its cache).
  const CandidateListBuilder& builder() const { return builder_; }
  const RankingConfig& config() const { return config_; }

 private:
  absl::StatusOr<RankResult> RankRelated(const RankRequest& request, const RankSource& source,
                                         const std::vector<float>& query) const;
  // The list of `source` with at least `k` neighbours per index, from the cache or built (then
  // counted in `*built`).
  absl::StatusOr<std::shared_ptr<const CandidateList>> ListOf(uint64_t source,
                                                              const std::vector<float>& query,
                                                              int k, int* built) const;
  // The list of `source` searched within `filter` (its metadata restrictions), from the cache's
  // filtered lists or built (then counted in `*built`).
  absl::StatusOr<std::shared_ptr<const CandidateList>> FilteredListOf(
      uint64_t source, const std::vector<float>& query, int k, const MetadataFilter& filter,
      absl::Time now, int* built) const;
  // Dense ids of the articles in the reader's recent clicks (session, and user-keyed clicks).
  absl::StatusOr<absl::flat_hash_set<uint64_t>> AlreadyRead(const RankRequest& request) const;
  // The same plus the request's excluded ids (the fallback tests those by id in its filter).
  absl::StatusOr<absl::flat_hash_set<uint64_t>> Excluded(const RankRequest& request) const;
  // Fills the shown articles from the catalog (the only catalog rows a request reads).
  absl::StatusOr<RankResult> Finish(const RankRequest& request, std::vector<Candidate> shown) const;
  absl::StatusOr<RankResult> Freshest(const RankRequest& request) const;

  const RankSources sources_;
  const RankingConfig config_;
  const CandidateListBuilder builder_;  // borrows config_
  const CandidateScorer scorer_;        // borrows config_
  CandidateListCache* const cache_;     // may be null
};

}  // namespace headliner

#endif  // HEADLINER_RANK_RANKER_H_
