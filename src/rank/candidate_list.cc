#include "rank/candidate_list.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "common/status_macros.h"
#include "index/inner_product.h"

namespace headliner {
namespace {

// How a gathered article entered the list: content neighbours may be dropped once enough groups
// exist; behaviour neighbours and partners never are.
enum class Origin { kContent, kOther };

}  // namespace

absl::StatusOr<CandidateListBuilder::Gathered> CandidateListBuilder::Gather(
    uint64_t source, std::span<const float> content_query, int k) const {
  Gathered g;
  absl::flat_hash_map<uint64_t, size_t> position = {{source, SIZE_MAX}};
  auto add = [&](uint64_t id) -> size_t {
    auto [it, inserted] = position.try_emplace(id, g.ids.size());
    if (inserted) {
      g.ids.push_back(id);
      g.partner_weight.push_back(0);
    }
    return it->second;
  };
  if (config_.content_weight != 0) {
    std::vector<SearchHit> hits = sources_.content_index.Search(content_query, k);
    g.exhausted = hits.size() < static_cast<size_t>(k);
    for (const SearchHit& h : hits) add(h.id);
  }
  g.content_hits = g.ids.size();
  if (config_.behaviour_weight != 0) {
    if (std::optional<std::vector<float>> query = sources_.behaviour_index.Vector(source)) {
      std::vector<SearchHit> hits = sources_.behaviour_index.Search(*query, k);
      g.exhausted = g.exhausted && hits.size() < static_cast<size_t>(k);
      for (const SearchHit& h : hits) add(h.id);
    }
  }
  if (config_.covisitation_weight != 0) {
    ASSIGN_OR_RETURN(std::vector<Partner> partners, sources_.covisitation.FindPartners(source));
    for (const Partner& p : partners) {
      const size_t at = add(p.dense_id);
      if (at != SIZE_MAX) g.partner_weight[at] = p.weight;
    }
  }
  return g;
}

absl::StatusOr<CandidateList> CandidateListBuilder::Build(uint64_t source,
                                                          std::span<const float> content_query,
                                                          int k) const {
  const int wanted_groups = std::max(1, k);
  k = std::clamp(k, 1, CandidateList::kMaxSearch);
  while (true) {
    ASSIGN_OR_RETURN(Gathered gathered, Gather(source, content_query, k));
    const std::vector<float> content =
        sources_.content_index.InnerProducts(content_query, gathered.ids);
    CandidateList list;
    list.source = source;
    list.k = k;
    list.exhausted = gathered.exhausted;
    Group(gathered, content, wanted_groups, list);
    if (list.content_groups >= static_cast<uint32_t>(wanted_groups) || gathered.exhausted ||
        k >= CandidateList::kMaxSearch) {
      return list;
    }
    k = std::min(k * 4, CandidateList::kMaxSearch);
  }
}

void CandidateListBuilder::Group(const Gathered& gathered, std::span<const float> content,
                                 int wanted_groups, CandidateList& list) const {
  const double threshold = config_.near_duplicate_threshold;
  // Content neighbours in order of similarity to the source, then the other sources in order.
  std::vector<size_t> order;
  for (size_t i = 0; i < gathered.ids.size(); ++i) {
    // Gone since the search, or a near-duplicate of the source itself (the reader is on that
    // story already).
    if (std::isnan(content[i]) || content[i] >= threshold) continue;
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const bool content_a = a < gathered.content_hits, content_b = b < gathered.content_hits;
    if (content_a != content_b) return content_a;
    return content_a && content[a] > content[b];
  });

  struct Group {
    std::vector<float> leader;  // content vector of its most source-similar member
    std::vector<size_t> members;
  };
  std::vector<Group> groups;
  for (size_t i : order) {
    std::optional<std::vector<float>> vector = sources_.content_index.Vector(gathered.ids[i]);
    if (!vector) continue;
    auto joins = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
      return InnerProduct(g.leader, *vector) >= threshold;
    });
    if (joins != groups.end()) {
      joins->members.push_back(i);
      continue;
    }
    const bool from_content = i < gathered.content_hits;
    if (from_content && list.content_groups >= static_cast<uint32_t>(wanted_groups)) continue;
    if (from_content) ++list.content_groups;
    groups.push_back({*std::move(vector), {i}});
  }

  // A group keeps its leader, its co-visitation partners and its freshest other members, up to
  // kMaxGroupMembers (partners are never dropped: their pair weight is the signal).
  std::vector<uint64_t> ids;
  for (const Group& g : groups) {
    for (size_t i : g.members) ids.push_back(gathered.ids[i]);
  }
  std::vector<ArticleMetadata> metadata(ids.size());
  sources_.articles.metadata().Find(ids, metadata);
  absl::flat_hash_map<uint64_t, int64_t> published;
  for (size_t i = 0; i < ids.size(); ++i) published[ids[i]] = metadata[i].published_micros;

  for (Group& g : groups) {
    std::vector<size_t> rest(g.members.begin() + 1, g.members.end());
    std::stable_sort(rest.begin(), rest.end(), [&](size_t a, size_t b) {
      const bool partner_a = gathered.partner_weight[a] > 0;
      const bool partner_b = gathered.partner_weight[b] > 0;
      if (partner_a != partner_b) return partner_a;
      return published[gathered.ids[a]] > published[gathered.ids[b]];
    });
    std::vector<size_t> kept = {g.members.front()};
    for (size_t i : rest) {
      if (kept.size() < static_cast<size_t>(CandidateList::kMaxGroupMembers) ||
          gathered.partner_weight[i] > 0) {
        kept.push_back(i);
      }
    }
    for (size_t i : kept) {
      list.members.push_back({gathered.ids[i], list.groups, content[i], gathered.partner_weight[i]});
    }
    ++list.groups;
  }
}

}  // namespace headliner
