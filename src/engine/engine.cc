#include "engine/engine.h"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "encode/sentence_encoder_loader.h"
#include "store/encoder_record.h"

namespace headliner {
namespace {

DatabaseOptions DatabaseOptionsOf(const EngineConfig& config) {
  constexpr uint64_t kMiB = 1 << 20;
  DatabaseOptions options;
  options.sync_writes = config.storage.sync_writes;
  options.block_cache_bytes = config.storage.block_cache_mib * kMiB;
  options.row_cache_bytes = config.storage.row_cache_mib * kMiB;
  options.write_buffer_bytes = config.storage.write_buffer_mib * kMiB;
  options.max_wal_bytes = config.storage.max_wal_mib * kMiB;
  options.min_free_bytes = config.storage.min_free_disk_mib * kMiB;
  options.statistics = config.storage.statistics;
  options.click_event_ttl = config.clicks.dedup_window;
  options.session_ttl = config.clicks.session_idle_timeout;
  return options;
}

}  // namespace

Engine::Engine(std::string data_dir, std::unique_ptr<SentenceEncoder> model,
               std::unique_ptr<Database> database, std::unique_ptr<Tables> tables,
               std::unique_ptr<VectorIndex> content_index,
               std::unique_ptr<VectorIndex> behaviour_index, absl::Duration popularity_half_life,
               absl::Duration covisitation_half_life)
    : data_dir_(std::move(data_dir)),
      model_(std::move(model)),
      database_(std::move(database)),
      tables_(std::move(tables)),
      content_index_(std::move(content_index)),
      behaviour_index_(std::move(behaviour_index)),
      sources_{.articles = tables_->articles(),
               .clicks = tables_->clicks(),
               .covisitation = tables_->covisitation(),
               .content_index = *content_index_,
               .behaviour_index = *behaviour_index_,
               .popularity_half_life = popularity_half_life,
               .covisitation_half_life = covisitation_half_life} {}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(const std::string& data_dir,
                                                     const EngineConfig& config) {
  RETURN_IF_ERROR(ValidateEngineConfig(config));
  // First: a missing model fails the start before anything is created.
  ASSIGN_OR_RETURN(std::unique_ptr<SentenceEncoder> model, LoadSentenceEncoder(config.encoder));
  return Open(data_dir, config, std::move(model));
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(const std::string& data_dir,
                                                     const EngineConfig& config,
                                                     std::unique_ptr<SentenceEncoder> model) {
  RETURN_IF_ERROR(ValidateEngineConfig(config));
  const int dimension = config.encoder.vector_dimension();
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data_dir ", data_dir, ": ", ec.message()));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Database> database,
                   Database::Open((std::filesystem::path(data_dir) / "rocksdb").string(),
                                  DatabaseOptionsOf(config)));
  const int behaviour_dimension = BehaviourDimension(config);
  ASSIGN_OR_RETURN(std::unique_ptr<Tables> tables,
                   Tables::Open(*database, behaviour_dimension,
                                static_cast<size_t>(config.storage.catalog_cache_mib) << 20));
  if (absl::Status s =
          CheckEncoderRecord(*database, tables->articles(), EncoderIdentity(config.encoder));
      !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("data_dir ", data_dir, ": ", s.message()));
  }
  if (absl::Status s = tables->behaviour().CheckStoredDimension(); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("data_dir ", data_dir, ": ", s.message()));
  }
  std::unique_ptr<Engine> engine(
      new Engine(data_dir, std::move(model), std::move(database), std::move(tables),
                 std::make_unique<VectorIndex>(dimension, config.index),
                 std::make_unique<VectorIndex>(behaviour_dimension, config.index),
                 config.clicks.popularity_half_life, config.covisitation.half_life));
  ASSIGN_OR_RETURN(const std::string token_key, ReadTokenKey(config.experiments));
  ASSIGN_OR_RETURN(
      engine->applier_,
      EventApplier::Create(*engine->tables_, *engine->content_index_, *engine->behaviour_index_,
                           config.encoder, engine->model_.get(), config.validation, config.apply,
                           config.clicks, config.covisitation, config.behaviour, token_key));
  RETURN_IF_ERROR(engine->RestoreIndexes(config.index));
  engine->ServeRanking(config.ranking);
  return engine;
}

absl::Status Engine::RestoreIndexes(const IndexConfig& index) {
  const std::string dir = (std::filesystem::path(data_dir_) / "index").string();
  // A read-only start (full disk) could neither trim the journal nor write snapshots.
  if (!index.snapshots || database_->read_only()) {
    if (!index.snapshots) IndexSnapshotter::RemoveSnapshots(dir);
    return applier_->RestoreIndex();
  }
  applier_->set_journal_index_changes(true);
  snapshotter_ = std::make_unique<IndexSnapshotter>(dir, *applier_, *content_index_,
                                                    *behaviour_index_, index.snapshot_interval);
  return snapshotter_->Restore();
}

