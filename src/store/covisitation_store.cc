#include "store/covisitation_store.h"

#include <cstring>

#include "common/status_macros.h"
#include "store/keys.h"

namespace headliner {
namespace {

std::string PairKey(uint64_t a, uint64_t b) { return EncodeU64(a) + EncodeU64(b); }

// Partner lists: repeated (u64 dense id, f64 weight), little-endian like other fixed records.
constexpr size_t kPartnerBytes = 16;

}  // namespace

absl::StatusOr<double> CoVisitationStore::FindWeight(uint64_t a, uint64_t b,
                                                     StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::optional<std::string> v,
                   ReadThrough(db_, pending, Column::kCoVisits, PairKey(a, b)));
  if (!v) return 0.0;
  if (v->size() != sizeof(double)) return absl::DataLossError("malformed co-visitation weight");
  double w;
  std::memcpy(&w, v->data(), sizeof(w));
  return w;
}

void CoVisitationStore::StageWeight(StagedBatch& batch, uint64_t a, uint64_t b, double weight) {
  std::string value(sizeof(double), '\0');
  std::memcpy(value.data(), &weight, sizeof(weight));
  batch.Put(Column::kCoVisits, PairKey(a, b), value);
}

absl::StatusOr<std::vector<Partner>> CoVisitationStore::FindPartners(uint64_t a,
                                                                     StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::optional<std::string> v,
                   ReadThrough(db_, pending, Column::kPartners, EncodeU64(a)));
  std::vector<Partner> partners;
  if (!v) return partners;
  if (v->size() % kPartnerBytes != 0) return absl::DataLossError("malformed partner list");
  partners.resize(v->size() / kPartnerBytes);
  for (size_t i = 0; i < partners.size(); ++i) {
    std::memcpy(&partners[i].dense_id, v->data() + i * kPartnerBytes, 8);
    std::memcpy(&partners[i].weight, v->data() + i * kPartnerBytes + 8, 8);
  }
  return partners;
}

void CoVisitationStore::StagePartners(StagedBatch& batch, uint64_t a,
                                      const std::vector<Partner>& partners) {
  std::string value(partners.size() * kPartnerBytes, '\0');
  for (size_t i = 0; i < partners.size(); ++i) {
    std::memcpy(value.data() + i * kPartnerBytes, &partners[i].dense_id, 8);
    std::memcpy(value.data() + i * kPartnerBytes + 8, &partners[i].weight, 8);
  }
  batch.Put(Column::kPartners, EncodeU64(a), value);
}

}  // namespace headliner
