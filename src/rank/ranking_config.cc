#include "rank/ranking_config.h"

#include <utility>

namespace headliner {
namespace {

// The one list of normaliser names.
constexpr std::pair<absl::string_view, CoVisitationNormalizer> kNormalizerNames[] = {
    {"jaccard", CoVisitationNormalizer::kJaccard},
    {"conditional", CoVisitationNormalizer::kConditional},
    {"cosine", CoVisitationNormalizer::kCosine},
    {"lift", CoVisitationNormalizer::kLift},
    {"pmi", CoVisitationNormalizer::kPmi}};

}  // namespace

std::optional<CoVisitationNormalizer> ParseCoVisitationNormalizer(absl::string_view name) {
  return FindByName<CoVisitationNormalizer>(kNormalizerNames, name);
}

void DeclareRankingOptions(RankingConfig& c, OptionTable& table) {
  table.In("ranking")
      .Double("content_weight", c.content_weight, 0, 100)
      .Double("behaviour_weight", c.behaviour_weight, 0, 100)
      .Double("covisitation_weight", c.covisitation_weight, 0, 100)
      .Double("freshness_weight", c.freshness_weight, 0, 100)
      .Double("popularity_weight", c.popularity_weight, 0, 100)
      .Duration("freshness_half_life", c.freshness_half_life)
      .Enum<CoVisitationNormalizer>("covisitation_normalizer", c.covisitation_normalizer,
                                    kNormalizerNames)
      .Double("mmr_lambda", c.mmr_lambda, 0, 1)
      .Double("near_duplicate_threshold", c.near_duplicate_threshold, 0, 1.0001)
      .Int("candidate_pool", c.candidate_pool, 1, 800)
      .Int("popular_candidates", c.popular_candidates, 0, 10000)
      .Duration("popular_max_age", c.popular_max_age)
      .Int("default_limit", c.default_limit, 1, 1000)
      .Int("max_limit", c.max_limit, 1, 1000)
      .Int("candidate_cache_size", c.candidate_cache_size, 0, 100000000)
      .Duration("candidate_refresh_delay", c.candidate_refresh_delay)
      .Int("refresher_nice", c.refresher_nice, 0, 19)
      .DurationOrZero("list_search_max_age", c.list_search_max_age)
      .Bool("refresh_partner_changes", c.refresh_partner_changes)
      .Duration("filtered_list_ttl", c.filtered_list_ttl)
      .Int("filtered_list_cache_size", c.filtered_list_cache_size, 0, 100000000);
  table.Rule([&c] {
    if (c.content_weight != 0 || c.behaviour_weight != 0 || c.covisitation_weight != 0 ||
        c.popularity_weight != 0) {
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(
        "ranking: at least one of content_weight, behaviour_weight, covisitation_weight and "
        "popularity_weight must be positive (each enables its source of candidates)");
  });
  table.Rule([&c] {
    if (c.default_limit <= c.max_limit) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat("ranking.default_limit: must be in [1, ",
                                                   c.max_limit, "] (ranking.max_limit), got ",
                                                   c.default_limit));
  });
}

}  // namespace headliner
