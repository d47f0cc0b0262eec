// The click activity of every article (click count, decayed popularity), in memory: ranking reads
// it for every candidate of every request, which as RocksDB reads was a third of a request's
// time. It mirrors the article rows of the `activity` column family: ClickStore fills it when
// the tables open and changes it only when a batch that wrote a row commits
// (StagedBatch::OnCommit).
//
// Thread safety: any number of readers and one writer (the apply path); `mu_` guards the rows.
#ifndef HEADLINER_STORE_ARTICLE_ACTIVITY_H_
#define HEADLINER_STORE_ARTICLE_ACTIVITY_H_

#include <cstdint>
#include <span>
#include <vector>

#include "common/decayed_count.h"
#include "common/mutex.h"

namespace headliner {

struct Activity {
  uint64_t clicks = 0;
  DecayedCount popularity;  // at clicks.popularity_half_life: trending and the popularity feature
  // The clicks aged at covisitation.half_life, the time scale of the co-visitation weights: the
  // click counts their normaliser divides by.
  DecayedCount aged_clicks;
};

class ArticleActivityTable {
 public:
  ArticleActivityTable() = default;
  ArticleActivityTable(const ArticleActivityTable&) = delete;
  ArticleActivityTable& operator=(const ArticleActivityTable&) = delete;

  void Set(uint64_t dense_id, const Activity& activity);
  // The activity of each of `dense_ids`, in order (zero for an article never clicked).
  std::vector<Activity> Find(std::span<const uint64_t> dense_ids) const;

 private:
  mutable Mutex mu_;
  std::vector<Activity> rows_ ABSL_GUARDED_BY(mu_);  // by dense id
};

}  // namespace headliner

#endif  // HEADLINER_STORE_ARTICLE_ACTIVITY_H_
