#include "store/database.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/statistics.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "store/keys.h"
#include "store/uint64_add_operator.h"

namespace headliner {
namespace {

constexpr const char* kColumnNames[] = {
    "default",  "catalog",   "ids",      "embeddings",    "by_time",      "frequencies",
    "meta",     "offsets",   "sessions", "activity",      "click_events", "covisits",
    "partners", "behaviour", "trending", "index_journal", "experiments"};
static_assert(sizeof(kColumnNames) / sizeof(kColumnNames[0]) ==
              static_cast<size_t>(Column::kCount));

}  // namespace

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view context) {
  if (s.ok()) return absl::OkStatus();
  const std::string msg = absl::StrCat(context, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  if (s.IsBusy() || s.IsTryAgain() || s.IsIOError()) return absl::UnavailableError(msg);
  return absl::InternalError(msg);
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                         const DatabaseOptions& options) {
  std::unique_ptr<Database> database(new Database(path, options));

  rocksdb::BlockBasedTableOptions table;
  database->block_cache_ = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.block_cache = database->block_cache_;
  table.cache_index_and_filter_blocks = true;
  // Most reads of the apply path look for keys that do not exist yet (a new click's event id, a
  // first co-visit of two articles): a Bloom filter answers those without reading data blocks.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));

  rocksdb::ColumnFamilyOptions cf;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.merge_operator = std::make_shared<UInt64AddOperator>();
  cf.write_buffer_size = options.write_buffer_bytes;

  database->click_event_expiry_ = std::make_unique<ExpiryFilter>(
      database->event_clock_, absl::ToInt64Microseconds(options.click_event_ttl),
      ExpiryFilter::Layout::kTimeOnly, "headliner.ClickEventExpiry");
  database->session_expiry_ = std::make_unique<ExpiryFilter>(
      database->event_clock_, absl::ToInt64Microseconds(options.session_ttl),
      ExpiryFilter::Layout::kTimeAtEnd, "headliner.SessionExpiry");
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (int c = 0; c < static_cast<int>(Column::kCount); ++c) {
    rocksdb::ColumnFamilyOptions options_of_column = cf;
    if (static_cast<Column>(c) == Column::kClickEvents) {
      options_of_column.compaction_filter = database->click_event_expiry_.get();
    }
    if (static_cast<Column>(c) == Column::kSessions) {
      options_of_column.compaction_filter = database->session_expiry_.get();
    }
    descriptors.emplace_back(kColumnNames[c], options_of_column);
  }

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 4;  // info logs
  db_options.max_total_wal_size = options.max_wal_bytes;
  if (options.statistics) {
    database->statistics_ = rocksdb::CreateDBStatistics();
    database->statistics_->set_stats_level(rocksdb::StatsLevel::kExceptHistogramOrTimers);
    db_options.statistics = database->statistics_;
  }
  if (options.row_cache_bytes > 0) {
    database->row_cache_ = rocksdb::NewLRUCache(options.row_cache_bytes);
    db_options.row_cache = database->row_cache_;
  }

  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  std::error_code exists_error;
  const bool exists =
      std::filesystem::exists(std::filesystem::path(path) / "CURRENT", exists_error);
  if (exists && !database->CheckRoomToWrite().ok()) {
    // Recovery writes (a new log, the manifest, options); on a full disk it would abort.
    database->read_only_ = true;
    s = rocksdb::DB::OpenForReadOnly(db_options, path, descriptors, &database->handles_, &raw);
  } else {
    s = rocksdb::DB::Open(db_options, path, descriptors, &database->handles_, &raw);
  }
  if (!s.ok()) return FromRocks(s, absl::StrCat("open RocksDB at ", path));
  database->db_.reset(raw);
  return database;
}

Database::~Database() { (void)Close(); }

DatabaseMemory Database::Memory() const {
  DatabaseMemory m;
  if (db_ == nullptr) return m;
  uint64_t value = 0;
  if (db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables, &value)) {
    m.memtables = value;
  }
  if (db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kEstimateTableReadersMem, &value)) {
    m.table_readers = value;
  }
  m.block_cache = block_cache_->GetUsage();
  m.block_cache_pinned = block_cache_->GetPinnedUsage();
  if (row_cache_ != nullptr) m.row_cache = row_cache_->GetUsage();
  return m;
}

