#include "index/index_config.h"

namespace headliner {

void DeclareIndexOptions(IndexConfig& c, OptionTable& table) {
  table.In("index")
      .Int("hnsw_m", c.hnsw_m, 4, 128)
      .Int("hnsw_ef_construction", c.hnsw_ef_construction, 8, 2048)
      .Int("hnsw_ef_search", c.hnsw_ef_search, 8, 4096)
      .Int("compaction_threshold", c.compaction_threshold, 16, 10000000)
      .Double("keep_place_similarity", c.keep_place_similarity, 0, 1)
      .Double("compaction_max_share", c.compaction_max_share, 0.01, 1)
      .Int("compaction_nice", c.compaction_nice, 0, 19)
      .Int("min_main_segment", c.min_main_segment, 16, 100000000)
      .Bool("quantize_main_segment", c.quantize_main_segment)
      .Bool("snapshots", c.snapshots)
      .Duration("snapshot_interval", c.snapshot_interval);
}

}  // namespace headliner
