// The click stream as a replica meets it, through the public interfaces only (Kafka in, gRPC
// out), with the server in this process on a real broker (scripts/kafka start):
//
// 1. Catch-up: `--catch_up_clicks` clicks over `--articles` articles are produced first; a new
//    replica (an empty data dir) then consumes both topics from the start. Reported: the time to
//    apply them all, against a bare librdkafka consumer reading the same topics (the floor).
// 2. Steady: clicks are produced at `--rate` per second for `--steady`, while GetRelated is
//    called at `--get_related_rate` per second and probes time freshness: a probe session reads
//    two articles nobody clicked, and the probe polls GetRelated for the first until the second
//    is listed. Reported: the lag (produced minus applied events) over the phase, freshness
//    percentiles, and GetRelated latency under that load.
//
// Usage: scripts/kafka start && build/bench/click_stream_bench [--catch_up_clicks=10000000]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bare_consumer.h"
#include "cli/event_publisher.h"
#include "grpcpp/create_channel.h"
#include "headliner/v1/admin.grpc.pb.h"
#include "headliner/v1/related.grpc.pb.h"
#include "load/latency_histogram.h"
#include "sample/click_simulator.h"
#include "sample/sample_catalog.h"
#include "serve/server.h"

ABSL_FLAG(std::string, brokers, "127.0.0.1:9092", "Kafka bootstrap servers.");
ABSL_FLAG(int, articles, 100000, "Catalog size.");
ABSL_FLAG(int64_t, catch_up_clicks, 1000000, "Clicks in the topic a new replica catches up on.");
ABSL_FLAG(int, rate, 20000, "Clicks per second produced in the steady phase.");
ABSL_FLAG(absl::Duration, steady, absl::Seconds(60), "Length of the steady phase.");
ABSL_FLAG(int, get_related_rate, 500, "GetRelated calls per second in the steady phase.");
ABSL_FLAG(std::string, scratch, "/tmp/headliner-click-stream-bench", "Scratch data dir.");
ABSL_FLAG(std::string, encoder, "minilm",
          "Content encoder: minilm (the default) or hashed (its catch-up does not wait for the "
          "model encoding the catalog).");
ABSL_FLAG(bool, pipelined_writes, true, "apply.pipelined_writes of the server.");
ABSL_FLAG(int, batch_max_events, headliner::KafkaConfig().batch_max_events,
          "kafka.batch_max_events of the server.");
ABSL_FLAG(int, write_nice, headliner::ApplyConfig().write_nice, "apply.write_nice of the server.");
ABSL_FLAG(int, behaviour_dimension, headliner::BehaviourConfig().dimension,
          "behaviour.dimension of the server (0: the encoder's).");

namespace headliner {
namespace {

using bench::LatencyHistogram;

constexpr int kProbes = 400;  // probe pairs reserved at the end of the catalog
constexpr int kSessionsPerChunk = 25000;

// Serialized clicks of consecutive simulated hours (about 4 clicks per session).
class ClickSource {
 public:
  ClickSource(std::span<const SampleArticle> catalog, absl::Time start, std::string prefix)
      : catalog_(catalog), start_(start), prefix_(std::move(prefix)) {}

  // The next chunk: (session key, serialized ClickEvent) pairs in time order.
  std::vector<std::pair<std::string, std::string>> Next() {
    ClickSimulatorOptions sim;
    sim.sessions = kSessionsPerChunk;
    sim.seed = 1000 + chunk_;
    sim.start = start_ + absl::Hours(chunk_);
    sim.span = absl::Hours(1);
    sim.id_prefix = absl::StrCat(prefix_, chunk_);
    ++chunk_;
    std::vector<std::pair<std::string, std::string>> out;
    for (const v1::ClickEvent& c : SimulateClicks(catalog_, sim)) {
      out.emplace_back(c.session_id(), c.SerializeAsString());
    }
    return out;
  }

