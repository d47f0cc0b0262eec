#include "serve/stats_report.h"

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "common/status_macros.h"
#include "common/time_util.h"
#include "common/version.h"

namespace headliner {
namespace {

uint64_t DirectoryBytes(const std::string& dir) {
  std::error_code ec;
  uint64_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) total += it->file_size(size_ec);
  }
  return total;
}

// VmRSS of this process from /proc (0 where there is none).
uint64_t ResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    uint64_t kib = 0;
    if (std::sscanf(line.c_str(), "VmRSS: %" SCNu64 " kB", &kib) == 1) return kib * 1024;
  }
  return 0;
}

void FillCacheStats(uint64_t hits, uint64_t misses, uint64_t evictions, uint64_t entries,
                    uint64_t bytes, v1::CacheStats& out) {
  out.set_hits(hits);
  out.set_misses(misses);
  out.set_evictions(evictions);
  out.set_entries(entries);
  out.set_bytes(bytes);
}

void FillHistogram(const HistogramCounts& h, v1::Histogram& out) {
  out.mutable_bounds()->Add(h.bounds.begin(), h.bounds.end());
  out.mutable_counts()->Add(h.counts.begin(), h.counts.end());
  out.set_sum(h.sum);
  out.set_count(h.count);
}

void FillStorageStats(const DatabaseActivity& a, v1::StorageStats& out) {
  out.set_compaction_pending(a.compaction_pending);
  out.set_pending_compaction_bytes(a.pending_compaction_bytes);
  out.set_running_compactions(static_cast<uint32_t>(a.running_compactions));
  out.set_running_flushes(static_cast<uint32_t>(a.running_flushes));
  out.set_block_cache_hits(a.block_cache_hits);
  out.set_block_cache_misses(a.block_cache_misses);
  out.set_write_stalled(a.write_stalled);
}

}  // namespace

