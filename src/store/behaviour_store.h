// Behaviour embeddings in RocksDB: for each clicked article the two vectors of skip-gram with
// negative sampling (its "input" vector, which is what gets searched, and its "output" vector,
// which it is scored with when it is another article's context), and the pool negatives are drawn
// from (the most recent clicked articles, a ring).
//
// Reads are thread-safe; with `pending` they see the writer's staged batch. Writes are staged by
// the single ingest writer.
#ifndef HEADLINER_STORE_BEHAVIOUR_STORE_H_
#define HEADLINER_STORE_BEHAVIOUR_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
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

  // An article's vectors; empty when it was never trained.
  absl::StatusOr<std::optional<BehaviourVectors>> Find(uint64_t dense_id,
                                                       StagedBatch* pending = nullptr);
  void Stage(StagedBatch& batch, uint64_t dense_id, const BehaviourVectors& vectors);

  absl::StatusOr<NegativePool> FindNegativePool(StagedBatch* pending = nullptr);
  void StageNegativePool(StagedBatch& batch, const NegativePool& pool);

  // Visits every stored article's vectors (start-up index restore).
  absl::Status ForEach(const std::function<void(uint64_t dense_id, BehaviourVectors)>& visit);

  int dimension() const { return dimension_; }

 private:
  absl::StatusOr<BehaviourVectors> Decode(std::string_view value) const;

  Database& db_;
  const int dimension_;
};

}  // namespace headliner

#endif  // HEADLINER_STORE_BEHAVIOUR_STORE_H_
