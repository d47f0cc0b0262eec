#include "rank/candidate_refresher.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "common/background_thread.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace headliner {

CandidateRefresher::~CandidateRefresher() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void CandidateRefresher::Start(int nice) {
  thread_ = std::thread([this, nice] {
    SetCurrentThreadName("list-refresher");
    if (absl::Status s = SetCurrentThreadNice(nice); !s.ok()) {
      LogWarning("refresher", "thread priority: %s", s.ToString());
    }
    Loop();
  });
}

void CandidateRefresher::Notify(const ChangedArticles& changed) {
  MutexLock lock(&mu_);
  pending_.content.insert(changed.content.begin(), changed.content.end());
  for (uint64_t id : changed.partners) pending_.AddClick(id, kPartners);
  for (uint64_t id : changed.behaviour) pending_.AddClick(id, kBehaviour);
}

void CandidateRefresher::Loop() {
  const absl::Duration delay = std::max(delay_, absl::Milliseconds(1));
  bool warming = false;
  while (true) {
    {
      MutexLock lock(&mu_);
      // Sleeps `delay` (changes gather meanwhile) unless stopped, or while lists remain to warm
      // only checks for a stop: warming then takes one core until every list is ready.
      mu_.AwaitWithTimeout(absl::Condition(&stop_), warming ? absl::ZeroDuration() : delay);
      if (stop_) return;
    }
    warming = Round(/*warm=*/true, /*click_budget=*/delay / 4);
  }
}

void CandidateRefresher::RefreshNow(absl::Duration click_budget) {
  Round(/*warm=*/false, click_budget);
}

bool CandidateRefresher::Round(bool warm, absl::Duration click_budget) {
  MutexLock round(&round_mu_);
  cache_.BeginRound();  // before taking the changes: see CandidateListCache::Put
  Pending work;
  {
    MutexLock lock(&mu_);
    work = std::exchange(pending_, Pending());
  }
  const absl::Time start = absl::Now();
  // Warming takes a core only while nothing changes. While changes flow (a replica catching up
  // on its topics) it gets a quarter of the delay, like the clicks, and the round ends with the
  // loop's sleep: on two cores a warming refresher took more CPU than the apply path.
  const bool busy = !work.content.empty() || !work.click_order.empty();
  const bool more_to_warm = warm && Warm(start + (busy ? delay_ / 4 : delay_)) && !busy;
  // Lists a request built across a round may have missed a change: rebuilt with the content.
  absl::flat_hash_set<uint64_t> rebuild;
  for (uint64_t id : cache_.TakeSuspects()) rebuild.insert(id);
  // With no new change, the searches still waiting need not wait: only a busy refresher saves
  // them, and the lists are what a fresh build gives once clicks pause.
  const bool idle = work.content.empty() && work.click_order.empty() && rebuild.empty();
  if (idle && search_due_.empty()) return more_to_warm;
  // With nothing cached there is nothing to rebuild (and no neighbours to search for).
  const bool any_cached = cache_.Stats().lists > 0;
  for (uint64_t id : work.content) {
    cache_.Erase(id);
    if (!any_cached) continue;
    // The articles close to the changed one: their lists may now include it.
    std::optional<std::vector<float>> vector = sources_.content_index.Vector(id);
    if (!vector) continue;  // deleted: lists that hold it filter it out by its metadata
    rebuild.insert(id);     // its own list, ready before it is first asked for
    for (const SearchHit& hit : sources_.content_index.Search(*vector, builder_.pool())) {
      if (hit.id != id && cache_.Contains(hit.id)) rebuild.insert(hit.id);
    }
  }
  for (uint64_t id : rebuild) Rebuild(id);
  RoundCounts counts;
  counts.rebuilt = rebuild.size();
  RefreshClicked(work, rebuild, absl::Now() + click_budget, /*all_due=*/idle, counts);
  MutexLock lock(&mu_);
  if (!work.click_order.empty()) {  // older than anything that arrived meanwhile: they go first
    Pending merged;
    for (uint64_t id : work.click_order) {
      if (auto it = work.clicks.find(id); it != work.clicks.end()) merged.AddClick(id, it->second);
    }
    for (uint64_t id : pending_.click_order) merged.AddClick(id, pending_.clicks[id]);
    pending_.clicks = std::move(merged.clicks);
    pending_.click_order = std::move(merged.click_order);
  }
  ++stats_.rounds;
  stats_.rebuilt += counts.rebuilt;
  stats_.regrouped += counts.regrouped;
  stats_.patched += counts.patched;
  stats_.searched += counts.searched;
  stats_.waiting = search_waiting_.size();
  stats_.last_round = absl::Now() - start;
  return more_to_warm;
}

void CandidateRefresher::RefreshClicked(Pending& work, const absl::flat_hash_set<uint64_t>& done,
                                        absl::Time until, bool all_due, RoundCounts& counts) {
  // Searches that waited and are due now go first: their changes are the oldest.
  const absl::Time now = all_due ? absl::InfiniteFuture() : absl::Now();
  while (!search_due_.empty() && search_due_.top().first <= now && absl::Now() < until) {
    const uint64_t id = search_due_.top().second;
    search_due_.pop();
    search_waiting_.erase(id);
    auto pending = work.clicks.find(id);  // changed again meanwhile: handled together
    uint8_t what = kBehaviour;            // a search waited: any click change will do
    if (pending != work.clicks.end()) {
      what |= pending->second;
      work.clicks.erase(pending);  // its place in click_order is skipped below
    }
    if (!done.contains(id) && cache_.Contains(id)) RefreshAfterClicks(id, what, all_due, counts);
  }
  while (!work.click_order.empty() && absl::Now() < until) {
    const uint64_t id = work.click_order.front();
    work.click_order.pop_front();
    auto pending = work.clicks.find(id);
    if (pending == work.clicks.end()) continue;  // handled above with its due search
    const uint8_t what = pending->second;
    work.clicks.erase(pending);
    if (done.contains(id) || !cache_.Contains(id)) continue;
    RefreshAfterClicks(id, what, /*search_due=*/false, counts);
  }
}