absl::Status StatsReport::Fill(v1::StatsResponse& response) const {
  const std::shared_ptr<const Engine> engine = state_.engine();
  if (engine == nullptr) return absl::UnavailableError("index is loading");
  absl::StatusOr<CatalogCounts> counts = engine->tables().articles().Counts();
  if (!counts.ok()) return counts.status();
  response.set_articles(counts->live);
  response.set_deleted_articles(counts->deleted);
  const IndexStats index = engine->content_index().Stats();
  response.set_index_vectors(index.live);
  response.set_index_main_segment(index.main_segment);
  response.set_index_delta_segment(index.delta_segment);
  response.set_index_compactions(index.compactions);
  response.set_index_rebuilds(index.rebuilds);
  *response.mutable_index_compaction_time() = ToProtoDuration(index.compaction_time);
  response.set_index_moved(index.moved);
  const IndexStats behaviour = engine->behaviour_index().Stats();
  response.set_behaviour_index_vectors(behaviour.live);
  response.set_behaviour_index_compactions(behaviour.compactions);
  response.set_behaviour_index_rebuilds(behaviour.rebuilds);
  *response.mutable_behaviour_index_compaction_time() = ToProtoDuration(behaviour.compaction_time);
  response.set_behaviour_index_moved(behaviour.moved);
  // Each read takes the apply step's lock (waiting for a batch in progress): once each.
  const VectorCacheStats cache = engine->behaviour_cache_stats();
  FillCacheStats(cache.hits, cache.misses, cache.evictions, cache.entries, 0,
                 *response.mutable_behaviour_vector_cache());
  const RowCacheStats rows = engine->hot_row_stats();
  FillCacheStats(rows.hits, rows.misses, rows.evictions, rows.entries, rows.bytes,
                 *response.mutable_hot_rows());
  response.set_data_dir_bytes(DirectoryBytes(engine->data_dir()));
  if (absl::StatusOr<uint64_t> free = engine->database().FreeBytes(); free.ok()) {
    response.set_disk_free_bytes(*free);
  }
  response.set_storage_read_only(engine->read_only());
  FillStorageStats(engine->database().Activity(), *response.mutable_storage());
  FillCandidateStats(*engine, *response.mutable_candidates());
  if (const IndexSnapshotter* snapshots = engine->index_snapshotter()) {
    const IndexSnapshotStats s = snapshots->Stats();
    v1::IndexSnapshotStats& out = *response.mutable_index_snapshots();
    out.set_written(s.written);
    out.set_failures(s.failures);
    out.set_position(s.position);
    out.set_journal_position(engine->tables().index_journal().last_position());
    out.set_bytes(s.bytes);
    *out.mutable_last_write() = ToProtoDuration(s.last_write);
    out.set_restored_from_snapshots(s.restored_from_snapshots);
    out.set_replayed_entries(s.replayed_entries);
    *out.mutable_restore_time() = ToProtoDuration(s.restore_time);
  }
  response.set_resident_bytes(ResidentBytes());
  // The lists' memory is counted once (a walk over every list), in FillCandidateStats.
  FillMemoryStats(*engine, index, behaviour, response.candidates().bytes(),
                  response.hot_rows().bytes(), *response.mutable_memory());
  *response.mutable_uptime() = ToProtoDuration(state_.uptime());
  response.set_version(Version());
  absl::StatusOr<std::map<std::string, uint64_t>> rejected = engine->tables().rejections().All();
  if (!rejected.ok()) return rejected.status();
  for (const auto& [reason, n] : *rejected) (*response.mutable_rejected())[reason] = n;
  absl::StatusOr<uint64_t> clicks = engine->tables().clicks().TotalClicks();
  if (!clicks.ok()) return clicks.status();
  response.set_clicks(*clicks);
  FillIngestStats(*response.mutable_ingest());
  RETURN_IF_ERROR(FillExperimentsStats(*engine, *response.mutable_experiments()));
  if (response.ingest().enabled()) {
    absl::StatusOr<DeadLetterCounts> dead = engine->tables().dead_letters().Counts();
    if (!dead.ok()) return dead.status();
    v1::IngestStats& ingest = *response.mutable_ingest();
    ingest.set_dead_lettered(dead->delivered);
    ingest.set_dead_letters_pending(dead->pending());
    ingest.set_dead_letters_truncated(dead->truncated);
    ingest.set_dead_letters_as_reference(dead->reference);
  }
  return absl::OkStatus();
}

absl::Status StatsReport::FillExperimentsStats(const Engine& engine,
                                               v1::ExperimentsStats& out) const {
  const ExperimentsFileStatus s = experiments_.Status();
  out.set_file(s.path);
  if (s.loaded_at != absl::InfinitePast()) *out.mutable_loaded_at() = ToProtoTimestamp(s.loaded_at);
  out.set_reloads(s.reloads);
  out.set_reload_failures(s.reload_failures);
  out.set_last_error(s.last_error);
  if (!s.last_error.empty()) *out.mutable_last_error_at() = ToProtoTimestamp(s.last_error_at);
  uint32_t experiments = 0, running = 0;
  for (const ExperimentLayer& layer : experiments_.current()->layers) {
    for (const Experiment& e : layer.experiments) {
      ++experiments;
      if (e.running) ++running;
    }
  }
  out.set_experiments(experiments);
  out.set_running(running);
  if (const std::shared_ptr<ImpressionPublisher> impressions = state_.impressions()) {
    const ImpressionPublisherStats p = impressions->Stats();
    out.set_impressions_published(p.published);
    out.set_impressions_delivered(p.delivered);
    out.set_impressions_dropped(p.dropped);
    out.set_impressions_failed(p.failed);
  }
  ASSIGN_OR_RETURN(const auto totals, engine.tables().experiments().AllTotals());
  for (const auto& [key, t] : totals) {
    v1::ExperimentVariantCounts& v = *out.add_variants();
    v.set_experiment(key.first);
    v.set_variant(key.second);
    v.set_units(t.units);
    v.set_impressions(t.impressions);
    v.set_clicks(t.clicks);
  }
  return absl::OkStatus();
}

