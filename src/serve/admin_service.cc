#include "serve/admin_service.h"

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "common/time_util.h"
#include "common/version.h"
#include "serve/experiment_report_proto.h"
#include "serve/grpc_status.h"
#include "serve/raw_unary.h"
#include "serve/request_limits.h"

namespace headliner {
namespace {

const grpc::Status kLoading(grpc::StatusCode::UNAVAILABLE, "index is loading");

grpc::Status CheckId(const std::string& id) {
  if (id.empty()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "article_id is empty");
  if (id.size() > v1::kMaxIdBytes) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "article_id is too long");
  }
  return grpc::Status::OK;
}

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

}  // namespace

grpc::ServerUnaryReactor* AdminService::UpsertArticle(grpc::CallbackServerContext* context,
                                                      const grpc::ByteBuffer* request,
                                                      grpc::ByteBuffer* response) {
  return ServeUnaryRaw<v1::UpsertArticleRequest, v1::UpsertArticleResponse>(
      context, request, response,
      [this](const v1::UpsertArticleRequest& r, v1::UpsertArticleResponse& out) {
        return HandleUpsertArticle(r, out);
      });
}

grpc::ServerUnaryReactor* AdminService::DeleteArticle(grpc::CallbackServerContext* context,
                                                      const grpc::ByteBuffer* request,
                                                      grpc::ByteBuffer* response) {
  return ServeUnaryRaw<v1::DeleteArticleRequest, v1::DeleteArticleResponse>(
      context, request, response,
      [this](const v1::DeleteArticleRequest& r, v1::DeleteArticleResponse& out) {
        return HandleDeleteArticle(r, out);
      });
}

grpc::ServerUnaryReactor* AdminService::GetArticle(grpc::CallbackServerContext* context,
                                                   const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* response) {
  return ServeUnaryRaw<v1::GetArticleRequest, v1::Article>(
      context, request, response, [this](const v1::GetArticleRequest& r, v1::Article& out) {
        return HandleGetArticle(r, out);
      });
}

grpc::ServerUnaryReactor* AdminService::Stats(grpc::CallbackServerContext* context,
                                              const grpc::ByteBuffer* request,
                                              grpc::ByteBuffer* response) {
  return ServeUnaryRaw<v1::StatsRequest, v1::StatsResponse>(
      context, request, response,
      [this](const v1::StatsRequest& r, v1::StatsResponse& out) { return HandleStats(r, out); });
}

grpc::ServerUnaryReactor* AdminService::GetActivity(grpc::CallbackServerContext* context,
                                                    const grpc::ByteBuffer* request,
                                                    grpc::ByteBuffer* response) {
  return ServeUnaryRaw<v1::GetActivityRequest, v1::GetActivityResponse>(
      context, request, response,
      [this](const v1::GetActivityRequest& r, v1::GetActivityResponse& out) {
        return HandleGetActivity(r, out);
      });
}

grpc::ServerUnaryReactor* AdminService::ExperimentReport(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* request,
                                                         grpc::ByteBuffer* response) {
  return ServeUnaryRaw<v1::ExperimentReportRequest, v1::ExperimentReportResponse>(
      context, request, response,
      [this](const v1::ExperimentReportRequest& r, v1::ExperimentReportResponse& out) {
        const std::shared_ptr<const Engine> engine = state_.engine();
        if (engine == nullptr) return kLoading;
        return ToGrpcStatus(
            FillExperimentReport(engine->tables(), *experiments_.current(), r, out));
      });
}

grpc::Status AdminService::HandleUpsertArticle(const v1::UpsertArticleRequest& request,
                                               v1::UpsertArticleResponse& response) {
  const std::shared_ptr<Engine> engine = state_.engine();
  if (engine == nullptr) return kLoading;
  absl::StatusOr<ArticleApplyResult> r = engine->applier().ApplyArticle(request.article());
  if (!r.ok()) return ToGrpcStatus(r.status());
  response.set_applied(r->applied);
  response.set_internal_id(r->dense_id);
  return grpc::Status::OK;
}

grpc::Status AdminService::HandleDeleteArticle(const v1::DeleteArticleRequest& request,
                                               v1::DeleteArticleResponse& response) {
  const std::shared_ptr<Engine> engine = state_.engine();
  if (engine == nullptr) return kLoading;
  if (grpc::Status s = CheckId(request.article_id()); !s.ok()) return s;
  absl::StatusOr<ArticleApplyResult> r =
      engine->applier().DeleteArticle(request.article_id(), absl::Now());
  if (!r.ok()) return ToGrpcStatus(r.status());
  response.set_applied(r->applied);
  return grpc::Status::OK;
}

