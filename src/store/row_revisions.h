// A revision number per dense id, in memory, moved on each time a row of that id commits: a reader
// that recorded the revision before reading the row knows, while the revision is unchanged, that
// the row is still what it read, without reading it again. The candidate lists use it for the
// source's co-visitation partners, which every request checked by reading the partner row.
//
// Revisions start at 0 with the process (a row unchanged since start is as it was read); they are
// not stored. Ids from 2^32 on have no revision of their own and always read as changed
// (kUnknown), so no reader skips a read for them.
//
// Thread safety: any number of readers and writers. Reads take no lock: chunks never move once
// allocated and are published with a release store; `mu_` serialises their allocation.
#ifndef HEADLINER_STORE_ROW_REVISIONS_H_
#define HEADLINER_STORE_ROW_REVISIONS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/mutex.h"

namespace headliner {

class RowRevisions {
 public:
  // Never a recorded revision: what Find returns for ids it cannot track.
  static constexpr uint64_t kUnknown = UINT64_MAX;

  RowRevisions();
  RowRevisions(const RowRevisions&) = delete;
  RowRevisions& operator=(const RowRevisions&) = delete;

  // Call after the write of the row of `dense_id` is committed (StagedBatch::OnCommit).
  void Advance(uint64_t dense_id);
  uint64_t Find(uint64_t dense_id) const;

 private:
  static constexpr int kChunkBits = 16;
  static constexpr size_t kChunkRows = size_t{1} << kChunkBits;
  static constexpr size_t kMaxChunks = size_t{1} << (32 - kChunkBits);
  using Chunk = std::array<std::atomic<uint32_t>, kChunkRows>;

  mutable Mutex mu_;
  std::unique_ptr<std::atomic<Chunk*>[]> chunk_table_;  // kMaxChunks slots, null until used
  std::vector<std::unique_ptr<Chunk>> chunks_ ABSL_GUARDED_BY(mu_);
};

}  // namespace headliner

#endif  // HEADLINER_STORE_ROW_REVISIONS_H_
