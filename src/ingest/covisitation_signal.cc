#include "ingest/covisitation_signal.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "absl/container/flat_hash_map.h"
#include "common/status_macros.h"

namespace headliner {

absl::Status CoVisitationSignal::Stage(const ResolvedClick& click,
                                       std::span<const SessionClick> history,
                                       ApplyContext& context) {
  const int64_t window = absl::ToInt64Microseconds(config_.window);
  const double half_life = static_cast<double>(absl::ToInt64Microseconds(config_.gap_half_life));
  // The closest earlier click of each distinct article decides its pair weight: reading a twice
  // before b is one co-visit, not two.
  absl::flat_hash_map<uint64_t, int64_t> gap_of;
  for (const SessionClick& earlier : history) {
    if (earlier.dense_id == click.dense_id) continue;
    const int64_t gap = std::llabs(click.micros - earlier.micros);
    if (gap > window) continue;
    auto [it, inserted] = gap_of.try_emplace(earlier.dense_id, gap);
    if (!inserted) it->second = std::min(it->second, gap);
  }
  if (!gap_of.empty() && pending_.empty()) {
    context.undo.push_back([this] { pending_.clear(); });  // an abandoned batch leaves nothing
  }
  for (const auto& [partner, gap] : gap_of) {
    const double weight = std::exp2(-static_cast<double>(gap) / half_life);
    pending_[partner][click.dense_id] += weight;
    pending_[click.dense_id][partner] += weight;
  }
  return absl::OkStatus();
}

absl::Status CoVisitationSignal::FinishBatch(ApplyContext& context) {
  for (const auto& [a, deltas] : pending_) {
    // Sorted so that the staged writes (and so the stored lists' tie order) are deterministic.
    std::vector<std::pair<uint64_t, double>> sorted(deltas.begin(), deltas.end());
    std::sort(sorted.begin(), sorted.end());
    if (absl::Status s = StageArticle(a, sorted, context.writes); !s.ok()) {
      pending_.clear();
      return s;
    }
    context.partners_changed.push_back(a);
  }
  pending_.clear();
  return absl::OkStatus();
}

absl::Status CoVisitationSignal::StageArticle(
    uint64_t a, const std::vector<std::pair<uint64_t, double>>& deltas, StagedBatch& batch) {
  ASSIGN_OR_RETURN(std::vector<Partner> partners, covisitation_.FindPartners(a, &batch));
  for (const auto& [b, delta] : deltas) {
    ASSIGN_OR_RETURN(double total, covisitation_.FindWeight(a, b, &batch));
    total += delta;
    covisitation_.StageWeight(batch, a, b, total);
    auto it = std::find_if(partners.begin(), partners.end(),
                           [b = b](const Partner& p) { return p.dense_id == b; });
    if (it != partners.end()) {
      it->weight = total;
    } else {
      partners.push_back({b, total});
    }
  }
  // Heaviest first; equal weights keep their earlier order, so older partners win ties.
  std::stable_sort(partners.begin(), partners.end(),
                   [](const Partner& x, const Partner& y) { return x.weight > y.weight; });
  const size_t max = static_cast<size_t>(config_.max_partners);
  if (partners.size() > max) partners.resize(max);
  covisitation_.StagePartners(batch, a, partners);
  return absl::OkStatus();
}

}  // namespace headliner
