#include "ingest/popularity_signal.h"

#include <algorithm>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "common/status_macros.h"

namespace headliner {

absl::Status PopularitySignal::Stage(const ResolvedClick& click,
                                     std::span<const SessionClick> /*history*/,
                                     ApplyContext& context) {
  StagedBatch& batch = context.writes;
  ASSIGN_OR_RETURN(Activity article, clicks_.FindArticleActivity(click.dense_id, &batch));
  ++article.clicks;
  article.popularity.Add(1.0, click.micros, config_.popularity_half_life);
  article.aged_clicks.Add(1.0, click.micros, aged_half_life_);
  clicks_.StageArticleActivity(batch, click.dense_id, article);
  ASSIGN_OR_RETURN(Activity total, clicks_.FindTotalActivity(&batch));
  ++total.clicks;
  total.popularity.Add(1.0, click.micros, config_.popularity_half_life);
  total.aged_clicks.Add(1.0, click.micros, aged_half_life_);
  clicks_.StageTotalActivity(batch, total);

  const std::string& section = click.section;
  if (section.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(Activity s, clicks_.FindSectionActivity(section, &batch));
  ++s.clicks;
  s.popularity.Add(1.0, click.micros, config_.popularity_half_life);
  s.aged_clicks.Add(1.0, click.micros, aged_half_life_);
  clicks_.StageSectionActivity(batch, section, s);
  if (pending_.empty()) context.undo.push_back([this] { pending_.clear(); });
  pending_[section][click.dense_id] = article.popularity;
  return absl::OkStatus();
}

absl::Status PopularitySignal::FinishBatch(ApplyContext& context) {
  // Sorted so that the staged lists' tie order is deterministic.
  std::vector<std::string> sections;
  for (const auto& [section, changed] : pending_) sections.push_back(section);
  std::sort(sections.begin(), sections.end());
  absl::Status status;
  for (const std::string& section : sections) {
    status = StageTrending(section, pending_[section], context.writes);
    if (!status.ok()) break;
  }
  pending_.clear();
  return status;
}

absl::Status PopularitySignal::StageTrending(
    const std::string& section, const absl::flat_hash_map<uint64_t, DecayedCount>& changed,
    StagedBatch& batch) {
  ASSIGN_OR_RETURN(std::vector<TrendingArticle> list, clicks_.FindTrending(section, &batch));
  absl::flat_hash_set<uint64_t> listed;
  for (TrendingArticle& entry : list) {
    listed.insert(entry.dense_id);
    if (auto it = changed.find(entry.dense_id); it != changed.end()) entry.popularity = it->second;
  }
  std::vector<uint64_t> added;
  for (const auto& [id, popularity] : changed) {
    if (!listed.contains(id)) added.push_back(id);
  }
  std::sort(added.begin(), added.end());
  for (uint64_t id : added) list.push_back({id, changed.at(id)});
  // Compared at one time: each entry's count decays from its own last click.
  int64_t now = 0;
  for (const TrendingArticle& e : list) now = std::max(now, e.popularity.as_of_micros);
  const absl::Duration half_life = config_.popularity_half_life;
  std::stable_sort(
      list.begin(), list.end(), [&](const TrendingArticle& a, const TrendingArticle& b) {
        return a.popularity.ValueAt(now, half_life) > b.popularity.ValueAt(now, half_life);
      });
  const size_t max = static_cast<size_t>(config_.trending_per_section);
  if (list.size() > max) list.resize(max);
  clicks_.StageTrending(batch, section, list);
  return absl::OkStatus();
}

}  // namespace headliner
