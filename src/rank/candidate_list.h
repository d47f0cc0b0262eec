// The request-independent half of ranking: for one source article, which articles can be
// related (its content neighbours, behaviour neighbours and co-visitation partners), grouped into
// near-duplicate groups, with what does not depend on the request (content similarity, pair
// weight). A request then only reads the fresh features (behaviour similarity, click counts,
// popularity, freshness), filters, blends and picks (candidate_scorer.h).
//
// Building a list is the expensive part (nearest-neighbour searches, grouping); it is bounded:
//   - each index is asked for `k` neighbours (`candidate_pool`; the ranker widens a list ×4 while
//     filters and near-duplicates leave too few items, up to k = kMaxSearch);
//   - near-duplicates are grouped when the list is built (a member is compared only with the
//     group leaders at a similar angle to the source), so a story republished hundreds of times
//     is one group of a few members, not hundreds of candidates;
//   - a group keeps at most kMaxGroupMembers members (its most similar to the source, its
//     co-visitation partners, the freshest of the rest).
//   - a list keeps at most kMaxListMembers members (whole groups, most similar first).
// So a request scores at most kMaxListMembers + `popular_candidates` articles whatever the
// catalog, and with the defaults (k = candidate_pool = 50, max_partners = 50) a base list holds
// at most (50 + 50 + 50) groups: typically about a hundred members.
//
// A list keeps what its searches returned, so that a click (which changes the source's partners
// and nudges its behaviour vector) can be handled without a search: Refresh, the kept hits with
// the current partners.
#ifndef HEADLINER_RANK_CANDIDATE_LIST_H_
#define HEADLINER_RANK_CANDIDATE_LIST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rank/rank_sources.h"
#include "rank/ranking_config.h"
#include "store/row_revisions.h"

namespace headliner {

// 16 bytes: a list is ~100 of these and a cache holds up to a list per article.
struct CandidateMember {
  uint32_t dense_id = 0;     // dense ids stay below 2^32 (the builder checks)
  uint32_t group = 0;        // index of its near-duplicate group in the list
  float content = 0;         // cosine of its content vector with the source's
  float partner_weight = 0;  // c(source, member); 0 when not a co-visitation partner
};

struct CandidateList {
  static constexpr int kMaxSearch = 800;
  static constexpr int kMaxGroupMembers = 4;
  static constexpr int kMaxListMembers = 1000;

  uint64_t source = 0;
  std::vector<CandidateMember> members;  // grouped: a group's members are adjacent
  // The time the members' partner weights are at (PartnerRow::as_of_micros), and a fingerprint
  // of the partner row they come from (CandidateListBuilder::WithCurrentPartners).
  int64_t partners_as_of_micros = 0;
  uint64_t partners_fingerprint = 0;
  // The partner row's revision when it was read (PartnerRow::revision): while the store's is the
  // same, the partners are these and a request need not read the row.
  uint64_t partners_revision = RowRevisions::kUnknown;
  uint32_t groups = 0;
  int k = 0;              // neighbours asked of each index
  bool exhausted = true;  // no index had more than k to give: a wider list finds nothing new
  // What each index's search returned, nearest first (empty in lists searched within a filter,
  // which are never refreshed), and when the indexes were searched.
  std::vector<uint32_t> content_hits;
  std::vector<uint32_t> behaviour_hits;
  absl::Time searched;
};

// Whether builders with configs `a` and `b` build the same lists (the same sources of candidates,
// neighbours per index and near-duplicate grouping), so that rankers of both may share one
// CandidateListCache: their configs may differ in how candidates are scored, not in which.
inline bool BuildsTheSameLists(const RankingConfig& a, const RankingConfig& b) {
  return (a.content_weight != 0) == (b.content_weight != 0) &&
         (a.behaviour_weight != 0) == (b.behaviour_weight != 0) &&
         (a.covisitation_weight != 0) == (b.covisitation_weight != 0) &&
         a.near_duplicate_threshold == b.near_duplicate_threshold &&
         a.candidate_pool == b.candidate_pool;
}

class CandidateListBuilder {
 public:
  // What `sources` refers to, and `config`, must outlive the builder.
  CandidateListBuilder(const RankSources& sources, const RankingConfig& config)
      : sources_(sources), config_(config) {}

