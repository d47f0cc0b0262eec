#include "store/click_store.h"

#include <cstring>

#include "common/status_macros.h"
#include "store/keys.h"
#include "store/uint64_add_operator.h"

namespace headliner {
namespace {

// Activity keys: 'a' + big-endian dense id for articles, 's' + name for sections, 't' for all
// clicks.
std::string ArticleKey(uint64_t dense_id) { return "a" + EncodeU64(dense_id); }
std::string SectionKey(const std::string& section) { return "s" + section; }
constexpr char kTotalActivityKey[] = "t";

// Fixed little-endian layouts (every supported target is little-endian, as for embeddings).
template <typename T>
void Append(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(v));
}
template <typename T>
T Read(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

constexpr char kTotalClicksKey[] = "clicks_applied";

// Activity: u64 clicks, f64 popularity, i64 its reference time, f64 aged clicks, i64 their
// reference time. Rows written before clicks aged are the first 24 bytes.
constexpr size_t kActivityBytes = 40;
constexpr size_t kUnagedActivityBytes = 24;
// Trending list: repeated (u64 dense id, f64 popularity, i64 popularity reference time).
constexpr size_t kTrendingEntryBytes = 24;
// Session: repeated (u64 dense id, i64 micros).
constexpr size_t kSessionEntryBytes = 16;

}  // namespace

std::string ClickStore::ReaderKey(const std::string& session_id, const std::string& user_id) {
  return session_id.empty() ? "u/" + user_id : "s/" + session_id;
}

absl::StatusOr<std::optional<int64_t>> ClickStore::FindEvent(const std::string& event_id,
                                                             StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::optional<std::string> v,
                   ReadThrough(db_, pending, Column::kClickEvents, event_id));
  if (!v) return std::nullopt;
  if (v->size() != sizeof(int64_t)) return absl::DataLossError("malformed click event entry");
  return Read<int64_t>(v->data());
}

void ClickStore::StageEvent(StagedBatch& batch, const std::string& event_id, int64_t micros) {
  db_.event_clock().Observe(micros);
  std::string value;
  Append(value, micros);
  batch.Put(Column::kClickEvents, event_id, value);
}

absl::StatusOr<std::vector<SessionClick>> ClickStore::FindSession(const std::string& session_key,
                                                                  StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::optional<std::string> v,
                   ReadThrough(db_, pending, Column::kSessions, session_key));
  std::vector<SessionClick> clicks;
  if (!v) return clicks;
  if (v->size() % kSessionEntryBytes != 0) return absl::DataLossError("malformed session entry");
  for (size_t i = 0; i < v->size(); i += kSessionEntryBytes) {
    clicks.push_back({Read<uint64_t>(v->data() + i), Read<int64_t>(v->data() + i + 8)});
  }
  return clicks;
}

void ClickStore::StageSession(StagedBatch& batch, const std::string& session_key,
                              const std::vector<SessionClick>& clicks) {
  std::string value;
  value.reserve(clicks.size() * kSessionEntryBytes);
  for (const SessionClick& c : clicks) {
    Append(value, c.dense_id);
    Append(value, c.micros);
  }
  batch.Put(Column::kSessions, session_key, value);
}

namespace {
absl::StatusOr<Activity> DecodeActivity(std::string_view v) {
  Activity a;
  if (v.size() != kActivityBytes && v.size() != kUnagedActivityBytes) {
    return absl::DataLossError("malformed activity entry");
  }
  a.clicks = Read<uint64_t>(v.data());
  a.popularity.value = Read<double>(v.data() + 8);
  a.popularity.as_of_micros = Read<int64_t>(v.data() + 16);
  if (v.size() == kUnagedActivityBytes) {
    // Not aged yet: every click counts in full, as of the latest one.
    a.aged_clicks = {static_cast<double>(a.clicks), a.popularity.as_of_micros};
    return a;
  }
  a.aged_clicks.value = Read<double>(v.data() + 24);
  a.aged_clicks.as_of_micros = Read<int64_t>(v.data() + 32);
  return a;
}
}  // namespace

