// Ingestion from a real Kafka broker (scripts/kafka start), in one run:
//  1. end to end: events/s from the broker through KafkaIngestor into RocksDB and the index,
//     against a bare librdkafka consumer reading the same messages (the floor);
//  2. produce-to-visible latency of a new article (until the index returns it), against the
//     broker's own produce-to-consume latency.
//   build/bench/ingest_bench [--brokers 127.0.0.1:9092] [--articles 10000] [--sessions 50000]
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "bare_consumer.h"
#include "cli/event_publisher.h"
#include "engine/engine.h"
#include "kafka/kafka_client_config.h"
#include "kafka/kafka_ingestor.h"
#include "sample/click_simulator.h"
#include "sample/sample_catalog.h"

ABSL_FLAG(std::string, brokers, "127.0.0.1:9092", "Kafka bootstrap servers.");
ABSL_FLAG(int, articles, 10000, "Catalog size.");
ABSL_FLAG(int, sessions, 50000, "Simulated reader sessions (about 4 clicks each).");
ABSL_FLAG(int, latency_samples, 300, "New articles timed for produce-to-visible.");
ABSL_FLAG(std::string, scratch, "/tmp/headliner-ingest-bench", "Scratch directory.");

namespace headliner {
namespace {

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * (v.size() - 1))];
}

int Run() {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string brokers = absl::GetFlag(FLAGS_brokers);
  const std::string run = absl::StrCat(absl::ToUnixSeconds(absl::Now()));
  const std::string articles_topic = "bench-articles-" + run, clicks_topic = "bench-clicks-" + run;
  const std::string latency_topic = "bench-latency-" + run;

  SampleCatalogOptions catalog_options;
  catalog_options.articles = absl::GetFlag(FLAGS_articles);
  const std::vector<SampleArticle> catalog = GenerateSampleCatalog(catalog_options);
  ClickSimulatorOptions sim;
  sim.sessions = absl::GetFlag(FLAGS_sessions);
  const std::vector<v1::ClickEvent> clicks = SimulateClicks(catalog, sim);
  auto publisher = EventPublisher::Create(brokers);
  if (!publisher.ok()) return 1;
  for (const SampleArticle& s : catalog) {
    const std::string payload = s.article.SerializeAsString();
    (void)(*publisher)->Publish(articles_topic, s.article.id(), &payload);
  }
  for (const v1::ClickEvent& c : clicks) {
    const std::string payload = c.SerializeAsString();
    (void)(*publisher)->Publish(clicks_topic, c.session_id(), &payload);
  }
  if (absl::Status s = (*publisher)->Flush(absl::Seconds(120)); !s.ok()) {
    std::fprintf(stderr, "produce failed (is the broker up? scripts/kafka start): %s\n",
                 s.ToString().c_str());
    return 1;
  }
  const size_t total = catalog.size() + clicks.size();
  std::printf("produced %zu articles + %zu clicks to %s\n", catalog.size(), clicks.size(),
              brokers.c_str());

  const double floor_s = bench::BareConsumerSeconds(brokers, {articles_topic, clicks_topic},
                                                    static_cast<int64_t>(total));

  const std::string dir = absl::GetFlag(FLAGS_scratch);
  std::filesystem::remove_all(dir);
  const EngineConfig config;
  KafkaConfig kafka;
  kafka.brokers = brokers;
  kafka.group_id = "bench-" + run;
  kafka.articles_topic = articles_topic;
  kafka.clicks_topic = clicks_topic;
  auto engine = std::move(*Engine::Open(dir, config));
  engine->StartBackgroundCompaction();  // as the server does
  auto ingestor = std::move(*KafkaIngestor::Start(kafka, brokers, engine->applier()));
  auto handled = [&] {
    IngestStatus s = ingestor->Status();
    return s.applied + s.ignored + s.rejected;
  };
  uint64_t at_first = 0;
  absl::Time first;
  while ((at_first = handled()) == 0) absl::SleepFor(absl::Microseconds(200));
  first = absl::Now();
  while (handled() < total) absl::SleepFor(absl::Microseconds(500));
  const double ingest_s = absl::ToDoubleSeconds(absl::Now() - first);
  const double ingest_rate = (total - at_first) / ingest_s, floor_rate = total / floor_s;
  std::printf("mean micro-batch: %.0f events\n",
              static_cast<double>(total) / std::max<uint64_t>(1, ingestor->Status().batches));
  std::printf("%-34s %12s %12s %8s\n", "", "headliner", "floor", "ratio");
  std::printf("%-34s %12.0f %12.0f %7.2fx\n", "end-to-end events/s (bare consumer)", ingest_rate,
              floor_rate, ingest_rate / floor_rate);

  // Produce-to-visible, against produce-to-consume on a bare consumer.
  auto floor_consumer = bench::BareConsumer(brokers, {latency_topic});
  std::vector<double> visible_ms, floor_ms;
  const int samples = absl::GetFlag(FLAGS_latency_samples);
  for (int i = 0; i < samples; ++i) {
    v1::Article a = catalog[i % catalog.size()].article;
    a.set_id(absl::StrCat("fresh-", run, "-", i));
    const std::string payload = a.SerializeAsString();
    absl::Time t0 = absl::Now();
    (void)(*publisher)->Publish(latency_topic, a.id(), &payload);
    (void)(*publisher)->Flush(absl::Seconds(5));
    for (;;) {
      std::unique_ptr<RdKafka::Message> m(floor_consumer->consume(1000));
      if (m->err() == RdKafka::ERR_NO_ERROR) break;
    }
    floor_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));

    t0 = absl::Now();
    (void)(*publisher)->Publish(articles_topic, a.id(), &payload);
    (void)(*publisher)->Flush(absl::Seconds(5));
    for (;;) {
      auto found = engine->tables().articles().FindByExternalId(a.id());
      if (found.ok() && *found && engine->content_index().Contains((*found)->dense_id)) break;
      absl::SleepFor(absl::Microseconds(100));
    }
    visible_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
  }
  std::printf("%-34s %12.1f %12.1f %7.2fx\n", "new article visible p50 (ms)",
              Percentile(visible_ms, 0.5), Percentile(floor_ms, 0.5),
              Percentile(visible_ms, 0.5) / Percentile(floor_ms, 0.5));
  std::printf("%-34s %12.1f %12.1f %7.2fx\n", "new article visible p99 (ms)",
              Percentile(visible_ms, 0.99), Percentile(floor_ms, 0.99),
              Percentile(visible_ms, 0.99) / Percentile(floor_ms, 0.99));
  floor_consumer->close();
  ingestor->Stop();
  engine.reset();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace headliner

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::Run();
}
