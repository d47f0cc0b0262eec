// Options of ranking (src/rank): the "ranking" section of the config. Experiments will vary these
// per variant.
//   score = content_weight * cosine(content vectors)
//         + behaviour_weight * cosine(behaviour vectors)
//         + covisitation_weight * co-visitation score (see covisitation_normalizer)
//         + freshness_weight * 2^(-age / freshness_half_life)
//         + popularity_weight * popularity / (the most popular candidate's popularity)
// A source of candidates is used only when its feature's weight is non-zero: the content index
// (content), the behaviour index (behaviour), the co-visitation partners (covisitation) and the
// section's trending articles (popularity).
//
// The defaults are the weights that predicted next clicks best on real headlines without losing
// same-story precision (the next-click harness, BENCHMARKS.md).
#ifndef HEADLINER_RANK_RANKING_CONFIG_H_
#define HEADLINER_RANK_RANKING_CONFIG_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/option_table.h"

namespace headliner {

// How co-visitation weights become scores (src/rank/covisitation_normalizer.h).
enum class CoVisitationNormalizer { kJaccard, kConditional, kCosine, kLift, kPmi };

// "jaccard", "conditional", "cosine", "lift" or "pmi".
std::optional<CoVisitationNormalizer> ParseCoVisitationNormalizer(absl::string_view name);

struct RankingConfig {
  double content_weight = 0.5;
  double behaviour_weight = 1.0;
  double covisitation_weight = 3.0;
  double freshness_weight = 0.05;
  double popularity_weight = 0.5;
  absl::Duration freshness_half_life = absl::Hours(24);
  // How c(a, b), the decayed co-visitation weight, becomes a score in [0, 1] given the click
  // counts n(a), n(b): "jaccard" c / (n(a) + n(b) - c), "conditional" c / n(a) (a is the
  // source), "cosine" c / sqrt(n(a) n(b)), "lift" c / (n(a) n(b)) scaled to the source's best
  // partner, or "pmi" log(c N / (n(a) n(b))) scaled the same way.
  CoVisitationNormalizer covisitation_normalizer = CoVisitationNormalizer::kConditional;
  // Maximal marginal relevance: each next item maximises
  //   mmr_lambda * score - (1 - mmr_lambda) * (max content similarity to the items chosen).
  // 1 ranks by score alone.
  double mmr_lambda = 1.0;
  // A candidate whose content similarity to the source or to another candidate is at least this
  // is a near-duplicate: of a group of near-duplicates only the freshest is shown.
  double near_duplicate_threshold = 0.97;
  // How many nearest neighbours are fetched (from each index) before filtering and re-ranking;
  // at most 800 (CandidateList::kMaxSearch), which bounds the work of a request.
  int candidate_pool = 50;
  // Trending articles of the source's section considered, and how old they may be.
  int popular_candidates = 20;
  absl::Duration popular_max_age = absl::Hours(48);
  int default_limit = 10;
  int max_limit = 100;
  // The served ranker keeps the candidate lists (rank/candidate_list.h) of up to this many
  // source articles ready (~2 KB each); 0 builds every list per request.
  int candidate_cache_size = 100000;
  // How long the refresher gathers changes before rebuilding the lists they touch: a change
  // reaches the served lists within this plus the rebuild time.
  absl::Duration candidate_refresh_delay = absl::Milliseconds(200);
  // The refresher thread's nice value (common/background_thread.h): under load it yields to the
  // request and apply threads, which run at 0, so a busy server serves first and refreshes with
  // what is left; on an idle core it runs at full speed.
  int refresher_nice = 10;
  // After clicks a cached list is searched again at most once per this while the refresher is
  // busy (rank/candidate_refresher.h); partner changes are applied within the refresh delay
  // whatever this is. 0 searches again after every change.
  absl::Duration list_search_max_age = absl::Seconds(30);
  // Whether the refresher also applies co-visitation partner changes to cached lists in the
  // background. A request applies them itself to the list it reads, when the source's partner
  // row moved on since the list was built (CandidateListBuilder::WithCurrentPartners), so the
  // background work only spares that request the regrouping. false leaves partner changes to the
  // requests: the refresher then handles content changes, due searches and warming only.
  bool refresh_partner_changes = true;
  // Lists built within a request's section, language or age filter (when the source's own list
  // cannot fill it) are kept this long for the next request of the same source and filter, up to
  // `filtered_list_cache_size` of them; nothing refreshes them, so this bounds their staleness.
  // 0 keeps none.
  absl::Duration filtered_list_ttl = absl::Seconds(1);
  int filtered_list_cache_size = 20000;
};

// Declares the keys of `config` under "ranking".
void DeclareRankingOptions(RankingConfig& config, OptionTable& table);

}  // namespace headliner

#endif  // HEADLINER_RANK_RANKING_CONFIG_H_
