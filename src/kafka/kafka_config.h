// Options of Kafka ingestion (src/kafka): the "kafka" section of the config. No brokers: no
// ingestion (Admin RPCs only).
#ifndef HEADLINER_KAFKA_KAFKA_CONFIG_H_
#define HEADLINER_KAFKA_KAFKA_CONFIG_H_

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/option_environment.h"
#include "common/option_table.h"

namespace headliner {

// Message format of a topic; a `content-type` header on a message overrides it.
enum class WireFormat { kProtobuf, kJson };

// "protobuf" or "json".
std::optional<WireFormat> ParseWireFormat(absl::string_view text);

// Environment-variable prefixes of extra librdkafka properties.
inline constexpr char kKafkaPropertyEnvPrefix[] = "HEADLINER_KAFKA_PROPERTY_";
inline constexpr char kKafkaConsumerPropertyEnvPrefix[] = "HEADLINER_KAFKA_CONSUMER_PROPERTY_";
inline constexpr char kKafkaProducerPropertyEnvPrefix[] = "HEADLINER_KAFKA_PRODUCER_PROPERTY_";
inline constexpr char kKafkaSecretFileEnvPrefix[] = "HEADLINER_KAFKA_SECRET_FILE_";
// kafka.brokers value that starts an in-process mock cluster (serve/server.h starts it).
inline constexpr char kEmbeddedKafka[] = "embedded";

struct KafkaConfig {
  // "host:port,..." of a real cluster, "embedded" for an in-process mock cluster (demo), or empty.
  std::string brokers;
  std::string group_id = "headliner";
  // Static group membership, so that a restarted process gets its partitions back at once
  // instead of after the old member's session times out (44 s with dynamic membership after a
  // kill -9). "auto": "headliner-<host>-<hash of the data dir>", stable across restarts of one
  // process and distinct for two processes on one host (which would fence each other with the
  // same id); in Kubernetes the host is the pod name. Empty: dynamic membership. Else: this id.
  // A group.instance.id in consumer_properties wins.
  std::string group_instance_id = "auto";
  std::string articles_topic = "articles";
  std::string clicks_topic = "clicks";
  WireFormat articles_format = WireFormat::kProtobuf;
  WireFormat clicks_format = WireFormat::kProtobuf;
  // Dead-letter topics for rejected messages; empty disables dead-lettering (still counted).
  std::string articles_dead_letter_topic = "articles-dlq";
  std::string clicks_dead_letter_topic = "clicks-dlq";
  // Where the exposures of experiment responses are published (impression.proto) and read back
  // by every replica, when experiments are configured (experiments.file); empty: not published. At
  // most `impression_queue_max` wait in the producer's memory for the brokers; beyond that an
  // exposure is dropped and counted, never waited for by a request.
  std::string impressions_topic = "impressions";
  int impression_queue_max = 100000;
  // A rejected message's payload is dead-lettered cut to this size (with its original size in a
  // header): Kafka's default message size limit is 1 MB, headers included. A letter the topic
  // still refuses is produced as a reference (headers only).
  int dead_letter_max_bytes = 512 << 10;
  // A micro-batch is applied when it holds this many events, or is this old, or when the
  // consumer's local queue runs dry and it is batch_linger old, whichever is first.
  // 4,000 rather than 1,000: every row a batch touches is written once per batch, so a replica
  // catching up applies 1.5x the clicks per second (BENCHMARKS.md, issue 14's fourth step); a
  // live stream's batches are cut by batch_max_wait long before.
  int batch_max_events = 4000;
  absl::Duration batch_max_wait = absl::Milliseconds(50);
  // A batch younger than this is not applied when the queue runs dry: it waits for more events,
  // up to this age. On a quiet stream (a thousand clicks/s arrive a few at a time) every batch
  // costs a commit and rewrites the rows it touches; holding the batch lets the clicks of one
  // linger share those writes, at the cost of this much freshness. 0: a lone event is applied at
  // once. At most batch_max_wait.
  absl::Duration batch_linger = absl::Milliseconds(50);
  // Extra librdkafka properties (security.protocol, sasl.*, ssl.*, ...), applied to the consumer
  // and the dead-letter producer. From YAML `kafka.properties` and HEADLINER_KAFKA_PROPERTY_<NAME>
  // (NAME upper-case with '.' as '_', e.g. HEADLINER_KAFKA_PROPERTY_SASL_PASSWORD).
  std::map<std::string, std::string> properties;
  // librdkafka properties for the consumer only (group.instance.id, session.timeout.ms, ...),
  // from YAML `kafka.consumer_properties` and HEADLINER_KAFKA_CONSUMER_PROPERTY_<NAME>.
  std::map<std::string, std::string> consumer_properties;
  // librdkafka properties for the dead-letter producer only (message.max.bytes, ...), from YAML
  // `kafka.producer_properties` and HEADLINER_KAFKA_PRODUCER_PROPERTY_<NAME>.
  std::map<std::string, std::string> producer_properties;
  // Properties whose values are secrets (sasl.password, ssl.key.password, ...): property name ->
  // file holding the value (a mounted Kubernetes Secret), so the value is in neither the config
  // file nor the environment. From YAML `kafka.secret_files` and
  // HEADLINER_KAFKA_SECRET_FILE_<NAME>=<path>. Read once at start (ReadKafkaSecrets), with one
  // trailing newline dropped; a rotated secret takes effect at the next restart. Never logged.
  std::map<std::string, std::string> secret_files;
};

// The properties of a consumer (`properties`, then `consumer_properties` on top) and of a
// producer (`properties`, then `producer_properties`).
std::map<std::string, std::string> ConsumerProperties(const KafkaConfig& config);
std::map<std::string, std::string> ProducerProperties(const KafkaConfig& config);

// `config` with every secret file read into `properties`: InvalidArgument naming the key and the
// path (never the content) when a file cannot be read.
absl::StatusOr<KafkaConfig> ReadKafkaSecrets(const KafkaConfig& config);

// The group.instance.id to use for `config` (empty: dynamic membership), given the host name and
// the data directory's absolute path.
std::string ResolveGroupInstanceId(const KafkaConfig& config, absl::string_view host,
                                   absl::string_view data_dir);

// Declares the keys of `config` under "kafka".
void DeclareKafkaOptions(KafkaConfig& config, OptionTable& table);

// For tools that talk to the same cluster as the service (headliner-cli produce, consume): the
// defaults, then the environment (HEADLINER_KAFKA_*), validated, with the secret files read.
absl::StatusOr<KafkaConfig> KafkaConfigFromEnvironment(const EnvLookup& env,
                                                       const EnvList& env_names);

}  // namespace headliner

#endif  // HEADLINER_KAFKA_KAFKA_CONFIG_H_