  // The list of `source` (dense id) whose content vector is `content_query`, asking each index
  // for at least `k` neighbours (more while near-duplicates leave too few groups).
  // With `within`, each index is searched for the k nearest that `within` takes (a request's
  // metadata filter): such a list serves only that request and is not cached.
  absl::StatusOr<CandidateList> Build(uint64_t source, std::span<const float> content_query, int k,
                                      const VectorIndex::IdFilter* within = nullptr) const;
  // `old` (a list Build made without a filter) with its kept hits and the source's current
  // co-visitation partners, without a search: what Build gives while the searches would return
  // the same hits. When the same members are still partners (and the other partners are left
  // out anyway: gone, or near-duplicates of the source) only the pair weights are replaced
  // (`*patched` is set true); otherwise the hits and partners are grouped again.
  absl::StatusOr<CandidateList> Refresh(const CandidateList& old,
                                        std::span<const float> content_query,
                                        bool* patched = nullptr) const;
  // `old` (a list Build made without a filter) with its behaviour neighbours searched again, its
  // kept content hits and the source's current partners: what Build gives when only clicks
  // changed since `old` was built. Clicks move behaviour vectors and co-visitation pairs; the
  // content neighbours change only with content, for which the refresher calls Build. About half
  // the cost of Build (one index searched instead of two).
  absl::StatusOr<CandidateList> SearchBehaviourAgain(const CandidateList& old,
                                                     std::span<const float> content_query) const;
  // `cached` (a list Build or Refresh made without a filter) as a request should see it: itself
  // while the source's co-visitation partners are those it was built with (one row read), else
  // Refresh of it, with `*refreshed` set. A request so sees a co-click as soon as it is applied,
  // however far behind the background refresher is.
  absl::StatusOr<std::shared_ptr<const CandidateList>> WithCurrentPartners(
      std::shared_ptr<const CandidateList> cached, std::span<const float> content_query,
      bool* refreshed) const;
  // The width of a list built for a request without filters (ranking.candidate_pool).
  int pool() const { return config_.candidate_pool; }

 private:
  struct Gathered {
    std::vector<uint64_t> ids;
    std::vector<double> partner_weight;  // by position in ids
  };
  // Fills list.content_hits and list.behaviour_hits by searching both indexes.
  void Search(std::span<const float> content_query, const VectorIndex::IdFilter* within,
              CandidateList& list) const;
  // Fills list.behaviour_hits (none when the source has no behaviour vector) and list.searched.
  void SearchBehaviour(const VectorIndex::IdFilter* within, CandidateList& list) const;
  // The source's co-visitation partners (none when they are not candidates).
  absl::StatusOr<PartnerRow> PartnersOf(uint64_t source) const;
  // Refresh with the partners already read.
  CandidateList RefreshWith(const CandidateList& old, std::span<const float> content_query,
                            const PartnerRow& partners, bool* patched) const;
  // The list's hits and `partners`, once each, the source left out.
  Gathered Gather(const CandidateList& list, const std::vector<Partner>& partners) const;
  // Gathers, groups and fills `list` (whose source, k and hits are set).
  void Assemble(std::span<const float> content_query, const PartnerRow& partners,
                CandidateList& list) const;
  // `old` with the pair weights of `partners`, when grouping would keep its members as they
  // are (see Refresh); else nullopt.
  std::optional<CandidateList> PatchPartners(const CandidateList& old,
                                             std::span<const float> content_query,
                                             const PartnerRow& partners) const;
  // Assigns groups (greedy, most similar to the source first) and trims them; fills `list`.
  void Group(const Gathered& gathered, std::span<const float> content, CandidateList& list) const;

  const RankSources sources_;
  const RankingConfig& config_;
};

}  // namespace headliner

#endif  // HEADLINER_RANK_CANDIDATE_LIST_H_
