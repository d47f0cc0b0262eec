#include "experiment/team_draft.h"

#include "absl/container/flat_hash_set.h"

namespace headliner {
namespace {

// SplitMix64: a fixed, documented sequence from a seed (the coin flips must replay).
uint64_t NextRandom(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

std::vector<DraftPick> TeamDraft(std::span<const uint64_t> a, std::span<const uint64_t> b,
                                 size_t limit, uint64_t seed) {
  std::vector<DraftPick> picks;
  absl::flat_hash_set<uint64_t> shown;
  size_t next_a = 0, next_b = 0, picked_a = 0, picked_b = 0;
  uint64_t state = seed;
  // Skips a ranking's items already shown; returns whether it has one left.
  auto advance = [&](std::span<const uint64_t> ranking, size_t& next) {
    while (next < ranking.size() && shown.contains(ranking[next])) ++next;
    return next < ranking.size();
  };
  while (picks.size() < limit) {
    const bool a_left = advance(a, next_a);
    const bool b_left = advance(b, next_b);
    if (!a_left && !b_left) break;
    bool a_picks = picked_a < picked_b || (picked_a == picked_b && (NextRandom(state) & 1) == 0);
    if (!a_left) a_picks = false;  // the other team goes on alone
    if (!b_left) a_picks = true;
    if (a_picks) {
      shown.insert(a[next_a]);
      picks.push_back({next_a++, Team::kA});
      ++picked_a;
    } else {
      shown.insert(b[next_b]);
      picks.push_back({next_b++, Team::kB});
      ++picked_b;
    }
  }
  return picks;
}

}  // namespace headliner
