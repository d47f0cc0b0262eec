#include "sample/click_simulator.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace headliner {
namespace {

// Articles with popularity weights, drawable among those published before a time.
//
// A draw takes an article with probability proportional to its weight among those eligible
// (published by `now`, not skipped), walking them in insertion order. Scanning every item per draw
// made a million-article stream take hours, so items are also kept in blocks of kBlock, each with
// its items sorted by time and their prefix weights: a block's eligible weight is one binary
// search. A draw sums the blocks, then walks only the block its random point falls in. The items
// and their order are as before, so a seed gives the same stream.
class WeightedPool {
 public:
  void Add(size_t article, double weight, absl::Time published) {
    position_[article] = items_.size();
    items_.push_back({article, weight, published});
    if (items_.size() % kBlock == 0) SealBlock(items_.size() - kBlock);
  }
  // Draws an article published at or before `now`, excluding `skip`; returns false if none.
  bool Draw(std::mt19937_64& rng, absl::Time now, const std::vector<size_t>& skip,
            size_t& out) const {
    const size_t blocks = blocks_.size();
    std::vector<double> weights(blocks + 1);  // the last: the items not in a sealed block yet
    double total = 0;
    size_t eligible = 0;
    for (size_t b = 0; b < blocks; ++b) total += weights[b] = BlockWeight(b, now, eligible);
    weights[blocks] = RangeWeight(blocks * kBlock, items_.size(), now, skip, eligible);
    total += weights[blocks];
    for (size_t x : skip) {  // skipped items' weights come off their blocks
      auto it = position_.find(x);
      if (it == position_.end() || items_[it->second].published > now) continue;
      const size_t b = std::min(it->second / kBlock, blocks);
      if (b < blocks) {
        weights[b] -= items_[it->second].weight;
        total -= items_[it->second].weight;
        --eligible;
      }
    }
    // Counted, not compared with zero: subtracting the skipped weights can leave a rounding
    // residue, and drawing on it would consume a random number the one-pass sum never did.
    if (eligible == 0 || total <= 0) return false;
    double r = std::uniform_real_distribution<double>(0, total)(rng);
    for (size_t b = 0; b <= blocks; ++b) {
      if (r - weights[b] > 0 && b < blocks) {
        r -= weights[b];
        continue;
      }
      const size_t end = std::min(items_.size(), (b + 1) * kBlock);
      for (size_t i = b * kBlock; i < end; ++i) {
        const Item& item = items_[i];
        if (item.published > now || Contains(skip, item.article)) continue;
        r -= item.weight;
        if (r <= 0) {
          out = item.article;
          return true;
        }
      }
    }
    for (auto it = items_.rbegin(); it != items_.rend(); ++it) {  // rounding: take the last
      if (it->published <= now && !Contains(skip, it->article)) {
        out = it->article;
        return true;
      }
    }
    return false;
  }

 private:
  static constexpr size_t kBlock = 1024;
  struct Item {
    size_t article;
    double weight;
    absl::Time published;
  };
  // A sealed block: its items' times in order and the prefix sums of their weights.
  struct Block {
    std::vector<absl::Time> times;
    std::vector<double> prefix;  // prefix[k]: weight of the k earliest
  };
  static bool Contains(const std::vector<size_t>& v, size_t x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  }
  void SealBlock(size_t first) {
    std::vector<const Item*> sorted;
    for (size_t i = first; i < first + kBlock; ++i) sorted.push_back(&items_[i]);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Item* a, const Item* b) { return a->published < b->published; });
    Block block;
    block.prefix.push_back(0);
    for (const Item* item : sorted) {
      block.times.push_back(item->published);
      block.prefix.push_back(block.prefix.back() + item->weight);
    }
    blocks_.push_back(std::move(block));
  }
  // The weight of block `b`'s items published by `now`; adds their number to `eligible`.
  double BlockWeight(size_t b, absl::Time now, size_t& eligible) const {
    const Block& block = blocks_[b];
    const size_t k =
        std::upper_bound(block.times.begin(), block.times.end(), now) - block.times.begin();
    eligible += k;
    return block.prefix[k];
  }
  double RangeWeight(size_t from, size_t to, absl::Time now, const std::vector<size_t>& skip,
                     size_t& eligible) const {
    double total = 0;
    for (size_t i = from; i < to; ++i) {
      if (items_[i].published <= now && !Contains(skip, items_[i].article)) {
        total += items_[i].weight;
        ++eligible;
      }
    }
    return total;
  }

  std::vector<Item> items_;
  std::vector<Block> blocks_;
  absl::flat_hash_map<size_t, size_t> position_;  // article -> index in items_
};

}  // namespace