void CandidateRefresher::RefreshAfterClicks(uint64_t source, uint8_t what, bool search_due,
                                            RoundCounts& counts) {
  const absl::Time now = absl::Now();
  const bool partners = (what & kPartners) != 0 && refresh_partner_changes_;
  std::optional<absl::Time> next_due;       // the earliest a waiting search is due
  std::optional<std::vector<float>> query;  // read once, when a list needs work
  for (bool wide : {false, true}) {
    std::shared_ptr<const CandidateList> old = cache_.Peek(source, wide);
    if (old == nullptr) continue;
    const absl::Time due = old->searched + search_max_age_;
    const bool search = search_due || due <= now;
    if (!search) next_due = std::min(next_due.value_or(due), due);
    if (!search && !partners) continue;  // the search waits; nothing else to do now
    if (!query) {
      query = QueryOrErase(source);
      if (!query) return;
    }
    absl::StatusOr<CandidateList> list = RefreshList(*old, *query, search, counts);
    if (!list.ok()) {
      cache_.Erase(source);
      return;
    }
    cache_.Replace(std::make_shared<const CandidateList>(*std::move(list)));
  }
  if (next_due && search_waiting_.insert(source).second) search_due_.emplace(*next_due, source);
}

absl::StatusOr<CandidateList> CandidateRefresher::RefreshList(const CandidateList& old,
                                                              std::span<const float> query,
                                                              bool search,
                                                              RoundCounts& counts) const {
  ++counts.rebuilt;
  if (search) {  // only clicks changed the list since it was built: content is rebuilt apart
    ++counts.searched;
    return builder_.SearchBehaviourAgain(old, query);
  }
  bool patched = false;
  absl::StatusOr<CandidateList> list = builder_.Refresh(old, query, &patched);
  ++(patched ? counts.patched : counts.regrouped);
  return list;
}

std::optional<std::vector<float>> CandidateRefresher::QueryOrErase(uint64_t source) {
  absl::StatusOr<std::optional<std::vector<float>>> query = sources_.articles.FindEmbedding(source);
  if (!query.ok() || !*query || !sources_.content_index.Contains(source)) {
    cache_.Erase(source);  // the next request decides (fallback, or an error it reports)
    return std::nullopt;
  }
  return *std::move(*query);
}

bool CandidateRefresher::Warm(absl::Time until) {
  const uint64_t end = sources_.articles.metadata().end_id();
  if (end > warm_seen_end_) {  // articles arrived: start again from the newest
    warm_seen_end_ = end;
    warm_next_ = end;
  }
  uint64_t warmed = 0;
  const uint64_t evictions = cache_.Stats().evictions;
  while (warm_next_ > 0 && absl::Now() < until) {
    // Full: warming would only evict lists that requests use.
    const CandidateCacheStats stats = cache_.Stats();
    if (stats.lists - stats.wide_lists >= cache_.capacity() || stats.evictions > evictions) {
      warm_next_ = 0;  // until new articles arrive
      break;
    }
    const uint64_t id = --warm_next_;
    if (!sources_.articles.metadata().Find(id).live || cache_.Contains(id)) continue;
    absl::StatusOr<std::optional<std::vector<float>>> query = sources_.articles.FindEmbedding(id);
    if (!query.ok() || !*query || !sources_.content_index.Contains(id)) continue;
    const uint64_t round = cache_.round();
    absl::StatusOr<CandidateList> list = builder_.Build(id, **query, builder_.pool());
    if (!list.ok()) continue;
    cache_.Put(std::make_shared<const CandidateList>(*std::move(list)), round);
    ++warmed;
  }
  MutexLock lock(&mu_);
  stats_.warmed += warmed;
  return warm_next_ > 0;
}

void CandidateRefresher::Rebuild(uint64_t source) {
  const std::optional<std::vector<float>> query = QueryOrErase(source);
  if (!query) return;
  // The base list always (a changed article gets one before it is asked for), the wide one if
  // there is one.
  for (bool wide : {false, true}) {
    std::shared_ptr<const CandidateList> old = cache_.Peek(source, wide);
    if (wide && old == nullptr) continue;
    const uint64_t round = cache_.round();
    absl::StatusOr<CandidateList> list =
        builder_.Build(source, *query, old != nullptr ? old->k : builder_.pool());
    if (!list.ok()) {
      cache_.Erase(source);
      return;
    }
    auto built = std::make_shared<const CandidateList>(*std::move(list));
    if (old != nullptr) {
      cache_.Replace(std::move(built));
    } else {
      cache_.Put(std::move(built), round);
    }
  }
}

RefresherStats CandidateRefresher::Stats() const {
  MutexLock lock(&mu_);
  RefresherStats s = stats_;
  s.pending = pending_.content.size() + pending_.clicks.size();
  return s;
}

}  // namespace headliner
