// Keeps a CandidateListCache fresh while the state changes. The apply path reports what each
// committed batch changed (Notify: cheap, on the applying thread); a background thread gathers
// the changes for `delay`, then
//  - an article whose content changed (new, updated, deleted): its own list is built afresh
//    (dropped if deleted), and the cached lists of its content neighbours are rebuilt, so a new
//    article appears under the articles it is close to;
//  - an article whose co-visitation partners or behaviour vector changed (a click): its cached
//    lists are built again, searches included, at most once per `search_max_age`
//    (ranking.list_search_max_age). Sooner than that after their last search, a partner change
//    is applied to the kept search hits without a search (CandidateListBuilder::Refresh: new
//    pair weights patched in, or grouped again with the current partners) and the search waits
//    until due. A click nudges the behaviour vector a little, the behaviour cosines
//    a request scores are read live, and the content neighbours change with content (handled
//    above), so what waits is which articles enter the behaviour neighbours, and new articles
//    the forward search above missed; an article clicked every second costs one search per
//    `search_max_age`, not one per round. Only a busy refresher defers: a round with no new
//    change handles every waiting search, so once clicks pause the lists are what a fresh
//    build gives.
// So a content change reaches the served lists within `delay` plus one rebuild round, a partner
// change likewise, and a behaviour change within `search_max_age` plus one round. Click
// changes are many more (every click touches its article and its partners): in the background
// they are handled oldest first for at most `delay` / 4 per round, about a fifth of a core, and
// the rest waits for the next round, so a click burst cannot take a core from serving. Stats says
// how long the last round took and how many articles wait. Each round also spends up to `delay`
// building the lists of articles not yet cached, newest first, without sleeping between rounds
// while some remain and nothing changes (one core, until the cache is full): after a start every
// list becomes ready without a request having to build it. While changes are pending (ingestion
// catching up) warming gets `delay` / 4 a round and the loop sleeps between rounds, leaving the
// cores to the apply path.
//
// Thread safety: Notify, RefreshNow and Stats may be called from any thread. `mu_` guards the
// pending changes and the stats; the rebuilds run on the refresher's thread (or the RefreshNow
// caller) with no lock held, one round at a time (`round_mu_`, which also guards the searches
// waiting to be due).
#ifndef HEADLINER_RANK_CANDIDATE_REFRESHER_H_
#define HEADLINER_RANK_CANDIDATE_REFRESHER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <queue>
#include <span>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
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
  uint64_t rebuilt = 0;       // lists rebuilt (any way)
  uint64_t patched = 0;       // of those, only their pair weights updated
  uint64_t regrouped = 0;     // of those, grouped again from their kept hits, no search
  uint64_t searched = 0;      // of those, after clicks, built again with their searches
  uint64_t waiting = 0;       // articles whose lists' searches wait to be due
  uint64_t warmed = 0;        // lists built ahead of any request
  absl::Duration last_round;  // how long the last round took
};

class CandidateRefresher {
 public:
  // Everything referred to must outlive the refresher.
  CandidateRefresher(const CandidateListBuilder& builder, const RankSources& sources,
                     CandidateListCache& cache, absl::Duration delay,
                     absl::Duration search_max_age = absl::ZeroDuration(),
                     bool refresh_partner_changes = true)
      : builder_(builder),
        sources_(sources),
        cache_(cache),
        delay_(delay),
        search_max_age_(search_max_age),
        refresh_partner_changes_(refresh_partner_changes) {}
  ~CandidateRefresher();  // stops the thread

  CandidateRefresher(const CandidateRefresher&) = delete;
  CandidateRefresher& operator=(const CandidateRefresher&) = delete;

  // Starts the background thread (not started by the constructor, so that tests can drive
  // rounds with RefreshNow), at nice value `nice` (ranking.refresher_nice).
  void Start(int nice = 0);
  void Notify(const ChangedArticles& changed);
  // Runs a round over everything pending now (click changes for at most `click_budget`) and
  // returns when it is done.
  void RefreshNow(absl::Duration click_budget = absl::InfiniteDuration());

