// The embedded RocksDB instance and its column families. Owns the DB and every handle; the
// tables (store/tables.h: ArticleStore, ClickStore, CoVisitationStore, BehaviourStore,
// OffsetStore, RejectionCounters) borrow it and encode their own keys. Thread-safe, as
// rocksdb::DB is.
#ifndef HEADLINER_STORE_DATABASE_H_
#define HEADLINER_STORE_DATABASE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rocksdb/db.h"
#include "store/expiry_filter.h"

namespace headliner {

// Column families, in the order their handles are kept.
enum class Column {
  kDefault = 0,
  kCatalog,       // dense id -> Article (without embedding)
  kIds,           // external article id -> dense id
  kEmbeddings,    // dense id -> float32[dimension]
  kByTime,        // (published_at, dense id) of live articles -> ""
  kFrequencies,   // encoder feature bucket -> document count (merge: add)
  kMeta,          // named counters and settings (merge: add)
  kOffsets,       // (topic, partition) -> next Kafka offset to consume
  kSessions,      // session or user key -> recent clicks
  kActivity,      // article dense id or section -> click count and decayed popularity
  kClickEvents,   // click event id -> event time (duplicate detection)
  kCoVisits,      // (dense id a, dense id b) -> decayed co-visitation weight
  kPartners,      // dense id -> heaviest co-visited partners
  kBehaviour,     // dense id -> behaviour embedding (input and output vectors)
  kTrending,      // section -> its most popular articles
  kIndexJournal,  // journal position -> articles whose index vectors that batch changed
  kExperiments,   // experiment exposures and clicks, per reader and per variant (merge: add)
  kCount,
};

struct DatabaseOptions {
  // fsync the WAL on every write. Off by default: the WAL survives a process crash (kill -9)
  // either way; only a machine crash can lose the last writes without it.
  bool sync_writes = false;
  size_t block_cache_bytes = 256 << 20;
  // Cache of whole rows read from SST files (RocksDB's row_cache), shared by every column family;
  // 0: none. A point read that hits it skips the index and data block search of the block cache.
  // It is keyed by table file, so a newer write of the key (in a memtable or a newer file) is
  // never shadowed by a cached older row.
  size_t row_cache_bytes = 32 << 20;
  // Memtable size of each column family before it is flushed to an SST file.
  size_t write_buffer_bytes = 64 << 20;
  // Bound on the write-ahead log; 0 leaves it to RocksDB. A WAL file is deleted only once every
  // column family with data in it has been flushed, and the small column families written by every
  // batch (offsets, meta) fill their memtables slowly, so without a bound they pin every log:
  // RocksDB's default bound is 4x all memtables (7.7 GB here). Past this size RocksDB flushes the
  // column families that hold the oldest log. It also bounds the replay after a crash.
  uint64_t max_wal_bytes = 64 << 20;
  // RocksDB's ticker counters (kExceptHistogramOrTimers: no histograms or timers, which would
  // cost the write path), for Activity()'s block cache figures; off, those read 0. Their cost on
  // the apply path was below this VM's noise in six alternating rounds (BENCHMARKS.md, issue 14).
  bool statistics = true;
  // Free space the database keeps in reserve on its file system. RocksDB must never run out of
  // space itself: a write that fails with ENOSPC leaves its log writer in an error state that
  // the next WAL flush (at close) or recovery (at open) turns into an abort (Debian's RocksDB
  // 7.8 is built with assertions). So a write is refused (ResourceExhausted) while less than
  // this is free, before RocksDB sees it, and the database opens read-only when a start finds
  // less than this free. 0 turns the guard off.
  uint64_t min_free_bytes = 256 << 20;
  // Click event ids and idle sessions older than these (in event time) are dropped during
  // compactions; zero keeps them forever.
  absl::Duration click_event_ttl = absl::ZeroDuration();
  absl::Duration session_ttl = absl::ZeroDuration();
};

// What RocksDB holds in memory, for reports (Stats) and memory budgets.
struct DatabaseMemory {
  uint64_t memtables = 0;           // all column families, active and waiting to be flushed
  uint64_t block_cache = 0;         // the shared block cache's usage (data, index, filter blocks)
  uint64_t block_cache_pinned = 0;  // of which pinned by readers
  uint64_t table_readers = 0;       // open SST readers outside the block cache
  uint64_t row_cache = 0;           // the row cache's usage (0 without one)
};

// RocksDB's background work and block cache, for monitoring.
struct DatabaseActivity {
  bool compaction_pending = false;
  uint64_t pending_compaction_bytes = 0;
  uint64_t running_compactions = 0;
  uint64_t running_flushes = 0;
  uint64_t block_cache_hits = 0;  // since open
  uint64_t block_cache_misses = 0;
  bool write_stalled = false;  // writes delayed or stopped for compaction to catch up
};

class Database {
 public:
  // Opens (creating if needed) the database under `path`; read-only when less than
  // `options.min_free_bytes` is free there (see read_only()).
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path,
                                                        const DatabaseOptions& options);
  ~Database();

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  rocksdb::DB& db() { return *db_; }
  rocksdb::ColumnFamilyHandle* handle(Column c) { return handles_[static_cast<int>(c)]; }

