// The token of a GetRelated response, which clicks carry back: a RecommendationToken
// (proto/headliner/v1/token.proto) signed with HMAC-SHA256 under the deployment's token key, so
// that a click can be attributed to the experiment variant that served it and a forged or
// altered token is recognised. Text form: base64url(message) "." base64url(first 16 bytes of the
// MAC). Every replica of a deployment signs and checks with the same key
// (experiments.token_key_file); without one the key is empty, which still tells malformed and
// altered tokens from good ones but not forgeries made by someone who knows that.
#ifndef HEADLINER_COMMON_RECOMMENDATION_TOKEN_H_
#define HEADLINER_COMMON_RECOMMENDATION_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "headliner/v1/token.pb.h"

namespace headliner {

std::string EncodeRecommendationToken(const v1::RecommendationToken& token, absl::string_view key);

// INVALID_ARGUMENT "malformed token" (not the text form, or not a message) or "token signature
// does not match" (altered, forged, or signed with another key).
absl::StatusOr<v1::RecommendationToken> DecodeRecommendationToken(absl::string_view text,
                                                                  absl::string_view key);

// RecommendationToken.item_checks: two bytes per shown item, from the FNV-1a 32-bit hash of its id.
std::string ItemCheck(absl::string_view article_id);
// Whether the item at `position` of the response `token` came with may be `article_id` (false
// when the token checks no item there).
bool TokenShowsItemAt(const v1::RecommendationToken& token, int position,
                      absl::string_view article_id);

}  // namespace headliner

#endif  // HEADLINER_COMMON_RECOMMENDATION_TOKEN_H_