  RefresherStats Stats() const;

 private:
  // What a click changed of an article (bits).
  enum ClickChange : uint8_t { kPartners = 1, kBehaviour = 2 };
  struct Pending {
    absl::flat_hash_set<uint64_t> content;
    absl::flat_hash_map<uint64_t, uint8_t> clicks;  // the articles in click_order, what changed
    std::deque<uint64_t> click_order;               // oldest first
    void AddClick(uint64_t id, uint8_t what) {
      auto [it, inserted] = clicks.try_emplace(id, what);
      if (inserted) {
        click_order.push_back(id);
      } else {
        it->second |= what;
      }
    }
  };
  // How the lists of a round were rebuilt (RefresherStats).
  struct RoundCounts {
    uint64_t rebuilt = 0;
    uint64_t patched = 0;
    uint64_t regrouped = 0;
    uint64_t searched = 0;
  };
  void Loop();
  // With `warm`, builds uncached lists for up to `delay_` (a quarter of it when changes are
  // pending); then handles the pending changes: all content changes, and click changes for up to
  // `click_budget` (the rest stays pending). Returns whether to warm again at once: lists remain
  // to warm and no change was pending.
  bool Round(bool warm, absl::Duration click_budget);
  // Refreshes the lists of click-changed articles (`work`'s), the waiting searches that became
  // due (with `all_due`, all of them) first, then oldest first, until `until`; leaves in `work`
  // those not reached, in order.
  void RefreshClicked(Pending& work, const absl::flat_hash_set<uint64_t>& done, absl::Time until,
                      bool all_due, RoundCounts& counts) ABSL_EXCLUSIVE_LOCKS_REQUIRED(round_mu_);
  // Refreshes the cached lists of `source` after a click changed `what` (ClickChange bits); the
  // search waits unless `search_due` or its lists' last search is old enough.
  void RefreshAfterClicks(uint64_t source, uint8_t what, bool search_due, RoundCounts& counts)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(round_mu_);
  // The list `old` refreshed after clicks (built again with `search`, else its pair weights
  // patched or grouped again), counted in `counts`.
  absl::StatusOr<CandidateList> RefreshList(const CandidateList& old, std::span<const float> query,
                                            bool search, RoundCounts& counts) const;
  bool Warm(absl::Time until);
  // The content vector of `source`, or nullopt after dropping its lists when it has none (gone,
  // or not in the index).
  std::optional<std::vector<float>> QueryOrErase(uint64_t source);
  // Rebuilds the cached list of `source`, keeping its width; drops it if the source is gone.
  void Rebuild(uint64_t source);

  const CandidateListBuilder& builder_;
  const RankSources& sources_;
  CandidateListCache& cache_;
  const absl::Duration delay_;
  const absl::Duration search_max_age_;
  const bool refresh_partner_changes_;  // ranking.refresh_partner_changes

  mutable Mutex mu_;
  Pending pending_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  RefresherStats stats_ ABSL_GUARDED_BY(mu_);

  Mutex round_mu_;  // one round at a time
  // Warming walks dense ids downwards from the newest; guarded by round_mu_.
  uint64_t warm_next_ ABSL_GUARDED_BY(round_mu_) = UINT64_MAX;
  uint64_t warm_seen_end_ ABSL_GUARDED_BY(round_mu_) = 0;
  // Searches after clicks not yet due: (due time, article), earliest on top, once per article.
  using Due = std::pair<absl::Time, uint64_t>;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> search_due_
      ABSL_GUARDED_BY(round_mu_);
  absl::flat_hash_set<uint64_t> search_waiting_ ABSL_GUARDED_BY(round_mu_);
  std::thread thread_;
};

}  // namespace headliner

#endif  // HEADLINER_RANK_CANDIDATE_REFRESHER_H_