void StatsReport::FillIngestStats(v1::IngestStats& out) const {
  const std::shared_ptr<const KafkaIngestor> ingestor = state_.ingestor();
  if (ingestor == nullptr) return;
  const IngestStatus s = ingestor->Status();
  out.set_enabled(true);
  out.set_brokers(s.brokers);
  out.set_connected(s.connected);
  out.set_state(IngestStateName(s.state));
  out.set_last_error(s.last_error);
  if (s.last_error_at != absl::InfinitePast()) {
    *out.mutable_last_error_at() = ToProtoTimestamp(s.last_error_at);
  }
  out.set_clicks_flowing(s.clicks_flowing);
  for (const std::string& topic : s.missing_topics) out.add_missing_topics(topic);
  out.set_events_applied(s.applied);
  out.set_events_ignored(s.ignored);
  out.set_events_rejected(s.rejected);
  out.set_batches(s.batches);
  out.set_storage_refusals(s.storage_refusals);
  for (const PartitionStatus& p : s.partitions) {
    v1::PartitionLag* lag = out.add_partitions();
    lag->set_topic(p.topic);
    lag->set_partition(p.partition);
    lag->set_next_offset(p.next_offset);
    lag->set_high_watermark(p.high_watermark);
    lag->set_lag(p.high_watermark < 0 ? -1
                                      : std::max<int64_t>(0, p.high_watermark - p.next_offset));
  }
  out.set_total_lag(s.total_lag);
  FillHistogram(s.batch_events, *out.mutable_batch_events());
  FillHistogram(s.batch_apply_seconds, *out.mutable_batch_apply_seconds());
}

void StatsReport::FillCandidateStats(const Engine& engine, v1::CandidateStats& out) {
  if (const CandidateListCache* cache = engine.candidate_cache()) {
    const CandidateCacheStats s = cache->Stats();
    out.set_lists(s.lists);
    out.set_hits(s.hits);
    out.set_misses(s.misses);
    out.set_evictions(s.evictions);
    out.set_wide_lists(s.wide_lists);
    out.set_wide_evictions(s.wide_evictions);
    out.set_filtered_evictions(s.filtered_evictions);
    out.set_refreshed(s.refreshes);
    out.set_bytes(cache->MemoryBytes());
    out.set_filtered_lists(s.filtered_lists);
    out.set_filtered_hits(s.filtered_hits);
    out.set_filtered_misses(s.filtered_misses);
  }
  if (const CandidateRefresher* refresher = engine.candidate_refresher()) {
    const RefresherStats s = refresher->Stats();
    out.set_refresh_rounds(s.rounds);
    *out.mutable_last_refresh_round() = ToProtoDuration(s.last_round);
    out.set_refresh_pending(s.pending);
    out.set_warmed(s.warmed);
    out.set_patched(s.patched);
    out.set_regrouped(s.regrouped);
    out.set_searched(s.searched);
    out.set_waiting(s.waiting);
  }
}

void StatsReport::FillMemoryStats(const Engine& engine, const IndexStats& content,
                                  const IndexStats& behaviour, uint64_t candidate_list_bytes,
                                  uint64_t hot_row_bytes, v1::MemoryStats& out) {
  out.set_content_index(content.bytes);
  out.set_behaviour_index(behaviour.bytes);
  out.set_candidate_lists(candidate_list_bytes);
  const DatabaseMemory db = engine.database().Memory();
  out.set_memtables(db.memtables);
  out.set_block_cache(db.block_cache);
  out.set_block_cache_pinned(db.block_cache_pinned);
  out.set_table_readers(db.table_readers);
  out.set_row_cache(db.row_cache);
  out.set_hot_rows(hot_row_bytes);
}

}  // namespace headliner
