// Headliner's configuration: one struct, filled from defaults, then a YAML file, then the
// environment (HEADLINER_*), then command-line flags, and validated once at start.
#ifndef HEADLINER_COMMON_CONFIG_H_
#define HEADLINER_COMMON_CONFIG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace headliner {

// Built-in text encoder (src/encode).
struct EncoderConfig {
  // Dimension of every article vector, built-in or carried by events.
  int dimension = 256;
  // Hash buckets for word and character n-gram features (document frequencies are kept per
  // bucket). A power of two.
  int feature_buckets = 1 << 20;
};

// Vector index (src/index).
struct IndexConfig {
  // HNSW graph degree and search/construction breadth of the main segment.
  int hnsw_m = 32;
  int hnsw_ef_construction = 64;
  int hnsw_ef_search = 64;
  // The delta (flat) segment is compacted into a new main segment once it holds this many
  // vectors, or the main segment has this many masked (stale or deleted) entries.
  int compaction_threshold = 2000;
  // Below this many vectors everything stays in the flat segment: exact and fast enough.
  int min_main_segment = 2000;
  // Store the main segment's vectors as 8-bit scalar-quantised codes (a quarter of the memory
  // traffic per HNSW hop); the delta segment always keeps float32.
  bool quantize_main_segment = true;
};

// How co-visitation weights become scores (src/rank/covisitation_normalizer.h).
enum class CoVisitationNormalizer { kJaccard, kConditional, kCosine, kLift, kPmi };

// Ranking parameters (src/rank). Experiments will vary these per variant.
//   score = content_weight * cosine(content vectors)
//         + behaviour_weight * cosine(behaviour vectors)
//         + covisitation_weight * co-visitation score (see covisitation_normalizer)
//         + freshness_weight * 2^(-age / freshness_half_life)
//         + popularity_weight * popularity / (the most popular candidate's popularity)
// A source of candidates is used only when its feature's weight is non-zero: the content index
// (content), the behaviour index (behaviour), the co-visitation partners (covisitation) and the
// section's trending articles (popularity).
//
// The defaults are the weights that predicted next clicks best on real headlines without losing
// same-story precision (the next-click harness, BENCHMARKS.md).
struct RankingConfig {
  double content_weight = 0.5;
  double behaviour_weight = 1.0;
  double covisitation_weight = 3.0;
  double freshness_weight = 0.05;
  double popularity_weight = 0.5;
  absl::Duration freshness_half_life = absl::Hours(24);
  // How c(a, b), the decayed co-visitation weight, becomes a score in [0, 1] given the click
  // counts n(a), n(b): "jaccard" c / (n(a) + n(b) - c), "conditional" c / n(a) (a is the
  // source), "cosine" c / sqrt(n(a) n(b)), "lift"
  // c / (n(a) n(b)) scaled to the source's best partner, or "pmi" log(c N / (n(a) n(b))) scaled the
  // same way.
  CoVisitationNormalizer covisitation_normalizer = CoVisitationNormalizer::kConditional;
  // Maximal marginal relevance: each next item maximises
  //   mmr_lambda * score - (1 - mmr_lambda) * (max content similarity to the items chosen).
  // 1 ranks by score alone.
  double mmr_lambda = 1.0;
  // A candidate whose content similarity to the source or to another candidate is at least this
  // is a near-duplicate: of a group of near-duplicates only the freshest is shown.
  double near_duplicate_threshold = 0.97;
  // How many nearest neighbours are fetched (from each index) before filtering and re-ranking.
  int candidate_pool = 50;
  // Trending articles of the source's section considered, and how old they may be.
  int popular_candidates = 20;
  absl::Duration popular_max_age = absl::Hours(48);
  int default_limit = 10;
  int max_limit = 100;
};

// Click state (src/ingest/click_applier).
struct ClicksConfig {
  // A session keeps at most this many recent clicks...
  int session_max_clicks = 50;
  // ...and starts afresh after this long without a click.
  absl::Duration session_idle_timeout = absl::Minutes(30);
  // A click whose event_id was seen within this window is a duplicate and ignored.
  absl::Duration dedup_window = absl::Hours(24);
  // Half-life of article and section popularity.
  absl::Duration popularity_half_life = absl::Hours(6);
  // Length of each section's trending list.
  int trending_per_section = 100;
};

// Co-visitation (src/ingest/covisitation_signal): articles read in one session.
struct CoVisitationConfig {
  // A click is paired with the session's earlier clicks at most this long before it...
  absl::Duration window = absl::Minutes(30);
  // ...each pair weighing 2^(-gap / gap_half_life).
  absl::Duration gap_half_life = absl::Minutes(10);
  // Partners kept per article (the heaviest).
  int max_partners = 50;
};

