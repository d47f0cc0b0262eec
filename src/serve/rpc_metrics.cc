#include "serve/rpc_metrics.h"

#include <atomic>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/support/interceptor.h"

namespace headliner {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Latency buckets, seconds: a cached GetRelated takes well under a millisecond, an Admin.Stats
// over a large data dir a second or more.
prometheus::Histogram::BucketBoundaries LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
}

// One call: created by gRPC when the call starts, deleted by it when the call is done.
class RecordingInterceptor final : public grpc::experimental::Interceptor {
 public:
  RecordingInterceptor(RpcMetrics& metrics, const char* method)
      : metrics_(metrics), method_(method), start_(absl::Now()) {}
  ~RecordingInterceptor() override {
    // A call cancelled before the server answered never sends a status.
    if (!recorded_.load(std::memory_order_acquire))
      metrics_.Record(method_, grpc::StatusCode::CANCELLED, absl::Now() - start_);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      metrics_.Record(method_, methods->GetSendStatus().error_code(), absl::Now() - start_);
      recorded_.store(true, std::memory_order_release);
    }
    methods->Proceed();
  }

 private:
  RpcMetrics& metrics_;
  const char* const method_;  // gRPC's, alive for the call
  const absl::Time start_;
  // Set on the thread that sends the status, read on the one that destroys the call: gRPC orders
  // the two, but inside its own (uninstrumented) code, so TSan sees a race on a plain bool.
  std::atomic<bool> recorded_{false};
};

class RecordingInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RecordingInterceptorFactory(RpcMetrics& metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    // gRPC's interface: it takes ownership of the interceptor and deletes it with the call.
    return std::make_unique<RecordingInterceptor>(metrics_, info->method()).release();
  }

 private:
  RpcMetrics& metrics_;
};

}  // namespace

RpcMetrics::RpcMetrics(prometheus::Registry& registry, const std::vector<std::string>& methods)
    : handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("gRPC calls completed on the server, by method and status code.")
                   .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("grpc_server_handling_seconds")
                   .Help("Time from a call's start to its status being sent, by method.")
                   .Register(registry)) {
  auto make = [&](const std::string& service, const std::string& method) {
    auto m = std::make_unique<MethodMetrics>();
    m->service = service;
    m->method = method;
    m->latency =
        &latency_.Add({{"grpc_service", service}, {"grpc_method", method}}, LatencyBuckets());
    return m;
  };
  for (const std::string& full : methods) {
    // "/package.Service/Method"
    const size_t slash = full.rfind('/');
    if (full.empty() || full[0] != '/' || slash == 0 || slash == std::string::npos) continue;
    methods_[full] = make(full.substr(1, slash - 1), full.substr(slash + 1));
  }
  unknown_ = make("unknown", "unknown");
}

RpcMetrics::MethodMetrics& RpcMetrics::Find(const char* method) {
  if (method == nullptr) return *unknown_;
  auto it = methods_.find(absl::string_view(method));
  return it != methods_.end() ? *it->second : *unknown_;
}

void RpcMetrics::Record(const char* method, grpc::StatusCode code, absl::Duration elapsed) {
  MethodMetrics& m = Find(method);
  m.latency->Observe(absl::ToDoubleSeconds(elapsed));
  const int c = static_cast<int>(code);
  if (c < 0 || c >= kCodes) return;
  prometheus::Counter* counter = m.handled[c].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Family::Add returns the existing counter for the same labels, so a race creates one.
    counter =
        &handled_.Add({{"grpc_service", m.service},
                       {"grpc_method", m.method},
                       {"grpc_code", absl::StatusCodeToString(static_cast<absl::StatusCode>(c))}});
    m.handled[c].store(counter, std::memory_order_release);
  }
  counter->Increment();
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
RpcMetrics::NewInterceptorFactory() {
  return std::make_unique<RecordingInterceptorFactory>(*this);
}

std::vector<std::string> MethodsOfServices(const std::vector<std::string>& services,
                                           const std::vector<std::string>& extra) {
  std::vector<std::string> methods;
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      methods.push_back("/" + name + "/" + service->method(i)->name());
    }
  }
  methods.insert(methods.end(), extra.begin(), extra.end());
  return methods;
}

}  // namespace headliner
