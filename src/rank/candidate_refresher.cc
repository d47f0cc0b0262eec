#include "rank/candidate_refresher.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace headliner {

CandidateRefresher::~CandidateRefresher() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void CandidateRefresher::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void CandidateRefresher::Notify(const ChangedArticles& changed) {
  MutexLock lock(&mu_);
  pending_.content.insert(changed.content.begin(), changed.content.end());
  for (uint64_t id : changed.clicks) pending_.AddClick(id);
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
  const bool more_to_warm = warm && Warm(start + delay_);
  // Lists a request built across a round may have missed a change: rebuilt with the content.
  absl::flat_hash_set<uint64_t> rebuild;
  for (uint64_t id : cache_.TakeSuspects()) rebuild.insert(id);
  if (work.content.empty() && work.click_order.empty() && rebuild.empty()) return more_to_warm;
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
  uint64_t rebuilt = rebuild.size();
  std::deque<uint64_t> left =
      RebuildClicked(std::move(work.click_order), rebuild, absl::Now() + click_budget, rebuilt);
  MutexLock lock(&mu_);
  if (!left.empty()) {  // older than anything that arrived meanwhile: they go first
    Pending merged;
    for (uint64_t id : left) merged.AddClick(id);
    for (uint64_t id : pending_.click_order) merged.AddClick(id);
    pending_.clicks = std::move(merged.clicks);
    pending_.click_order = std::move(merged.click_order);
  }
  ++stats_.rounds;
  stats_.rebuilt += rebuilt;
  stats_.last_round = absl::Now() - start;
  return more_to_warm;
}

std::deque<uint64_t> CandidateRefresher::RebuildClicked(std::deque<uint64_t> order,
                                                        const absl::flat_hash_set<uint64_t>& done,
                                                        absl::Time until, uint64_t& rebuilt) {
  while (!order.empty() && absl::Now() < until) {
    const uint64_t id = order.front();
    order.pop_front();
    if (done.contains(id) || !cache_.Contains(id)) continue;
    Rebuild(id);
    ++rebuilt;
  }
  return order;
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
    if (stats.lists >= cache_.capacity() || stats.evictions > evictions) {
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
  absl::StatusOr<std::optional<std::vector<float>>> query = sources_.articles.FindEmbedding(source);
  if (!query.ok() || !*query || !sources_.content_index.Contains(source)) {
    cache_.Erase(source);  // the next request decides (fallback, or an error it reports)
    return;
  }
  // The base list always (a changed article gets one before it is asked for), the wide one if
  // there is one.
  for (bool wide : {false, true}) {
    std::shared_ptr<const CandidateList> old = cache_.Peek(source, wide);
    if (wide && old == nullptr) continue;
    const uint64_t round = cache_.round();
    absl::StatusOr<CandidateList> list =
        builder_.Build(source, **query, old != nullptr ? old->k : builder_.pool());
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