// Behaviour embeddings (src/ingest/behaviour_embedding_signal): streaming item2vec, i.e.
// skip-gram with negative sampling over each session's clicks, one SGD step per click.
struct BehaviourConfig {
  // false: no behaviour vectors are learnt (and the behaviour index stays empty).
  bool enabled = true;
  // A click is trained against the session's distinct earlier clicks at most this long before it,
  // the `context_clicks` most recent of them.
  absl::Duration window = absl::Minutes(30);
  int context_clicks = 5;
  // Negative samples per pair, drawn from the last `negative_pool` clicks.
  int negatives = 5;
  int negative_pool = 10000;
  double learning_rate = 0.025;
};

// Message format of a topic; a `content-type` header on a message overrides it.
enum class WireFormat { kProtobuf, kJson };

// Kafka ingestion (src/ingest/kafka_ingestor). No brokers: no ingestion (Admin RPCs only).
struct KafkaConfig {
  // "host:port,..." of a real cluster, "embedded" for an in-process mock cluster (demo), or empty.
  std::string brokers;
  std::string group_id = "headliner";
  std::string articles_topic = "articles";
  std::string clicks_topic = "clicks";
  WireFormat articles_format = WireFormat::kProtobuf;
  WireFormat clicks_format = WireFormat::kProtobuf;
  // Dead-letter topics for rejected messages; empty disables dead-lettering (still counted).
  std::string articles_dead_letter_topic = "articles-dlq";
  std::string clicks_dead_letter_topic = "clicks-dlq";
  // A micro-batch is applied when the consumer's local queue runs dry, or when it holds this many
  // events, or is this old, whichever is first.
  int batch_max_events = 1000;
  absl::Duration batch_max_wait = absl::Milliseconds(20);
  // Extra librdkafka properties (security.protocol, sasl.*, ssl.*, ...), applied to the consumer
  // and the dead-letter producer. From YAML `kafka.properties` and HEADLINER_KAFKA_PROPERTY_<NAME>
  // (NAME upper-case with '.' as '_', e.g. HEADLINER_KAFKA_PROPERTY_SASL_PASSWORD).
  std::map<std::string, std::string> properties;
  // librdkafka properties for the consumer only (group.instance.id, session.timeout.ms, ...),
  // from YAML `kafka.consumer_properties` and HEADLINER_KAFKA_CONSUMER_PROPERTY_<NAME>.
  std::map<std::string, std::string> consumer_properties;
};

struct ServerConfig {
  std::string grpc_addr = "127.0.0.1:50051";
  int max_message_bytes = 4 << 20;
  // Time given to in-flight calls after SIGTERM before they are cancelled.
  absl::Duration shutdown_grace = absl::Seconds(5);
  // Used when a request carries no deadline.
  absl::Duration default_deadline = absl::Seconds(2);
};

struct Config {
  std::string data_dir = "./data";
  // Name reported as the experiment variant until experiments are configured.
  std::string variant = "default";
  EncoderConfig encoder;
  IndexConfig index;
  RankingConfig ranking;
  ClicksConfig clicks;
  CoVisitationConfig covisitation;
  BehaviourConfig behaviour;
  KafkaConfig kafka;
  ServerConfig server;
};

// Values given on the command line; each one set overrides every other source.
struct ConfigOverrides {
  std::optional<std::string> data_dir;
  std::optional<std::string> grpc_addr;
  std::optional<std::string> kafka_brokers;
};

// Environment-variable prefix of extra librdkafka properties.
inline constexpr char kKafkaPropertyEnvPrefix[] = "HEADLINER_KAFKA_PROPERTY_";
inline constexpr char kKafkaConsumerPropertyEnvPrefix[] = "HEADLINER_KAFKA_CONSUMER_PROPERTY_";

// Returns the value of an environment variable, or nullopt. Injected for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnv();
// Names of the environment variables that start with `prefix`. Injected for tests.
using EnvList = std::function<std::vector<std::string>(const std::string& prefix)>;
EnvList ProcessEnvNames();

// "protobuf" or "json".
std::optional<WireFormat> ParseWireFormat(absl::string_view text);
// "jaccard", "conditional", "cosine", "lift" or "pmi".
std::optional<CoVisitationNormalizer> ParseCoVisitationNormalizer(absl::string_view name);

// Loads defaults < `yaml_path` (if non-empty) < environment < `overrides`, then validates.
// Errors name the file, key and reason, e.g. "config.yaml: ranking.default_limit: must be in
// [1, 100], got 0".
absl::StatusOr<Config> LoadConfig(const std::string& yaml_path, const EnvLookup& env,
                                  const ConfigOverrides& overrides,
                                  const EnvList& env_names = ProcessEnvNames());

// Parses YAML text into `config` (on top of its current values). Unknown keys are errors.
absl::Status ApplyYaml(const std::string& yaml_text, const std::string& source, Config& config);

// Checks every field's range; the message names the first bad field.
absl::Status ValidateConfig(const Config& config);

}  // namespace headliner

#endif  // HEADLINER_COMMON_CONFIG_H_
