// Options of the vector indexes (src/index): the "index" section of the config.
#ifndef HEADLINER_INDEX_INDEX_CONFIG_H_
#define HEADLINER_INDEX_INDEX_CONFIG_H_

#include <cstddef>

#include "absl/time/time.h"
#include "common/option_table.h"

namespace headliner {

struct IndexConfig {
  // HNSW graph degree and search/construction breadth of the main segment.
  int hnsw_m = 32;
  int hnsw_ef_construction = 64;
  int hnsw_ef_search = 64;
  // The delta (flat) segment is compacted into a new main segment once it holds this many
  // vectors, or the main segment has this many masked (stale or deleted) entries.
  int compaction_threshold = 2000;
  // An updated vector whose inner product with the vector its graph entry was inserted with is
  // at least this keeps its place in the graph (its codes are replaced; vector_index.h) instead
  // of being re-inserted. Unit vectors at 0.98 are 11 degrees apart. 1: always re-insert.
  double keep_place_similarity = 0.98;
  // The background compaction (StartBackgroundCompaction) uses at most this share of a core on
  // average: after a compaction that took t it waits t (1 / share - 1) before the next. On two
  // cores an unbounded loop took a whole core rebuilding the behaviour graph of 100k articles
  // whose vectors clicks keep moving, away from applying those clicks (BENCHMARKS.md). Meanwhile
  // changed vectors wait in the delta segment, searched exactly. 1: compact whenever due.
  double compaction_max_share = 0.25;
  // The compaction thread's nice value (common/background_thread.h): under load it yields to
  // the request and apply threads, which run at 0; on an idle core it runs at full speed.
  int compaction_nice = 10;
  // Below this many vectors everything stays in the flat segment: exact and fast enough.
  int min_main_segment = 2000;
  // Store the main segment's vectors as 8-bit scalar-quantised codes (a quarter of the memory
  // traffic per HNSW hop); the delta segment always keeps float32.
  bool quantize_main_segment = true;
  // Save both indexes to data_dir/index/ (index/index_snapshot.h) every `snapshot_interval`
  // when they changed, and at a clean stop, so that a restart loads them and replays only later
  // changes instead of rebuilding the graphs. Off: a restart rebuilds from RocksDB.
  bool snapshots = true;
  absl::Duration snapshot_interval = absl::Minutes(1);
  // Not a config key (tests make it small): a full rebuild decodes the old main segment's live
  // entries this many at a time (16 MB of floats at dimension 256), never all of them at once.
  size_t rebuild_chunk = 16384;
};

// Declares the keys of `config` under "index".
void DeclareIndexOptions(IndexConfig& config, OptionTable& table);

}  // namespace headliner

#endif  // HEADLINER_INDEX_INDEX_CONFIG_H_
