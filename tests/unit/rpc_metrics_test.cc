#include "serve/rpc_metrics.h"

#include "gtest/gtest.h"
#include "headliner/v1/related.pb.h"
#include "prometheus/text_serializer.h"

namespace headliner {
namespace {

TEST(RpcMetricsTest, CountsByMethodAndCodeAndBoundsUnknownMethods) {
  // The service's descriptor is in the generated pool once its file is linked in.
  ASSERT_NE(v1::GetRelatedRequest::descriptor(), nullptr);
  prometheus::Registry registry;
  RpcMetrics metrics(registry, MethodsOfServices({"headliner.v1.RelatedHeadlines"},
                                                 {"/grpc.health.v1.Health/Check"}));
  metrics.Record("/headliner.v1.RelatedHeadlines/GetRelated", grpc::StatusCode::OK,
                 absl::Milliseconds(3));
  metrics.Record("/headliner.v1.RelatedHeadlines/GetRelated", grpc::StatusCode::OK,
                 absl::Milliseconds(30));
  metrics.Record("/headliner.v1.RelatedHeadlines/GetRelated", grpc::StatusCode::NOT_FOUND,
                 absl::Milliseconds(1));
  metrics.Record("/grpc.health.v1.Health/Check", grpc::StatusCode::OK, absl::Microseconds(100));
  for (int i = 0; i < 3; ++i) {
    metrics.Record(("/x.Y/Z" + std::to_string(i)).c_str(), grpc::StatusCode::UNIMPLEMENTED,
                   absl::Microseconds(10));
  }
  metrics.Record(nullptr, grpc::StatusCode::UNKNOWN, absl::Microseconds(10));
  const std::string text = prometheus::TextSerializer().Serialize(registry.Collect());
  const std::string get_related =
      "grpc_method=\"GetRelated\",grpc_service=\"headliner.v1.RelatedHeadlines\"";
  EXPECT_NE(text.find("grpc_server_handled_total{grpc_code=\"OK\"," + get_related + "} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("grpc_server_handled_total{grpc_code=\"NOT_FOUND\"," + get_related + "} 1"),
            std::string::npos);
  EXPECT_NE(text.find("grpc_server_handling_seconds_count{" + get_related + "} 3"),
            std::string::npos);
  EXPECT_NE(text.find("grpc_server_handling_seconds_bucket{" + get_related + ",le=\"0.005\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("grpc_method=\"Check\",grpc_service=\"grpc.health.v1.Health\"} 1"),
            std::string::npos);
  EXPECT_NE(
      text.find("grpc_server_handled_total{grpc_code=\"UNIMPLEMENTED\",grpc_method=\"unknown\","
                "grpc_service=\"unknown\"} 3"),
      std::string::npos);
  EXPECT_EQ(text.find("Z0"), std::string::npos);
  // Every method of the service is known up front (a latency series each, even before a call).
  EXPECT_NE(text.find("grpc_method=\"GetRelated\""), std::string::npos);
}

}  // namespace
}  // namespace headliner
