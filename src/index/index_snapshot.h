// Index snapshots: a VectorIndex's whole content (the HNSW graph and storage codes of its main
// segment, the masked labels, the codes of entries moved in place, the delta rows) in one file,
// with the caller's position of the last change it reflects. Loading one takes the time to read the
// file; rebuilding the graph from every stored vector took minutes at a million articles.
//
// The position is opaque here; the engine uses the index journal's (store/index_journal.h), whose
// later entries it replays after a load. A snapshot is written to a temporary file, fsynced and
// renamed, so the file at `path` is always a whole snapshot. Its bytes end with a CRC-32 of
// everything before, checked on load; a graph that does not hold together (sizes, neighbour
// labels) is refused too, so a damaged file never reaches a search.
//
// Thread safety: Write may run concurrently with every use of the index (it reads an Export()).
#ifndef HEADLINER_INDEX_INDEX_SNAPSHOT_H_
#define HEADLINER_INDEX_INDEX_SNAPSHOT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "index/vector_index.h"

namespace headliner {

struct IndexSnapshotInfo {
  uint64_t position = 0;
  uint64_t entries = 0;  // main segment and delta rows, masked entries included
  uint64_t bytes = 0;    // file size
};

// Saves `index` as reflecting every change up to `position`.
absl::StatusOr<IndexSnapshotInfo> WriteIndexSnapshot(const VectorIndex& index, uint64_t position,
                                                     const std::string& path);

// Replaces the content of `index` with the snapshot at `path`. NotFound when there is none;
// DataLoss when it is damaged; FailedPrecondition when it was written with another dimension or
// main-segment format (index.hnsw_m, index.quantize_main_segment). On error `index` is unchanged.
absl::StatusOr<IndexSnapshotInfo> ReadIndexSnapshot(const std::string& path, VectorIndex& index);

}  // namespace headliner

#endif  // HEADLINER_INDEX_INDEX_SNAPSHOT_H_
