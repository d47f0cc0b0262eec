#include "ingest/event_validator.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace headliner {
namespace {

// Timestamps outside [1970, 2200) are almost certainly unit mistakes (milliseconds sent as
// seconds and the like).
constexpr int64_t kMaxSeconds = 7258118400;  // 2200-01-01

std::optional<Rejection> Oversized(const char* field, size_t size, size_t limit) {
  if (size <= limit) return std::nullopt;
  return Rejection{"oversized_field",
                   absl::StrCat(field, " is ", size, " bytes, at most ", limit, " allowed")};
}

std::optional<Rejection> CheckTime(const char* field, const google::protobuf::Timestamp& ts,
                                   const TimeBounds& bounds) {
  if (ts.seconds() < 0 || ts.seconds() >= kMaxSeconds || ts.nanos() < 0 || ts.nanos() > 999999999) {
    return Rejection{"bad_time", absl::StrCat(field, " is out of range (seconds ", ts.seconds(),
                                              ", nanos ", ts.nanos(), ")")};
  }
  const absl::Time t = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  if (t > bounds.latest) {
    return Rejection{"future_time", absl::StrCat(field, " ", absl::FormatTime(t), " is after ",
                                                 absl::FormatTime(bounds.latest),
                                                 " (now plus validation.max_future_skew)")};
  }
  if (t < bounds.earliest) {
    return Rejection{"ancient_time", absl::StrCat(field, " ", absl::FormatTime(t), " is before ",
                                                  absl::FormatTime(bounds.earliest),
                                                  " (validation.earliest_year)")};
  }
  return std::nullopt;
}

}  // namespace

TimeBounds TimeBounds::At(absl::Time now, const ValidationConfig& config) {
  absl::CivilSecond first(config.earliest_year, 1, 1);
  return {absl::FromCivil(first, absl::UTCTimeZone()), now + config.max_future_skew};
}

std::optional<Rejection> ValidateArticle(const v1::Article& a, int embedding_dimension,
                                         const TimeBounds& bounds) {
  if (a.id().empty()) return Rejection{"missing_id", "id is empty"};
  if (auto r = Oversized("id", a.id().size(), v1::kMaxArticleIdBytes)) return r;
  for (char c : a.id()) {
    if (static_cast<unsigned char>(c) < 0x20) {
      return Rejection{"bad_id", "id contains a control character"};
    }
  }
  if (a.has_updated_at()) {
    if (auto r = CheckTime("updated_at", a.updated_at(), bounds)) return r;
  }
  if (a.deleted()) {
    if (!a.has_updated_at() && !a.has_published_at()) {
      return Rejection{"bad_time", "a deletion needs updated_at (or published_at)"};
    }
    return std::nullopt;
  }
  if (a.headline().empty()) return Rejection{"missing_headline", "headline is empty"};
  if (auto r = Oversized("headline", a.headline().size(), v1::kMaxHeadlineBytes)) return r;
  if (auto r = Oversized("url", a.url().size(), v1::kMaxUrlBytes)) return r;
  if (auto r = Oversized("section", a.section().size(), v1::kMaxSectionBytes)) return r;
  if (auto r = Oversized("language", a.language().size(), v1::kMaxLanguageBytes)) return r;
  if (a.tags_size() > static_cast<int>(v1::kMaxTags)) {
    return Rejection{"oversized_field",
                     absl::StrCat("tags has ", a.tags_size(), " entries, at most ", v1::kMaxTags)};
  }
  for (const std::string& tag : a.tags()) {
    if (auto r = Oversized("a tag", tag.size(), v1::kMaxTagBytes)) return r;
  }
  if (!a.has_published_at()) return Rejection{"bad_time", "published_at is missing"};
  if (auto r = CheckTime("published_at", a.published_at(), bounds)) return r;
  if (a.embedding_size() > 0) {
    if (a.embedding_size() != embedding_dimension) {
      return Rejection{"bad_embedding",
                       absl::StrCat("embedding has dimension ", a.embedding_size(),
                                    ", the service is configured for ", embedding_dimension)};
    }
    double norm = 0;
    for (float v : a.embedding()) {
      if (!std::isfinite(v)) return Rejection{"bad_embedding", "embedding has a NaN or infinity"};
      norm += double{v} * v;
    }
    if (norm == 0) return Rejection{"bad_embedding", "embedding is all zeros"};
  }
  return std::nullopt;
}

std::optional<Rejection> ValidateClick(const v1::ClickEvent& c, const TimeBounds& bounds) {
  if (c.event_id().empty()) return Rejection{"missing_event_id", "event_id is empty"};
  if (auto r = Oversized("event_id", c.event_id().size(), v1::kMaxClickIdBytes)) return r;
  if (c.user_id().empty() && c.session_id().empty()) {
    return Rejection{"missing_reader", "one of user_id and session_id is required"};
  }
  if (auto r = Oversized("user_id", c.user_id().size(), v1::kMaxClickIdBytes)) return r;
  if (auto r = Oversized("session_id", c.session_id().size(), v1::kMaxClickIdBytes)) return r;
  if (c.article_id().empty()) return Rejection{"missing_article", "article_id is empty"};
  if (auto r = Oversized("article_id", c.article_id().size(), v1::kMaxArticleIdBytes)) return r;
  if (auto r =
          Oversized("source_article_id", c.source_article_id().size(), v1::kMaxArticleIdBytes)) {
    return r;
  }
  if (auto r = Oversized("token", c.token().size(), v1::kMaxTokenBytes)) return r;
  if (!c.has_occurred_at()) return Rejection{"bad_time", "occurred_at is missing"};
  if (auto r = CheckTime("occurred_at", c.occurred_at(), bounds)) return r;
  if (c.position() < 0) return Rejection{"bad_position", "position is negative"};
  return std::nullopt;
}

}  // namespace headliner
