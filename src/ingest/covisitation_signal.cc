#include "ingest/covisitation_signal.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "common/status_macros.h"

namespace headliner {

absl::Status CoVisitationSignal::Stage(const ResolvedClick& click,
                                       std::span<const SessionClick> history,
                                       ApplyContext& context) {
  const int64_t window = absl::ToInt64Microseconds(config_.window);
  const double half_life = static_cast<double>(absl::ToInt64Microseconds(config_.gap_half_life));
  // The closest earlier click of each distinct article decides its pair weight: reading a twice
  // before b is one co-visit, not two.
  std::vector<std::pair<uint64_t, int64_t>> gaps;  // (partner, gap), one per partner
  for (const SessionClick& earlier : history) {
    if (earlier.dense_id == click.dense_id) continue;
    const int64_t gap = std::llabs(click.micros - earlier.micros);
    if (gap > window) continue;
    auto it = std::find_if(gaps.begin(), gaps.end(),
                           [&](const auto& g) { return g.first == earlier.dense_id; });
    if (it == gaps.end()) {
      gaps.emplace_back(earlier.dense_id, gap);
    } else {
      it->second = std::min(it->second, gap);
    }
  }
  if (gaps.empty()) return absl::OkStatus();
  if (rows_.empty()) {
    context.undo.push_back([this] { rows_.clear(); });  // an abandoned batch leaves nothing
  }
  std::sort(gaps.begin(), gaps.end());  // partner order: a replay updates in the same order
  ASSIGN_OR_RETURN(Row * clicked, RowOf(click.dense_id, context.writes));
  for (const auto& [partner, gap] : gaps) {
    const float weight = static_cast<float>(std::exp2(-static_cast<double>(gap) / half_life));
    ASSIGN_OR_RETURN(Row * earlier, RowOf(partner, context.writes));
    Add(*earlier, click.dense_id, weight, click.micros);
    Add(*clicked, partner, weight, click.micros);
  }
  return absl::OkStatus();
}

absl::StatusOr<CoVisitationSignal::Row*> CoVisitationSignal::RowOf(uint64_t a, StagedBatch& batch) {
  if (auto it = rows_.find(a); it != rows_.end()) return &it->second;
  ASSIGN_OR_RETURN(Row row, covisitation_.FindTracked(a, &batch));
  const size_t max = static_cast<size_t>(config_.tracked_partners);
  if (row.tracked.size() > max) {
    SortRow(row);
    row.tracked.resize(max);  // tracked_partners was lowered
  }
  return &rows_.emplace(a, std::move(row)).first->second;
}

void CoVisitationSignal::Add(Row& aged, uint64_t b, float weight, int64_t micros) const {
  std::vector<TrackedPartner>& row = aged.tracked;
  // Brought to one time. A click well after the row's time moves the row to it, scaling every
  // count; one within half_life / 64 of it (or older) adds its weight brought to the row's time,
  // which is the same sum without rewriting the row on every click. A row from before weights
  // aged takes the click's time as it is.
  if (aged.as_of_micros == 0) {
    aged.as_of_micros = micros;
  } else if (config_.half_life != absl::InfiniteDuration()) {
    const double half_life = static_cast<double>(absl::ToInt64Microseconds(config_.half_life));
    const int64_t ahead = micros - aged.as_of_micros;
    if (static_cast<double>(ahead) > half_life / kRescaleFraction) {
      const float factor = static_cast<float>(std::exp2(-static_cast<double>(ahead) / half_life));
      for (TrackedPartner& p : row) {
        p.count *= factor;
        p.error *= factor;
      }
      aged.as_of_micros = micros;
    } else if (ahead != 0) {
      weight *= static_cast<float>(std::exp2(static_cast<double>(ahead) / half_life));
    }
  }
  auto it = std::find_if(row.begin(), row.end(),
                         [b](const TrackedPartner& p) { return p.dense_id == b; });
  if (it != row.end()) {
    it->count += weight;
    return;
  }
  if (row.size() < static_cast<size_t>(config_.tracked_partners)) {
    row.push_back({b, weight, 0.0f});
    return;
  }
  // Space-Saving: b replaces the smallest count and inherits it. Ties go to the highest id, so
  // the choice depends on the row's contents, not on its order.
  auto smallest = row.begin();
  for (auto p = row.begin(); p != row.end(); ++p) {
    if (p->count < smallest->count ||
        (p->count == smallest->count && p->dense_id > smallest->dense_id)) {
      smallest = p;
    }
  }
  const float inherited = smallest->count;
  *smallest = {b, inherited + weight, inherited};
}

void CoVisitationSignal::SortRow(Row& row) {
  // Heaviest lower bound first, ties by id: the order follows from the contents alone.
  std::sort(row.tracked.begin(), row.tracked.end(),
            [](const TrackedPartner& x, const TrackedPartner& y) {
              if (x.lower_bound() != y.lower_bound()) return x.lower_bound() > y.lower_bound();
              return x.dense_id < y.dense_id;
            });
}

absl::Status CoVisitationSignal::FinishBatch(ApplyContext& context) {
  std::vector<uint64_t> ids;
  ids.reserve(rows_.size());
  for (const auto& [a, row] : rows_) ids.push_back(a);
  std::sort(ids.begin(), ids.end());
  for (uint64_t a : ids) {
    Row& row = rows_.at(a);
    SortRow(row);
    covisitation_.StagePartners(context.writes, a, row, static_cast<size_t>(config_.max_partners));
    context.partners_changed.push_back(a);
  }
  rows_.clear();
  return absl::OkStatus();
}

}  // namespace headliner
