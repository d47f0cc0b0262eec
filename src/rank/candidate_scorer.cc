#include "rank/candidate_scorer.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "common/status_macros.h"
#include "rank/covisitation_normalizer.h"
#include "rank/metadata_filter.h"

namespace headliner {

absl::StatusOr<std::vector<Candidate>> CandidateScorer::Score(const CandidateList& list,
                                                              const ScoringRequest& q) const {
  std::vector<Candidate> candidates;
  candidates.reserve(list.members.size() + static_cast<size_t>(config_.popular_candidates));
  for (const CandidateMember& m : list.members) {
    if (q.excluded.contains(m.dense_id)) continue;
    Candidate c;
    c.dense_id = m.dense_id;
    c.group = m.group;
    c.partner_weight = m.partner_weight;
    c.features.content = m.content;
    candidates.push_back(std::move(c));
  }
  RETURN_IF_ERROR(AddTrending(list, q, candidates));

  // Filters and freshness from the metadata in memory.
  std::vector<uint64_t> ids;
  ids.reserve(candidates.size());
  for (const Candidate& c : candidates) ids.push_back(c.dense_id);
  std::vector<ArticleMetadata> metadata(ids.size());
  const ArticleMetadataTable& table = sources_.articles.metadata();
  table.Find(ids, metadata);
  const MetadataFilter& filter = q.filter;
  const int64_t popular_oldest = absl::ToUnixMicros(q.request.now - config_.popular_max_age);
  size_t kept = 0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const ArticleMetadata& m = metadata[i];
    if (!filter.Matches(m)) continue;
    if (candidates[i].trending_only && m.published_micros < popular_oldest) continue;
    candidates[i].published_micros = m.published_micros;
    candidates[i].features.freshness = Freshness(absl::FromUnixMicros(m.published_micros),
                                                 q.request.now, config_.freshness_half_life);
    if (kept != i) candidates[kept] = std::move(candidates[i]);
    ++kept;
  }
  candidates.resize(kept);
  RETURN_IF_ERROR(AddClickFeatures(list, q, candidates));
  for (Candidate& c : candidates) c.score = Blend(config_, c.features);
  return candidates;
}

absl::Status CandidateScorer::AddTrending(const CandidateList& list, const ScoringRequest& q,
                                          std::vector<Candidate>& candidates) const {
  const std::string& section = q.source.section;
  if (config_.popularity_weight == 0 || section.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<TrendingArticle> trending, sources_.clicks.FindTrending(section));
  // A trending list is short (popular_candidates), so membership is a scan, not a set built
  // per request.
  auto in_list = [&list](uint64_t id) {
    return std::any_of(list.members.begin(), list.members.end(),
                       [id](const CandidateMember& m) { return m.dense_id == id; });
  };
  std::vector<uint64_t> ids;
  for (const TrendingArticle& t : trending) {
    if (static_cast<int>(ids.size()) >= config_.popular_candidates) break;
    if (t.dense_id == q.source.dense_id || q.excluded.contains(t.dense_id)) continue;
    if (in_list(t.dense_id) || std::find(ids.begin(), ids.end(), t.dense_id) != ids.end()) {
      continue;
    }
    ids.push_back(t.dense_id);
  }
  const std::vector<float> content = sources_.content_index.InnerProducts(q.content_query, ids);
  uint32_t group = list.groups;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (std::isnan(content[i])) continue;  // removed since
    // Near-duplicates of the source are left out, as in the list.
    if (content[i] >= config_.near_duplicate_threshold) continue;
    Candidate c;
    c.dense_id = ids[i];
    c.group = group++;
    c.trending_only = true;
    c.features.content = content[i];
    candidates.push_back(std::move(c));
  }
  return absl::OkStatus();
}

