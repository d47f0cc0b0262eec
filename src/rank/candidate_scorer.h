// The request-time half of ranking: turns a source's candidate list (candidate_list.h) plus the
// trending articles of its section into scored candidates for one request. Reads only what
// changes between requests: the hot metadata in memory (live, section, language, published
// time: filters and freshness), the behaviour similarities from the behaviour index, and the
// click counts and popularity (one multi-get). Every candidate gets every feature, whichever
// source brought it; the source, the excluded articles (already read, or excluded by the request)
// and those failing the request's filter are dropped.
//
// Thread-safe: Score() only reads.
#ifndef HEADLINER_RANK_CANDIDATE_SCORER_H_
#define HEADLINER_RANK_CANDIDATE_SCORER_H_

#include <span>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "rank/candidate.h"
#include "rank/candidate_list.h"
#include "rank/metadata_filter.h"
#include "rank/rank_request.h"
#include "rank/rank_sources.h"
#include "rank/ranking_config.h"

namespace headliner {

// What ranking needs of the source article, from the metadata in memory (no catalog row read).
struct RankSource {
  uint64_t dense_id = 0;
  std::string section;  // its section's name ("" for none)
};

struct ScoringRequest {
  const RankSource& source;
  std::span<const float> content_query;  // the source's unit content vector
  const RankRequest& request;
  const absl::flat_hash_set<uint64_t>& excluded;
  const MetadataFilter& filter;  // request.filter over the metadata, built once per request
};

class CandidateScorer {
 public:
  // What `sources` refers to, and `config`, must outlive the scorer.
  CandidateScorer(const RankSources& sources, const RankingConfig& config)
      : sources_(sources), config_(config) {}

  // Scored candidates in list order, trending-only ones last; each carries its group (trending
  // articles not in the list get groups of their own).
  absl::StatusOr<std::vector<Candidate>> Score(const CandidateList& list,
                                               const ScoringRequest& request) const;

 private:
  // The filter of the request in metadata codes.
  // Appends the section's trending articles that are not in the list.
  absl::Status AddTrending(const CandidateList& list, const ScoringRequest& request,
                           std::vector<Candidate>& candidates) const;
  // Fills the behaviour, co-visitation and popularity features.
  absl::Status AddClickFeatures(const CandidateList& list, const ScoringRequest& request,
                                std::vector<Candidate>& candidates) const;
  // The normalised co-visitation score of each candidate; `activity` holds the source's and then
  // each candidate's.
  absl::StatusOr<std::vector<double>> CoVisitationScores(
      const CandidateList& list, std::span<const Activity> activity,
      std::span<const Candidate> candidates) const;

  const RankSources sources_;
  const RankingConfig& config_;
};

}  // namespace headliner

#endif  // HEADLINER_RANK_CANDIDATE_SCORER_H_
