// Behaviour embeddings learnt from the click stream as it arrives: streaming item2vec, i.e.
// skip-gram with negative sampling (SGNS) where a session's clicks are the sentence. When a
// session clicks b, b and each of its recent distinct earlier clicks a (within `window`, at most
// `context_clicks`) are trained as a positive pair in both directions, against `negatives`
// articles drawn from the recent clicks (so popular articles are pushed away from everything in
// proportion to their popularity, as word2vec's unigram sampling does). One SGD step per pair at
// a constant learning rate: the stream never ends, and recent behaviour should weigh more.
//
// An article's input vector starts as its content vector (its output vector at zero), so a new
// article sits among the articles it reads like until clicks move it; its input vector, unit
// normalised, is what the behaviour index holds and ranking compares. When behaviour vectors have
// fewer dimensions than content vectors (behaviour.dimension), it starts as the content vector's
// fixed random projection (ContentProjection).
//
// Negatives are drawn by a generator seeded from the click's event id, and the pool is state in
// RocksDB written with the batch, so replaying a stream gives the same vectors bit for bit.
//
// Within a batch the vectors touched are kept in memory and written once at FinishBatch; across
// batches the most recently used are taken from a BehaviourVectorCache instead of RocksDB and put
// back at FinishBatch.
#ifndef HEADLINER_INGEST_BEHAVIOUR_EMBEDDING_SIGNAL_H_
#define HEADLINER_INGEST_BEHAVIOUR_EMBEDDING_SIGNAL_H_

#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "ingest/behaviour_vector_cache.h"
#include "ingest/click_signal.h"
#include "ingest/content_projection.h"
#include "ingest/ingest_config.h"
#include "store/article_store.h"
#include "store/behaviour_store.h"

namespace headliner {

class BehaviourEmbeddingSignal : public ClickSignal {
 public:
  // The stores must outlive the signal. `content_dimension` is the length of the articles' content
  // vectors; the behaviour vectors have behaviour.dimension() values.
  BehaviourEmbeddingSignal(BehaviourStore& behaviour, ArticleStore& articles,
                           const BehaviourConfig& config, int content_dimension)
      : behaviour_(behaviour),
        articles_(articles),
        config_(config),
        projection_(static_cast<size_t>(content_dimension),
                    static_cast<size_t>(behaviour.dimension())),
        cache_(static_cast<size_t>(config.vector_cache_size)) {}

  absl::Status Stage(const ResolvedClick& click, std::span<const SessionClick> history,
                     ApplyContext& context) override;
  absl::Status FinishBatch(ApplyContext& context) override;

  // Only the applying thread may call it (EventApplier reads it under its lock).
  VectorCacheStats cache_stats() const { return cache_.stats(); }

 private:
  // The article's vectors as of this batch, loaded (or initialised) on first use. Stable address
  // until the batch ends.
  absl::StatusOr<BehaviourVectors*> Vectors(uint64_t dense_id, StagedBatch& batch);
  // The committed vectors of `dense_id` as stored (empty when not stored): taken out of the cache
  // (FinishBatch puts them back with the batch's changes), or read from RocksDB.
  absl::StatusOr<BehaviourVectors> Committed(uint64_t dense_id, StagedBatch& batch);
  // One SGNS step: `center` input against `positive` output (label 1) and each negative's output
  // (label 0).
  void TrainPair(BehaviourVectors& center, BehaviourVectors& positive,
                 std::span<BehaviourVectors* const> negatives);
  // Draws negatives for a click, none of them in `exclude`.
  std::vector<uint64_t> DrawNegatives(std::mt19937_64& rng,
                                      const std::vector<uint64_t>& exclude) const;
  void Reset();

  BehaviourStore& behaviour_;
  ArticleStore& articles_;
  const BehaviourConfig config_;
  const ContentProjection projection_;  // content vector -> an untrained input vector

  // Only the batch's (single) writer touches these.
  std::optional<NegativePool> pool_;  // committed pool plus this batch's clicks; loaded lazily
  // What undoing the current batch restores: the pool as it began, and the cache entries the batch
  // put. Its own object per batch, so that a batch staged while the one before is still being
  // written can be undone and then that one too (the undo steps run newest first).
  struct BatchStart {
    std::optional<NegativePool> pool;
    std::vector<uint64_t> cached;
  };
  std::shared_ptr<BatchStart> batch_start_;
  bool in_batch_ = false;
  absl::node_hash_map<uint64_t, BehaviourVectors> touched_;  // this batch's vectors
  // Which of the touched articles had an input or output vector stored before the batch (the
  // others start from their content vector or zero, which is not stored until trained).
  absl::flat_hash_set<uint64_t> input_stored_;
  absl::flat_hash_set<uint64_t> output_stored_;
  BehaviourVectorCache cache_;
  // Only trained inputs are stored and indexed: the behaviour index holds exactly the articles
  // whose input vector is stored, live or after a restart.
  absl::flat_hash_set<uint64_t> inputs_changed_;
  absl::flat_hash_set<uint64_t> outputs_changed_;
  absl::flat_hash_set<uint32_t> pool_slots_changed_;
  std::vector<float> gradient_;  // TrainPair's scratch
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_BEHAVIOUR_EMBEDDING_SIGNAL_H_
