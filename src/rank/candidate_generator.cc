#include "rank/candidate_generator.h"

#include <algorithm>
#include <cmath>

#include "common/status_macros.h"
#include "common/time_util.h"
#include "index/inner_product.h"

namespace headliner {
absl::StatusOr<CandidateGenerator::Gathered> CandidateGenerator::Gather(
    const CandidateQuery& query, const std::optional<std::vector<float>>& behaviour_query) const {
  Gathered g;
  absl::flat_hash_set<uint64_t> seen = {query.source.dense_id};
  auto add = [&](uint64_t id) {
    if (query.excluded.contains(id) || !seen.insert(id).second) return false;
    g.ids.push_back(id);
    return true;
  };
  if (config_.content_weight != 0) {
    std::vector<SearchHit> hits = sources_.content_index.Search(query.content_query, query.k);
    g.exhausted = hits.size() < static_cast<size_t>(query.k);
    for (const SearchHit& h : hits) add(h.id);
  }
  if (behaviour_query) {
    std::vector<SearchHit> hits = sources_.behaviour_index.Search(*behaviour_query, query.k);
    g.exhausted = g.exhausted && hits.size() < static_cast<size_t>(query.k);
    for (const SearchHit& h : hits) add(h.id);
  }
  if (config_.covisitation_weight != 0) {
    ASSIGN_OR_RETURN(std::vector<Partner> partners,
                     sources_.covisitation.FindPartners(query.source.dense_id));
    for (const Partner& p : partners) {
      add(p.dense_id);
      g.partner_weight[p.dense_id] = p.weight;
    }
  }
  const std::string& section = query.source.article.section();
  if (config_.popularity_weight != 0 && !section.empty()) {
    ASSIGN_OR_RETURN(std::vector<TrendingArticle> trending, sources_.clicks.FindTrending(section));
    int taken = 0;
    for (const TrendingArticle& t : trending) {
      if (taken >= config_.popular_candidates) break;
      if (add(t.dense_id)) {
        g.trending_only.insert(t.dense_id);
        ++taken;
      }
    }
  }
  return g;
}

absl::StatusOr<CandidateBatch> CandidateGenerator::Generate(const CandidateQuery& query) const {
  std::optional<std::vector<float>> behaviour_query;
  if (config_.behaviour_weight != 0) {
    behaviour_query = sources_.behaviour_index.Vector(query.source.dense_id);
  }
  ASSIGN_OR_RETURN(Gathered gathered, Gather(query, behaviour_query));
  ASSIGN_OR_RETURN(std::vector<std::optional<v1::Article>> articles,
                   sources_.articles.FindByDenseIds(gathered.ids));

  const RankRequest& request = query.request;
  CandidateBatch batch;
  batch.exhausted = gathered.exhausted;
  for (size_t i = 0; i < gathered.ids.size(); ++i) {
    const uint64_t id = gathered.ids[i];
    if (!articles[i] || articles[i]->id() == query.source.article.id()) continue;
    if (!request.filter.Matches(*articles[i], request.now)) continue;
    const absl::Time published = FromProto(articles[i]->published_at());
    if (gathered.trending_only.contains(id) && request.now - published > config_.popular_max_age) {
      continue;  // trending, but not fresh
    }
    std::optional<std::vector<float>> vector = sources_.content_index.Vector(id);
    if (!vector) continue;  // removed since the search
    Candidate c;
    c.dense_id = id;
    c.features.content = InnerProduct(query.content_query, *vector);
    c.content_vector = *std::move(vector);
    if (behaviour_query) {
      if (auto v = sources_.behaviour_index.Vector(id))
        c.features.behaviour = InnerProduct(*behaviour_query, *v);
    }
    c.features.freshness = Freshness(published, request.now, config_.freshness_half_life);
    c.article = *std::move(articles[i]);
    batch.candidates.push_back(std::move(c));
  }
  RETURN_IF_ERROR(AddActivityFeatures(query, gathered, batch.candidates));
  for (Candidate& c : batch.candidates) c.score = Blend(config_, c.features);
  return batch;
}

absl::Status CandidateGenerator::AddActivityFeatures(const CandidateQuery& query,
                                                     const Gathered& gathered,
                                                     std::vector<Candidate>& candidates) const {
  if (candidates.empty()) return absl::OkStatus();
  const bool covisitation = !gathered.partner_weight.empty();
  const bool popularity = config_.popularity_weight != 0;
  if (!covisitation && !popularity) return absl::OkStatus();
  // One read for the source's and every candidate's activity: this runs on every query.
  std::vector<uint64_t> ids = {query.source.dense_id};
  for (const Candidate& c : candidates) ids.push_back(c.dense_id);
  ASSIGN_OR_RETURN(std::vector<Activity> activity, sources_.clicks.FindArticleActivities(ids));

  if (covisitation) {
    double total_clicks = 0;
    if (config_.covisitation_normalizer == CoVisitationNormalizer::kPmi) {
      ASSIGN_OR_RETURN(uint64_t total, sources_.clicks.TotalClicks());
      total_clicks = static_cast<double>(total);
    }
    std::vector<PartnerCounts> counts(candidates.size());
    for (size_t i = 0; i < candidates.size(); ++i) {
      auto it = gathered.partner_weight.find(candidates[i].dense_id);
      if (it == gathered.partner_weight.end()) continue;
      counts[i] = {it->second, static_cast<double>(activity[i + 1].clicks)};
    }
    const std::vector<double> scores =
        NormalizeCoVisitation(config_.covisitation_normalizer,
                              static_cast<double>(activity[0].clicks), total_clicks, counts);
    for (size_t i = 0; i < candidates.size(); ++i) candidates[i].features.covisitation = scores[i];
  }
  if (popularity) {
    const int64_t now = absl::ToUnixMicros(query.request.now);
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

}  // namespace headliner
