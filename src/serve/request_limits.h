// Validation of GetRelated requests and their translation into a rank request. Every limit here
// is documented on the field in proto/headliner/v1/related.proto.
#ifndef HEADLINER_SERVE_REQUEST_LIMITS_H_
#define HEADLINER_SERVE_REQUEST_LIMITS_H_

#include "absl/status/status.h"
#include "common/config.h"
#include "headliner/v1/related.pb.h"
#include "ingest/event_validator.h"
#include "rank/request_filter.h"

namespace headliner {

// Article, user and session ids share the limit of the wire contract's article id.
inline constexpr size_t kMaxIdBytes = kMaxArticleIdBytes;
inline constexpr int kMaxFilterValues = 32;
inline constexpr size_t kMaxFilterValueBytes = 64;
inline constexpr int kMaxExcludeIds = 1000;

// InvalidArgument naming the offending field, or OK.
absl::Status ValidateGetRelated(const v1::GetRelatedRequest& request, const RankingConfig& config);

// The request's filter; call only after ValidateGetRelated succeeded.
ArticleFilter ToArticleFilter(const v1::Filter& filter);

// The effective limit: the config default for 0.
int EffectiveLimit(const v1::GetRelatedRequest& request, const RankingConfig& config);

}  // namespace headliner

#endif  // HEADLINER_SERVE_REQUEST_LIMITS_H_