absl::StatusOr<Activity> ClickStore::FindActivity(const std::string& key,
                                                  StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::optional<std::string> v, ReadThrough(db_, pending, Column::kActivity, key));
  if (!v) return Activity{};
  return DecodeActivity(*v);
}

absl::StatusOr<std::vector<Activity>> ClickStore::FindArticleActivities(
    std::span<const uint64_t> dense_ids) const {
  return article_activity_.Find(dense_ids);
}

absl::Status ClickStore::LoadActivity() {
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.handle(Column::kActivity)));
  for (it->Seek("a"); it->Valid() && it->key().starts_with("a"); it->Next()) {
    std::optional<uint64_t> dense_id = DecodeU64(it->key().ToStringView().substr(1));
    if (!dense_id) return absl::DataLossError("activity key is malformed");
    ASSIGN_OR_RETURN(Activity activity, DecodeActivity(it->value().ToStringView()));
    article_activity_.Set(*dense_id, activity);
  }
  return FromRocks(it->status(), "activity scan");
}

absl::StatusOr<Activity> ClickStore::FindArticleActivity(uint64_t dense_id,
                                                         StagedBatch* pending) const {
  return FindActivity(ArticleKey(dense_id), pending);
}

absl::StatusOr<Activity> ClickStore::FindSectionActivity(const std::string& section,
                                                         StagedBatch* pending) const {
  return FindActivity(SectionKey(section), pending);
}

namespace {
std::string EncodeActivity(const Activity& a) {
  std::string value;
  value.reserve(kActivityBytes);
  Append(value, a.clicks);
  Append(value, a.popularity.value);
  Append(value, a.popularity.as_of_micros);
  Append(value, a.aged_clicks.value);
  Append(value, a.aged_clicks.as_of_micros);
  return value;
}
}  // namespace

void ClickStore::StageArticleActivity(StagedBatch& batch, uint64_t dense_id,
                                      const Activity& activity) {
  batch.Put(Column::kActivity, ArticleKey(dense_id), EncodeActivity(activity));
  batch.OnCommit([this, dense_id, activity] { article_activity_.Set(dense_id, activity); });
}

void ClickStore::StageSectionActivity(StagedBatch& batch, const std::string& section,
                                      const Activity& activity) {
  batch.Put(Column::kActivity, SectionKey(section), EncodeActivity(activity));
}

absl::StatusOr<Activity> ClickStore::FindTotalActivity(StagedBatch* pending) const {
  return FindActivity(kTotalActivityKey, pending);
}

void ClickStore::StageTotalActivity(StagedBatch& batch, const Activity& activity) {
  batch.Put(Column::kActivity, kTotalActivityKey, EncodeActivity(activity));
}

absl::StatusOr<std::vector<TrendingArticle>> ClickStore::FindTrending(const std::string& section,
                                                                      StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::optional<std::string> v,
                   ReadThrough(db_, pending, Column::kTrending, section));
  std::vector<TrendingArticle> out;
  if (!v) return out;
  if (v->size() % kTrendingEntryBytes != 0) return absl::DataLossError("malformed trending list");
  out.resize(v->size() / kTrendingEntryBytes);
  for (size_t i = 0; i < out.size(); ++i) {
    const char* p = v->data() + i * kTrendingEntryBytes;
    out[i].dense_id = Read<uint64_t>(p);
    out[i].popularity.value = Read<double>(p + 8);
    out[i].popularity.as_of_micros = Read<int64_t>(p + 16);
  }
  return out;
}

void ClickStore::StageTrending(StagedBatch& batch, const std::string& section,
                               const std::vector<TrendingArticle>& articles) {
  std::string value;
  value.reserve(articles.size() * kTrendingEntryBytes);
  for (const TrendingArticle& a : articles) {
    Append(value, a.dense_id);
    Append(value, a.popularity.value);
    Append(value, a.popularity.as_of_micros);
  }
  batch.Put(Column::kTrending, section, value);
}

absl::StatusOr<uint64_t> ClickStore::TotalClicks() const {
  return db_.GetCounter(Column::kMeta, kTotalClicksKey);
}

void ClickStore::StageClickCounted(StagedBatch& batch) {
  batch.Add(Column::kMeta, kTotalClicksKey, 1);
}

}  // namespace headliner