 private:
  std::span<const SampleArticle> catalog_;
  absl::Time start_;
  std::string prefix_;
  int chunk_ = 0;
};

struct Topics {
  std::string articles, clicks;
};

// The clicks produced, and the simulated time they end at.
int64_t ProduceCatchUp(EventPublisher& publisher, const Topics& topics,
                       std::span<const SampleArticle> catalog, ClickSource& source) {
  for (const SampleArticle& s : catalog) {
    const std::string payload = s.article.SerializeAsString();
    (void)publisher.Publish(topics.articles, s.article.id(), &payload);
  }
  const int64_t want = absl::GetFlag(FLAGS_catch_up_clicks);
  int64_t produced = 0;
  while (produced < want) {
    for (const auto& [key, payload] : source.Next()) {
      (void)publisher.Publish(topics.clicks, key, &payload);
      if (++produced == want) break;
    }
  }
  return produced;
}

// Events the server has handled (applied, ignored or rejected), from its Stats RPC.
int64_t Handled(v1::Admin::Stub& admin) {
  grpc::ClientContext context;
  v1::StatsResponse stats;
  if (!admin.Stats(&context, v1::StatsRequest(), &stats).ok()) return -1;
  const v1::IngestStats& i = stats.ingest();
  return static_cast<int64_t>(i.events_applied() + i.events_ignored() + i.events_rejected());
}

bool Lists(v1::RelatedHeadlines::Stub& related, const std::string& source,
           const std::string& wanted) {
  v1::GetRelatedRequest request;
  request.set_article_id(source);
  request.set_limit(20);
  grpc::ClientContext context;
  v1::GetRelatedResponse response;
  if (!related.GetRelated(&context, request, &response).ok()) return false;
  return std::any_of(response.items().begin(), response.items().end(),
                     [&](const v1::RelatedItem& item) { return item.article_id() == wanted; });
}

std::string Ms(const LatencyHistogram& h, double q) {
  return absl::StrFormat("%.1f", static_cast<double>(h.Percentile(q)) / 1e6);
}

// The steady phase's threads and what they measured.
class SteadyPhase {
 public:
  SteadyPhase(const std::string& brokers, const Topics& topics, int port,
              std::span<const SampleArticle> clicked, std::span<const SampleArticle> probes,
              ClickSource& source)
      : brokers_(brokers), topics_(topics), clicked_(clicked), probes_(probes) {
    const double wanted =
        absl::GetFlag(FLAGS_rate) * absl::ToDoubleSeconds(absl::GetFlag(FLAGS_steady)) * 1.1;
    while (static_cast<double>(clicks_.size()) < wanted) {
      for (auto& click : source.Next()) clicks_.push_back(std::move(click));
    }
    auto channel =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    related_ = v1::RelatedHeadlines::NewStub(channel);
    admin_ = v1::Admin::NewStub(channel);
  }

  // Runs every thread for `length`; `handled_before` is what the server had handled at the start.
  void Run(absl::Duration length, int64_t handled_before) {
    produced_before_ = handled_before;
    end_ = absl::Now() + length;
    std::thread producer([this] { Produce(); });
    std::thread prober([this] { Probe(); });
    std::thread reader0([this] { Read(0); });
    std::thread reader1([this] { Read(1); });
    const absl::Time start = absl::Now();
    while (absl::Now() < end_) {  // the lag, every 250 ms
      absl::SleepFor(absl::Milliseconds(250));
      const int64_t handled = Handled(*admin_);
      const int64_t lag = produced_before_ + produced_.load() - handled;
      lags_.push_back(lag);
      max_lag_ = std::max(max_lag_, lag);
    }
    seconds_ = absl::ToDoubleSeconds(absl::Now() - start);
    // Drained: how long the rest takes to apply once producing stops.
    producer.join();
    const absl::Time stopped = absl::Now();
    const int64_t total = produced_before_ + produced_.load();
    while (Handled(*admin_) < total) absl::SleepFor(absl::Milliseconds(20));
    drain_seconds_ = absl::ToDoubleSeconds(absl::Now() - stopped);
    for (std::thread* t : {&prober, &reader0, &reader1}) t->join();
  }

  void Print(int rate) const {
    std::vector<int64_t> sorted = lags_;
    std::sort(sorted.begin(), sorted.end());
    const int64_t p50 = sorted.empty() ? 0 : sorted[sorted.size() / 2];
    std::printf("steady: %.0f clicks/s produced for %.0f s (target %d/s)\n",
                static_cast<double>(produced_.load()) / seconds_, seconds_, rate);
    std::printf(
        "  lag (events produced, not applied): median %lld, max %lld (%.2f s of clicks); "
        "drained %.2f s after producing stopped\n",
        static_cast<long long>(p50), static_cast<long long>(max_lag_),
        static_cast<double>(max_lag_) / rate, drain_seconds_);
    std::printf(
        "  freshness (co-click produced -> listed by GetRelated): %llu probes, p50 %s ms, "
        "p90 %s ms, p99 %s ms, max %s ms; %d not listed within 30 s\n",
        static_cast<unsigned long long>(freshness_.count()), Ms(freshness_, 0.5).c_str(),
        Ms(freshness_, 0.9).c_str(), Ms(freshness_, 0.99).c_str(), Ms(freshness_, 1.0).c_str(),
        missed_.load());
    std::printf("  GetRelated under that load: %.0f calls/s, p50 %s ms, p99 %s ms, %d errors\n",
                static_cast<double>(reads_.count()) / seconds_, Ms(reads_, 0.5).c_str(),
                Ms(reads_, 0.99).c_str(), read_errors_.load());
  }

