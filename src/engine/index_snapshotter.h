// Keeps snapshots of the content and behaviour indexes in one directory (data_dir/index/) and
// restores the indexes from them at start-up, so that a restart takes the time to read two files
// and replay the changes made since, instead of rebuilding both HNSW graphs from RocksDB.
//
// Consistency: a pair of snapshots is taken at the index journal position P the indexes reflect
// (EventApplier::IndexedPosition, read before either index is exported, so each snapshot
// reflects at least P). Only after both files are durable is the journal trimmed through P.
// Restore loads both, then replays every journal entry after the older of their positions
// (EventApplier::CatchUpIndex reads the named articles' current vectors, so replaying a change a
// snapshot already holds is harmless). A snapshot that is missing, damaged, of another format, or
// older than the journal reaches back, falls back to a rebuild from the tables with a log line.
//
// Thread safety: Restore runs before anything else uses the indexes. Start's thread, SnapshotNow
// and Stats may run concurrently; `mu_` guards the stats and the thread's stop flag, and
// `write_mu_` makes snapshots one at a time.
#ifndef HEADLINER_ENGINE_INDEX_SNAPSHOTTER_H_
#define HEADLINER_ENGINE_INDEX_SNAPSHOTTER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/mutex.h"
#include "index/vector_index.h"
#include "ingest/event_applier.h"

namespace headliner {

struct IndexSnapshotStats {
  uint64_t written = 0;   // snapshot pairs written by this process
  uint64_t failures = 0;  // pairs that could not be written (logged)
  uint64_t position = 0;  // journal position of the newest pair (loaded or written)
  uint64_t bytes = 0;     // size of the newest pair
  absl::Duration last_write;
  // The last start: loaded from snapshots (and how many journal entries were replayed), or
  // rebuilt from RocksDB; and how long restoring the indexes took.
  bool restored_from_snapshots = false;
  uint64_t replayed_entries = 0;
  absl::Duration restore_time;
};

class IndexSnapshotter {
 public:
  // The applier and indexes must outlive the snapshotter.
  IndexSnapshotter(std::string dir, EventApplier& applier, VectorIndex& content,
                   VectorIndex& behaviour, absl::Duration interval);
  ~IndexSnapshotter();  // stops the thread (without a last snapshot: see SnapshotNow)

  IndexSnapshotter(const IndexSnapshotter&) = delete;
  IndexSnapshotter& operator=(const IndexSnapshotter&) = delete;

  // Start-up: loads the indexes from the snapshots and catches up with the journal, or rebuilds
  // them from the tables when that is not possible. An error only if the rebuild fails.
  absl::Status Restore();
  // Writes a pair of snapshots if the indexes changed since the last pair, then trims the
  // journal. Called every `interval` by the thread, and by the Engine at a clean stop.
  absl::Status SnapshotNow();
  // A checkpoint's indexes: brings the snapshots up to date, runs `copy_tables` (the tables'
  // checkpoint, which then holds every journal entry after the snapshots' position) and copies the
  // two files into `target_dir`, all while no other snapshot can trim the journal. A replica
  // restored from the copies and those tables catches up as after a restart.
  absl::Status CopyWithTables(const std::string& target_dir,
                              const std::function<absl::Status()>& copy_tables);
  void Start();

  IndexSnapshotStats Stats() const;

  // Deletes the snapshots of `dir` (snapshots are off: they would go stale and be trusted later).
  static void RemoveSnapshots(const std::string& dir);

 private:
  absl::StatusOr<uint64_t> LoadAndCatchUp();
  absl::Status SnapshotLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  void Loop();

  const std::string dir_;
  EventApplier& applier_;
  VectorIndex& content_;
  VectorIndex& behaviour_;
  const absl::Duration interval_;

  Mutex write_mu_;  // one snapshot at a time

  mutable Mutex mu_;
  IndexSnapshotStats stats_ ABSL_GUARDED_BY(mu_);
  bool has_snapshot_ ABSL_GUARDED_BY(mu_) = false;  // stats_.position is on disk
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace headliner

#endif  // HEADLINER_ENGINE_INDEX_SNAPSHOTTER_H_