DatabaseActivity Database::Activity() const {
  DatabaseActivity a;
  if (db_ == nullptr) return a;
  uint64_t value = 0;
  auto sum = [&](const std::string& property) {
    return db_->GetAggregatedIntProperty(property, &value) ? value : 0;
  };
  a.compaction_pending = sum(rocksdb::DB::Properties::kCompactionPending) > 0;
  a.pending_compaction_bytes = sum(rocksdb::DB::Properties::kEstimatePendingCompactionBytes);
  a.running_compactions = sum(rocksdb::DB::Properties::kNumRunningCompactions);
  a.running_flushes = sum(rocksdb::DB::Properties::kNumRunningFlushes);
  a.write_stalled = sum(rocksdb::DB::Properties::kActualDelayedWriteRate) > 0 ||
                    sum(rocksdb::DB::Properties::kIsWriteStopped) > 0;
  if (statistics_ != nullptr) {
    a.block_cache_hits = statistics_->getTickerCount(rocksdb::BLOCK_CACHE_HIT);
    a.block_cache_misses = statistics_->getTickerCount(rocksdb::BLOCK_CACHE_MISS);
  }
  return a;
}

absl::Status Database::Checkpoint(const std::string& dir) {
  if (db_ == nullptr) return absl::FailedPreconditionError("the database is closed");
  rocksdb::Checkpoint* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"));
  const std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);  // RocksDB's factory hands it over
  // log_size_for_flush 0: flush first, so the copy is SST files only.
  return FromRocks(checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0),
                   absl::StrCat("checkpoint into ", dir));
}

absl::StatusOr<uint64_t> Database::FreeBytes() const {
  struct statvfs fs;
  if (statvfs(path_.c_str(), &fs) != 0) {
    return absl::UnavailableError(absl::StrCat("statvfs ", path_, ": ", std::strerror(errno)));
  }
  return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
}

absl::Status Database::CheckRoomToWrite() const {
  if (read_only_) {
    return absl::ResourceExhaustedError(
        absl::StrCat("storage is read-only: opened with less than storage.min_free_disk_mib (",
                     options_.min_free_bytes >> 20, " MiB) free under ", path_));
  }
  if (write_failed_.load(std::memory_order_relaxed)) {
    return absl::UnavailableError(
        "storage: a write failed on I/O; restart the process to recover from the log");
  }
  if (options_.min_free_bytes == 0) return absl::OkStatus();
  ASSIGN_OR_RETURN(uint64_t free, FreeBytes());
  if (free < options_.min_free_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("disk nearly full: ", free >> 20, " MiB free under ", path_,
                     ", storage.min_free_disk_mib is ", options_.min_free_bytes >> 20));
  }
  return absl::OkStatus();
}

absl::Status Database::Write(rocksdb::WriteBatch& batch) {
  if (write_fault_) RETURN_IF_ERROR(write_fault_());
  RETURN_IF_ERROR(CheckRoomToWrite());
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync_writes;
  rocksdb::Status s = db_->Write(wo, &batch);
  if (s.IsIOError()) write_failed_.store(true, std::memory_order_relaxed);
  return FromRocks(s, "RocksDB write");
}

absl::StatusOr<std::optional<std::string>> Database::Get(Column c, const rocksdb::Slice& key) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handle(c), key, &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "RocksDB get");
  return value;
}

absl::StatusOr<uint64_t> Database::GetCounter(Column c, const rocksdb::Slice& key) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, Get(c, key));
  if (!v) return 0;
  std::optional<uint64_t> n = DecodeU64(*v);
  if (!n) return absl::DataLossError(absl::StrCat("counter ", key.ToString(), " is malformed"));
  return *n;
}

absl::Status Database::Close() {
  if (db_ == nullptr) return absl::OkStatus();
  // Nothing to flush read-only; after a failed write, flushing the log would abort (see
  // write_failed_).
  rocksdb::Status flushed =
      read_only_ || write_failed_.load() ? rocksdb::Status::OK() : db_->FlushWAL(/*sync=*/true);
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    (void)db_->DestroyColumnFamilyHandle(h);
  }
  handles_.clear();
  rocksdb::Status closed = db_->Close();
  db_.reset();
  if (!flushed.ok()) return FromRocks(flushed, "flush WAL");
  return FromRocks(closed, "close RocksDB");
}

}  // namespace headliner