 private:
  // Clicks at the target rate, 1/100 of a second's worth every 10 ms, drawn before the phase
  // starts (simulating them would hold the producer up).
  void Produce() {
    auto publisher = std::move(*EventPublisher::Create(brokers_));
    const int rate = absl::GetFlag(FLAGS_rate);
    absl::Time tick = absl::Now();
    int64_t due = 0;
    size_t next = 0;
    while (absl::Now() < end_ && next < clicks_.size()) {
      due += rate;
      for (; due >= 100 && next < clicks_.size(); due -= 100, ++next) {
        (void)publisher->Publish(topics_.clicks, clicks_[next].first, &clicks_[next].second);
        produced_.fetch_add(1);
      }
      tick += absl::Milliseconds(10);
      absl::SleepFor(tick - absl::Now());
    }
    (void)publisher->Flush(absl::Seconds(30));
  }

  // One probe at a time: a session reads a then b (two articles nobody clicked); GetRelated(a) is
  // polled every 5 ms until it lists b.
  void Probe() {
    auto publisher = std::move(*EventPublisher::Create(brokers_));
    // Pairs from the two halves of the probe articles: neighbours in the catalog are often
    // versions of one story, and a near-duplicate of the source is never listed.
    const size_t pairs = probes_.size() / 2;
    for (size_t i = 0; i < pairs && absl::Now() < end_; ++i) {
      const std::string a = probes_[i].article.id(), b = probes_[i + pairs].article.id();
      const absl::Time now = absl::Now();
      const std::string session = absl::StrCat("probe-", i);
      for (const auto& [id, at] : {std::pair{a, now - absl::Seconds(10)}, std::pair{b, now}}) {
        v1::ClickEvent click;
        click.set_event_id(absl::StrCat(session, "-", id));
        click.set_session_id(session);
        click.set_article_id(id);
        click.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(at));
        const std::string payload = click.SerializeAsString();
        (void)publisher->Publish(topics_.clicks, session, &payload);
      }
      (void)publisher->Flush(absl::Seconds(5));
      bool listed = false;
      while (!(listed = Lists(*related_, a, b)) && absl::Now() - now < absl::Seconds(30)) {
        absl::SleepFor(absl::Milliseconds(5));
      }
      if (listed) {
        freshness_.Record(absl::ToInt64Nanoseconds(absl::Now() - now));
      } else if (missed_.fetch_add(1) == 0) {
        ReportMiss(a, b);
      }
      produced_.fetch_add(2);
      absl::SleepFor(absl::Milliseconds(100));
    }
  }

  // What the server says about a probe whose pair was not listed.
  void ReportMiss(const std::string& a, const std::string& b) {
    grpc::ClientContext context;
    v1::GetActivityRequest request;
    request.add_article_ids(a);
    request.add_article_ids(b);
    v1::GetActivityResponse response;
    (void)admin_->GetActivity(&context, request, &response);
    grpc::ClientContext related_context;
    v1::GetRelatedRequest related_request;
    related_request.set_article_id(a);
    related_request.set_limit(20);
    related_request.set_explain(true);
    v1::GetRelatedResponse related;
    (void)related_->GetRelated(&related_context, related_request, &related);
    std::fprintf(stderr, "probe %s -> %s not listed; activity: %s\nGetRelated: %s\n", a.c_str(),
                 b.c_str(), response.ShortDebugString().c_str(),
                 related.ShortDebugString().substr(0, 3000).c_str());
  }

  // GetRelated for random clicked articles, each of two threads at half the rate.
  void Read(int thread) {
    std::mt19937_64 rng(thread);
    const absl::Duration every = absl::Seconds(2.0 / absl::GetFlag(FLAGS_get_related_rate));
    absl::Time next = absl::Now();
    while (absl::Now() < end_) {
      v1::GetRelatedRequest request;
      request.set_article_id(clicked_[rng() % clicked_.size()].article.id());
      request.set_limit(10);
      grpc::ClientContext context;
      v1::GetRelatedResponse response;
      const absl::Time t0 = absl::Now();
      if (related_->GetRelated(&context, request, &response).ok()) {
        reads_.Record(absl::ToInt64Nanoseconds(absl::Now() - t0));
      } else {
        read_errors_.fetch_add(1);
      }
      next = std::max(next + every, absl::Now() - every);  // skipped slots are not made up
      absl::SleepFor(next - absl::Now());
    }
  }

