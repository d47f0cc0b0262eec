// What a caller asks the ranker for, and what it gets back.
#ifndef HEADLINER_RANK_RANK_REQUEST_H_
#define HEADLINER_RANK_RANK_REQUEST_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "headliner/v1/article.pb.h"
#include "rank/candidate.h"
#include "rank/request_filter.h"

namespace headliner {

struct RankRequest {
  std::string article_id;
  int limit = 10;
  ArticleFilter filter;
  bool explain = false;
  // The reader: articles in their recent clicks are not recommended again.
  std::string user_id;
  std::string session_id;
  absl::Time now;
  // Ranking gives up with DeadlineExceeded past this time.
  absl::Time deadline = absl::InfiniteFuture();
};

struct RankedArticle {
  v1::Article article;
  double score = 0;
  std::vector<FeatureContribution> reasons;  // filled when explain is set
};

struct RankResult {
  std::vector<RankedArticle> items;
  bool fallback = false;
  // The work it took: candidates scored (over all widenings), and the widest list used (k
  // neighbours asked of each index). Bounded by candidate_list.h.
  int candidates_scored = 0;
  int widest_list = 0;
  // The source's list left too few items under the request's metadata filter, so the indexes
  // were searched within it.
  bool filtered_search = false;
  // Lists this request built itself (not found ready in the cache): its base or wide list, or one
  // searched within its filter. Each costs a search of both indexes.
  int lists_built = 0;
};

}  // namespace headliner

#endif  // HEADLINER_RANK_RANK_REQUEST_H_
