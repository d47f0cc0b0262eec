#include "kafka/kafka_config.h"

#include <cstdint>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/read_file.h"

namespace headliner {
namespace {

constexpr std::pair<absl::string_view, WireFormat> kWireFormatNames[] = {
    {"protobuf", WireFormat::kProtobuf}, {"json", WireFormat::kJson}};

}  // namespace

std::optional<WireFormat> ParseWireFormat(absl::string_view text) {
  return FindByName<WireFormat>(kWireFormatNames, text);
}

std::string ResolveGroupInstanceId(const KafkaConfig& config, absl::string_view host,
                                   absl::string_view data_dir) {
  if (auto explicit_id = config.consumer_properties.find("group.instance.id");
      explicit_id != config.consumer_properties.end()) {
    return explicit_id->second;
  }
  if (config.group_instance_id != "auto") return config.group_instance_id;
  // FNV-1a: stable across builds and platforms, unlike std::hash.
  uint32_t hash = 2166136261u;
  for (unsigned char c : data_dir) hash = (hash ^ c) * 16777619u;
  return absl::StrFormat("headliner-%s-%08x", host, hash);
}

std::map<std::string, std::string> ConsumerProperties(const KafkaConfig& config) {
  std::map<std::string, std::string> all = config.properties;
  for (const auto& [k, v] : config.consumer_properties) all[k] = v;
  return all;
}

std::map<std::string, std::string> ProducerProperties(const KafkaConfig& config) {
  std::map<std::string, std::string> all = config.properties;
  for (const auto& [k, v] : config.producer_properties) all[k] = v;
  return all;
}

absl::StatusOr<KafkaConfig> ReadKafkaSecrets(const KafkaConfig& config) {
  KafkaConfig resolved = config;
  for (const auto& [name, path] : config.secret_files) {
    absl::StatusOr<std::string> value = ReadFile(path, absl::StrCat("kafka.secret_files.", name));
    if (!value.ok()) return value.status();
    if (absl::EndsWith(*value, "\n")) value->pop_back();
    if (absl::EndsWith(*value, "\r")) value->pop_back();
    resolved.properties[name] = *std::move(value);
  }
  resolved.secret_files.clear();
  return resolved;
}

void DeclareKafkaOptions(KafkaConfig& c, OptionTable& table) {
  table.In("kafka")
      .String("brokers", c.brokers)
      .Env("HEADLINER_KAFKA_BROKERS")
      .String("group_id", c.group_id)
      .Env("HEADLINER_KAFKA_GROUP_ID")
      .String("group_instance_id", c.group_instance_id)
      .Env("HEADLINER_KAFKA_GROUP_INSTANCE_ID")
      .String("articles_topic", c.articles_topic)
      .String("clicks_topic", c.clicks_topic)
      .Enum<WireFormat>("articles_format", c.articles_format, kWireFormatNames)
      .Enum<WireFormat>("clicks_format", c.clicks_format, kWireFormatNames)
      .String("articles_dead_letter_topic", c.articles_dead_letter_topic)
      .String("clicks_dead_letter_topic", c.clicks_dead_letter_topic)
      .String("impressions_topic", c.impressions_topic)
      .Int("impression_queue_max", c.impression_queue_max, 1, 10000000)
      .Int("dead_letter_max_bytes", c.dead_letter_max_bytes, 0, 64 << 20)
      .Int("batch_max_events", c.batch_max_events, 1, 1000000)
      .Duration("batch_max_wait", c.batch_max_wait)
      .DurationOrZero("batch_linger", c.batch_linger)
      .StringMap("properties", c.properties)
      .Env(kKafkaPropertyEnvPrefix)
      .StringMap("consumer_properties", c.consumer_properties)
      .Env(kKafkaConsumerPropertyEnvPrefix)
      .StringMap("producer_properties", c.producer_properties)
      .Env(kKafkaProducerPropertyEnvPrefix)
      .StringMap("secret_files", c.secret_files)
      .Env(kKafkaSecretFileEnvPrefix);
  // A secret is given one way: as a file, or (for tests and local runs) as a plain property. The
  // files are read at start (ReadKafkaSecrets), not here: a config is checked (--check_config)
  // where the pod's Secret volumes are not mounted.
  table.Rule([&c] {
    for (const auto& [name, unused_path] : c.secret_files) {
      for (const auto* plain : {&c.properties, &c.consumer_properties, &c.producer_properties}) {
        if (plain->count(name) != 0) {
          return absl::InvalidArgumentError(absl::StrCat(
              "kafka.secret_files.", name, ": also set as a plain property; set it once"));
        }
      }
    }
    return absl::OkStatus();
  });
  table.Rule([&c] {
    if (c.batch_linger > c.batch_max_wait) {
      return absl::InvalidArgumentError("kafka.batch_linger: must not exceed kafka.batch_max_wait");
    }
    return absl::OkStatus();
  });
  // With brokers set, ingestion needs a group and two distinct topics.
  table.Rule([&c] {
    if (c.brokers.empty()) return absl::OkStatus();
    if (c.group_id.empty()) return absl::InvalidArgumentError("kafka.group_id: is empty");
    if (c.articles_topic.empty() || c.clicks_topic.empty()) {
      return absl::InvalidArgumentError("kafka.articles_topic, kafka.clicks_topic: must be set");
    }
    if (c.articles_topic == c.clicks_topic) {
      return absl::InvalidArgumentError(
          "kafka.clicks_topic: must differ from kafka.articles_topic");
    }
    if (c.impressions_topic == c.articles_topic || c.impressions_topic == c.clicks_topic) {
      return absl::InvalidArgumentError(
          "kafka.impressions_topic: must differ from kafka.articles_topic and kafka.clicks_topic");
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<KafkaConfig> KafkaConfigFromEnvironment(const EnvLookup& env,
                                                       const EnvList& env_names) {
  KafkaConfig config;
  OptionTable table;
  DeclareKafkaOptions(config, table);
  if (absl::Status s = ApplyEnvironment(table, env, env_names); !s.ok()) return s;
  if (absl::Status s = table.Validate(); !s.ok()) return s;
  return ReadKafkaSecrets(config);
}

}  // namespace headliner
