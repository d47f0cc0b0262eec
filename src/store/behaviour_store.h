// Behaviour embeddings in RocksDB: for each clicked article the two vectors of skip-gram with
// negative sampling (its "input" vector, which is what gets searched, and its "output" vector,
// which it is scored with when it is another article's context), and the pool negatives are drawn
// from (the most recent clicked articles, a ring kept in `meta` in chunks of 256 slots).
//
// Reads are thread-safe; with `pending` they see the writer's staged batch. Writes are staged by
// the single ingest writer.
#ifndef HEADLINER_STORE_BEHAVIOUR_STORE_H_
#define HEADLINER_STORE_BEHAVIOUR_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "store/database.h"
#include "store/staged_batch.h"

namespace headliner {

struct BehaviourVectors {
  std::vector<float> input;
  std::vector<float> output;
};

// Recently clicked articles, oldest overwritten first: drawing uniformly from it draws articles in
// proportion to their recent clicks.
struct NegativePool {
  std::vector<uint64_t> ids;
  uint64_t next = 0;  // slot the next click overwrites once the pool is full
};

class BehaviourStore {
 public:
  // `database` must outlive the store; every vector has `dimension` floats.
  BehaviourStore(Database& database, int dimension) : db_(database), dimension_(dimension) {}

  // Vectors are stored in half precision (common/half_precision.h): the writer rounds them to it
  // first, so what it keeps in memory is what a read returns.
  //
  // An article's stored vectors, each kept under its own key: `input` is empty until the article
  // was trained as a centre (only then is it in the behaviour index), `output` until it was a
  // context or a negative. An empty optional when it has neither.
  absl::StatusOr<std::optional<BehaviourVectors>> Find(uint64_t dense_id,
                                                       StagedBatch* pending = nullptr) const;
  void StageInput(StagedBatch& batch, uint64_t dense_id, std::span<const float> input);
  void StageOutput(StagedBatch& batch, uint64_t dense_id, std::span<const float> output);

  // The committed pool. It is kept in chunks of kNegativePoolChunkSlots slots, each its own key,
  // so a batch writes only the chunks its clicks changed (2 KB each) rather than the whole pool,
  // nor one key per click. (An earlier layout had one key per slot: a thousand keys of a batch of
  // a thousand clicks. Its slots are still read; a chunk written since supersedes them.)
  static constexpr uint32_t kNegativePoolChunkSlots = 256;
  absl::StatusOr<NegativePool> FindNegativePool() const;
  // Stores `ids` as the slots from chunk * kNegativePoolChunkSlots on (at most that many).
  void StageNegativePoolChunk(StagedBatch& batch, uint32_t chunk, std::span<const uint64_t> ids);
  void StageNegativePoolNext(StagedBatch& batch, uint64_t next);

  // Visits every stored input vector (start-up index restore); an error from `visit` stops the
  // scan and is returned.
  absl::Status ForEachInput(
      const std::function<absl::Status(uint64_t dense_id, std::vector<float>)>& visit) const;

  int dimension() const { return dimension_; }

  // FailedPrecondition, naming behaviour.dimension, when the stored vectors have another length
  // than dimension() (the data dir was built with another behaviour dimension); OK when none is
  // stored. Reads one row.
  absl::Status CheckStoredDimension() const;

 private:
  absl::StatusOr<std::vector<float>> Decode(std::string_view value) const;

  Database& db_;
  const int dimension_;
};

}  // namespace headliner

#endif  // HEADLINER_STORE_BEHAVIOUR_STORE_H_
