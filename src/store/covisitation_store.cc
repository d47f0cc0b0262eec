#include "store/covisitation_store.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "common/status_macros.h"
#include "store/keys.h"

namespace headliner {
namespace {

// Rows: the tag 'A', the number of partners (u32), the time the counts are at (i64), then
// repeated (u32 dense id, f32 count, f32 error), little-endian like other fixed records:
// 13 + 12 n bytes. Earlier layouts, still read: 'T' rows have no time (5 + 12 n bytes); the first
// had no header and (u64 dense id, f64 weight) entries, all partners, so its rows are a multiple
// of 16 bytes, which 13 + 12 n and 5 + 12 n never are.
constexpr char kAgedTag = 'A';
constexpr char kTrackedTag = 'T';
constexpr size_t kAgedHeaderBytes = 13;
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
  TrackedRow tracked;
  size_t partners = 0;
};

bool HasHeader(const std::string& v, char tag, size_t header_bytes) {
  return v.size() >= header_bytes && v.front() == tag &&
         (v.size() - header_bytes) % kTrackedBytes == 0;
}

absl::StatusOr<Row> DecodeRow(const std::optional<std::string>& v) {
  Row row;
  if (!v) return row;
  std::vector<TrackedPartner>& tracked = row.tracked.tracked;
  const bool aged = HasHeader(*v, kAgedTag, kAgedHeaderBytes);
  if (aged || HasHeader(*v, kTrackedTag, kHeaderBytes)) {
    const size_t header = aged ? kAgedHeaderBytes : kHeaderBytes;
    tracked.resize((v->size() - header) / kTrackedBytes);
    row.partners = std::min<size_t>(Read<uint32_t>(v->data() + 1), tracked.size());
    if (aged) row.tracked.as_of_micros = Read<int64_t>(v->data() + kHeaderBytes);
    for (size_t i = 0; i < tracked.size(); ++i) {
      const char* p = v->data() + header + i * kTrackedBytes;
      tracked[i] = {Read<uint32_t>(p), Read<float>(p + 4), Read<float>(p + 8)};
    }
    return row;
  }
  if (v->size() % kExactBytes != 0) return absl::DataLossError("malformed partner list");
  tracked.resize(v->size() / kExactBytes);  // the first layout: exact weights
  row.partners = tracked.size();
  for (size_t i = 0; i < tracked.size(); ++i) {
    const char* p = v->data() + i * kExactBytes;
    tracked[i] = {Read<uint64_t>(p), static_cast<float>(Read<double>(p + 8)), 0.0f};
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

absl::StatusOr<TrackedRow> CoVisitationStore::FindTracked(uint64_t a, StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::optional<std::string> v,
                   ReadThrough(db_, pending, Column::kPartners, EncodeU64(a)));
  ASSIGN_OR_RETURN(Row row, DecodeRow(v));
  return std::move(row.tracked);
}

absl::StatusOr<PartnerRow> CoVisitationStore::FindPartners(uint64_t a, StagedBatch* pending) const {
  // Before the row: a commit in between then shows as a newer revision, never as an older row.
  const uint64_t revision = pending == nullptr ? PartnersRevision(a) : RowRevisions::kUnknown;
  ASSIGN_OR_RETURN(std::optional<std::string> v,
                   ReadThrough(db_, pending, Column::kPartners, EncodeU64(a)));
  ASSIGN_OR_RETURN(Row row, DecodeRow(v));
  PartnerRow out;
  out.as_of_micros = row.tracked.as_of_micros;
  out.revision = revision;
  out.partners.reserve(row.partners);
  for (size_t i = 0; i < row.partners; ++i) {
    const TrackedPartner& t = row.tracked.tracked[i];
    out.partners.push_back({t.dense_id, t.lower_bound()});
  }
  return out;
}

absl::StatusOr<double> CoVisitationStore::FindWeight(uint64_t a, uint64_t b,
                                                     StagedBatch* pending) const {
  ASSIGN_OR_RETURN(TrackedRow row, FindTracked(a, pending));
  for (const TrackedPartner& t : row.tracked) {
    if (t.dense_id == b) return t.lower_bound();
  }
  return 0.0;
}

void CoVisitationStore::StagePartners(StagedBatch& batch, uint64_t a, const TrackedRow& row,
                                      size_t partners) {
  const std::vector<TrackedPartner>& tracked = row.tracked;
  std::string value(kAgedHeaderBytes + tracked.size() * kTrackedBytes, '\0');
  value[0] = kAgedTag;
  Write(value.data() + 1, static_cast<uint32_t>(std::min(partners, tracked.size())));
  Write(value.data() + kHeaderBytes, row.as_of_micros);
  for (size_t i = 0; i < tracked.size(); ++i) {
    char* p = value.data() + kAgedHeaderBytes + i * kTrackedBytes;
    Write(p, static_cast<uint32_t>(tracked[i].dense_id));
    Write(p + 4, tracked[i].count);
    Write(p + 8, tracked[i].error);
  }
  batch.Put(Column::kPartners, EncodeU64(a), value);
  batch.OnCommit([this, a] { partner_revisions_.Advance(a); });
}

}  // namespace headliner