  // Applies `batch` atomically: every change in it is durable together, or none is.
  // ResourceExhausted, without writing, when the disk is nearly full or the database is
  // read-only (see CheckRoomToWrite).
  absl::Status Write(rocksdb::WriteBatch& batch);
  // Fault injection for tests of the writers' failure paths: every Write first calls `fault` and
  // fails with its status, writing nothing, when that is not OK. Set before any write; `fault` is
  // called from whichever thread writes.
  void SetWriteFaultForTesting(std::function<absl::Status()> fault) {
    write_fault_ = std::move(fault);
  }

  // OK when a write may go ahead: the database is writable, no write has failed on I/O, and at
  // least `min_free_bytes` is free. ResourceExhausted (disk) or Unavailable (a failed write)
  // otherwise, with a message naming the key to change.
  absl::Status CheckRoomToWrite() const;

  // Opened read-only because the disk was full at start: it serves what is on disk (and in the
  // write-ahead log) and refuses writes. A new Database must be opened to write again.
  bool read_only() const { return read_only_; }

  // Writes a consistent copy of the database (every column family at one point in the write
  // sequence, the consumed offsets with the state they produced) into `dir`, which must not
  // exist yet: RocksDB's checkpoint, hard links to the SST files when `dir` is on the same file
  // system, after a flush of the memtables (so the copy needs no write-ahead log). A Database
  // opened on `dir` is the state at that point.
  absl::Status Checkpoint(const std::string& dir);

  // Free bytes on the file system of the database, or an error from statvfs.
  absl::StatusOr<uint64_t> FreeBytes() const;
  uint64_t min_free_bytes() const { return options_.min_free_bytes; }

  // Reads one value; NotFound is reported as an empty optional, other failures as errors.
  absl::StatusOr<std::optional<std::string>> Get(Column c, const rocksdb::Slice& key);
  // Reads a counter kept with the add merge operator (StagedBatch::Add): 0 when absent,
  // DataLoss when the stored value is not a counter.
  absl::StatusOr<uint64_t> GetCounter(Column c, const rocksdb::Slice& key);

  // Flushes memtables and closes the DB. Called by the destructor if not before.
  absl::Status Close();

  const std::string& path() const { return path_; }

  DatabaseMemory Memory() const;
  DatabaseActivity Activity() const;

  // The newest click time applied; the expiry filters measure age against it.
  EventClock& event_clock() { return event_clock_; }

 private:
  Database(std::string path, const DatabaseOptions& options)
      : path_(std::move(path)), options_(options) {}

  std::string path_;
  DatabaseOptions options_;
  bool read_only_ = false;
  // Set by the first write that fails on I/O (e.g. ENOSPC despite the reserve, from another
  // process filling the disk). RocksDB then refuses every write, and flushing its log at close
  // would abort the process, so Close skips that; a restart recovers from the log on disk.
  std::atomic<bool> write_failed_{false};
  std::function<absl::Status()> write_fault_;  // tests only; empty otherwise
  EventClock event_clock_;
  std::unique_ptr<ExpiryFilter> click_event_expiry_;  // used by RocksDB until Close()
  std::unique_ptr<ExpiryFilter> session_expiry_;
  std::shared_ptr<rocksdb::Cache> block_cache_;        // shared by every column family
  std::shared_ptr<rocksdb::Cache> row_cache_;          // null without one; likewise shared
  std::shared_ptr<rocksdb::Statistics> statistics_;    // RocksDB's counters (Activity())
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; destroyed in Close()
  std::unique_ptr<rocksdb::DB> db_;
};

// Converts a RocksDB status into the matching absl status, prefixing `context`.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view context);

}  // namespace headliner

#endif  // HEADLINER_STORE_DATABASE_H_
