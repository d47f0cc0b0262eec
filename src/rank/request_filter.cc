#include "rank/request_filter.h"

#include "common/time_util.h"

namespace headliner {

bool ArticleFilter::Matches(const v1::Article& article, absl::Time now) const {
  if (article.deleted()) return false;
  if (!sections.empty() && !sections.contains(article.section())) return false;
  if (!languages.empty() && !languages.contains(article.language())) return false;
  if (max_age && now - FromProto(article.published_at()) > *max_age) return false;
  if (exclude_ids.contains(article.id())) return false;
  return true;
}

}  // namespace headliner
