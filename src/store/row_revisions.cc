#include "store/row_revisions.h"

namespace headliner {

RowRevisions::RowRevisions() : chunk_table_(std::make_unique<std::atomic<Chunk*>[]>(kMaxChunks)) {}

void RowRevisions::Advance(uint64_t dense_id) {
  if (dense_id >> 32 != 0) return;
  std::atomic<Chunk*>& slot = chunk_table_[dense_id >> kChunkBits];
  Chunk* chunk = slot.load(std::memory_order_acquire);
  if (chunk == nullptr) {
    MutexLock lock(&mu_);
    chunk = slot.load(std::memory_order_relaxed);
    if (chunk == nullptr) {
      chunks_.push_back(std::make_unique<Chunk>());  // zeroed: value-initialised atomics
      chunk = chunks_.back().get();
      slot.store(chunk, std::memory_order_release);
    }
  }
  (*chunk)[dense_id & (kChunkRows - 1)].fetch_add(1, std::memory_order_acq_rel);
}

uint64_t RowRevisions::Find(uint64_t dense_id) const {
  if (dense_id >> 32 != 0) return kUnknown;
  const Chunk* chunk = chunk_table_[dense_id >> kChunkBits].load(std::memory_order_acquire);
  if (chunk == nullptr) return 0;
  return (*chunk)[dense_id & (kChunkRows - 1)].load(std::memory_order_acquire);
}

}  // namespace headliner
