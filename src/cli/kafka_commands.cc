#include "cli/kafka_commands.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/event_publisher.h"
#include "cli/progress_bar.h"
#include "common/json_text.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"
#include "headliner/v1/admin.grpc.pb.h"
#include "headliner/v1/article.pb.h"
#include "headliner/v1/click.pb.h"
#include "kafka/kafka_client_config.h"
#include "kafka/kafka_config.h"
#include "kafka/message_codec.h"
#include "sample/click_simulator.h"
#include "sample/sample_catalog.h"
#include "sample/uci_news.h"

namespace headliner {
namespace {

constexpr char kDefaultBrokers[] = "127.0.0.1:9092";

// Flag, environment, the server's own brokers, default.
std::string ResolveBrokers(const std::shared_ptr<grpc::Channel>& channel, const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("HEADLINER_KAFKA_BROKERS"); env != nullptr && *env != '\0') {
    return env;
  }
  auto stub = v1::Admin::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  v1::StatsResponse stats;
  if (stub->Stats(&context, v1::StatsRequest(), &stats).ok() && !stats.ingest().brokers().empty()) {
    return stats.ingest().brokers();
  }
  return kDefaultBrokers;
}

// The service's Kafka client settings from the environment (HEADLINER_KAFKA_PROPERTY_*,
// HEADLINER_KAFKA_SECRET_FILE_*, ...), so the CLI reaches a secured cluster the way the service
// does. Prints the error (which names the variable, never a secret) and returns nullopt.
std::optional<KafkaConfig> KafkaEnvironment(const char* command) {
  absl::StatusOr<KafkaConfig> config = KafkaConfigFromEnvironment(ProcessEnv(), ProcessEnvNames());
  if (!config.ok()) {
    std::fprintf(stderr, "%s: %s\n", command, std::string(config.status().message()).c_str());
    return std::nullopt;
  }
  return *std::move(config);
}

// Parses one JSON line; returns the message key (article id or session) or an error.
absl::StatusOr<std::string> ParseLine(const std::string& line, bool click,
                                      google::protobuf::Message& message) {
  if (absl::Status s = DecodeMessage(line, WireFormat::kJson, message); !s.ok()) return s;
  if (click) {
    const auto& c = static_cast<const v1::ClickEvent&>(message);
    return c.session_id().empty() ? c.user_id() : c.session_id();
  }
  return static_cast<const v1::Article&>(message).id();
}

}  // namespace

int RunProduce(const std::shared_ptr<grpc::Channel>& channel, const ProduceOptions& options,
               const std::string& path) {
  if (options.topic.empty()) {
    std::fprintf(stderr, "produce: --topic is required\n");
    return 2;
  }
  if (options.format != "protobuf" && options.format != "json") {
    std::fprintf(stderr, "produce: --format must be protobuf or json\n");
    return 2;
  }
  const bool click =
      options.kind.empty() ? absl::StrContains(options.topic, "click") : options.kind == "click";
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) {
      std::fprintf(stderr, "produce: cannot read %s\n", path.c_str());
      return 1;
    }
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(std::move(line));
  }

  const std::optional<KafkaConfig> kafka = KafkaEnvironment("produce");
  if (!kafka) return 2;
  const std::string brokers = ResolveBrokers(channel, options.brokers);
  auto publisher = EventPublisher::Create(brokers, ProducerProperties(*kafka));
  if (!publisher.ok()) {
    std::fprintf(stderr, "produce: %s\n", std::string(publisher.status().message()).c_str());
    return 1;
  }
  ProgressBar bar("produce", lines.size());
  uint64_t bad = 0;
  v1::Article article;
  v1::ClickEvent click_event;
  google::protobuf::Message& message =
      click ? static_cast<google::protobuf::Message&>(click_event) : article;
  const absl::Time start = absl::Now();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i % 256 == 0) bar.Update(i, "");
    if (options.rate > 0) {
      // Paced against the start, not the previous message, so that the rate holds on average.
      const absl::Duration due = absl::Seconds(static_cast<double>(i) / options.rate);
      const absl::Duration ahead = due - (absl::Now() - start);
      if (ahead > absl::ZeroDuration()) absl::SleepFor(ahead);
    }
    absl::Status sent;
    if (options.raw) {
      sent = (*publisher)->Publish(options.topic, "", &lines[i]);
    } else {
      absl::StatusOr<std::string> key = ParseLine(lines[i], click, message);
      if (!key.ok()) {
        if (++bad <= 10) {
          std::fprintf(stderr, "%s:%zu: skipped: %s\n", path.c_str(), i + 1,
                       std::string(key.status().message()).c_str());
        }
        continue;
      }
      if (options.format == "json") {
        sent = (*publisher)->Publish(options.topic, *key, &lines[i], kJsonContentType);
      } else {
        const std::string payload = message.SerializeAsString();
        sent = (*publisher)->Publish(options.topic, *key, &payload);
      }
    }
    if (!sent.ok()) {
      bar.Finish(i, "");
      std::fprintf(stderr, "produce: %s\n", std::string(sent.message()).c_str());
      return 1;
    }
  }
  absl::Status flushed = (*publisher)->Flush(absl::Seconds(60));
  bar.Finish(lines.size(), "");
  std::printf("produced %llu messages to %s at %s (%llu lines skipped)\n",
              static_cast<unsigned long long>((*publisher)->delivered()), options.topic.c_str(),
              brokers.c_str(), static_cast<unsigned long long>(bad));
  if (!flushed.ok()) {
    std::fprintf(stderr, "produce: %s\n", std::string(flushed.message()).c_str());
    return 1;
  }
  return bad == 0 ? 0 : 1;
}

