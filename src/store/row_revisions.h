// A revision number per dense id, in memory, moved on each time a row of that id commits: a reader
// that recorded the revision before reading the row knows, while the revision is unchanged, that
// the row is still what it read, without reading it again. The candidate lists use it for the
// source's co-visitation partners, which every request checked by reading the partner row.
//
// Revisions start at 0 with the process (a row unchanged since start is as it was read); they are
// not stored. Ids from 2^32 on have no revision of their own and always read as changed
// (kUnknown), so no reader skips a read for them.
//
// Thread safety: any number of readers and writers; reads take no lock (dense_id_table.h).
#ifndef HEADLINER_STORE_ROW_REVISIONS_H_
#define HEADLINER_STORE_ROW_REVISIONS_H_

#include <atomic>
#include <cstdint>

#include "store/dense_id_table.h"

namespace headliner {

class RowRevisions {
 public:
  // Never a recorded revision: what Find returns for ids it cannot track.
  static constexpr uint64_t kUnknown = UINT64_MAX;

  RowRevisions() = default;
  RowRevisions(const RowRevisions&) = delete;
  RowRevisions& operator=(const RowRevisions&) = delete;

  // Call after the write of the row of `dense_id` is committed (StagedBatch::OnCommit).
  void Advance(uint64_t dense_id);
  uint64_t Find(uint64_t dense_id) const;

 private:
  DenseIdTable<std::atomic<uint32_t>> revisions_;
};

}  // namespace headliner

#endif  // HEADLINER_STORE_ROW_REVISIONS_H_