void Engine::ServeRanking(const RankingConfig& ranking) {
  if (ranking.candidate_cache_size == 0) {
    ranker_ = std::make_unique<Ranker>(sources_, ranking);
    return;
  }
  candidate_cache_ = std::make_unique<CandidateListCache>(
      static_cast<size_t>(ranking.candidate_cache_size), ranking.candidate_pool,
      static_cast<size_t>(ranking.filtered_list_cache_size), ranking.filtered_list_ttl);
  ranker_ = std::make_unique<Ranker>(sources_, ranking, candidate_cache_.get());
  refresher_ = std::make_unique<CandidateRefresher>(
      ranker_->builder(), sources_, *candidate_cache_, ranking.candidate_refresh_delay,
      ranking.list_search_max_age, ranking.refresh_partner_changes);
  refresher_nice_ = ranking.refresher_nice;
  applier_->SetChangeListener([this](const ChangedArticles& changed) {
    refresher_->Notify(changed);
    if (!background_started_.load(std::memory_order_acquire)) refresher_->RefreshNow();
  });
}

std::unique_ptr<Ranker> Engine::MakeRanker(const RankingConfig& ranking) const {
  CandidateListCache* shared =
      BuildsTheSameLists(ranking, ranker_->config()) ? candidate_cache_.get() : nullptr;
  return std::make_unique<Ranker>(sources_, ranking, shared);
}

Engine::~Engine() {
  // Users of the tables and indexes go first; the refresher's and the indexes' threads stop
  // before the database closes. A server's last index snapshot makes its next start quick.
  if (snapshotter_ != nullptr && background_started_.load()) {
    if (absl::Status s = snapshotter_->SnapshotNow(); !s.ok()) {
      LogError("engine", "last index snapshot: %s", s.ToString());
    }
  }
  snapshotter_.reset();
  refresher_.reset();
  ranker_.reset();
  applier_.reset();
  content_index_.reset();
  behaviour_index_.reset();
  tables_.reset();
  if (database_ == nullptr) return;
  if (absl::Status s = database_->Close(); !s.ok()) {
    LogError("engine", "closing %s: %s", data_dir_, s.ToString());
  }
}

void Engine::StartBackgroundCompaction() {
  if (background_started_.exchange(true)) return;
  content_index_->StartBackgroundCompaction();
  behaviour_index_->StartBackgroundCompaction();
  if (refresher_ != nullptr) refresher_->Start(refresher_nice_);
  if (snapshotter_ != nullptr) snapshotter_->Start();
}

absl::Status Engine::SnapshotIndexes() {
  if (snapshotter_ == nullptr) return absl::FailedPreconditionError("index.snapshots is off");
  return snapshotter_->SnapshotNow();
}

absl::StatusOr<uint64_t> Engine::Checkpoint(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path target(dir);
  std::error_code ec;
  if (!target.is_absolute() || !target.has_filename()) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint dir ", dir, ": give an absolute path, not ending in /"));
  }
  if (fs::exists(target, ec)) {
    return absl::AlreadyExistsError(absl::StrCat("checkpoint dir ", dir, " exists already"));
  }
  if (!fs::is_directory(target.parent_path(), ec)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint dir ", dir, ": ", target.parent_path().string(), " is not a directory"));
  }
  if (read_only()) {
    return absl::FailedPreconditionError("the storage is read-only (disk nearly full)");
  }
  const fs::path partial = target.string() + ".partial";
  fs::remove_all(partial, ec);  // an earlier attempt's
  fs::create_directory(partial, ec);
  if (ec) return absl::InternalError(absl::StrCat("create ", partial.string(), ": ", ec.message()));
  auto copy_tables = [&] { return database_->Checkpoint((partial / "rocksdb").string()); };
  absl::Status status = snapshotter_ != nullptr ? snapshotter_->CopyWithTables(
                                                      (partial / "index").string(), copy_tables)
                                                : copy_tables();
  if (status.ok()) {
    fs::rename(partial, target, ec);
    if (ec) status = absl::InternalError(absl::StrCat("rename to ", dir, ": ", ec.message()));
  }
  if (!status.ok()) {
    fs::remove_all(partial, ec);
    return status;
  }
  uint64_t bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(target, ec)) {
    if (entry.is_regular_file(ec)) bytes += entry.file_size(ec);
  }
  LogInfo("engine", "checkpoint written to %s (%d bytes)", dir, bytes);
  return bytes;
}

void Engine::CompactIfDue() {
  content_index_->CompactIfDue();
  behaviour_index_->CompactIfDue();
}

}  // namespace headliner