std::vector<v1::ClickEvent> SimulateClicks(std::span<const SampleArticle> catalog,
                                           const ClickSimulatorOptions& o) {
  std::vector<v1::ClickEvent> clicks;
  if (catalog.empty()) return clicks;
  std::mt19937_64 rng(o.seed);

  // Popularity: Zipf over a random ranking.
  std::vector<size_t> rank(catalog.size());
  std::iota(rank.begin(), rank.end(), 0);
  std::shuffle(rank.begin(), rank.end(), rng);
  std::vector<double> weight(catalog.size());
  for (size_t r = 0; r < rank.size(); ++r) {
    weight[rank[r]] = 1.0 / std::pow(static_cast<double>(r + 1), o.popularity_skew);
  }

  auto published = [&](size_t i) {
    const auto& ts = catalog[i].article.published_at();
    return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  };
  absl::flat_hash_map<std::string, WeightedPool> by_story, by_section;
  WeightedPool everything;
  absl::Time newest = absl::InfinitePast();
  for (size_t i = 0; i < catalog.size(); ++i) {
    const std::string story = catalog[i].story.empty() ? catalog[i].article.id() : catalog[i].story;
    by_story[story].Add(i, weight[i], published(i));
    by_section[catalog[i].article.section()].Add(i, weight[i], published(i));
    everything.Add(i, weight[i], published(i));
    newest = std::max(newest, published(i));
  }
  const absl::Time start = o.start == absl::InfinitePast() ? newest - o.span : o.start;
  // Each story's companion: another story, in a random pairing.
  std::vector<std::string> stories;
  for (const auto& [story, pool] : by_story) stories.push_back(story);
  std::sort(stories.begin(), stories.end());
  absl::flat_hash_map<std::string, std::string> companion;
  for (size_t i = 0; i < stories.size() && stories.size() > 1; ++i) {
    size_t j = std::uniform_int_distribution<size_t>(0, stories.size() - 2)(rng);
    if (j >= i) ++j;
    companion[stories[i]] = stories[j];
  }

  std::uniform_real_distribution<double> unit(0, 1);
  std::exponential_distribution<double> gap(1.0 / absl::ToDoubleSeconds(o.mean_gap));
  std::geometric_distribution<int> extra(1.0 / std::max(1.0, o.mean_clicks));
  for (int s = 0; s < o.sessions; ++s) {
    absl::Time now = start + o.span * unit(rng);
    const std::string session = absl::StrCat(o.id_prefix, "-s", o.seed, "-", s);
    const std::string user =
        unit(rng) < o.logged_in ? absl::StrCat(o.id_prefix, "-u", s % 997) : "";
    std::vector<size_t> seen;
    size_t current = 0;
    if (!everything.Draw(rng, now, seen, current)) continue;
    const int n = 1 + extra(rng);
    for (int k = 0; k < n; ++k) {
      if (k > 0) {
        now += absl::Seconds(gap(rng));
        const double r = unit(rng);
        const SampleArticle& from = catalog[seen.back()];
        const std::string story = from.story.empty() ? from.article.id() : from.story;
        size_t next = 0;
        bool found = false;
        if (r < o.same_story) found = by_story[story].Draw(rng, now, seen, next);
        const double to_companion = o.same_story + o.companion_story;
        if (!found && r >= o.same_story && r < to_companion && companion.contains(story)) {
          found = by_story[companion[story]].Draw(rng, now, seen, next);
        }
        if (!found && r < to_companion + o.same_section) {
          found = by_section[from.article.section()].Draw(rng, now, seen, next);
        }
        if (!found) found = everything.Draw(rng, now, seen, next);
        if (!found) break;
        current = next;
      }
      v1::ClickEvent c;
      c.set_event_id(absl::StrCat(session, "-", k));
      c.set_session_id(session);
      c.set_user_id(user);
      c.set_article_id(catalog[current].article.id());
      if (!seen.empty()) {
        c.set_source_article_id(catalog[seen.back()].article.id());
        c.set_position(static_cast<int32_t>(unit(rng) * 10));
      }
      const int64_t micros = absl::ToUnixMicros(now);
      c.mutable_occurred_at()->set_seconds(micros / 1000000);
      c.mutable_occurred_at()->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
      clicks.push_back(std::move(c));
      seen.push_back(current);
    }
  }
  std::stable_sort(clicks.begin(), clicks.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.occurred_at().seconds(), a.occurred_at().nanos()) <
           std::make_pair(b.occurred_at().seconds(), b.occurred_at().nanos());
  });
  return clicks;
}

}  // namespace headliner
