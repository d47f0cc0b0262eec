// Validation of GetRelated requests and their translation into a rank request. The limits are the
// wire contract's (headliner/v1/limits.h, documented on the fields of related.proto).
#ifndef HEADLINER_SERVE_REQUEST_LIMITS_H_
#define HEADLINER_SERVE_REQUEST_LIMITS_H_

#include "absl/status/status.h"
#include "headliner/v1/limits.h"
#include "headliner/v1/related.pb.h"
#include "rank/rank_request.h"
#include "rank/ranking_config.h"
#include "rank/request_filter.h"

namespace headliner {

// InvalidArgument naming the offending field, or OK.
absl::Status ValidateGetRelated(const v1::GetRelatedRequest& request, const RankingConfig& config);

// The request's filter; call only after ValidateGetRelated succeeded.
ArticleFilter ToArticleFilter(const v1::Filter& filter);

// The effective limit: the config default for 0.
int EffectiveLimit(const v1::GetRelatedRequest& request, const RankingConfig& config);

// The rank request of a validated GetRelated received at `now`, without a deadline (the caller's).
RankRequest ToRankRequest(const v1::GetRelatedRequest& request, const RankingConfig& config,
                          absl::Time now);

}  // namespace headliner

#endif  // HEADLINER_SERVE_REQUEST_LIMITS_H_