absl::Status CandidateScorer::AddClickFeatures(const CandidateList& list, const ScoringRequest& q,
                                               std::vector<Candidate>& candidates) const {
  if (candidates.empty()) return absl::OkStatus();
  std::vector<uint64_t> ids = {q.source.dense_id};
  for (const Candidate& c : candidates) ids.push_back(c.dense_id);
  const std::span<const uint64_t> candidate_ids = std::span<const uint64_t>(ids).subspan(1);

  if (config_.behaviour_weight != 0) {
    if (std::optional<std::vector<float>> query =
            sources_.behaviour_index.Vector(q.source.dense_id)) {
      const std::vector<float> cosines =
          sources_.behaviour_index.InnerProducts(*query, candidate_ids);
      for (size_t i = 0; i < candidates.size(); ++i) {
        if (!std::isnan(cosines[i])) candidates[i].features.behaviour = cosines[i];
      }
    }
  }
  const bool covisitation =
      config_.covisitation_weight != 0 &&
      std::any_of(list.members.begin(), list.members.end(),
                  [](const CandidateMember& m) { return m.partner_weight > 0; });
  const bool popularity = config_.popularity_weight != 0;
  if (!covisitation && !popularity) return absl::OkStatus();
  // One read for the source's and every candidate's activity: this runs on every request.
  ASSIGN_OR_RETURN(std::vector<Activity> activity, sources_.clicks.FindArticleActivities(ids));

  if (covisitation) {
    ASSIGN_OR_RETURN(const std::vector<double> scores,
                     CoVisitationScores(list, activity, candidates));
    for (size_t i = 0; i < candidates.size(); ++i) candidates[i].features.covisitation = scores[i];
  }
  if (popularity) {
    const int64_t now = absl::ToUnixMicros(q.request.now);
    const absl::Duration half_life = sources_.popularity_half_life;
    double top = 0;
    std::vector<double> value(candidates.size());
    for (size_t i = 0; i < candidates.size(); ++i) {
      value[i] = std::log1p(activity[i + 1].popularity.ValueAt(now, half_life));
      top = std::max(top, value[i]);
    }
    if (top > 0) {
      for (size_t i = 0; i < candidates.size(); ++i)
        candidates[i].features.popularity =
            value[i] / top * std::max(0.0, candidates[i].features.content);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<double>> CandidateScorer::CoVisitationScores(
    const CandidateList& list, std::span<const Activity> activity,
    std::span<const Candidate> candidates) const {
  // Pair weights and click counts are each kept as of their own latest click. Brought to one
  // time, the latest of them, they divide like by like; which common time does not matter, as the
  // normalisers' ratios do not change when every count is scaled alike.
  const absl::Duration half_life = sources_.covisitation_half_life;
  const bool pmi = config_.covisitation_normalizer == CoVisitationNormalizer::kPmi;
  Activity total;
  if (pmi) {
    ASSIGN_OR_RETURN(total, sources_.clicks.FindTotalActivity());
    if (total.clicks == 0) {  // data from before the total was kept: all clicks, unaged
      ASSIGN_OR_RETURN(uint64_t clicks, sources_.clicks.TotalClicks());
      total.aged_clicks = {static_cast<double>(clicks), 0};
    }
  }
  int64_t at = std::max(list.partners_as_of_micros, total.aged_clicks.as_of_micros);
  for (const Activity& a : activity) at = std::max(at, a.aged_clicks.as_of_micros);
  // A row from before weights aged (time 0) is taken as current.
  const double weight_factor =
      list.partners_as_of_micros == 0
          ? 1.0
          : DecayedCount{1.0, list.partners_as_of_micros}.ValueAt(at, half_life);
  std::vector<PartnerCounts> counts(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].partner_weight <= 0) continue;
    counts[i] = {candidates[i].partner_weight * weight_factor,
                 activity[i + 1].aged_clicks.ValueAt(at, half_life)};
  }
  return NormalizeCoVisitation(config_.covisitation_normalizer,
                               activity[0].aged_clicks.ValueAt(at, half_life),
                               total.aged_clicks.ValueAt(at, half_life), counts);
}

}  // namespace headliner
