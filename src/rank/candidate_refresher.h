// Keeps a CandidateListCache fresh while the state changes. The apply path reports what each
// committed batch changed (Notify: cheap, on the applying thread); a background thread gathers
// the changes for `delay`, then
//  - an article whose content changed (new, updated, deleted): its own list is built afresh
//    (dropped if deleted), and the cached lists of its content neighbours are rebuilt, so a new
//    article appears under the articles it is close to;
//  - an article whose co-visitation partners or behaviour vector changed: its cached list is
//    rebuilt.
// So a content change reaches the served lists within `delay` plus one rebuild round. Click
// changes are many more (every click touches its article and its partners) and only move what a
// request reads live anyway (behaviour cosines, activity) or partner weights: in the background
// they are rebuilt oldest first for at most `delay` / 4 per round, about a fifth of a core, and
// the rest waits for the next round, so a click burst cannot take a core from serving. Stats says
// how long the last round took and how many articles wait. Each round also spends up to `delay`
// building the lists of articles not yet cached, newest first, without sleeping between rounds
// while some remain (one core, until the cache is full): after a start every list becomes ready
// without a request having to build it, and changes are still handled every `delay`.
//
// Thread safety: Notify, RefreshNow and Stats may be called from any thread. `mu_` guards the
// pending changes; the rebuilds run on the refresher's thread (or the RefreshNow caller) with no
// lock held, one round at a time (`round_mu_`).
#ifndef HEADLINER_RANK_CANDIDATE_REFRESHER_H_
#define HEADLINER_RANK_CANDIDATE_REFRESHER_H_

#include <cstdint>
#include <deque>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "common/mutex.h"
#include "rank/candidate_list.h"
#include "rank/candidate_list_cache.h"
#include "rank/rank_sources.h"
#include "store/changed_articles.h"

namespace headliner {

struct RefresherStats {
  uint64_t pending = 0;  // articles changed and not yet handled
  uint64_t rounds = 0;
  uint64_t rebuilt = 0;       // lists rebuilt
  uint64_t warmed = 0;        // lists built ahead of any request
  absl::Duration last_round;  // how long the last round took
};

class CandidateRefresher {
 public:
  // Everything referred to must outlive the refresher.
  CandidateRefresher(const CandidateListBuilder& builder, const RankSources& sources,
                     CandidateListCache& cache, absl::Duration delay)
      : builder_(builder), sources_(sources), cache_(cache), delay_(delay) {}
  ~CandidateRefresher();  // stops the thread

  CandidateRefresher(const CandidateRefresher&) = delete;
  CandidateRefresher& operator=(const CandidateRefresher&) = delete;

  // Starts the background thread (not started by the constructor, so that tests can drive
  // rounds with RefreshNow).
  void Start();
  void Notify(const ChangedArticles& changed);
  // Runs a round over everything pending now (click changes for at most `click_budget`) and
  // returns when it is done.
  void RefreshNow(absl::Duration click_budget = absl::InfiniteDuration());

  RefresherStats Stats() const;

 private:
  struct Pending {
    absl::flat_hash_set<uint64_t> content;
    absl::flat_hash_set<uint64_t> clicks;  // the articles in click_order
    std::deque<uint64_t> click_order;      // oldest first
    void AddClick(uint64_t id) {
      if (clicks.insert(id).second) click_order.push_back(id);
    }
  };
  void Loop();
  // With `warm`, builds uncached lists for up to `delay_`; then handles the pending changes:
  // all content changes, and click changes for up to `click_budget` (the rest stays pending).
  // Returns whether lists remain to warm.
  bool Round(bool warm, absl::Duration click_budget);
  // Rebuilds the lists of click-changed articles, oldest first, until `until`; returns those
  // left, in order.
  std::deque<uint64_t> RebuildClicked(std::deque<uint64_t> order,
                                      const absl::flat_hash_set<uint64_t>& done, absl::Time until,
                                      uint64_t& rebuilt);
  bool Warm(absl::Time until);
  // Rebuilds the cached list of `source`, keeping its width; drops it if the source is gone.
  void Rebuild(uint64_t source);

  const CandidateListBuilder& builder_;
  const RankSources& sources_;
  CandidateListCache& cache_;
  const absl::Duration delay_;

  mutable Mutex mu_;
  Pending pending_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  RefresherStats stats_ ABSL_GUARDED_BY(mu_);

  Mutex round_mu_;  // one round at a time
  // Warming walks dense ids downwards from the newest; guarded by round_mu_.
  uint64_t warm_next_ ABSL_GUARDED_BY(round_mu_) = UINT64_MAX;
  uint64_t warm_seen_end_ ABSL_GUARDED_BY(round_mu_) = 0;
  std::thread thread_;
};

}  // namespace headliner

#endif  // HEADLINER_RANK_CANDIDATE_REFRESHER_H_
