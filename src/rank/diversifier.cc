#include "rank/diversifier.h"

#include <algorithm>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "index/inner_product.h"

namespace headliner {
namespace {

// Only the best candidates are grouped and diversified: the work is quadratic in their number.
constexpr size_t kMinPool = 50;
constexpr size_t kPoolPerItem = 4;

double Similarity(const Candidate& a, const Candidate& b) {
  return InnerProduct(a.content_vector, b.content_vector);
}

bool Fresher(const Candidate& a, const Candidate& b) {
  return a.published_micros > b.published_micros;
}

struct Group {
  size_t best;   // highest score; the group's vector and score
  size_t shown;  // freshest member
};

}  // namespace

std::vector<Candidate> SelectDiverse(std::vector<Candidate>& candidates, size_t limit,
                                     const RankingConfig& config) {
  const double threshold = config.near_duplicate_threshold;
  std::vector<size_t> order;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].features.content < threshold) order.push_back(i);
  }
  // Equal scores (copies of one headline published together score alike) are ordered by id, not
  // by where the candidates stood in their list: a list rebuilt after a restart may hold them in
  // another order, and the same state must give the same response.
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Candidate& x = candidates[a];
    const Candidate& y = candidates[b];
    return x.score != y.score ? x.score > y.score : x.dense_id < y.dense_id;
  });
  order.resize(std::min(order.size(), std::max(kMinPool, kPoolPerItem * limit)));

  std::vector<Group> groups;
  absl::flat_hash_map<uint32_t, size_t> position_of;  // candidate group -> position in groups
  for (size_t i : order) {
    auto [it, first] = position_of.try_emplace(candidates[i].group, groups.size());
    if (first) {
      groups.push_back({i, i});  // in score order: the first member seen is the best
    } else if (Fresher(candidates[i], candidates[groups[it->second].shown])) {
      groups[it->second].shown = i;
    }
  }

  std::vector<Candidate> shown;
  std::vector<bool> taken(groups.size(), false);
  // Max similarity of each group to the items shown so far.
  std::vector<double> redundancy(groups.size(), 0.0);
  const double lambda = config.mmr_lambda;
  while (shown.size() < limit && shown.size() < groups.size()) {
    size_t next = groups.size();
    double best = -std::numeric_limits<double>::infinity();
    for (size_t g = 0; g < groups.size(); ++g) {
      if (taken[g]) continue;
      const double value = lambda * candidates[groups[g].best].score - (1 - lambda) * redundancy[g];
      if (value > best) {
        best = value;
        next = g;
      }
      if (lambda == 1) break;  // groups are in score order
    }
    taken[next] = true;
    if (lambda < 1) {
      for (size_t g = 0; g < groups.size(); ++g) {
        if (!taken[g]) {
          redundancy[g] = std::max(
              redundancy[g], Similarity(candidates[groups[g].best], candidates[groups[next].best]));
        }
      }
    }
    Candidate item = std::move(candidates[groups[next].shown]);
    item.score = candidates[groups[next].best].score;
    shown.push_back(std::move(item));
  }
  return shown;
}

}  // namespace headliner
