#include "serve/metrics_endpoint.h"

#include <exception>

#include "CivetServer.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace headliner {

int ThreadStackFloorLinked();  // thread_stack_floor.cc: civetweb's threads need it

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& addr, const ServingState& state, const ExperimentsFile& experiments,
    const std::vector<std::string>& rpc_methods) {
  static_cast<void>(ThreadStackFloorLinked());
  std::unique_ptr<MetricsEndpoint> m(new MetricsEndpoint(state, experiments));
  m->registry_ = std::make_shared<prometheus::Registry>();
  m->rpc_metrics_ = std::make_unique<RpcMetrics>(*m->registry_, rpc_methods);
  m->collector_ = std::make_shared<StatsCollector>(m->report_);
  try {
    // prometheus-cpp reports a bind failure (civetweb's) by throwing.
    // civetweb's own errors (why a start failed, a bad request) go to the log.
    CivetCallbacks callbacks;
    callbacks.log_message = [](const mg_connection* /*connection*/, const char* message) {
      LogWarning("metrics", "%s", message);
      return 1;
    };
    m->exposer_ = std::make_unique<prometheus::Exposer>(addr, /*num_threads=*/1, &callbacks);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("server.metrics_addr: cannot listen on ", addr, ": ", e.what()));
  }
  m->exposer_->RegisterCollectable(m->registry_);
  m->exposer_->RegisterCollectable(m->collector_);
  const std::vector<int> ports = m->exposer_->GetListeningPorts();
  if (ports.empty()) {
    return absl::UnavailableError(absl::StrCat("server.metrics_addr: not listening on ", addr));
  }
  m->port_ = ports.front();
  return m;
}

}  // namespace headliner
