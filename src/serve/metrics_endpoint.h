// MetricsEndpoint serves Prometheus metrics over HTTP (GET /metrics) on server.metrics_addr, its
// own port: prometheus-cpp's exposer with the gRPC calls' counts and latencies (RpcMetrics, fed
// by a server interceptor) and, computed at each scrape, StatsReport's figures (StatsCollector).
//
// Owned by HeadlinerServer; created before the gRPC server (which takes the interceptor) and
// destroyed after it. The exposer's threads call the collector; everything it reads is
// thread-safe (stats_report.h).
#ifndef HEADLINER_SERVE_METRICS_ENDPOINT_H_
#define HEADLINER_SERVE_METRICS_ENDPOINT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"
#include "serve/rpc_metrics.h"
#include "serve/stats_collector.h"
#include "serve/stats_report.h"

namespace headliner {

class MetricsEndpoint {
 public:
  // Listens on `addr` ("host:port"). `state` and `experiments` must outlive the endpoint;
  // `rpc_methods` are the full names of the methods the server implements (RpcMetrics).
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& addr, const ServingState& state, const ExperimentsFile& experiments,
      const std::vector<std::string>& rpc_methods);

  // The port bound (useful with port 0).
  int port() const { return port_; }
  RpcMetrics& rpc_metrics() { return *rpc_metrics_; }

 private:
  MetricsEndpoint(const ServingState& state, const ExperimentsFile& experiments)
      : report_(state, experiments) {}

  StatsReport report_;
  std::shared_ptr<prometheus::Registry> registry_;  // the RPC metrics
  std::unique_ptr<RpcMetrics> rpc_metrics_;
  std::shared_ptr<StatsCollector> collector_;
  std::unique_ptr<prometheus::Exposer> exposer_;  // last: stops serving before the rest goes
  int port_ = 0;
};

}  // namespace headliner

#endif  // HEADLINER_SERVE_METRICS_ENDPOINT_H_
