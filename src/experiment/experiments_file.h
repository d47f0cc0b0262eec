// The experiments file of a running server: read and validated at start (an invalid file stops
// the start, with the message naming file, line and key), then read again every
// `reload_interval` on a thread of its own ("experiments-watch"). A changed file that validates
// replaces the config atomically; requests already running finish on the config they loaded. A
// changed file that does not validate changes nothing: the running config stays, the error is
// logged once per change and reported by Status() until a good file replaces it.
//
// Kubernetes updates a ConfigMap by pointing the "..data" symlink of its volume at a new
// directory; the file's path goes through that link, so reading the path again sees the new
// content. Change is detected by content, not by timestamps, which the swap does not move on the
// path's own link.
//
// Thread-safe: current() and Status() from any thread.
#ifndef HEADLINER_EXPERIMENT_EXPERIMENTS_FILE_H_
#define HEADLINER_EXPERIMENT_EXPERIMENTS_FILE_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/mutex.h"
#include "common/snapshot.h"
#include "experiment/experiment_config.h"
#include "experiment/experiment_options.h"
#include "rank/ranking_config.h"

namespace headliner {

struct ExperimentsFileStatus {
  std::string path;
  absl::Time loaded_at = absl::InfinitePast();  // when the running config was read
  uint64_t reloads = 0;                         // changed files applied since start
  uint64_t reload_failures = 0;                 // changed files refused since start
  std::string last_error;                       // the refused file's error; empty once fixed
  absl::Time last_error_at = absl::InfinitePast();
};

class ExperimentsFile {
 public:
  // Reads and validates `options.file` against the service's ranking `base` (which must outlive
  // this), and starts watching it. With no file configured, current() is an empty config.
  static absl::StatusOr<std::unique_ptr<ExperimentsFile>> Open(const ExperimentOptions& options,
                                                               const RankingConfig& base);
  ~ExperimentsFile();  // stops the thread

  // The config in force; never null.
  std::shared_ptr<const ExperimentsConfig> current() const { return current_.Load(); }
  ExperimentsFileStatus Status() const;

  // Reads the file now and applies it if it changed and validates (what the thread does each
  // interval). Returns the error of the file on disk when it is not the one in force (refused,
  // or unreadable).
  absl::Status ReloadNow();

 private:
  ExperimentsFile(const ExperimentOptions& options, const RankingConfig& base)
      : options_(options), base_(base) {}
  void Watch();

  const ExperimentOptions options_;
  const RankingConfig& base_;
  Snapshot<const ExperimentsConfig> current_;

  mutable Mutex mu_;
  std::string text_ ABSL_GUARDED_BY(mu_);          // the content last read
  bool text_applied_ ABSL_GUARDED_BY(mu_) = true;  // whether text_ is the config in force
  ExperimentsFileStatus status_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace headliner

#endif  // HEADLINER_EXPERIMENT_EXPERIMENTS_FILE_H_
