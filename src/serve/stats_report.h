// StatsReport gathers the service's figures (catalog, indexes, caches, memory, ingestion, dead
// letters, experiments) into headliner.v1.StatsResponse. The Admin.Stats RPC answers with it and
// the Prometheus endpoint (serve/metrics_endpoint.h) exports it, so both show the same numbers.
//
// Thread-safe: every source it reads is a snapshot or guards itself. A report walks the data dir
// (its size) and takes the apply step's lock once per cache, so it is meant for an operator's
// poll or a scrape, not for the request path.
#ifndef HEADLINER_SERVE_STATS_REPORT_H_
#define HEADLINER_SERVE_STATS_REPORT_H_

#include "absl/status/status.h"
#include "experiment/experiments_file.h"
#include "headliner/v1/admin.pb.h"
#include "serve/serving_state.h"

namespace headliner {

class StatsReport {
 public:
  // Both must outlive the report.
  StatsReport(const ServingState& state, const ExperimentsFile& experiments)
      : state_(state), experiments_(experiments) {}

  // UNAVAILABLE while the engine is loading; a storage error when a count cannot be read.
  absl::Status Fill(v1::StatsResponse& response) const;

 private:
  void FillIngestStats(v1::IngestStats& out) const;
  absl::Status FillExperimentsStats(const Engine& engine, v1::ExperimentsStats& out) const;
  static void FillCandidateStats(const Engine& engine, v1::CandidateStats& out);
  static void FillMemoryStats(const Engine& engine, const IndexStats& content,
                              const IndexStats& behaviour, uint64_t candidate_list_bytes,
                              uint64_t hot_row_bytes, v1::MemoryStats& out);

  const ServingState& state_;
  const ExperimentsFile& experiments_;
};

}  // namespace headliner

#endif  // HEADLINER_SERVE_STATS_REPORT_H_
