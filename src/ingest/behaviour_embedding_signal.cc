#include "ingest/behaviour_embedding_signal.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "common/half_precision.h"
#include "common/status_macros.h"
#include "index/inner_product.h"

namespace headliner {
namespace {

// FNV-1a: a hash that is the same in every process and build, unlike absl::Hash.
uint64_t StableHash(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

void BehaviourEmbeddingSignal::Reset() {
  touched_.clear();
  input_stored_.clear();
  output_stored_.clear();
  inputs_changed_.clear();
  outputs_changed_.clear();
  pool_slots_changed_.clear();
  batch_start_.reset();
  in_batch_ = false;
}

absl::StatusOr<BehaviourVectors*> BehaviourEmbeddingSignal::Vectors(uint64_t dense_id,
                                                                    StagedBatch& batch) {
  if (auto it = touched_.find(dense_id); it != touched_.end()) return &it->second;
  ASSIGN_OR_RETURN(BehaviourVectors v, Committed(dense_id, batch));
  if (!v.input.empty()) input_stored_.insert(dense_id);
  if (!v.output.empty()) output_stored_.insert(dense_id);
  const size_t dimension = static_cast<size_t>(behaviour_.dimension());
  if (v.input.empty()) {
    ASSIGN_OR_RETURN(std::optional<std::vector<float>> content,
                     articles_.FindEmbedding(dense_id, &batch));
    if (content && content->size() == projection_.from()) {
      v.input = projection_.Project(*content);
      NormalizeInPlace(v.input);
      RoundToHalf(v.input);  // as stored
    } else {
      v.input.assign(dimension, 0.0f);  // no usable content vector: learnt from clicks only
    }
  }
  if (v.output.empty()) v.output.assign(dimension, 0.0f);
  return &touched_.emplace(dense_id, std::move(v)).first->second;
}

absl::StatusOr<BehaviourVectors> BehaviourEmbeddingSignal::Committed(uint64_t dense_id,
                                                                     StagedBatch& batch) {
  // Taken out, not copied: FinishBatch puts every touched article back.
  if (std::optional<BehaviourVectors> cached = cache_.Take(dense_id)) return *std::move(cached);
  // The batch holds no behaviour row of an untouched article (only FinishBatch stages them), so
  // this is the committed state.
  ASSIGN_OR_RETURN(std::optional<BehaviourVectors> stored, behaviour_.Find(dense_id, &batch));
  return stored.value_or(BehaviourVectors{});
}

void BehaviourEmbeddingSignal::TrainPair(BehaviourVectors& center, BehaviourVectors& positive,
                                         std::span<BehaviourVectors* const> negatives) {
  const float rate = static_cast<float>(config_.learning_rate);
  const size_t d = center.input.size();
  gradient_.assign(d, 0.0f);
  auto step = [&](std::vector<float>& output, float label) {
    const float f = 1.0f / (1.0f + std::exp(-InnerProduct(center.input, output)));
    SkipGramStep(rate * (label - f), center.input.data(), output.data(), gradient_.data(), d);
  };
  step(positive.output, 1.0f);
  for (BehaviourVectors* n : negatives) step(n->output, 0.0f);
  for (size_t i = 0; i < d; ++i) center.input[i] += gradient_[i];
  // Rounded to what storage keeps after every step, not once per batch: the state after each
  // click is then the same whatever the batching, and the same read back from RocksDB as kept in
  // memory.
  RoundToHalf(center.input);
  RoundToHalf(positive.output);
  for (BehaviourVectors* n : negatives) RoundToHalf(n->output);
}

std::vector<uint64_t> BehaviourEmbeddingSignal::DrawNegatives(
    std::mt19937_64& rng, const std::vector<uint64_t>& exclude) const {
  std::vector<uint64_t> out;
  const std::vector<uint64_t>& ids = pool_->ids;
  if (ids.empty()) return out;
  // A few extra tries for draws that hit an excluded article; a small pool may give fewer.
  for (int tries = 0;
       tries < 3 * config_.negatives && out.size() < static_cast<size_t>(config_.negatives);
       ++tries) {
    const uint64_t id = ids[rng() % ids.size()];
    if (std::find(exclude.begin(), exclude.end(), id) != exclude.end()) continue;
    if (std::find(out.begin(), out.end(), id) != out.end()) continue;
    out.push_back(id);
  }
  return out;
}

absl::Status BehaviourEmbeddingSignal::Stage(const ResolvedClick& click,
                                             std::span<const SessionClick> history,
                                             ApplyContext& context) {
  StagedBatch& batch = context.writes;
  if (!in_batch_) {
    in_batch_ = true;
    batch_start_ = std::make_shared<BatchStart>();
    batch_start_->pool = pool_;
    context.undo.push_back([this, start = batch_start_] {
      for (uint64_t id : start->cached) cache_.Erase(id);  // not committed after all
      pool_ = start->pool;
      Reset();
    });
  }
  if (!pool_) {
    // Committed state is current: only this signal writes the pool, it has staged nothing, and
    // the pool is kept from batch to batch (so never reloaded while a batch is being written).
    ASSIGN_OR_RETURN(NegativePool pool, behaviour_.FindNegativePool());
    pool_ = std::move(pool);
    batch_start_->pool = pool_;
  }

  // Context: the most recent distinct earlier clicks within the window.
  const int64_t window = absl::ToInt64Microseconds(config_.window);
  std::vector<uint64_t> contexts;
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (contexts.size() >= static_cast<size_t>(config_.context_clicks)) break;
    if (it->dense_id == click.dense_id || std::llabs(click.micros - it->micros) > window) continue;
    if (std::find(contexts.begin(), contexts.end(), it->dense_id) != contexts.end()) continue;
    contexts.push_back(it->dense_id);
  }

  if (!contexts.empty()) {
    std::mt19937_64 rng(StableHash(click.event.event_id()) ^ click.dense_id);
    std::vector<uint64_t> exclude = contexts;
    exclude.push_back(click.dense_id);
    std::vector<BehaviourVectors*> negatives;
    const std::vector<uint64_t> negative_ids = DrawNegatives(rng, exclude);
    for (uint64_t id : negative_ids) {
      ASSIGN_OR_RETURN(BehaviourVectors * v, Vectors(id, batch));
      negatives.push_back(v);
    }
    ASSIGN_OR_RETURN(BehaviourVectors * clicked, Vectors(click.dense_id, batch));
    for (uint64_t a : contexts) {
      ASSIGN_OR_RETURN(BehaviourVectors * earlier, Vectors(a, batch));
      TrainPair(*clicked, *earlier, negatives);
      TrainPair(*earlier, *clicked, negatives);
      inputs_changed_.insert(a);
      outputs_changed_.insert(a);
    }
    inputs_changed_.insert(click.dense_id);
    outputs_changed_.insert(click.dense_id);
    for (uint64_t id : negative_ids) outputs_changed_.insert(id);
  }

  NegativePool& pool = *pool_;
  const size_t capacity = static_cast<size_t>(config_.negative_pool);
  size_t slot = pool.ids.size();
  if (slot < capacity) {
    pool.ids.push_back(click.dense_id);
  } else {
    slot = pool.next % pool.ids.size();
    pool.ids[slot] = click.dense_id;
  }
  pool_slots_changed_.insert(static_cast<uint32_t>(slot));
  pool.next = (pool.next + 1) % capacity;
  return absl::OkStatus();
}

absl::Status BehaviourEmbeddingSignal::FinishBatch(ApplyContext& context) {
  if (!in_batch_) return absl::OkStatus();
  // Sorted so that the staged writes and index changes come in a deterministic order.
  std::vector<uint64_t> ids;
  ids.reserve(touched_.size());
  for (const auto& [id, vectors] : touched_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (uint64_t id : ids) {
    BehaviourVectors& v = touched_.at(id);
    const bool output_changed = outputs_changed_.contains(id);
    const bool input_changed = inputs_changed_.contains(id);
    if (output_changed) behaviour_.StageOutput(context.writes, id, v.output);
    if (input_changed) {
      behaviour_.StageInput(context.writes, id, v.input);
      std::vector<float> normalized = v.input;
      NormalizeInPlace(normalized);
      context.index_changes.push_back({id, std::move(normalized), IndexKind::kBehaviour});
    }
    // The state once the batch commits, as RocksDB will return it.
    BehaviourVectors stored;
    if (input_changed || input_stored_.contains(id)) stored.input = std::move(v.input);
    if (output_changed || output_stored_.contains(id)) stored.output = std::move(v.output);
    cache_.Put(id, std::move(stored));
    batch_start_->cached.push_back(id);
  }
  const uint32_t chunk_slots = BehaviourStore::kNegativePoolChunkSlots;
  std::vector<uint32_t> chunks;
  for (uint32_t slot : pool_slots_changed_) chunks.push_back(slot / chunk_slots);
  std::sort(chunks.begin(), chunks.end());
  chunks.erase(std::unique(chunks.begin(), chunks.end()), chunks.end());
  const std::span<const uint64_t> pool_ids(pool_->ids);
  for (uint32_t chunk : chunks) {
    const size_t first = size_t{chunk} * chunk_slots;
    behaviour_.StageNegativePoolChunk(
        context.writes, chunk,
        pool_ids.subspan(first, std::min<size_t>(chunk_slots, pool_ids.size() - first)));
  }
  behaviour_.StageNegativePoolNext(context.writes, pool_->next);
  Reset();
  return absl::OkStatus();
}

}  // namespace headliner
