// The methods the next-click harness compares, and how it scores them.
#ifndef HEADLINER_BENCH_HARNESS_METHODS_H_
#define HEADLINER_BENCH_HARNESS_METHODS_H_

#include <algorithm>
#include <string>
#include <vector>

#include "rank/ranking_config.h"

namespace headliner {

struct Method {
  std::string name;
  // Most popular: the globally most popular articles by decayed clicks, whatever the source.
  bool most_popular = false;
  // Otherwise: the served Ranker with these parameters.
  RankingConfig ranking;
};

// A ranking with one feature only (and so one source of candidates).
inline RankingConfig SingleSignal(double RankingConfig::*weight) {
  RankingConfig r;
  r.content_weight = r.behaviour_weight = r.covisitation_weight = 0;
  r.freshness_weight = r.popularity_weight = 0;
  r.*weight = 1.0;
  return r;
}

// The acceptance comparison: every single signal against the served hybrid.
inline std::vector<Method> BaselineMethods() {
  Method popular{"most popular", true, {}};
  Method content{"content only", false, SingleSignal(&RankingConfig::content_weight)};
  Method covisitation{"co-visitation only (SAR, Jaccard)", false,
                      SingleSignal(&RankingConfig::covisitation_weight)};
  covisitation.ranking.covisitation_normalizer = CoVisitationNormalizer::kJaccard;
  Method behaviour{"behaviour embeddings only", false,
                   SingleSignal(&RankingConfig::behaviour_weight)};
  Method hybrid{"hybrid (served defaults)", false, RankingConfig{}};
  return {popular, content, covisitation, behaviour, hybrid};
}

// Co-visitation normalisers, and the hybrid without each of its parts.
inline std::vector<Method> AblationMethods() {
  std::vector<Method> out;
  const std::pair<const char*, CoVisitationNormalizer> normalizers[] = {
      {"conditional (served)", CoVisitationNormalizer::kConditional},
      {"cosine", CoVisitationNormalizer::kCosine},
      {"lift", CoVisitationNormalizer::kLift},
      {"pmi", CoVisitationNormalizer::kPmi}};
  for (const auto& [name, normalizer] : normalizers) {
    Method m{std::string("co-visitation only, ") + name, false,
             SingleSignal(&RankingConfig::covisitation_weight)};
    m.ranking.covisitation_normalizer = normalizer;
    out.push_back(m);
  }
  auto without = [&out](const char* name, double RankingConfig::*weight) {
    Method m{std::string("hybrid without ") + name, false, RankingConfig{}};
    m.ranking.*weight = 0;
    out.push_back(m);
  };
  without("content", &RankingConfig::content_weight);
  without("behaviour", &RankingConfig::behaviour_weight);
  without("co-visitation", &RankingConfig::covisitation_weight);
  without("popularity", &RankingConfig::popularity_weight);
  without("freshness", &RankingConfig::freshness_weight);
  for (double lambda : {0.9, 0.7}) {
    Method m{"hybrid, MMR lambda " + std::to_string(lambda).substr(0, 3), false, RankingConfig{}};
    m.ranking.mmr_lambda = lambda;
    out.push_back(m);
  }
  return out;
}

// "c:b:v:f:p" weights of a ranking, for names.
inline std::string WeightsOf(const RankingConfig& r) {
  auto f = [](double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
    return s;
  };
  return f(r.content_weight) + ":" + f(r.behaviour_weight) + ":" + f(r.covisitation_weight) + ":" +
         f(r.freshness_weight) + ":" + f(r.popularity_weight);
}

// The hybrids tried when fitting weights on the training period, after the content-only
// reference their story precision is held to.
inline std::vector<Method> TuningGrid() {
  std::vector<Method> grid = {
      {"content only", false, SingleSignal(&RankingConfig::content_weight)}};
  for (double content : {0.0, 0.5, 1.0}) {
    for (double behaviour : {0.0, 1.0, 2.0}) {
      for (double covisitation : {1.0, 3.0, 5.0}) {
        RankingConfig r;
        r.content_weight = content;
        r.behaviour_weight = behaviour;
        r.covisitation_weight = covisitation;
        grid.push_back(
            {"hybrid, weights fit on the training period (" + WeightsOf(r) + ")", false, r});
      }
    }
  }
  return grid;
}

// Sums over the test queries of one method.
struct MethodScore {
  double hits = 0;
  double reciprocal_ranks = 0;
  double story_precision = 0;
  size_t queries = 0;
  std::vector<double> latency_micros;
  // Per query, when the replay records them: the list shown, the next click and its session.
  std::vector<std::vector<std::string>> lists;
  std::vector<std::string> next_clicks;
  std::vector<std::string> sessions;

  double HitRate() const { return queries ? hits / queries : 0; }
  double Mrr() const { return queries ? reciprocal_ranks / queries : 0; }
  double StoryPrecision() const { return queries ? story_precision / queries : 0; }
  double LatencyP50Micros() const {
    if (latency_micros.empty()) return 0;
    std::vector<double> sorted = latency_micros;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    return sorted[sorted.size() / 2];
  }
};

}  // namespace headliner

#endif  // HEADLINER_BENCH_HARNESS_METHODS_H_