int RunConsume(const std::string& brokers_flag, const std::string& topic, int max,
               absl::Duration timeout) {
  const std::optional<KafkaConfig> kafka = KafkaEnvironment("consume");
  if (!kafka) return 2;
  const std::string brokers = !brokers_flag.empty()     ? brokers_flag
                              : !kafka->brokers.empty() ? kafka->brokers
                                                        : kDefaultBrokers;
  // Not consumer_properties: the CLI reads without a group, and the service's group.instance.id
  // (if one is set there) would fence the service's own consumer.
  auto conf = MakeKafkaConf(
      brokers, {{"group.id", "headliner-cli-consume"}, {"enable.auto.commit", "false"}},
      kafka->properties);
  if (!conf.ok()) {
    std::fprintf(stderr, "consume: %s\n", std::string(conf.status().message()).c_str());
    return 1;
  }
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (consumer == nullptr) {
    std::fprintf(stderr, "consume: %s\n", error.c_str());
    return 1;
  }
  // Assign every partition from the beginning: no group membership, nothing committed.
  RdKafka::Metadata* raw_metadata = nullptr;
  std::unique_ptr<RdKafka::Topic> handle(
      RdKafka::Topic::create(consumer.get(), topic, nullptr, error));
  if (consumer->metadata(false, handle.get(), &raw_metadata, 10000) != RdKafka::ERR_NO_ERROR) {
    std::fprintf(stderr, "consume: no metadata for %s at %s\n", topic.c_str(), brokers.c_str());
    return 1;
  }
  std::unique_ptr<RdKafka::Metadata> metadata(raw_metadata);
  std::vector<RdKafka::TopicPartition*> assignment;
  for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
    for (const RdKafka::PartitionMetadata* p : *t->partitions()) {
      assignment.push_back(
          RdKafka::TopicPartition::create(topic, p->id(), RdKafka::Topic::OFFSET_BEGINNING));
    }
  }
  const RdKafka::ErrorCode assigned = consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  if (assigned != RdKafka::ERR_NO_ERROR) {
    std::fprintf(stderr, "consume: cannot assign %s: %s\n", topic.c_str(),
                 RdKafka::err2str(assigned).c_str());
    return 1;
  }
  int printed = 0;
  absl::Time last = absl::Now();
  while (printed < max && absl::Now() - last < timeout) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(100));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    last = absl::Now();
    std::string line = absl::StrCat("{\"partition\":", m->partition(), ",\"offset\":", m->offset());
    if (m->key() != nullptr) absl::StrAppend(&line, ",\"key\":", JsonQuote(*m->key()));
    absl::StrAppend(&line, ",\"headers\":{");
    if (RdKafka::Headers* headers = m->headers()) {
      bool first = true;
      for (const RdKafka::Headers::Header& h : headers->get_all()) {
        absl::StrAppend(
            &line, first ? "" : ",", JsonQuote(h.key()), ":",
            JsonQuote(absl::string_view(static_cast<const char*>(h.value()), h.value_size())));
        first = false;
      }
    }
    std::string payload;
    if (m->payload() != nullptr) {
      absl::Base64Escape(std::string(static_cast<const char*>(m->payload()), m->len()), &payload);
    }
    absl::StrAppend(&line, "},\"payload_base64\":\"", payload, "\"}");
    std::printf("%s\n", line.c_str());
    ++printed;
  }
  if (const RdKafka::ErrorCode err = consumer->close(); err != RdKafka::ERR_NO_ERROR) {
    std::fprintf(stderr, "consume: closing the consumer: %s\n", RdKafka::err2str(err).c_str());
  }
  return 0;
}

int RunSimulate(const SimulateOptions& options) {
  std::vector<SampleArticle> catalog;
  if (!options.uci_path.empty()) {
    auto read = ReadUciNews(options.uci_path, nullptr);
    if (!read.ok()) {
      std::fprintf(stderr, "simulate: %s\n", std::string(read.status().message()).c_str());
      return 1;
    }
    catalog = std::move(*read);
  } else {
    SampleCatalogOptions sample;
    sample.articles = options.sample_count;
    sample.seed = options.sample_seed;
    sample.span = options.sample_span;
    sample.newest = absl::Now();
    catalog = GenerateSampleCatalog(sample);
  }
  ClickSimulatorOptions sim;
  sim.sessions = options.sessions;
  sim.seed = options.seed;
  sim.span = options.span;
  google::protobuf::util::JsonPrintOptions json;
  json.preserve_proto_field_names = true;
  for (const v1::ClickEvent& c : SimulateClicks(catalog, sim)) {
    std::string line;
    (void)google::protobuf::util::MessageToJsonString(c, &line, json);
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

}  // namespace headliner
