#include "serve/stats_collector.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "common/time_util.h"
#include "kafka/ingest_status.h"

namespace headliner {
namespace {

using Labels = std::vector<prometheus::ClientMetric::Label>;

// Accumulates families in order of first use; a family's samples are added under its name.
class FamilyList {
 public:
  void Gauge(const std::string& name, const std::string& help, double value, Labels labels = {}) {
    Add(name, help, prometheus::MetricType::Gauge, std::move(labels)).gauge.value = value;
  }
  void Counter(const std::string& name, const std::string& help, double value, Labels labels = {}) {
    Add(name, help, prometheus::MetricType::Counter, std::move(labels)).counter.value = value;
  }
  void Histogram(const std::string& name, const std::string& help, const v1::Histogram& h) {
    prometheus::ClientMetric& m = Add(name, help, prometheus::MetricType::Histogram, {});
    m.histogram.sample_count = h.count();
    m.histogram.sample_sum = h.sum();
    uint64_t cumulative = 0;
    for (int i = 0; i < h.counts_size(); ++i) {
      cumulative += h.counts(i);
      const double bound =
          i < h.bounds_size() ? h.bounds(i) : std::numeric_limits<double>::infinity();
      m.histogram.bucket.push_back({cumulative, bound});
    }
  }
  std::vector<prometheus::MetricFamily> Take() { return std::move(families_); }

 private:
  prometheus::ClientMetric& Add(const std::string& name, const std::string& help,
                                prometheus::MetricType type, Labels labels) {
    auto [it, inserted] = index_.try_emplace(name, families_.size());
    if (inserted) families_.push_back({name, help, type, {}});
    prometheus::MetricFamily& family = families_[it->second];
    family.metric.emplace_back();
    std::sort(labels.begin(), labels.end());  // as prometheus-cpp orders its own
    family.metric.back().label = std::move(labels);
    return family.metric.back();
  }

