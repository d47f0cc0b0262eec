// Options of the RocksDB instance (src/store): the "storage" section of the config.
#ifndef HEADLINER_STORE_STORAGE_CONFIG_H_
#define HEADLINER_STORE_STORAGE_CONFIG_H_

#include "common/option_table.h"

namespace headliner {

struct StorageConfig {
  // Shared block cache for SST reads.
  int block_cache_mib = 256;
  // Cache of rows read from SST files (see DatabaseOptions::row_cache_bytes); 0: none.
  int row_cache_mib = 32;
  // Catalog rows requests read (id mappings, the articles they show), parsed, in memory
  // (store/catalog_read_cache.h); 0: none.
  int catalog_cache_mib = 32;
  // Memtable size of each column family before it is flushed.
  int write_buffer_mib = 64;
  // Bound on the write-ahead log (see DatabaseOptions::max_wal_bytes); 0 leaves it to RocksDB,
  // which allows 4x all memtables.
  int max_wal_mib = 64;
  // fsync the WAL on every batch (survives a machine crash, not only a process crash).
  bool sync_writes = false;
  // RocksDB's ticker counters (block cache hits and misses for the metrics endpoint); see
  // DatabaseOptions::statistics.
  bool statistics = true;
  // Free disk space kept in reserve under the data dir (see DatabaseOptions::min_free_bytes);
  // 0 turns the guard off.
  int min_free_disk_mib = 256;
};

// Declares the keys of `config` under "storage".
void DeclareStorageOptions(StorageConfig& config, OptionTable& table);

}  // namespace headliner

#endif  // HEADLINER_STORE_STORAGE_CONFIG_H_
