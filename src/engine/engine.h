// The Engine opens and owns Headliner's state and the code over it, the way rocksdb::DB::Open
// hands out one DB: the content encoder's model (loaded once), the RocksDB database, every table
// (store/tables.h), the content and behaviour vector indexes (restored from the tables when it
// opens), the apply path (EventApplier, the single writer) and the served Ranker. The server, the
// tests and the benchmarks all open one, so what they measure is what is served.
//
// Two sides:
//  - applier(): the write side. Every change (Kafka batches, Admin writes, loaders) goes through
//    it.
//  - sources(), tables() const, the index accessors and ranker(): the read side, const views that
//    cannot reach the tables' write API.
//
// Thread safety: every accessor may be called from any thread; the applier serialises writers
// and the indexes and tables are safe for concurrent reads (see their headers).
#ifndef HEADLINER_ENGINE_ENGINE_H_
#define HEADLINER_ENGINE_ENGINE_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "encode/sentence_encoder.h"
#include "engine/engine_config.h"
#include "engine/index_snapshotter.h"
#include "index/vector_index.h"
#include "ingest/event_applier.h"
#include "rank/candidate_list_cache.h"
#include "rank/candidate_refresher.h"
#include "rank/rank_sources.h"
#include "rank/ranker.h"
#include "store/database.h"
#include "store/tables.h"

namespace headliner {

class Engine {
 public:
  // Opens (creating if needed) the state under `data_dir` and restores both indexes from it.
  // InvalidArgument naming the key when `config` is out of range. Background compaction of the
  // indexes is not started (StartBackgroundCompaction), so that tests and benchmarks can compact
  // by hand.
  static absl::StatusOr<std::unique_ptr<Engine>> Open(const std::string& data_dir,
                                                      const EngineConfig& config);
  // The same with the sentence model of encoder.kind minilm already loaded (or a stand-in of
  // the same dimension: tests); null for the other kinds.
  static absl::StatusOr<std::unique_ptr<Engine>> Open(const std::string& data_dir,
                                                      const EngineConfig& config,
                                                      std::unique_ptr<SentenceEncoder> model);
  // Stops the compaction threads, then closes the database.
  ~Engine();

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // --- Write side ---
  EventApplier& applier() { return *applier_; }
  // The apply step's behaviour-vector cache (a read of the write side, for Stats).
  VectorCacheStats behaviour_cache_stats() const { return applier_->BehaviourCacheStats(); }
  RowCacheStats hot_row_stats() const { return applier_->HotRowStats(); }

  // --- Read side ---
  const RankSources& sources() const { return sources_; }
  // The ranker with the configured ranking (config.ranking).
  const Ranker& ranker() const { return *ranker_; }
  // A ranker over this engine's state with another ranking (an experiment's variant). It shares
  // the served ranker's candidate lists when it builds the same ones (BuildsTheSameLists), and
  // builds its lists per request otherwise. It must not outlive the engine.
  std::unique_ptr<Ranker> MakeRanker(const RankingConfig& ranking) const;
  const Tables& tables() const { return *tables_; }
  const VectorIndex& content_index() const { return *content_index_; }
  const VectorIndex& behaviour_index() const { return *behaviour_index_; }
  const std::string& data_dir() const { return data_dir_; }
  // The RocksDB instance, for its storage state (read-only after a start on a full disk, free
  // space); reads go through tables().
  const Database& database() const { return *database_; }
  bool read_only() const { return database_->read_only(); }

  // The served ranker's candidate-list cache and its refresher (null when
  // ranking.candidate_cache_size is 0).
  const CandidateListCache* candidate_cache() const { return candidate_cache_.get(); }
  const CandidateRefresher* candidate_refresher() const { return refresher_.get(); }
  // The index snapshots (null when index.snapshots is off).
  const IndexSnapshotter* index_snapshotter() const { return snapshotter_.get(); }

  // --- Background work ---
  // Starts both indexes' background compaction threads, the candidate refresher's thread and the
  // index snapshots' (the server does). Until then the candidate lists are refreshed on the
  // applying thread, after each batch, so that tests and tools see every change at once. Once
  // started, closing the Engine writes a last pair of index snapshots.
  void StartBackgroundCompaction();
  // Compacts both indexes now if due, as the background threads would (tests and benchmarks).
  void CompactIfDue();
  // Writes a pair of index snapshots now, as the background thread would (tests and benchmarks).
  // FailedPrecondition when index.snapshots is off.
  absl::Status SnapshotIndexes();

  // --- Checkpoints ---
  // Writes a data dir a new replica can start from into `dir` (absolute, not existing yet, its
  // parent existing): RocksDB's checkpoint (the state and the Kafka offsets it was built from,
  // consistent with each other) and, with index.snapshots on, the index snapshots consistent with
  // it (IndexSnapshotter::CopyWithTables). A replica started on it serves what this one served at
  // that point and resumes consuming from those offsets. Built in `dir`.partial and renamed, so
  // `dir` exists only when complete. Returns its size in bytes.
  absl::StatusOr<uint64_t> Checkpoint(const std::string& dir);

 private:
  Engine(std::string data_dir, std::unique_ptr<SentenceEncoder> model,
         std::unique_ptr<Database> database, std::unique_ptr<Tables> tables,
         std::unique_ptr<VectorIndex> content_index, std::unique_ptr<VectorIndex> behaviour_index,
         absl::Duration popularity_half_life, absl::Duration covisitation_half_life);
  // Restores both indexes: from their snapshots when index.snapshots is on, else from the tables.
  absl::Status RestoreIndexes(const IndexConfig& index);
  // Creates the served ranker, with its candidate cache and refresher when configured.
  void ServeRanking(const RankingConfig& ranking);

  const std::string data_dir_;
  // Declared in construction order; destroyed in reverse, so the database closes last.
  const std::unique_ptr<SentenceEncoder> model_;  // encoder.kind minilm; null otherwise
  std::unique_ptr<Database> database_;
  std::unique_ptr<Tables> tables_;
  std::unique_ptr<VectorIndex> content_index_;
  std::unique_ptr<VectorIndex> behaviour_index_;
  const RankSources sources_;  // refers to tables_ and the indexes
  std::unique_ptr<EventApplier> applier_;
  std::unique_ptr<IndexSnapshotter> snapshotter_;
  std::unique_ptr<CandidateListCache> candidate_cache_;
  std::unique_ptr<Ranker> ranker_;
  std::unique_ptr<CandidateRefresher> refresher_;  // uses ranker_'s builder
  int refresher_nice_ = 0;                         // ranking.refresher_nice
  std::atomic<bool> background_started_{false};    // StartBackgroundCompaction was called
};

}  // namespace headliner

#endif  // HEADLINER_ENGINE_ENGINE_H_
