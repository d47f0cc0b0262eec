#include "serve/interleaved_ranking.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"

namespace headliner {
namespace {

// Drafting compares ids only for equality, so a hash within this call stands in for them.
std::vector<uint64_t> IdsOf(const RankResult& r) {
  std::vector<uint64_t> ids;
  ids.reserve(r.items.size());
  for (const RankedArticle& item : r.items) ids.push_back(absl::HashOf(item.article.id()));
  return ids;
}

}  // namespace

InterleavedResult InterleaveResults(RankResult a, RankResult b, size_t limit, uint64_t seed) {
  const std::vector<uint64_t> ids_a = IdsOf(a), ids_b = IdsOf(b);
  InterleavedResult out;
  for (const DraftPick& pick : TeamDraft(ids_a, ids_b, limit, seed)) {
    RankResult& from = pick.team == Team::kA ? a : b;
    out.result.items.push_back(std::move(from.items[pick.index]));
    out.teams.push_back(pick.team);
  }
  out.result.fallback = a.fallback && b.fallback;
  out.result.candidates_scored = a.candidates_scored + b.candidates_scored;
  out.result.widest_list = std::max(a.widest_list, b.widest_list);
  out.result.filtered_search = a.filtered_search || b.filtered_search;
  out.result.lists_built = a.lists_built + b.lists_built;
  return out;
}

}  // namespace headliner
