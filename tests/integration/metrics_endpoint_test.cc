// The Prometheus endpoint of a whole server (embedded Kafka): after a short load, a scrape shows
// the calls by method and code with their latencies, the catalog, the indexes, ingestion (lag per
// partition, events by outcome, batch histograms, rejections by reason), the caches and RocksDB.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <sstream>

#include "absl/strings/str_split.h"
#include "cli/event_publisher.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "headliner/v1/admin.grpc.pb.h"
#include "headliner/v1/related.grpc.pb.h"
#include "kafka_test_util.h"
#include "serve/server.h"
#include "test_util.h"

namespace headliner {
namespace {

using testing::MakeArticle;
using testing::MakeClick;
using testing::WaitFor;

// GET /metrics over a plain socket: the body, or empty on any failure.
std::string Scrape(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[8192];
      ssize_t n;
      while ((n = read(fd, buffer, sizeof(buffer))) > 0) response.append(buffer, n);
    }
  }
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

// Sample lines ("name{labels} value") by series; comments skipped.
std::map<std::string, double> Parse(const std::string& text) {
  std::map<std::string, double> series;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == absl::string_view::npos) continue;
    series[std::string(line.substr(0, space))] = std::stod(std::string(line.substr(space + 1)));
  }
  return series;
}

std::string Method(const std::string& service, const std::string& method) {
  return "grpc_method=\"" + method + "\",grpc_service=\"" + service + "\"";
}

