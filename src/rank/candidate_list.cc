#include "rank/candidate_list.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "common/status_macros.h"
#include "index/inner_product.h"

namespace headliner {

absl::StatusOr<CandidateListBuilder::Gathered> CandidateListBuilder::Gather(
    uint64_t source, std::span<const float> content_query, int k,
    const VectorIndex::IdFilter* within) const {
  auto search = [&](const VectorIndex& index, std::span<const float> query) {
    return within != nullptr ? index.Search(query, k, *within) : index.Search(query, k);
  };
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
    std::vector<SearchHit> hits = search(sources_.content_index, content_query);
    g.exhausted = hits.size() < static_cast<size_t>(k);
    for (const SearchHit& h : hits) add(h.id);
  }
  if (config_.behaviour_weight != 0) {
    if (std::optional<std::vector<float>> query = sources_.behaviour_index.Vector(source)) {
      std::vector<SearchHit> hits = search(sources_.behaviour_index, *query);
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

absl::StatusOr<CandidateList> CandidateListBuilder::Build(
    uint64_t source, std::span<const float> content_query, int k,
    const VectorIndex::IdFilter* within) const {
  k = std::clamp(k, 1, CandidateList::kMaxSearch);
  ASSIGN_OR_RETURN(Gathered gathered, Gather(source, content_query, k, within));
  const std::vector<float> content =
      sources_.content_index.InnerProducts(content_query, gathered.ids);
  CandidateList list;
  list.source = source;
  list.k = k;
  list.exhausted = gathered.exhausted;
  Group(gathered, content, list);
  return list;
}

void CandidateListBuilder::Group(const Gathered& gathered, std::span<const float> content,
                                 CandidateList& list) const {
  const double threshold = config_.near_duplicate_threshold;
  // Most similar to the source first, so that each group's leader is its member closest to the
  // source.
  std::vector<size_t> order;
  for (size_t i = 0; i < gathered.ids.size(); ++i) {
    // Gone since the search, or a near-duplicate of the source itself (the reader is on that
    // story already).
    if (std::isnan(content[i]) || content[i] >= threshold) continue;
    if (gathered.ids[i] > UINT32_MAX) continue;  // not representable (four billion articles)
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return content[a] > content[b]; });
  std::vector<uint64_t> ordered_ids;
  for (size_t i : order) ordered_ids.push_back(gathered.ids[i]);
  std::vector<bool> live;
  const std::vector<float> vectors = sources_.content_index.Vectors(ordered_ids, live);
  const size_t d = static_cast<size_t>(sources_.content_index.dimension());

  // Two unit vectors at angles a and b from the source are at least |a - b| apart, so a member
  // can only nearly duplicate a leader whose angle to the source is within acos(threshold) of
  // its own: only those are compared (in a story republished hundreds of times that is one
  // group; otherwise a few).
  const double window = std::acos(std::min(1.0, threshold));
  struct Group {
    size_t leader;  // position in `order`
    double angle;   // of the leader to the source
    std::vector<size_t> members;
  };
  std::vector<Group> groups;
  size_t first_close = 0;  // groups before it are too far (angles only grow along `order`)
  for (size_t o = 0; o < order.size(); ++o) {
    if (!live[o]) continue;
    const double angle = std::acos(std::clamp(static_cast<double>(content[order[o]]), -1.0, 1.0));
    while (first_close < groups.size() && angle - groups[first_close].angle > window) {
      ++first_close;
    }
    const float* v = vectors.data() + o * d;
    auto joins = std::find_if(
        groups.begin() + static_cast<ptrdiff_t>(first_close), groups.end(), [&](const Group& g) {
          return InnerProduct(vectors.data() + g.leader * d, v, d) >= threshold;
        });
    if (joins != groups.end()) {
      joins->members.push_back(order[o]);
    } else {
      groups.push_back({o, angle, {order[o]}});
    }
  }

  // A group keeps its leader, its co-visitation partners and its freshest other members, up to
  // kMaxGroupMembers (partners are never dropped: their pair weight is the signal).
  std::vector<ArticleMetadata> metadata(gathered.ids.size());  // by position in gathered.ids
  sources_.articles.metadata().Find(gathered.ids, metadata);

  for (Group& g : groups) {
    if (list.members.size() >= static_cast<size_t>(CandidateList::kMaxListMembers)) break;
    std::vector<size_t> rest(g.members.begin() + 1, g.members.end());
    std::stable_sort(rest.begin(), rest.end(), [&](size_t a, size_t b) {
      const bool partner_a = gathered.partner_weight[a] > 0;
      const bool partner_b = gathered.partner_weight[b] > 0;
      if (partner_a != partner_b) return partner_a;
      return metadata[a].published_micros > metadata[b].published_micros;
    });
    std::vector<size_t> kept = {g.members.front()};
    for (size_t i : rest) {
      if (kept.size() < static_cast<size_t>(CandidateList::kMaxGroupMembers) ||
          gathered.partner_weight[i] > 0) {
        kept.push_back(i);
      }
    }
    for (size_t i : kept) {
      list.members.push_back({static_cast<uint32_t>(gathered.ids[i]), list.groups, content[i],
                              static_cast<float>(gathered.partner_weight[i])});
    }
    ++list.groups;
  }
}

}  // namespace headliner