  std::vector<prometheus::MetricFamily> families_;
  absl::flat_hash_map<std::string, size_t> index_;
};

void AddCache(FamilyList& f, const std::string& cache, uint64_t hits, uint64_t misses,
              uint64_t evictions, uint64_t entries) {
  const Labels labels = {{"cache", cache}};
  f.Counter("headliner_cache_hits_total", "Lookups a cache answered.", hits, labels);
  f.Counter("headliner_cache_misses_total", "Lookups a cache could not answer.", misses, labels);
  f.Counter("headliner_cache_evictions_total", "Entries a cache dropped for room.", evictions,
            labels);
  f.Gauge("headliner_cache_entries", "Entries a cache holds.", entries, labels);
}

void AddIndexes(FamilyList& f, const v1::StatsResponse& s) {
  struct Index {
    const char* name;
    uint64_t vectors, compactions, rebuilds, moved;
    const google::protobuf::Duration& time;
  };
  for (const Index& i : {Index{"content", s.index_vectors(), s.index_compactions(),
                               s.index_rebuilds(), s.index_moved(), s.index_compaction_time()},
                         Index{"behaviour", s.behaviour_index_vectors(),
                               s.behaviour_index_compactions(), s.behaviour_index_rebuilds(),
                               s.behaviour_index_moved(), s.behaviour_index_compaction_time()}}) {
    const Labels labels = {{"index", i.name}};
    f.Gauge("headliner_index_vectors", "Vectors searchable in a nearest-neighbour index.",
            i.vectors, labels);
    f.Counter("headliner_index_compactions_total", "Index compactions since start.", i.compactions,
              labels);
    f.Counter("headliner_index_rebuilds_total",
              "Index compactions that rebuilt the whole graph, since start.", i.rebuilds, labels);
    f.Counter("headliner_index_compaction_seconds_total",
              "Time spent building new index segments since start.",
              absl::ToDoubleSeconds(FromProto(i.time)), labels);
    f.Gauge("headliner_index_moved_entries",
            "Main-segment entries updated in place since the last compaction.", i.moved, labels);
  }
  f.Gauge("headliner_index_segment_vectors", "Content index vectors by segment.",
          s.index_main_segment(), {{"index", "content"}, {"segment", "main"}});
  f.Gauge("headliner_index_segment_vectors", "Content index vectors by segment.",
          s.index_delta_segment(), {{"index", "content"}, {"segment", "delta"}});
  if (s.has_index_snapshots()) {
    const v1::IndexSnapshotStats& snap = s.index_snapshots();
    f.Counter("headliner_index_snapshots_total", "Index snapshots written since start.",
              snap.written());
    f.Counter("headliner_index_snapshot_failures_total", "Index snapshots that failed.",
              snap.failures());
    f.Gauge("headliner_index_snapshot_bytes", "Size of the latest index snapshots.", snap.bytes());
  }
}

void AddStorage(FamilyList& f, const v1::StatsResponse& s) {
  f.Gauge("headliner_data_dir_bytes", "Bytes under the data directory.", s.data_dir_bytes());
  f.Gauge("headliner_disk_free_bytes", "Free bytes on the data directory's file system.",
          s.disk_free_bytes());
  f.Gauge("headliner_storage_read_only",
          "1 while the storage is read-only (started on a nearly full disk).",
          s.storage_read_only() ? 1 : 0);
  const v1::StorageStats& r = s.storage();
  f.Gauge("headliner_rocksdb_compaction_pending", "1 when RocksDB has compactions to run.",
          r.compaction_pending() ? 1 : 0);
  f.Gauge("headliner_rocksdb_pending_compaction_bytes",
          "Bytes RocksDB estimates its pending compactions must rewrite.",
          r.pending_compaction_bytes());
  f.Gauge("headliner_rocksdb_running_compactions", "RocksDB compactions running.",
          r.running_compactions());
  f.Gauge("headliner_rocksdb_running_flushes", "RocksDB memtable flushes running.",
          r.running_flushes());
  f.Gauge("headliner_rocksdb_write_stalled",
          "1 while RocksDB delays or stops writes for compaction to catch up.",
          r.write_stalled() ? 1 : 0);
  f.Counter("headliner_rocksdb_block_cache_hits_total", "RocksDB block cache hits since open.",
            r.block_cache_hits());
  f.Counter("headliner_rocksdb_block_cache_misses_total", "RocksDB block cache misses since open.",
            r.block_cache_misses());
  const v1::MemoryStats& m = s.memory();
  for (const auto& [holder, bytes] :
       {std::pair<const char*, uint64_t>{"content_index", m.content_index()},
        {"behaviour_index", m.behaviour_index()},
        {"candidate_lists", m.candidate_lists()},
        {"memtables", m.memtables()},
        {"block_cache", m.block_cache()},
        {"table_readers", m.table_readers()},
        {"row_cache", m.row_cache()},
        {"hot_rows", m.hot_rows()}}) {
    f.Gauge("headliner_memory_bytes", "Memory of the larger holders.", bytes, {{"holder", holder}});
  }
}

void AddIngest(FamilyList& f, const v1::IngestStats& in) {
  f.Gauge("headliner_ingest_connected", "1 when the Kafka brokers answered recently.",
          in.connected() ? 1 : 0);
  for (IngestState state :
       {IngestState::kDisconnected, IngestState::kJoining, IngestState::kCatchingUp,
        IngestState::kLive, IngestState::kPausedStorage}) {
    const std::string name = IngestStateName(state);
    f.Gauge("headliner_ingest_state", "1 for the state ingestion is in.",
            in.state() == name ? 1 : 0, {{"state", name}});
  }
  for (const v1::PartitionLag& p : in.partitions()) {
    if (p.lag() < 0) continue;  // end offset not known yet
    f.Gauge("headliner_ingest_lag_messages", "Messages of a partition not applied yet.", p.lag(),
            {{"topic", p.topic()}, {"partition", std::to_string(p.partition())}});
  }
  for (const auto& [outcome, n] : {std::pair<const char*, uint64_t>{"applied", in.events_applied()},
                                   {"ignored", in.events_ignored()},
                                   {"rejected", in.events_rejected()}}) {
    f.Counter("headliner_ingest_events_total", "Kafka events taken since start, by outcome.", n,
              {{"outcome", outcome}});
  }
  f.Counter("headliner_ingest_batches_total", "Batches applied since start.", in.batches());
  f.Counter("headliner_ingest_storage_refusals_total",
            "Batches the storage refused (disk nearly full) since start.", in.storage_refusals());
  f.Counter("headliner_dead_letters_total", "Dead letters delivered to the dead-letter topics.",
            in.dead_lettered());
  f.Gauge("headliner_dead_letters_pending", "Dead letters waiting to be delivered.",
          in.dead_letters_pending());
  f.Histogram("headliner_ingest_batch_events", "Events per applied batch.", in.batch_events());
  f.Histogram("headliner_ingest_batch_apply_seconds",
              "Time from the start of a batch's staging to its write being durable.",
              in.batch_apply_seconds());
}

void AddExperiments(FamilyList& f, const v1::ExperimentsStats& e) {
  f.Gauge("headliner_experiments", "Experiments in the config in force.", e.experiments());
  f.Gauge("headliner_experiments_running", "Experiments running.", e.running());
  f.Counter("headliner_experiments_reloads_total", "Changed experiments files applied.",
            e.reloads());
  f.Counter("headliner_experiments_reload_failures_total",
            "Changed experiments files refused as invalid.", e.reload_failures());
  for (const auto& [outcome, n] :
       {std::pair<const char*, uint64_t>{"published", e.impressions_published()},
        {"delivered", e.impressions_delivered()},
        {"dropped", e.impressions_dropped()},
        {"failed", e.impressions_failed()}}) {
    f.Counter("headliner_impressions_total", "Exposures handed to Kafka since start, by outcome.",
              n, {{"outcome", outcome}});
  }
  // Bounded labels: the experiments and variants the experiments files have named.
  for (const v1::ExperimentVariantCounts& v : e.variants()) {
    const Labels labels = {{"experiment", v.experiment()}, {"variant", v.variant()}};
    f.Counter("headliner_experiment_units_total",
              "Readers exposed to or attributed a click in a variant.", v.units(), labels);
    f.Counter("headliner_experiment_impressions_total", "Related lists shown in a variant.",
              v.impressions(), labels);
    f.Counter("headliner_experiment_clicks_total", "Clicks attributed to a variant's lists.",
              v.clicks(), labels);
  }
}

}  // namespace

std::vector<prometheus::MetricFamily> MetricFamiliesOf(const v1::StatsResponse& s) {
  FamilyList f;
  f.Gauge("headliner_up", "1 once the engine is open and serving.", 1);
  f.Gauge("headliner_build_info", "The running version.", 1, {{"version", s.version()}});
  f.Gauge("headliner_uptime_seconds", "Time since the process started.",
          absl::ToDoubleSeconds(FromProto(s.uptime())));
  f.Gauge("process_resident_memory_bytes", "Resident memory of the process.", s.resident_bytes());
  f.Gauge("headliner_articles", "Articles in the catalog.", s.articles(), {{"state", "live"}});
  f.Gauge("headliner_articles", "Articles in the catalog.", s.deleted_articles(),
          {{"state", "deleted"}});
  f.Counter("headliner_clicks_total", "Clicks applied (duplicates excluded).", s.clicks());
  for (const auto& [key, n] : s.rejected()) {
    // "source/reason": both from the service's own vocabulary.
    const size_t slash = key.find('/');
    f.Counter("headliner_events_rejected_total", "Events rejected, by topic and reason.", n,
              {{"topic", key.substr(0, slash)},
               {"reason", slash == std::string::npos ? "" : key.substr(slash + 1)}});
  }
  AddIndexes(f, s);
  AddStorage(f, s);
  AddCache(f, "behaviour_vectors", s.behaviour_vector_cache().hits(),
           s.behaviour_vector_cache().misses(), s.behaviour_vector_cache().evictions(),
           s.behaviour_vector_cache().entries());
  AddCache(f, "hot_rows", s.hot_rows().hits(), s.hot_rows().misses(), s.hot_rows().evictions(),
           s.hot_rows().entries());
  const v1::CandidateStats& c = s.candidates();
  AddCache(f, "candidate_lists", c.hits(), c.misses(), c.evictions(), c.lists());
  f.Counter("headliner_candidate_refreshes_total", "Candidate lists rebuilt in the background.",
            c.refreshed());
  f.Gauge("headliner_candidate_refresh_pending", "Candidate lists waiting to be rebuilt.",
          c.refresh_pending());
  if (s.ingest().enabled()) AddIngest(f, s.ingest());
  AddExperiments(f, s.experiments());
  return f.Take();
}

std::vector<prometheus::MetricFamily> StatsCollector::Collect() const {
  v1::StatsResponse stats;
  if (absl::Status s = report_.Fill(stats); !s.ok()) {
    FamilyList f;
    f.Gauge("headliner_up", "1 once the engine is open and serving.", 0);
    return f.Take();
  }
  return MetricFamiliesOf(stats);
}

}  // namespace headliner