TEST(MetricsEndpointTest, AScrapeAfterALoadShowsTheListedSeries) {
  testing::TempDir dir;
  Config config;
  config.data_dir = dir.path();
  config.server.grpc_addr = "127.0.0.1:0";
  config.server.admin_addr = "";  // Admin on the same port
  config.server.metrics_addr = "127.0.0.1:0";
  config.kafka.brokers = kEmbeddedKafka;
  auto server = HeadlinerServer::Start(config);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->metrics_port(), 0);
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->port()),
                                     grpc::InsecureChannelCredentials());
  auto admin = v1::Admin::NewStub(channel);
  auto related = v1::RelatedHeadlines::NewStub(channel);

  auto publisher = EventPublisher::Create((*server)->embedded_kafka_brokers());
  ASSERT_TRUE(publisher.ok());
  const absl::Time now = absl::Now();
  for (const auto& a : {MakeArticle("jp1", "Japan, Pakistan agree on industrial cooperation", now),
                        MakeArticle("jp2", "Pakistan and Japan sign industrial pact", now),
                        MakeArticle("fifa", "Arsenal beat Chelsea in cup final", now, "sport")}) {
    const std::string payload = a.SerializeAsString();
    ASSERT_TRUE((*publisher)->Publish("articles", a.id(), &payload).ok());
  }
  for (int i = 0; i < 4; ++i) {
    const std::string payload =
        MakeClick("c" + std::to_string(i), "s1", i % 2 ? "jp1" : "jp2", now + absl::Seconds(i))
            .SerializeAsString();
    ASSERT_TRUE((*publisher)->Publish("clicks", "s1", &payload).ok());
  }
  const std::string unknown = MakeClick("c9", "s1", "nope", now).SerializeAsString();
  ASSERT_TRUE((*publisher)->Publish("clicks", "s1", &unknown).ok());
  ASSERT_TRUE((*publisher)->Flush(absl::Seconds(10)).ok());
  ASSERT_TRUE(WaitFor(
      [&] {
        grpc::ClientContext ctx;
        v1::StatsResponse stats;
        // Live: every partition's end offset seen and reached (lag 0 on each).
        return admin->Stats(&ctx, v1::StatsRequest(), &stats).ok() && stats.clicks() == 4 &&
               stats.ingest().events_rejected() == 1 && stats.ingest().state() == "live";
      },
      absl::Seconds(30)));

  constexpr int kCalls = 20;
  for (int i = 0; i < kCalls; ++i) {
    v1::GetRelatedRequest request;
    request.set_article_id("jp1");
    v1::GetRelatedResponse response;
    grpc::ClientContext ctx;
    ASSERT_TRUE(related->GetRelated(&ctx, request, &response).ok());
  }
  {
    v1::GetRelatedRequest request;
    request.set_article_id("");  // an unknown id gets a fallback list; an empty one is an error
    v1::GetRelatedResponse response;
    grpc::ClientContext ctx;
    EXPECT_EQ(related->GetRelated(&ctx, request, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    // A method the server does not have: counted, under a bounded label.
    grpc::GenericStub generic(channel);
    grpc::ClientContext ctx;
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1), response;
    grpc::Status status;
    bool done = false;
    absl::Mutex mu;
    generic.UnaryCall(&ctx, "/headliner.v1.Admin/NoSuchMethod", grpc::StubOptions(), &request,
                      &response, [&](grpc::Status s) {
                        absl::MutexLock lock(&mu);
                        status = s;
                        done = true;
                      });
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(&done));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }

  const std::string text = Scrape((*server)->metrics_port());
  ASSERT_FALSE(text.empty());
  const std::map<std::string, double> m = Parse(text);
  auto value = [&](const std::string& series) {
    auto it = m.find(series);
    return it == m.end() ? -1.0 : it->second;
  };
  const std::string get_related = Method("headliner.v1.RelatedHeadlines", "GetRelated");
  EXPECT_EQ(value("grpc_server_handled_total{grpc_code=\"OK\"," + get_related + "}"), kCalls);
  EXPECT_EQ(value("grpc_server_handled_total{grpc_code=\"INVALID_ARGUMENT\"," + get_related + "}"),
            1);
  EXPECT_EQ(value("grpc_server_handling_seconds_count{" + get_related + "}"), kCalls + 1);
  EXPECT_GT(value("grpc_server_handling_seconds_sum{" + get_related + "}"), 0);
  EXPECT_LT(value("grpc_server_handling_seconds_sum{" + get_related + "}"), kCalls + 1);
  EXPECT_EQ(value("grpc_server_handling_seconds_bucket{" + get_related + ",le=\"+Inf\"}"),
            kCalls + 1);
  EXPECT_GE(value("grpc_server_handled_total{grpc_code=\"OK\"," +
                  Method("headliner.v1.Admin", "Stats") + "}"),
            1);
  EXPECT_EQ(value("grpc_server_handled_total{grpc_code=\"UNIMPLEMENTED\"," +
                  Method("unknown", "unknown") + "}"),
            1);
  EXPECT_EQ(text.find("NoSuchMethod"), std::string::npos);

  EXPECT_EQ(value("headliner_up"), 1);
  EXPECT_EQ(value("headliner_articles{state=\"live\"}"), 3);
  EXPECT_EQ(value("headliner_index_vectors{index=\"content\"}"), 3);
  EXPECT_EQ(value("headliner_clicks_total"), 4);
  EXPECT_EQ(value("headliner_ingest_events_total{outcome=\"applied\"}"), 7);
  EXPECT_EQ(value("headliner_ingest_events_total{outcome=\"rejected\"}"), 1);
  EXPECT_EQ(value("headliner_events_rejected_total{reason=\"unknown_article\",topic=\"clicks\"}"),
            1);
  EXPECT_EQ(value("headliner_ingest_state{state=\"live\"}"), 1);
  EXPECT_EQ(value("headliner_ingest_lag_messages{partition=\"0\",topic=\"clicks\"}"), 0);
  const double batches = value("headliner_ingest_batches_total");
  EXPECT_GE(batches, 1);
  EXPECT_EQ(value("headliner_ingest_batch_events_count"), batches);
  EXPECT_EQ(value("headliner_ingest_batch_events_sum"), 8);
  EXPECT_EQ(value("headliner_ingest_batch_apply_seconds_bucket{le=\"+Inf\"}"), batches);
  EXPECT_GT(value("headliner_ingest_batch_apply_seconds_sum"), 0);
  EXPECT_GE(value("headliner_cache_hits_total{cache=\"candidate_lists\"}"), 1);
  EXPECT_GE(value("headliner_rocksdb_block_cache_hits_total"), 0);
  EXPECT_GE(value("headliner_rocksdb_pending_compaction_bytes"), 0);
  EXPECT_GT(value("headliner_memory_bytes{holder=\"memtables\"}"), 0);
  EXPECT_GT(value("process_resident_memory_bytes"), 10 << 20);
  EXPECT_GT(value("headliner_data_dir_bytes"), 0);
  (*server)->Shutdown();
}

TEST(MetricsEndpointTest, AnAddressInUseIsAClearError) {
  testing::TempDir dir;
  Config config;
  config.data_dir = dir.path();
  config.server.grpc_addr = "127.0.0.1:0";
  config.server.admin_addr = "";  // Admin on the same port
  config.server.metrics_addr = "127.0.0.1:0";
  auto first = HeadlinerServer::Start(config);
  ASSERT_TRUE(first.ok()) << first.status();
  testing::TempDir other;
  config.data_dir = other.path();
  config.server.metrics_addr = "127.0.0.1:" + std::to_string((*first)->metrics_port());
  auto second = HeadlinerServer::Start(config);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("server.metrics_addr"), absl::string_view::npos)
      << second.status();
}

}  // namespace
}  // namespace headliner