grpc::Status AdminService::HandleGetArticle(const v1::GetArticleRequest& request,
                                            v1::Article& response) {
  const std::shared_ptr<const Engine> engine = state_.engine();
  if (engine == nullptr) return kLoading;
  if (grpc::Status s = CheckId(request.article_id()); !s.ok()) return s;
  absl::StatusOr<std::optional<StoredArticle>> found =
      engine->tables().articles().FindByExternalId(request.article_id());
  if (!found.ok()) return ToGrpcStatus(found.status());
  if (!*found || (*found)->article.deleted()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "article " + request.article_id() + " is unknown");
  }
  response = std::move((*found)->article);
  if (auto embedding = engine->tables().articles().FindEmbedding((*found)->dense_id);
      embedding.ok() && *embedding) {
    response.mutable_embedding()->Add((*embedding)->begin(), (*embedding)->end());
  }
  return grpc::Status::OK;
}

void AdminService::FillCandidateStats(const Engine& engine, v1::CandidateStats& out) {
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

void AdminService::FillMemoryStats(const Engine& engine, const IndexStats& content,
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

grpc::Status AdminService::HandleStats(const v1::StatsRequest& /*request*/,
                                       v1::StatsResponse& response) {
  const std::shared_ptr<const Engine> engine = state_.engine();
  if (engine == nullptr) return kLoading;
  absl::StatusOr<CatalogCounts> counts = engine->tables().articles().Counts();
  if (!counts.ok()) return ToGrpcStatus(counts.status());
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
  if (!rejected.ok()) return ToGrpcStatus(rejected.status());
  for (const auto& [reason, n] : *rejected) (*response.mutable_rejected())[reason] = n;
  absl::StatusOr<uint64_t> clicks = engine->tables().clicks().TotalClicks();
  if (!clicks.ok()) return ToGrpcStatus(clicks.status());
  response.set_clicks(*clicks);
  FillIngestStats(*response.mutable_ingest());
  FillExperimentsStats(*response.mutable_experiments());
  if (response.ingest().enabled()) {
    absl::StatusOr<DeadLetterCounts> dead = engine->tables().dead_letters().Counts();
    if (!dead.ok()) return ToGrpcStatus(dead.status());
    v1::IngestStats& ingest = *response.mutable_ingest();
    ingest.set_dead_lettered(dead->delivered);
    ingest.set_dead_letters_pending(dead->pending());
    ingest.set_dead_letters_truncated(dead->truncated);
    ingest.set_dead_letters_as_reference(dead->reference);
  }
  return grpc::Status::OK;
}

void AdminService::FillExperimentsStats(v1::ExperimentsStats& out) const {
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
}

void AdminService::FillIngestStats(v1::IngestStats& out) const {
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
}

grpc::Status AdminService::HandleGetActivity(const v1::GetActivityRequest& request,
                                             v1::GetActivityResponse& response) {
  const std::shared_ptr<const Engine> engine = state_.engine();
  if (engine == nullptr) return kLoading;
  constexpr int kMaxKeys = 1000;
  if (request.article_ids_size() + request.sections_size() > kMaxKeys) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "at most 1000 article ids and sections per request");
  }
  const std::optional<int64_t> as_of =
      request.has_as_of() ? std::optional<int64_t>(ToMicros(request.as_of())) : std::nullopt;
  auto fill = [&](const std::string& key, const Activity& a, v1::Activity& out) {
    out.set_key(key);
    out.set_clicks(a.clicks);
    if (a.clicks == 0 && !as_of) return;  // no popularity and no time to report it at
    const int64_t at =
        std::max(as_of.value_or(a.popularity.as_of_micros), a.popularity.as_of_micros);
    out.set_popularity(a.popularity.ValueAt(at, popularity_half_life_));
    *out.mutable_popularity_as_of() = ToProtoTimestamp(absl::FromUnixMicros(at));
  };
  for (const std::string& id : request.article_ids()) {
    if (grpc::Status s = CheckId(id); !s.ok()) return s;
    absl::StatusOr<std::optional<StoredArticle>> found =
        engine->tables().articles().FindByExternalId(id);
    if (!found.ok()) return ToGrpcStatus(found.status());
    if (!*found) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "article " + id + " is unknown");
    }
    absl::StatusOr<Activity> a = engine->tables().clicks().FindArticleActivity((*found)->dense_id);
    if (!a.ok()) return ToGrpcStatus(a.status());
    fill(id, *a, *response.add_articles());
  }
  for (const std::string& section : request.sections()) {
    absl::StatusOr<Activity> a = engine->tables().clicks().FindSectionActivity(section);
    if (!a.ok()) return ToGrpcStatus(a.status());
    fill(section, *a, *response.add_sections());
  }
  return grpc::Status::OK;
}

}  // namespace headliner
