#include "store/covisitation_store.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "common/status_macros.h"
#include "store/keys.h"

namespace headliner {
namespace {

// Rows: a tag byte, the number of partners (u32), then repeated (u32 dense id, f32 count, f32
// error), little-endian like other fixed records: 5 + 12 n bytes, always odd. The earlier layout
// had no header and (u64 dense id, f64 weight) entries, all partners, so its rows are a multiple of
// 16 bytes.
constexpr char kTrackedTag = 'T';
constexpr size_t kHeaderBytes = 5;
constexpr size_t kTrackedBytes = 12;
constexpr size_t kExactBytes = 16;

template <typename T>
T Read(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

template <typename T>
void Write(char* p, T v) {
  std::memcpy(p, &v, sizeof(v));
}

// The tracked entries of a row, and how many of them are partners.
struct Row {
  std::vector<TrackedPartner> tracked;
  size_t partners = 0;
};

absl::StatusOr<Row> DecodeRow(const std::optional<std::string>& v) {
  Row row;
  if (!v) return row;
  if (v->size() >= kHeaderBytes && v->front() == kTrackedTag &&
      (v->size() - kHeaderBytes) % kTrackedBytes == 0) {
    row.tracked.resize((v->size() - kHeaderBytes) / kTrackedBytes);
    row.partners = std::min<size_t>(Read<uint32_t>(v->data() + 1), row.tracked.size());
    for (size_t i = 0; i < row.tracked.size(); ++i) {
      const char* p = v->data() + kHeaderBytes + i * kTrackedBytes;
      row.tracked[i] = {Read<uint32_t>(p), Read<float>(p + 4), Read<float>(p + 8)};
    }
    return row;
  }
  if (v->size() % kExactBytes != 0) return absl::DataLossError("malformed partner list");
  row.tracked.resize(v->size() / kExactBytes);  // the earlier layout: exact weights
  row.partners = row.tracked.size();
  for (size_t i = 0; i < row.tracked.size(); ++i) {
    const char* p = v->data() + i * kExactBytes;
    row.tracked[i] = {Read<uint64_t>(p), static_cast<float>(Read<double>(p + 8)), 0.0f};
  }
  return row;
}

}  // namespace

absl::StatusOr<bool> CoVisitationStore::DropPairWeights() {
  rocksdb::ColumnFamilyHandle* pairs = db_.handle(Column::kCoVisits);
  std::unique_ptr<rocksdb::Iterator> it(db_.db().NewIterator(rocksdb::ReadOptions(), pairs));
  it->SeekToFirst();
  RETURN_IF_ERROR(FromRocks(it->status(), "co-visitation pair scan"));
  if (!it->Valid()) return false;
  // Keys are two 8-byte ids: every one sorts before 17 bytes of 0xff.
  const std::string end(17, '\xff');
  rocksdb::WriteBatch batch;
  RETURN_IF_ERROR(FromRocks(batch.DeleteRange(pairs, "", end), "co-visitation pair removal"));
  RETURN_IF_ERROR(db_.Write(batch));
  return true;
}

absl::StatusOr<std::vector<TrackedPartner>> CoVisitationStore::FindTracked(
    uint64_t a, StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::optional<std::string> v,
                   ReadThrough(db_, pending, Column::kPartners, EncodeU64(a)));
  ASSIGN_OR_RETURN(Row row, DecodeRow(v));
  return std::move(row.tracked);
}

absl::StatusOr<std::vector<Partner>> CoVisitationStore::FindPartners(uint64_t a,
                                                                     StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::optional<std::string> v,
                   ReadThrough(db_, pending, Column::kPartners, EncodeU64(a)));
  ASSIGN_OR_RETURN(Row row, DecodeRow(v));
  std::vector<Partner> partners;
  partners.reserve(row.partners);
  for (size_t i = 0; i < row.partners; ++i) {
    partners.push_back({row.tracked[i].dense_id, row.tracked[i].lower_bound()});
  }
  return partners;
}

absl::StatusOr<double> CoVisitationStore::FindWeight(uint64_t a, uint64_t b,
                                                     StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::vector<TrackedPartner> tracked, FindTracked(a, pending));
  for (const TrackedPartner& t : tracked) {
    if (t.dense_id == b) return t.lower_bound();
  }
  return 0.0;
}

void CoVisitationStore::StagePartners(StagedBatch& batch, uint64_t a,
                                      const std::vector<TrackedPartner>& tracked, size_t partners) {
  std::string value(kHeaderBytes + tracked.size() * kTrackedBytes, '\0');
  value[0] = kTrackedTag;
  Write(value.data() + 1, static_cast<uint32_t>(std::min(partners, tracked.size())));
  for (size_t i = 0; i < tracked.size(); ++i) {
    char* p = value.data() + kHeaderBytes + i * kTrackedBytes;
    Write(p, static_cast<uint32_t>(tracked[i].dense_id));
    Write(p + 4, tracked[i].count);
    Write(p + 8, tracked[i].error);
  }
  batch.Put(Column::kPartners, EncodeU64(a), value);
}

}  // namespace headliner
