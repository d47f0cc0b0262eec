// Team-draft interleaving (Radlinski, Kurup and Joachims, "How does clickthrough data reflect
// retrieval quality?", CIKM 2008): one list made from two rankings, A and B, as two captains pick
// players. While items remain, the team with fewer picks so far picks next (a coin decides when
// both have as many), and it picks its own ranking's best item not yet shown. Each shown item
// remembers its team; a click credits that team, and an impression whose clicks favour one team
// is a win for its ranking. Both rankings get the top positions equally often, so a preference
// shows with far fewer impressions than an A/B split needs.
//
// The coin flips come from `seed` (the response token's nonce), so a response can be replayed.
#ifndef HEADLINER_EXPERIMENT_TEAM_DRAFT_H_
#define HEADLINER_EXPERIMENT_TEAM_DRAFT_H_

#include <cstdint>
#include <span>
#include <vector>

namespace headliner {

enum class Team : uint8_t { kA, kB };

struct DraftPick {
  size_t index;  // into the ranking of its team
  Team team;
};

// Up to `limit` picks from rankings `a` and `b` (ids; an id in both is shown once, for the team
// that picked it first).
std::vector<DraftPick> TeamDraft(std::span<const uint64_t> a, std::span<const uint64_t> b,
                                 size_t limit, uint64_t seed);

}  // namespace headliner

#endif  // HEADLINER_EXPERIMENT_TEAM_DRAFT_H_
