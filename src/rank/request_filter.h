// The caller's restrictions on which articles may be returned, in a form fast to test.
#ifndef HEADLINER_RANK_REQUEST_FILTER_H_
#define HEADLINER_RANK_REQUEST_FILTER_H_

#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "headliner/v1/article.pb.h"

namespace headliner {

struct ArticleFilter {
  absl::flat_hash_set<std::string> sections;   // empty: any
  absl::flat_hash_set<std::string> languages;  // empty: any
  std::optional<absl::Duration> max_age;
  absl::flat_hash_set<std::string> exclude_ids;

  // True when `article` is live and passes every restriction at time `now`.
  bool Matches(const v1::Article& article, absl::Time now) const;
};

}  // namespace headliner

#endif  // HEADLINER_RANK_REQUEST_FILTER_H_
