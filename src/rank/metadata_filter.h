// A request's filter (ArticleFilter) over the article metadata in memory
// (store/article_metadata.h): section and language names turned into their codes once per
// request, so that testing an article is a few integer comparisons and no catalog read.
#ifndef HEADLINER_RANK_METADATA_FILTER_H_
#define HEADLINER_RANK_METADATA_FILTER_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "rank/request_filter.h"
#include "store/article_metadata.h"

namespace headliner {

class MetadataFilter {
 public:
  MetadataFilter(const ArticleFilter& filter, const ArticleMetadataTable& metadata,
                 absl::Time now) {
    if (!filter.sections.empty()) {
      sections_.emplace();
      for (const std::string& s : filter.sections) {
        if (std::optional<uint32_t> code = metadata.SectionCode(s)) sections_->insert(*code);
      }
    }
    if (!filter.languages.empty()) {
      languages_.emplace();
      for (const std::string& l : filter.languages) {
        if (std::optional<uint32_t> code = metadata.LanguageCode(l)) languages_->insert(*code);
      }
    }
    if (filter.max_age) oldest_micros_ = absl::ToUnixMicros(now - *filter.max_age);
    if (!restricts()) return;  // the key names a restriction; none is needed without one
    key_ = absl::StrCat(
        "s", CodesKey(sections_), "|l", CodesKey(languages_), "|a",
        filter.max_age ? absl::StrCat(absl::ToInt64Microseconds(*filter.max_age)) : "*");
  }

  // Names the restriction (codes and maximum age, not the request time): requests with equal keys
  // accept the same articles, give or take the ones ageing out meanwhile. Empty when the filter
  // does not restrict.
  const std::string& Key() const { return key_; }

  // Whether the filter restricts by metadata at all (exclusions aside).
  bool restricts() const { return sections_ || languages_ || oldest_micros_; }

  bool Matches(const ArticleMetadata& m) const {
    if (!m.live) return false;
    if (sections_ && !sections_->contains(m.section)) return false;
    if (languages_ && !languages_->contains(m.language)) return false;
    if (oldest_micros_ && m.published_micros < *oldest_micros_) return false;
    return true;
  }

 private:
  // Empty optional: no restriction. An empty set: nothing can match (a name no article has).
  std::optional<absl::flat_hash_set<uint32_t>> sections_;
  std::optional<absl::flat_hash_set<uint32_t>> languages_;
  std::optional<int64_t> oldest_micros_;
  std::string key_;

  static std::string CodesKey(const std::optional<absl::flat_hash_set<uint32_t>>& codes) {
    if (!codes) return "*";
    std::vector<uint32_t> sorted(codes->begin(), codes->end());
    std::sort(sorted.begin(), sorted.end());
    return absl::StrJoin(sorted, ",");
  }
};

}  // namespace headliner

#endif  // HEADLINER_RANK_METADATA_FILTER_H_
