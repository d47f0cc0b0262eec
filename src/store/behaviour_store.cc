#include "store/behaviour_store.h"

#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "store/keys.h"

namespace headliner {
namespace {

// The pool lives in the meta column family: u64 next, then u64 ids.
constexpr char kNegativePoolKey[] = "behaviour/negative_pool";

}  // namespace

absl::StatusOr<BehaviourVectors> BehaviourStore::Decode(std::string_view value) const {
  const size_t floats = static_cast<size_t>(dimension_);
  if (value.size() != 2 * floats * sizeof(float)) {
    return absl::DataLossError(absl::StrCat("behaviour vectors of ", value.size(),
                                            " bytes, expected ", 2 * floats * sizeof(float)));
  }
  BehaviourVectors v;
  v.input.resize(floats);
  v.output.resize(floats);
  std::memcpy(v.input.data(), value.data(), floats * sizeof(float));
  std::memcpy(v.output.data(), value.data() + floats * sizeof(float), floats * sizeof(float));
  return v;
}

absl::StatusOr<std::optional<BehaviourVectors>> BehaviourStore::Find(uint64_t dense_id,
                                                                     StagedBatch* pending) {
  ASSIGN_OR_RETURN(std::optional<std::string> value,
                   ReadThrough(db_, pending, Column::kBehaviour, EncodeU64(dense_id)));
  if (!value) return std::nullopt;
  return Decode(*value);
}

void BehaviourStore::Stage(StagedBatch& batch, uint64_t dense_id, const BehaviourVectors& vectors) {
  std::string value = EncodeFloats(vectors.input);
  value += EncodeFloats(vectors.output);
  batch.Put(Column::kBehaviour, EncodeU64(dense_id), value);
}

absl::StatusOr<NegativePool> BehaviourStore::FindNegativePool(StagedBatch* pending) {
  ASSIGN_OR_RETURN(std::optional<std::string> value,
                   ReadThrough(db_, pending, Column::kMeta, kNegativePoolKey));
  NegativePool pool;
  if (!value) return pool;
  if (value->size() < 8 || value->size() % 8 != 0) {
    return absl::DataLossError("malformed negative pool");
  }
  std::memcpy(&pool.next, value->data(), 8);
  pool.ids.resize(value->size() / 8 - 1);
  std::memcpy(pool.ids.data(), value->data() + 8, pool.ids.size() * 8);
  return pool;
}

void BehaviourStore::StageNegativePool(StagedBatch& batch, const NegativePool& pool) {
  std::string value(8 + pool.ids.size() * 8, '\0');
  std::memcpy(value.data(), &pool.next, 8);
  std::memcpy(value.data() + 8, pool.ids.data(), pool.ids.size() * 8);
  batch.Put(Column::kMeta, kNegativePoolKey, value);
}

absl::Status BehaviourStore::ForEach(
    const std::function<void(uint64_t dense_id, BehaviourVectors)>& visit) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.handle(Column::kBehaviour)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::optional<uint64_t> id = DecodeU64(it->key().ToStringView());
    if (!id) return absl::DataLossError("malformed behaviour key");
    ASSIGN_OR_RETURN(BehaviourVectors v, Decode(it->value().ToStringView()));
    visit(*id, std::move(v));
  }
  return FromRocks(it->status(), "scan behaviour vectors");
}

}  // namespace headliner
