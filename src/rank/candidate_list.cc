#include "rank/candidate_list.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "common/status_macros.h"
#include "index/inner_product.h"

namespace headliner {

namespace {

// Hits as 32-bit ids (lists hold dense ids in 32 bits; larger ones cannot be listed).
std::vector<uint32_t> HitIds(const std::vector<SearchHit>& hits) {
  std::vector<uint32_t> ids;
  ids.reserve(hits.size());
  for (const SearchHit& h : hits) {
    if (h.id <= UINT32_MAX) ids.push_back(static_cast<uint32_t>(h.id));
  }
  return ids;
}

std::vector<SearchHit> SearchIndex(const VectorIndex& index, std::span<const float> query, int k,
                                   const VectorIndex::IdFilter* within) {
  return within != nullptr ? index.Search(query, k, *within) : index.Search(query, k);
}

}  // namespace

void CandidateListBuilder::Search(std::span<const float> content_query,
                                  const VectorIndex::IdFilter* within, CandidateList& list) const {
  if (config_.content_weight != 0) {
    list.content_hits = HitIds(SearchIndex(sources_.content_index, content_query, list.k, within));
  }
  SearchBehaviour(within, list);
}

void CandidateListBuilder::SearchBehaviour(const VectorIndex::IdFilter* within,
                                           CandidateList& list) const {
  list.searched = absl::Now();
  list.behaviour_hits.clear();
  if (config_.behaviour_weight == 0) return;
  if (std::optional<std::vector<float>> query = sources_.behaviour_index.Vector(list.source)) {
    list.behaviour_hits = HitIds(SearchIndex(sources_.behaviour_index, *query, list.k, within));
  }
}

namespace {

// What a list's partner weights come from: equal fingerprints mean the same partners, weights
// and time (in this process; absl::Hash is seeded per process, and lists are not stored).
uint64_t Fingerprint(const PartnerRow& row) {
  uint64_t h = absl::HashOf(row.as_of_micros, row.partners.size());
  for (const Partner& p : row.partners) h = absl::HashOf(h, p.dense_id, p.weight);
  return h;
}

}  // namespace

absl::StatusOr<PartnerRow> CandidateListBuilder::PartnersOf(uint64_t source) const {
  if (config_.covisitation_weight == 0) return PartnerRow();  // not candidates
  return sources_.covisitation.FindPartners(source);
}

CandidateListBuilder::Gathered CandidateListBuilder::Gather(
    const CandidateList& list, const std::vector<Partner>& partners) const {
  Gathered g;
  absl::flat_hash_map<uint64_t, size_t> position = {{list.source, SIZE_MAX}};
  auto add = [&](uint64_t id) -> size_t {
    auto [it, inserted] = position.try_emplace(id, g.ids.size());
    if (inserted) {
      g.ids.push_back(id);
      g.partner_weight.push_back(0);
    }
    return it->second;
  };
  for (uint32_t id : list.content_hits) add(id);
  for (uint32_t id : list.behaviour_hits) add(id);
  for (const Partner& p : partners) {
    const size_t at = add(p.dense_id);
    if (at != SIZE_MAX) g.partner_weight[at] = p.weight;
  }
  return g;
}

void CandidateListBuilder::Assemble(std::span<const float> content_query,
                                    const PartnerRow& partners, CandidateList& list) const {
  const size_t k = static_cast<size_t>(list.k);
  list.exhausted = list.content_hits.size() < k && list.behaviour_hits.size() < k;
  const Gathered gathered = Gather(list, partners.partners);
  list.partners_as_of_micros = partners.as_of_micros;
  list.partners_fingerprint = Fingerprint(partners);
  list.partners_revision = partners.revision;
  const std::vector<float> content =
      sources_.content_index.InnerProducts(content_query, gathered.ids);
  list.members.clear();
  list.groups = 0;
  Group(gathered, content, list);
}

absl::StatusOr<CandidateList> CandidateListBuilder::Build(
    uint64_t source, std::span<const float> content_query, int k,
    const VectorIndex::IdFilter* within) const {
  CandidateList list;
  list.source = source;
  list.k = std::clamp(k, 1, CandidateList::kMaxSearch);
  Search(content_query, within, list);
  ASSIGN_OR_RETURN(const PartnerRow partners, PartnersOf(source));
  Assemble(content_query, partners, list);
  if (within != nullptr) {  // never refreshed: the hits would only take memory
    list.content_hits = {};
    list.behaviour_hits = {};
  }
  return list;
}

absl::StatusOr<CandidateList> CandidateListBuilder::SearchBehaviourAgain(
    const CandidateList& old, std::span<const float> content_query) const {
  CandidateList list;
  list.source = old.source;
  list.k = old.k;
  list.content_hits = old.content_hits;
  SearchBehaviour(/*within=*/nullptr, list);
  ASSIGN_OR_RETURN(const PartnerRow partners, PartnersOf(old.source));
  Assemble(content_query, partners, list);
  return list;
}

std::optional<CandidateList> CandidateListBuilder::PatchPartners(
    const CandidateList& old, std::span<const float> content_query,
    const PartnerRow& partners) const {
  absl::flat_hash_map<uint64_t, float> weight;
  for (const Partner& p : partners.partners) {
    if (p.dense_id != old.source) weight.emplace(p.dense_id, static_cast<float>(p.weight));
  }
  size_t members_partnered = 0;
  for (const CandidateMember& m : old.members) {
    const bool partner = weight.contains(m.dense_id);
    if (partner != (m.partner_weight > 0)) return std::nullopt;  // grouping may differ
    members_partnered += partner ? 1 : 0;
  }
  if (members_partnered < weight.size()) {
    // Partners that are not members: only those that grouping leaves out whatever their weight
    // (gone, or a near-duplicate of the source) keep the members as they are.
    std::vector<uint64_t> outside;
    absl::flat_hash_set<uint64_t> members;
    for (const CandidateMember& m : old.members) members.insert(m.dense_id);
    for (const auto& [id, w] : weight) {
      if (!members.contains(id)) outside.push_back(id);
    }
    for (float c : sources_.content_index.InnerProducts(content_query, outside)) {
      if (!std::isnan(c) && c < config_.near_duplicate_threshold) return std::nullopt;
    }
  }
  CandidateList list = old;
  list.partners_as_of_micros = partners.as_of_micros;
  list.partners_fingerprint = Fingerprint(partners);
  list.partners_revision = partners.revision;
  for (CandidateMember& m : list.members) {
    if (auto it = weight.find(m.dense_id); it != weight.end()) m.partner_weight = it->second;
  }
  return list;
}

absl::StatusOr<CandidateList> CandidateListBuilder::Refresh(const CandidateList& old,
                                                            std::span<const float> content_query,
                                                            bool* patched) const {
  ASSIGN_OR_RETURN(const PartnerRow partners, PartnersOf(old.source));
  return RefreshWith(old, content_query, partners, patched);
}

absl::StatusOr<std::shared_ptr<const CandidateList>> CandidateListBuilder::WithCurrentPartners(
    std::shared_ptr<const CandidateList> cached, std::span<const float> content_query,
    bool* refreshed) const {
  *refreshed = false;
  if (config_.covisitation_weight == 0) return cached;
  if (cached->partners_revision != RowRevisions::kUnknown &&
      sources_.covisitation.PartnersRevision(cached->source) == cached->partners_revision) {
    return cached;  // no partner row committed since the list read it
  }
  ASSIGN_OR_RETURN(const PartnerRow partners, PartnersOf(cached->source));
  if (Fingerprint(partners) == cached->partners_fingerprint) return cached;
  *refreshed = true;
  return std::make_shared<const CandidateList>(
      RefreshWith(*cached, content_query, partners, nullptr));
}

CandidateList CandidateListBuilder::RefreshWith(const CandidateList& old,
                                                std::span<const float> content_query,
                                                const PartnerRow& partners, bool* patched) const {
  std::optional<CandidateList> weights_only = PatchPartners(old, content_query, partners);
  if (patched != nullptr) *patched = weights_only.has_value();
  if (weights_only) return *std::move(weights_only);
  CandidateList list;
  list.source = old.source;
  list.k = old.k;
  list.content_hits = old.content_hits;
  list.behaviour_hits = old.behaviour_hits;
  list.searched = old.searched;
  Assemble(content_query, partners, list);
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
