// Reader activity in RocksDB: recent clicks per session, click counts and decayed
// popularity per article and per section, each section's trending articles, and the click event ids
// seen recently (duplicate detection). Values are small fixed-layout records (see click_store.cc).
//
// Reads are thread-safe; with `pending` they see the writer's staged batch. Writes are staged
// into a StagedBatch by the single ingest writer.
#ifndef HEADLINER_STORE_CLICK_STORE_H_
#define HEADLINER_STORE_CLICK_STORE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/decayed_count.h"
#include "store/article_activity.h"
#include "store/database.h"
#include "store/staged_batch.h"

namespace headliner {

struct SessionClick {
  uint64_t dense_id = 0;
  int64_t micros = 0;
};

// An entry of a section's trending list.
struct TrendingArticle {
  uint64_t dense_id = 0;
  DecayedCount popularity;
};

class ClickStore {
 public:
  // `database` must outlive the store.
  explicit ClickStore(Database& database) : db_(database) {}

  // Fills the in-memory copy of the article activity rows (Tables::Open).
  absl::Status LoadActivity();

  // Time of a stored click event id, if seen.
  absl::StatusOr<std::optional<int64_t>> FindEvent(const std::string& event_id,
                                                   StagedBatch* pending = nullptr) const;
  void StageEvent(StagedBatch& batch, const std::string& event_id, int64_t micros);

  // The key of a reader's recent clicks: "s/<session id>", or "u/<user id>" for clicks without a
  // session id.
  static std::string ReaderKey(const std::string& session_id, const std::string& user_id);

  // A session's recent clicks, oldest first (empty when unknown).
  absl::StatusOr<std::vector<SessionClick>> FindSession(const std::string& session_key,
                                                        StagedBatch* pending = nullptr) const;
  void StageSession(StagedBatch& batch, const std::string& session_key,
                    const std::vector<SessionClick>& clicks);

  // Activity of an article or a section; zero when never clicked.
  absl::StatusOr<Activity> FindArticleActivity(uint64_t dense_id,
                                               StagedBatch* pending = nullptr) const;
  // One Activity per id, in order, in one RocksDB MultiGet (committed state only).
  absl::StatusOr<std::vector<Activity>> FindArticleActivities(
      std::span<const uint64_t> dense_ids) const;
  absl::StatusOr<Activity> FindSectionActivity(const std::string& section,
                                               StagedBatch* pending = nullptr) const;
  void StageArticleActivity(StagedBatch& batch, uint64_t dense_id, const Activity& activity);
  void StageSectionActivity(StagedBatch& batch, const std::string& section,
                            const Activity& activity);
  // The activity of all clicks together (zero before the first; clicks applied before it was
  // kept are not in it).
  absl::StatusOr<Activity> FindTotalActivity(StagedBatch* pending = nullptr) const;
  void StageTotalActivity(StagedBatch& batch, const Activity& activity);

  // A section's most popular articles, most popular first as of the list's last update (empty
  // when the section was never clicked).
  absl::StatusOr<std::vector<TrendingArticle>> FindTrending(const std::string& section,
                                                            StagedBatch* pending = nullptr) const;
  void StageTrending(StagedBatch& batch, const std::string& section,
                     const std::vector<TrendingArticle>& articles);

  // Clicks ever applied (a counter staged with each one).
  absl::StatusOr<uint64_t> TotalClicks() const;
  void StageClickCounted(StagedBatch& batch);

 private:
  absl::StatusOr<Activity> FindActivity(const std::string& key, StagedBatch* pending) const;

  Database& db_;
  ArticleActivityTable article_activity_;  // mirrors the article rows of `activity`
};

}  // namespace headliner

#endif  // HEADLINER_STORE_CLICK_STORE_H_
