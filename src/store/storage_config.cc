#include "store/storage_config.h"

namespace headliner {

void DeclareStorageOptions(StorageConfig& c, OptionTable& table) {
  table.In("storage")
      .Int("block_cache_mib", c.block_cache_mib, 8, 1 << 20)
      .Int("row_cache_mib", c.row_cache_mib, 0, 1 << 20)
      .Int("catalog_cache_mib", c.catalog_cache_mib, 0, 1 << 20)
      .Int("write_buffer_mib", c.write_buffer_mib, 1, 4096)
      .Int("max_wal_mib", c.max_wal_mib, 0, 1 << 20)
      .Bool("sync_writes", c.sync_writes)
      .Bool("statistics", c.statistics)
      .Int("min_free_disk_mib", c.min_free_disk_mib, 0, 1 << 30);
}

}  // namespace headliner
