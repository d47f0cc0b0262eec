#include "engine/index_snapshotter.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/background_thread.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "index/index_snapshot.h"

namespace headliner {
namespace {

std::string ContentPath(const std::string& dir) { return dir + "/content.snapshot"; }
std::string BehaviourPath(const std::string& dir) { return dir + "/behaviour.snapshot"; }

double Millis(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

}  // namespace

IndexSnapshotter::IndexSnapshotter(std::string dir, EventApplier& applier, VectorIndex& content,
                                   VectorIndex& behaviour, absl::Duration interval)
    : dir_(std::move(dir)),
      applier_(applier),
      content_(content),
      behaviour_(behaviour),
      interval_(interval) {}

IndexSnapshotter::~IndexSnapshotter() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status IndexSnapshotter::Restore() {
  const absl::Time start = absl::Now();
  absl::StatusOr<uint64_t> replayed = LoadAndCatchUp();
  if (!replayed.ok()) {
    if (!absl::IsNotFound(replayed.status())) {
      LogWarning("index", "snapshots not used (%s); rebuilding from RocksDB",
                 replayed.status().message());
    }
    RETURN_IF_ERROR(applier_.RestoreIndex());
  }
  MutexLock lock(&mu_);
  stats_.restored_from_snapshots = replayed.ok();
  stats_.replayed_entries = replayed.ok() ? *replayed : 0;
  stats_.restore_time = absl::Now() - start;
  if (replayed.ok()) {
    LogInfo("index",
            "loaded snapshots at journal position %llu and replayed %llu entries in %.0f ms",
            static_cast<unsigned long long>(stats_.position),
            static_cast<unsigned long long>(*replayed), Millis(stats_.restore_time));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> IndexSnapshotter::LoadAndCatchUp() {
  ASSIGN_OR_RETURN(IndexSnapshotInfo content, ReadIndexSnapshot(ContentPath(dir_), content_));
  ASSIGN_OR_RETURN(IndexSnapshotInfo behaviour, ReadIndexSnapshot(BehaviourPath(dir_), behaviour_));
  const uint64_t position = std::min(content.position, behaviour.position);
  ASSIGN_OR_RETURN(uint64_t replayed, applier_.CatchUpIndex(position));
  MutexLock lock(&mu_);
  stats_.position = position;
  stats_.bytes = content.bytes + behaviour.bytes;
  has_snapshot_ = true;
  return replayed;
}

absl::Status IndexSnapshotter::SnapshotNow() {
  MutexLock one_at_a_time(&write_mu_);
  return SnapshotLocked();
}

absl::Status IndexSnapshotter::CopyWithTables(const std::string& target_dir,
                                              const std::function<absl::Status()>& copy_tables) {
  MutexLock one_at_a_time(&write_mu_);
  RETURN_IF_ERROR(SnapshotLocked());
  // The tables after the snapshots: they hold at least the state at the snapshots' position, and
  // the journal from there on (only a snapshot trims it, and none can run now).
  RETURN_IF_ERROR(copy_tables());
  std::error_code ec;
  std::filesystem::create_directories(target_dir, ec);
  for (const auto& [from, to] : {std::pair(ContentPath(dir_), ContentPath(target_dir)),
                                 std::pair(BehaviourPath(dir_), BehaviourPath(target_dir))}) {
    if (!std::filesystem::copy_file(from, to, ec)) {
      return absl::InternalError(absl::StrCat("copy ", from, " to ", to, ": ", ec.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status IndexSnapshotter::SnapshotLocked() {
  const uint64_t position = applier_.IndexedPosition();
  {
    MutexLock lock(&mu_);
    if (has_snapshot_ && stats_.position == position) return absl::OkStatus();
  }
  const absl::Time start = absl::Now();
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  absl::StatusOr<IndexSnapshotInfo> content =
      WriteIndexSnapshot(content_, position, ContentPath(dir_));
  absl::StatusOr<IndexSnapshotInfo> behaviour =
      content.ok() ? WriteIndexSnapshot(behaviour_, position, BehaviourPath(dir_))
                   : content.status();
  absl::Status status = behaviour.status();
  // Both files now reflect `position`: the entries up to it are no longer needed.
  if (status.ok()) status = applier_.TrimIndexJournal(position);
  MutexLock lock(&mu_);
  if (!status.ok()) {
    ++stats_.failures;
    return status;
  }
  ++stats_.written;
  has_snapshot_ = true;
  stats_.position = position;
  stats_.bytes = content->bytes + behaviour->bytes;
  stats_.last_write = absl::Now() - start;
  return absl::OkStatus();
}

void IndexSnapshotter::Start() {
  thread_ = std::thread([this] {
    SetCurrentThreadName("index-snapshot");
    Loop();
  });
}

void IndexSnapshotter::Loop() {
  while (true) {
    {
      MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stop_), interval_);
      if (stop_) return;
    }
    if (absl::Status s = SnapshotNow(); !s.ok()) {
      LogWarning("index", "snapshot failed (the journal is kept): %s", s.message());
    }
  }
}

IndexSnapshotStats IndexSnapshotter::Stats() const {
  MutexLock lock(&mu_);
  return stats_;
}

void IndexSnapshotter::RemoveSnapshots(const std::string& dir) {
  std::error_code ec;
  for (const std::string& path : {ContentPath(dir), BehaviourPath(dir)}) {
    if (std::filesystem::remove(path, ec)) {
      LogInfo("index", "snapshots are off; removed %s", path);
    }
  }
}

}  // namespace headliner
