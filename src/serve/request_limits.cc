#include "serve/request_limits.h"

#include "absl/strings/str_cat.h"
#include "common/time_util.h"

namespace headliner {
namespace {

absl::Status CheckValues(const char* field,
                         const google::protobuf::RepeatedPtrField<std::string>& v, int max_values,
                         size_t max_bytes) {
  if (v.size() > max_values) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " has ", v.size(), " values, at most ", max_values, " allowed"));
  }
  for (const std::string& s : v) {
    if (s.size() > max_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " has a value of ", s.size(), " bytes, at most ", max_bytes));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateGetRelated(const v1::GetRelatedRequest& r, const RankingConfig& config) {
  if (r.article_id().empty()) return absl::InvalidArgumentError("article_id is empty");
  if (r.article_id().size() > v1::kMaxIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "article_id is ", r.article_id().size(), " bytes, at most ", v1::kMaxIdBytes, " allowed"));
  }
  if (r.limit() < 0 || r.limit() > config.max_limit) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit must be in [0, ", config.max_limit, "], got ", r.limit()));
  }
  if (r.force_variant().size() > 2 * v1::kMaxIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("force_variant may have at most ", 2 * v1::kMaxIdBytes, " bytes"));
  }
  if (r.user_id().size() > v1::kMaxIdBytes || r.session_id().size() > v1::kMaxIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("user_id and session_id may have at most ", v1::kMaxIdBytes, " bytes"));
  }
  const v1::Filter& f = r.filter();
  if (auto s = CheckValues("filter.sections", f.sections(), v1::kMaxFilterValues,
                           v1::kMaxFilterValueBytes);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckValues("filter.languages", f.languages(), v1::kMaxFilterValues,
                           v1::kMaxFilterValueBytes);
      !s.ok()) {
    return s;
  }
  if (auto s =
          CheckValues("filter.exclude_ids", f.exclude_ids(), v1::kMaxExcludeIds, v1::kMaxIdBytes);
      !s.ok()) {
    return s;
  }
  if (f.has_max_age()) {
    const auto& d = f.max_age();
    if (d.seconds() < 0 || d.nanos() < 0 || d.nanos() > 999999999 ||
        (d.seconds() == 0 && d.nanos() == 0)) {
      return absl::InvalidArgumentError("filter.max_age must be a positive duration");
    }
  }
  return absl::OkStatus();
}

ArticleFilter ToArticleFilter(const v1::Filter& f) {
  ArticleFilter filter;
  filter.sections.insert(f.sections().begin(), f.sections().end());
  filter.languages.insert(f.languages().begin(), f.languages().end());
  filter.exclude_ids.insert(f.exclude_ids().begin(), f.exclude_ids().end());
  if (f.has_max_age()) filter.max_age = FromProto(f.max_age());
  return filter;
}

int EffectiveLimit(const v1::GetRelatedRequest& r, const RankingConfig& config) {
  return r.limit() == 0 ? config.default_limit : r.limit();
}

RankRequest ToRankRequest(const v1::GetRelatedRequest& request, const RankingConfig& config,
                          absl::Time now) {
  RankRequest rank;
  rank.article_id = request.article_id();
  rank.limit = EffectiveLimit(request, config);
  rank.filter = ToArticleFilter(request.filter());
  rank.explain = request.explain();
  rank.user_id = request.user_id();
  rank.session_id = request.session_id();
  rank.now = now;
  return rank;
}

}  // namespace headliner
