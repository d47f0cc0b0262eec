// RpcMetrics counts the gRPC server's calls by method and status code and records their latency,
// in the names of the Prometheus gRPC conventions (go-grpc-prometheus):
//   grpc_server_handled_total{grpc_service, grpc_method, grpc_code}   counter
//   grpc_server_handling_seconds{grpc_service, grpc_method}           histogram
// A server interceptor (NewInterceptorFactory) records every call, so the services need no code of
// their own. Labels are bounded: a method the server does not implement is counted as
// grpc_service="unknown", grpc_method="unknown" (the name is the client's to choose).
//
// Thread-safe: the metrics of each known method are created up front; a call touches its method's
// histogram (a short lock inside prometheus-cpp) and one counter.
#ifndef HEADLINER_SERVE_RPC_METRICS_H_
#define HEADLINER_SERVE_RPC_METRICS_H_

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace headliner {

class RpcMetrics {
 public:
  // Registers the families in `registry`, which must outlive this. `methods` are the full names
  // of the methods served ("/package.Service/Method").
  RpcMetrics(prometheus::Registry& registry, const std::vector<std::string>& methods);

  // Records one finished call of `method` (a full name as gRPC gives it).
  void Record(const char* method, grpc::StatusCode code, absl::Duration elapsed);

  // For ServerBuilder::experimental().SetInterceptorCreators: one interceptor per call records it
  // here. This must outlive the server.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewInterceptorFactory();

 private:
  static constexpr int kCodes = 17;  // grpc::StatusCode OK .. UNAUTHENTICATED
  struct MethodMetrics {
    std::string service;
    std::string method;
    prometheus::Histogram* latency = nullptr;
    // Created on a code's first call (most methods see only a few codes).
    std::array<std::atomic<prometheus::Counter*>, kCodes> handled{};
  };
  MethodMetrics& Find(const char* method);

  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& latency_;
  // Immutable after construction.
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_;
  std::unique_ptr<MethodMetrics> unknown_;
};

// Full names ("/package.Service/Method") of every method of the named services, from the
// generated descriptor pool; `extra` (services not in it, such as gRPC's health) are appended.
std::vector<std::string> MethodsOfServices(const std::vector<std::string>& services,
                                           const std::vector<std::string>& extra);

}  // namespace headliner

#endif  // HEADLINER_SERVE_RPC_METRICS_H_
