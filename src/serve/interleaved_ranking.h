// The response of a reader in an interleaving experiment: the lists of the experiment's two
// rankings drafted into one (experiment/team_draft.h), with the coin flips seeded by the response
// token's nonce, so that the same two lists and token give the same response again.
#ifndef HEADLINER_SERVE_INTERLEAVED_RANKING_H_
#define HEADLINER_SERVE_INTERLEAVED_RANKING_H_

#include <cstdint>
#include <vector>

#include "experiment/team_draft.h"
#include "rank/rank_request.h"

namespace headliner {

struct InterleavedResult {
  RankResult result;        // the drafted items, each with its own ranking's score and reasons
  std::vector<Team> teams;  // per item of `result`
};

// Up to `limit` items from team A's `a` and team B's `b` (an article in both is shown once).
// The result is a fallback only when both were; its work counts are the sums of both.
InterleavedResult InterleaveResults(RankResult a, RankResult b, size_t limit, uint64_t seed);

}  // namespace headliner

#endif  // HEADLINER_SERVE_INTERLEAVED_RANKING_H_