  const std::string brokers_;
  const Topics topics_;
  std::span<const SampleArticle> clicked_, probes_;
  std::vector<std::pair<std::string, std::string>> clicks_;  // (session key, ClickEvent)
  std::unique_ptr<v1::RelatedHeadlines::Stub> related_;
  std::unique_ptr<v1::Admin::Stub> admin_;
  absl::Time end_;
  int64_t produced_before_ = 0;
  std::atomic<int64_t> produced_{0};
  std::vector<int64_t> lags_;  // the main thread's
  int64_t max_lag_ = 0;
  double seconds_ = 0, drain_seconds_ = 0;
  LatencyHistogram freshness_, reads_;
  std::atomic<int> missed_{0}, read_errors_{0};
};

int Run() {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string brokers = absl::GetFlag(FLAGS_brokers);
  const std::string run = absl::StrCat(absl::ToUnixSeconds(absl::Now()));
  const Topics topics{"bench-articles-" + run, "bench-clicks-" + run};

  SampleCatalogOptions catalog_options;
  catalog_options.articles = absl::GetFlag(FLAGS_articles) + 2 * kProbes;
  const std::vector<SampleArticle> catalog = GenerateSampleCatalog(catalog_options);
  const std::span<const SampleArticle> clicked =
      std::span(catalog).first(catalog.size() - 2 * kProbes);
  const std::span<const SampleArticle> probes = std::span(catalog).last(2 * kProbes);
  absl::Time newest = absl::InfinitePast();
  for (const SampleArticle& s : catalog) {
    newest = std::max(newest, absl::FromUnixSeconds(s.article.published_at().seconds()));
  }
  ClickSource source(clicked, newest, "c" + run + "-");

  auto publisher = EventPublisher::Create(brokers);
  if (!publisher.ok()) return 1;
  const int64_t clicks = ProduceCatchUp(**publisher, topics, catalog, source);
  if (absl::Status s = (*publisher)->Flush(absl::Seconds(600)); !s.ok()) {
    std::fprintf(stderr, "produce failed (is the broker up? scripts/kafka start): %s\n",
                 s.ToString().c_str());
    return 1;
  }
  const int64_t total = static_cast<int64_t>(catalog.size()) + clicks;
  std::printf("produced %zu articles + %lld clicks\n", catalog.size(),
              static_cast<long long>(clicks));
  const double floor_s =
      bench::BareConsumerSeconds(brokers, {topics.articles, topics.clicks}, total);

  Config config;
  config.data_dir = absl::GetFlag(FLAGS_scratch);
  std::filesystem::remove_all(config.data_dir);
  config.server.grpc_addr = "127.0.0.1:0";
  config.server.admin_addr = "";  // Admin on the same port
  config.kafka.brokers = brokers;
  config.kafka.group_id = "bench-" + run;
  config.kafka.articles_topic = topics.articles;
  config.kafka.clicks_topic = topics.clicks;
  config.apply.pipelined_writes = absl::GetFlag(FLAGS_pipelined_writes);
  config.behaviour.dimension = absl::GetFlag(FLAGS_behaviour_dimension);
  config.apply.write_nice = absl::GetFlag(FLAGS_write_nice);
  config.kafka.batch_max_events = absl::GetFlag(FLAGS_batch_max_events);
  config.encoder.kind =
      ParseEncoderKind(absl::GetFlag(FLAGS_encoder)).value_or(EncoderKind::kExternal);
  if (config.encoder.kind == EncoderKind::kExternal) {
    std::fprintf(stderr, "--encoder: minilm or hashed\n");
    return 2;
  }
  const absl::Time start = absl::Now();
  auto server = HeadlinerServer::Start(config);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  auto admin = v1::Admin::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                                                      grpc::InsecureChannelCredentials()));
  while (Handled(*admin) < total) absl::SleepFor(absl::Milliseconds(100));
  const double catch_up_s = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf(
      "catch-up: %lld events in %.1f s = %.0f events/s; bare consumer %.1f s = %.0f/s "
      "(%.1f%% of the floor)\n",
      static_cast<long long>(total), catch_up_s, total / catch_up_s, floor_s, total / floor_s,
      100 * floor_s / catch_up_s);

  SteadyPhase steady(brokers, topics, (*server)->port(), clicked, probes, source);
  steady.Run(absl::GetFlag(FLAGS_steady), total);
  steady.Print(absl::GetFlag(FLAGS_rate));
  (*server)->Shutdown();
  server->reset();
  std::filesystem::remove_all(config.data_dir);
  return 0;
}

}  // namespace
}  // namespace headliner

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::Run();
}
