// The request-independent half of ranking: for one source article, which articles can be
// related (its content neighbours, behaviour neighbours and co-visitation partners), grouped into
// near-duplicate groups, with what does not depend on the request (content similarity, pair
// weight). A request then only reads the fresh features (behaviour similarity, click counts,
// popularity, freshness), filters, blends and picks (candidate_scorer.h).
//
// Building a list is the expensive part (nearest-neighbour searches, grouping); it is bounded:
//   - each index is asked for `k` neighbours, k ≤ kMaxSearch;
//   - near-duplicates are grouped when the list is built, so a story republished hundreds of
//     times takes one group, not the whole pool: while the content neighbours form fewer than
//     `candidate_pool` groups the search widens ×4, up to kMaxSearch;
//   - a group keeps at most kMaxGroupMembers members (its most similar to the source, its
//     co-visitation partners, the freshest of the rest).
// So a list holds at most (k + k + max_partners) groups (content neighbours, behaviour neighbours,
// partners) of at most kMaxGroupMembers members each, partners aside, whatever the catalog; with
// the defaults (k = candidate_pool = 50) a request scores at most ~600 members plus the
// `popular_candidates` trending articles.
#ifndef HEADLINER_RANK_CANDIDATE_LIST_H_
#define HEADLINER_RANK_CANDIDATE_LIST_H_

#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "rank/rank_sources.h"
#include "rank/ranking_config.h"

namespace headliner {

struct CandidateMember {
  uint64_t dense_id = 0;
  uint32_t group = 0;          // index of its near-duplicate group in the list
  float content = 0;           // cosine of its content vector with the source's
  double partner_weight = 0;   // c(source, member); 0 when not a co-visitation partner
};

struct CandidateList {
  static constexpr int kMaxSearch = 800;
  static constexpr int kMaxGroupMembers = 4;

  uint64_t source = 0;
  std::vector<CandidateMember> members;  // grouped: a group's members are adjacent
  uint32_t groups = 0;
  uint32_t content_groups = 0;  // groups founded by a content neighbour
  int k = 0;               // neighbours asked of each index
  bool exhausted = true;   // no index had more than k to give: a wider list finds nothing new
};

class CandidateListBuilder {
 public:
  // What `sources` refers to, and `config`, must outlive the builder.
  CandidateListBuilder(const RankSources& sources, const RankingConfig& config)
      : sources_(sources), config_(config) {}

  // The list of `source` (dense id) whose content vector is `content_query`, asking each index
  // for at least `k` neighbours (more while near-duplicates leave too few groups).
  absl::StatusOr<CandidateList> Build(uint64_t source, std::span<const float> content_query,
                                      int k) const;

 private:
  struct Gathered {
    std::vector<uint64_t> ids;
    std::vector<double> partner_weight;  // by position in ids
    size_t content_hits = 0;            // ids[0, content_hits) came from the content index
    bool exhausted = true;
  };
  absl::StatusOr<Gathered> Gather(uint64_t source, std::span<const float> content_query,
                                  int k) const;
  // Assigns groups (greedy, most similar to the source first; at most `wanted_groups` founded by
  // content neighbours) and trims them; fills `list`.
  void Group(const Gathered& gathered, std::span<const float> content, int wanted_groups,
             CandidateList& list) const;

  const RankSources sources_;
  const RankingConfig& config_;
};

}  // namespace headliner

#endif  // HEADLINER_RANK_CANDIDATE_LIST_H_
