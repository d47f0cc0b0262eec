#include "store/behaviour_store.h"

#include <cstring>
#include <memory>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/half_precision.h"
#include "common/status_macros.h"
#include "store/keys.h"

namespace headliner {
namespace {

// The pool lives in the meta column family: the next slot to overwrite, and one key per chunk of
// slots (prefix + big-endian u32 chunk -> little-endian u64 dense ids). The earlier layout had one
// key per slot (prefix + big-endian u32 slot -> big-endian u64 dense id).
constexpr char kNegativePoolNextKey[] = "behaviour/pool_next";
constexpr char kNegativePoolChunkPrefix[] = "behaviour/pool_chunk/";
constexpr char kNegativePoolSlotPrefix[] = "behaviour/pool/";

// Vector keys: big-endian dense id, then which vector.
constexpr char kInput = 'i';
constexpr char kOutput = 'o';
std::string VectorKey(uint64_t dense_id, char which) { return EncodeU64(dense_id) + which; }

// Vectors are stored in half precision: the tag 'h', then 2 bytes a value, little-endian. An
// earlier layout stored float32 without a tag (4 bytes a value, so never an odd size), still read.
constexpr char kHalfTag = 'h';

std::string EncodeHalves(std::span<const float> values) {
  std::vector<uint16_t> half(values.size());
  FloatsToHalves(values, half);
  std::string out(1 + values.size() * sizeof(uint16_t), kHalfTag);
  std::memcpy(out.data() + 1, half.data(), half.size() * sizeof(uint16_t));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<float>> BehaviourStore::Decode(std::string_view value) const {
  const size_t d = static_cast<size_t>(dimension_);
  if (value.size() == 1 + d * sizeof(uint16_t) && value.front() == kHalfTag) {
    std::vector<uint16_t> half(d);
    std::memcpy(half.data(), value.data() + 1, d * sizeof(uint16_t));
    std::vector<float> v(d);
    HalvesToFloats(half, v);
    return v;
  }
  std::optional<std::vector<float>> v = DecodeFloats(value);  // the float32 layout
  if (!v || v->size() != d) {
    return absl::DataLossError(absl::StrCat("behaviour vector of ", value.size(),
                                            " bytes, expected ", dimension_,
                                            " half-precision values"));
  }
  return *std::move(v);
}

absl::StatusOr<std::optional<BehaviourVectors>> BehaviourStore::Find(uint64_t dense_id,
                                                                     StagedBatch* pending) const {
  ASSIGN_OR_RETURN(std::optional<std::string> input,
                   ReadThrough(db_, pending, Column::kBehaviour, VectorKey(dense_id, kInput)));
  ASSIGN_OR_RETURN(std::optional<std::string> output,
                   ReadThrough(db_, pending, Column::kBehaviour, VectorKey(dense_id, kOutput)));
  if (!input && !output) return std::nullopt;
  BehaviourVectors v;
  if (input) {
    ASSIGN_OR_RETURN(v.input, Decode(*input));
  }
  if (output) {
    ASSIGN_OR_RETURN(v.output, Decode(*output));
  }
  return v;
}

void BehaviourStore::StageInput(StagedBatch& batch, uint64_t dense_id,
                                std::span<const float> input) {
  batch.Put(Column::kBehaviour, VectorKey(dense_id, kInput), EncodeHalves(input));
}

void BehaviourStore::StageOutput(StagedBatch& batch, uint64_t dense_id,
                                 std::span<const float> output) {
  batch.Put(Column::kBehaviour, VectorKey(dense_id, kOutput), EncodeHalves(output));
}

absl::StatusOr<NegativePool> BehaviourStore::FindNegativePool() const {
  NegativePool pool;
  ASSIGN_OR_RETURN(std::optional<std::string> next, db_.Get(Column::kMeta, kNegativePoolNextKey));
  if (next) {
    std::optional<uint64_t> n = DecodeU64(*next);
    if (!n) return absl::DataLossError("malformed negative pool position");
    pool.next = *n;
  }
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.handle(Column::kMeta)));
  // The earlier layout's slots first.
  const std::string slot_prefix = kNegativePoolSlotPrefix;
  for (it->Seek(slot_prefix); it->Valid() && it->key().starts_with(slot_prefix); it->Next()) {
    std::optional<uint32_t> slot = DecodeU32(it->key().ToStringView().substr(slot_prefix.size()));
    std::optional<uint64_t> id = DecodeU64(it->value().ToStringView());
    // Slots are filled in order, so the stored ones are 0, 1, 2, ...
    if (!slot || !id || *slot != pool.ids.size()) {
      return absl::DataLossError("malformed negative pool slot");
    }
    pool.ids.push_back(*id);
  }
  // Then the chunks, which supersede them.
  const std::string chunk_prefix = kNegativePoolChunkPrefix;
  for (it->Seek(chunk_prefix); it->Valid() && it->key().starts_with(chunk_prefix); it->Next()) {
    std::optional<uint32_t> chunk = DecodeU32(it->key().ToStringView().substr(chunk_prefix.size()));
    const std::string_view value = it->value().ToStringView();
    const size_t first = chunk ? size_t{*chunk} * kNegativePoolChunkSlots : 0;
    if (!chunk || value.empty() || value.size() % 8 != 0 ||
        value.size() / 8 > kNegativePoolChunkSlots || first > pool.ids.size()) {
      return absl::DataLossError("malformed negative pool chunk");
    }
    const size_t n = value.size() / 8;
    if (pool.ids.size() < first + n) pool.ids.resize(first + n);
    std::memcpy(pool.ids.data() + first, value.data(), value.size());
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "scan negative pool"));
  return pool;
}

