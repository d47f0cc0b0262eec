#include "experiment/experiments_file.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/background_thread.h"
#include "common/log.h"

namespace headliner {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(path + ": cannot read the experiments file");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ExperimentsFile>> ExperimentsFile::Open(
    const ExperimentOptions& options, const RankingConfig& base) {
  std::unique_ptr<ExperimentsFile> file(new ExperimentsFile(options, base));
  file->current_.Store(std::make_shared<const ExperimentsConfig>());
  if (options.file.empty()) return file;
  absl::StatusOr<std::string> text = ReadFile(options.file);
  if (!text.ok()) return text.status();
  absl::StatusOr<ExperimentsConfig> config = ParseExperimentsConfig(*text, options.file, base);
  if (!config.ok()) return config.status();
  file->current_.Store(std::make_shared<const ExperimentsConfig>(*std::move(config)));
  {
    MutexLock lock(&file->mu_);
    file->text_ = *std::move(text);
    file->status_.path = options.file;
    file->status_.loaded_at = absl::Now();
  }
  file->thread_ = std::thread([f = file.get()] { f->Watch(); });
  return file;
}

ExperimentsFile::~ExperimentsFile() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

ExperimentsFileStatus ExperimentsFile::Status() const {
  MutexLock lock(&mu_);
  return status_;
}

absl::Status ExperimentsFile::ReloadNow() {
  if (options_.file.empty()) return absl::OkStatus();
  // A file missing for a moment (being replaced) keeps the running config, like an invalid one.
  absl::StatusOr<std::string> text = ReadFile(options_.file);
  MutexLock lock(&mu_);
  if (text.ok() && *text == text_) {  // unchanged
    if (!text_applied_) return absl::InvalidArgumentError(status_.last_error);
    status_.last_error.clear();  // back after a moment without the file
    return absl::OkStatus();
  }
  absl::StatusOr<ExperimentsConfig> config =
      text.ok() ? ParseExperimentsConfig(*text, options_.file, base_)
                : absl::StatusOr<ExperimentsConfig>(text.status());
  if (text.ok()) {
    text_ = *text;
    text_applied_ = config.ok();
  }
  if (!config.ok()) {
    const bool repeated = status_.last_error == config.status().message();
    if (!repeated) {
      ++status_.reload_failures;
      status_.last_error = std::string(config.status().message());
      status_.last_error_at = absl::Now();
      LogError("experiments", "experiments file refused, the running one stays: %s",
               status_.last_error);
    }
    return config.status();
  }
  current_.Store(std::make_shared<const ExperimentsConfig>(*std::move(config)));
  ++status_.reloads;
  status_.loaded_at = absl::Now();
  status_.last_error.clear();
  LogInfo("experiments", "experiments file %s reloaded", options_.file);
  return absl::OkStatus();
}

void ExperimentsFile::Watch() {
  SetCurrentThreadName("experiments-watch");
  while (true) {
    {
      MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stop_), options_.reload_interval);
      if (stop_) return;
    }
    ReloadNow().IgnoreError();  // recorded in the status and logged
  }
}

}  // namespace headliner
