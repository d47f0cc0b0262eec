// Turns scored candidates into the shown list:
//  1. Near-duplicates: a candidate whose content similarity to the source is at least
//     `near_duplicate_threshold` is dropped (the reader is on that story already). The others
//     come grouped (Candidate::group, resolved when their candidate list was built: see
//     candidate_list.h); a group is shown once, as its freshest member, at its best member's
//     score.
//  2. Maximal marginal relevance: the next item shown is the group maximising
//     mmr_lambda * score - (1 - mmr_lambda) * (max content similarity to the items shown),
//     so that a list does not repeat one angle of a story ten times (needs content_vector).
#ifndef HEADLINER_RANK_DIVERSIFIER_H_
#define HEADLINER_RANK_DIVERSIFIER_H_

#include <vector>

#include "rank/candidate.h"
#include "rank/ranking_config.h"

namespace headliner {

// Returns at most `limit` candidates, moved out of `candidates`, in display order.
std::vector<Candidate> SelectDiverse(std::vector<Candidate>& candidates, size_t limit,
                                     const RankingConfig& config);

}  // namespace headliner

#endif  // HEADLINER_RANK_DIVERSIFIER_H_