void BehaviourStore::StageNegativePoolChunk(StagedBatch& batch, uint32_t chunk,
                                            std::span<const uint64_t> ids) {
  if (ids.size() > kNegativePoolChunkSlots) ids = ids.first(kNegativePoolChunkSlots);
  batch.Put(Column::kMeta, kNegativePoolChunkPrefix + EncodeU32(chunk),
            absl::string_view(reinterpret_cast<const char*>(ids.data()), ids.size() * 8));
}

void BehaviourStore::StageNegativePoolNext(StagedBatch& batch, uint64_t next) {
  batch.Put(Column::kMeta, kNegativePoolNextKey, EncodeU64(next));
}

absl::Status BehaviourStore::ForEachInput(
    const std::function<absl::Status(uint64_t dense_id, std::vector<float>)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.handle(Column::kBehaviour)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key = it->key().ToStringView();
    std::optional<uint64_t> id = DecodeU64(key.substr(0, 8));
    if (key.size() != 9 || !id) return absl::DataLossError("malformed behaviour key");
    if (key[8] != kInput) continue;
    ASSIGN_OR_RETURN(std::vector<float> v, Decode(it->value().ToStringView()));
    RETURN_IF_ERROR(visit(*id, std::move(v)));
  }
  return FromRocks(it->status(), "scan behaviour vectors");
}

absl::Status BehaviourStore::CheckStoredDimension() const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.handle(Column::kBehaviour)));
  it->SeekToFirst();
  if (!it->Valid()) return FromRocks(it->status(), "scan behaviour vectors");
  const std::string_view value = it->value().ToStringView();
  if (Decode(value).ok()) return absl::OkStatus();
  // Half precision: a tag and 2 bytes a value; the earlier float32 layout: 4 bytes a value.
  const size_t stored = value.size() % 2 == 1 ? (value.size() - 1) / 2 : value.size() / 4;
  return absl::FailedPreconditionError(absl::StrCat(
      "the data dir's behaviour vectors have ", stored, " dimensions but the config asks for ",
      dimension_, " (behaviour.dimension); set behaviour.dimension to ", stored,
      " (0 if that is the encoder's), or start a new data dir and replay the topics into it"));
}

}  // namespace headliner
