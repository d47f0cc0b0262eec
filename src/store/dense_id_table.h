// A table of one Row per dense id, in memory, read without a lock: rows live in chunks of 2^16
// that never move once allocated, and a chunk's pointer is published with a release store, so a
// reader sees a chunk either absent (no row set yet) or whole. What a Row holds, and how its
// fields are kept consistent for readers (atomics), is the user's. Ids from 2^32 on have no row
// (dense ids are held in 32 bits elsewhere too).
//
// Thread safety: any number of readers; writers may call MutableRow concurrently (the chunk
// allocation is serialised by `mu_`), and synchronise their writes to a row themselves.
#ifndef HEADLINER_STORE_DENSE_ID_TABLE_H_
#define HEADLINER_STORE_DENSE_ID_TABLE_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/mutex.h"

namespace headliner {

template <typename Row>
class DenseIdTable {
 public:
  DenseIdTable() : chunk_table_(std::make_unique<std::atomic<Chunk*>[]>(kMaxChunks)) {}
  DenseIdTable(const DenseIdTable&) = delete;
  DenseIdTable& operator=(const DenseIdTable&) = delete;

  // The row of `dense_id`, or null when none was ever made (or the id is from 2^32 on).
  const Row* Find(uint64_t dense_id) const {
    if (dense_id >> 32 != 0) return nullptr;
    const Chunk* chunk = chunk_table_[dense_id >> kChunkBits].load(std::memory_order_acquire);
    return chunk == nullptr ? nullptr : &(*chunk)[dense_id & (kChunkRows - 1)];
  }

  // The row of `dense_id`, made (value-initialised) if needed; null for ids from 2^32 on.
  Row* Mutable(uint64_t dense_id) {
    if (dense_id >> 32 != 0) return nullptr;
    std::atomic<Chunk*>& slot = chunk_table_[dense_id >> kChunkBits];
    Chunk* chunk = slot.load(std::memory_order_acquire);
    if (chunk == nullptr) {
      MutexLock lock(&mu_);
      chunk = slot.load(std::memory_order_relaxed);
      if (chunk == nullptr) {
        chunks_.push_back(std::make_unique<Chunk>());
        chunk = chunks_.back().get();
        slot.store(chunk, std::memory_order_release);
      }
    }
    return &(*chunk)[dense_id & (kChunkRows - 1)];
  }

 private:
  static constexpr int kChunkBits = 16;
  static constexpr size_t kChunkRows = size_t{1} << kChunkBits;
  static constexpr size_t kMaxChunks = size_t{1} << (32 - kChunkBits);
  using Chunk = std::array<Row, kChunkRows>;

  Mutex mu_;
  // Chunk i holds the rows of dense ids [i * kChunkRows, (i + 1) * kChunkRows); null until the
  // first of them is made. Allocated once (kMaxChunks pointers), owned by `chunks_`.
  std::unique_ptr<std::atomic<Chunk*>[]> chunk_table_;
  std::vector<std::unique_ptr<Chunk>> chunks_ ABSL_GUARDED_BY(mu_);
};

}  // namespace headliner

#endif  // HEADLINER_STORE_DENSE_ID_TABLE_H_
