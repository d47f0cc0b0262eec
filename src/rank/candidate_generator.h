// Gathers the candidates for a source article's related list and computes their features.
// Sources, each used only when its feature has a non-zero weight in the ranking config:
//   - the content index: the source's nearest neighbours by content vector;
//   - the behaviour index: its nearest neighbours by behaviour vector;
//   - its co-visitation partners (read in the same sessions, even with no word in common);
//   - the trending articles of its section, published within `popular_max_age`.
// Every candidate gets every feature, whichever source brought it. Candidates that fail the
// request's filter, the source itself and the articles in `excluded` are dropped.
//
// Thread-safe: Generate() only reads the stores and indexes.
#ifndef HEADLINER_RANK_CANDIDATE_GENERATOR_H_
#define HEADLINER_RANK_CANDIDATE_GENERATOR_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "rank/candidate.h"
#include "rank/covisitation_normalizer.h"
#include "rank/rank_request.h"
#include "rank/rank_sources.h"
#include "rank/ranking_config.h"

namespace headliner {

struct CandidateQuery {
  const StoredArticle& source;
  const std::vector<float>& content_query;  // the source's unit content vector
  const RankRequest& request;
  const absl::flat_hash_set<uint64_t>& excluded;
  int k = 50;  // neighbours fetched from each index
};

struct CandidateBatch {
  std::vector<Candidate> candidates;
  // True when no index had more than k neighbours to give: a larger k would find nothing new.
  bool exhausted = true;
};

class CandidateGenerator {
 public:
  // Everything `sources` refers to, and `config`, must outlive the generator.
  CandidateGenerator(const RankSources& sources, const RankingConfig& config)
      : sources_(sources), config_(config) {}

  absl::StatusOr<CandidateBatch> Generate(const CandidateQuery& query) const;

 private:
  // Where each gathered id came from, for the checks that depend on it.
  struct Gathered {
    std::vector<uint64_t> ids;  // in gathering order (deterministic)
    absl::flat_hash_map<uint64_t, double> partner_weight;
    absl::flat_hash_set<uint64_t> trending_only;
    bool exhausted = true;
  };
  absl::StatusOr<Gathered> Gather(const CandidateQuery& query,
                                  const std::optional<std::vector<float>>& behaviour_query) const;
  // Fills the co-visitation and popularity features (one MultiGet of the click counts).
  absl::Status AddActivityFeatures(const CandidateQuery& query, const Gathered& gathered,
                                   std::vector<Candidate>& candidates) const;

  const RankSources sources_;
  const RankingConfig& config_;
};

}  // namespace headliner

#endif  // HEADLINER_RANK_CANDIDATE_GENERATOR_H_
