// A candidate for a related list, with the features the ranking blends, and the blend itself.
#ifndef HEADLINER_RANK_CANDIDATE_H_
#define HEADLINER_RANK_CANDIDATE_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "headliner/v1/article.pb.h"
#include "rank/ranking_config.h"

namespace headliner {

// Every feature is in [0, 1] except the similarities, which are cosines in [-1, 1].
struct Features {
  double content = 0;       // cosine of the content vectors
  double behaviour = 0;     // cosine of the behaviour vectors (0 when either has none)
  double covisitation = 0;  // normalised co-visitation weight
  double freshness = 0;     // 2^(-age / half-life)
  double popularity = 0;    // decayed clicks / the most popular candidate's
};

struct FeatureContribution {
  std::string feature;
  double value;
  double contribution;
};

struct Candidate {
  uint64_t dense_id = 0;
  uint32_t group = 0;  // its near-duplicate group (candidate_list.h)
  int64_t published_micros = 0;
  double partner_weight = 0;   // c(source, candidate), 0 unless a co-visitation partner
  bool trending_only = false;  // brought only by the section's trending list
  // Unit norm; read only for diversity (mmr_lambda < 1).
  std::vector<float> content_vector;
  Features features;
  double score = 0;
};

// 2^(-age / freshness_half_life); an article from the future counts as brand new.
inline double Freshness(absl::Time published, absl::Time now, absl::Duration half_life) {
  const absl::Duration age = std::max(absl::ZeroDuration(), now - published);
  return std::exp2(-absl::FDivDuration(age, half_life));
}

// The linear blend of the ranking config's weights.
inline double Blend(const RankingConfig& c, const Features& f) {
  return c.content_weight * f.content + c.behaviour_weight * f.behaviour +
         c.covisitation_weight * f.covisitation + c.freshness_weight * f.freshness +
         c.popularity_weight * f.popularity;
}

// Each weighted feature's value and contribution to Blend (features weighted zero are left out).
inline std::vector<FeatureContribution> Explain(const RankingConfig& c, const Features& f) {
  std::vector<FeatureContribution> out;
  auto add = [&out](const char* name, double weight, double value) {
    if (weight != 0) out.push_back({name, value, weight * value});
  };
  add("content_similarity", c.content_weight, f.content);
  add("behaviour_similarity", c.behaviour_weight, f.behaviour);
  add("covisitation", c.covisitation_weight, f.covisitation);
  add("freshness", c.freshness_weight, f.freshness);
  add("popularity", c.popularity_weight, f.popularity);
  return out;
}

}  // namespace headliner

#endif  // HEADLINER_RANK_CANDIDATE_H_
