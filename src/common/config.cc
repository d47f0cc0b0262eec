#include "common/config.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "yaml-cpp/yaml.h"

namespace headliner {
namespace {

// Reads one YAML mapping, remembering which keys were consumed so that the rest are reported as
// unknown (a typo in a key must not be silently ignored).
class YamlSection {
 public:
  YamlSection(const YAML::Node& node, std::string path) : node_(node), path_(std::move(path)) {}

  template <typename T>
  absl::Status Read(const std::string& key, T& out) {
    seen_.push_back(key);
    const YAML::Node value = node_[key];
    if (!value) return absl::OkStatus();
    try {
      out = value.as<T>();
    } catch (const YAML::Exception& e) {
      return absl::InvalidArgumentError(absl::StrCat(Name(key), ": not a valid value: ", e.msg));
    }
    return absl::OkStatus();
  }

  absl::Status ReadDuration(const std::string& key, absl::Duration& out) {
    std::string text;
    if (auto s = Read(key, text); !s.ok()) return s;
    if (text.empty()) return absl::OkStatus();
    if (!absl::ParseDuration(text, &out)) {
      return absl::InvalidArgumentError(
          absl::StrCat(Name(key), ": not a duration like \"24h\" or \"90s\": \"", text, "\""));
    }
    return absl::OkStatus();
  }

  absl::Status ReadNormalizer(const std::string& key, CoVisitationNormalizer& out) {
    std::string text;
    if (auto s = Read(key, text); !s.ok()) return s;
    if (text.empty()) return absl::OkStatus();
    std::optional<CoVisitationNormalizer> n = ParseCoVisitationNormalizer(text);
    if (!n) {
      return absl::InvalidArgumentError(absl::StrCat(
          Name(key), ": must be jaccard, conditional, cosine, lift or pmi, got \"", text, "\""));
    }
    out = *n;
    return absl::OkStatus();
  }

  absl::Status ReadFormat(const std::string& key, WireFormat& out) {
    std::string text;
    if (auto s = Read(key, text); !s.ok()) return s;
    if (text.empty()) return absl::OkStatus();
    std::optional<WireFormat> f = ParseWireFormat(text);
    if (!f) {
      return absl::InvalidArgumentError(
          absl::StrCat(Name(key), ": must be \"protobuf\" or \"json\", got \"", text, "\""));
    }
    out = *f;
    return absl::OkStatus();
  }

  YamlSection Child(const std::string& key) {
    seen_.push_back(key);
    return YamlSection(node_[key], Name(key));
  }

  absl::Status CheckNoUnknownKeys() const {
    if (!node_ || node_.IsNull()) return absl::OkStatus();
    if (!node_.IsMap()) {
      return absl::InvalidArgumentError(absl::StrCat(path_.empty() ? "top level" : path_,
                                                     ": expected a mapping of keys to values"));
    }
    for (const auto& item : node_) {
      const std::string key = item.first.as<std::string>();
      bool known = false;
      for (const auto& s : seen_) known = known || s == key;
      if (!known) return absl::InvalidArgumentError(absl::StrCat(Name(key), ": unknown key"));
    }
    return absl::OkStatus();
  }

 private:
  std::string Name(const std::string& key) const {
    return path_.empty() ? key : absl::StrCat(path_, ".", key);
  }

  YAML::Node node_;
  std::string path_;
  std::vector<std::string> seen_;
};

absl::Status ApplyYamlNode(const YAML::Node& root, Config& c) {
  YamlSection top(root, "");
  RETURN_IF_ERROR(top.Read("data_dir", c.data_dir));
  RETURN_IF_ERROR(top.Read("variant", c.variant));

  YamlSection enc = top.Child("encoder");
  RETURN_IF_ERROR(enc.Read("dimension", c.encoder.dimension));
  RETURN_IF_ERROR(enc.Read("feature_buckets", c.encoder.feature_buckets));
  RETURN_IF_ERROR(enc.CheckNoUnknownKeys());

  YamlSection idx = top.Child("index");
  RETURN_IF_ERROR(idx.Read("hnsw_m", c.index.hnsw_m));
  RETURN_IF_ERROR(idx.Read("hnsw_ef_construction", c.index.hnsw_ef_construction));
  RETURN_IF_ERROR(idx.Read("hnsw_ef_search", c.index.hnsw_ef_search));
  RETURN_IF_ERROR(idx.Read("compaction_threshold", c.index.compaction_threshold));
  RETURN_IF_ERROR(idx.Read("min_main_segment", c.index.min_main_segment));
  RETURN_IF_ERROR(idx.Read("quantize_main_segment", c.index.quantize_main_segment));
  RETURN_IF_ERROR(idx.CheckNoUnknownKeys());

  YamlSection rank = top.Child("ranking");
  RETURN_IF_ERROR(rank.Read("content_weight", c.ranking.content_weight));
  RETURN_IF_ERROR(rank.Read("behaviour_weight", c.ranking.behaviour_weight));
  RETURN_IF_ERROR(rank.Read("covisitation_weight", c.ranking.covisitation_weight));
  RETURN_IF_ERROR(rank.Read("freshness_weight", c.ranking.freshness_weight));
  RETURN_IF_ERROR(rank.Read("popularity_weight", c.ranking.popularity_weight));
  RETURN_IF_ERROR(rank.ReadDuration("freshness_half_life", c.ranking.freshness_half_life));
  RETURN_IF_ERROR(
      rank.ReadNormalizer("covisitation_normalizer", c.ranking.covisitation_normalizer));
  RETURN_IF_ERROR(rank.Read("mmr_lambda", c.ranking.mmr_lambda));
  RETURN_IF_ERROR(rank.Read("near_duplicate_threshold", c.ranking.near_duplicate_threshold));
  RETURN_IF_ERROR(rank.Read("candidate_pool", c.ranking.candidate_pool));
  RETURN_IF_ERROR(rank.Read("popular_candidates", c.ranking.popular_candidates));
  RETURN_IF_ERROR(rank.ReadDuration("popular_max_age", c.ranking.popular_max_age));
  RETURN_IF_ERROR(rank.Read("default_limit", c.ranking.default_limit));
  RETURN_IF_ERROR(rank.Read("max_limit", c.ranking.max_limit));
  RETURN_IF_ERROR(rank.CheckNoUnknownKeys());

  YamlSection clk = top.Child("clicks");
  RETURN_IF_ERROR(clk.Read("session_max_clicks", c.clicks.session_max_clicks));
  RETURN_IF_ERROR(clk.ReadDuration("session_idle_timeout", c.clicks.session_idle_timeout));
  RETURN_IF_ERROR(clk.ReadDuration("dedup_window", c.clicks.dedup_window));
  RETURN_IF_ERROR(clk.ReadDuration("popularity_half_life", c.clicks.popularity_half_life));
  RETURN_IF_ERROR(clk.Read("trending_per_section", c.clicks.trending_per_section));
  RETURN_IF_ERROR(clk.CheckNoUnknownKeys());

  YamlSection cov = top.Child("covisitation");
  RETURN_IF_ERROR(cov.ReadDuration("window", c.covisitation.window));
  RETURN_IF_ERROR(cov.ReadDuration("gap_half_life", c.covisitation.gap_half_life));
  RETURN_IF_ERROR(cov.Read("max_partners", c.covisitation.max_partners));
  RETURN_IF_ERROR(cov.CheckNoUnknownKeys());

  YamlSection beh = top.Child("behaviour");
  RETURN_IF_ERROR(beh.Read("enabled", c.behaviour.enabled));
  RETURN_IF_ERROR(beh.ReadDuration("window", c.behaviour.window));
  RETURN_IF_ERROR(beh.Read("context_clicks", c.behaviour.context_clicks));
  RETURN_IF_ERROR(beh.Read("negatives", c.behaviour.negatives));
  RETURN_IF_ERROR(beh.Read("negative_pool", c.behaviour.negative_pool));
  RETURN_IF_ERROR(beh.Read("learning_rate", c.behaviour.learning_rate));
  RETURN_IF_ERROR(beh.CheckNoUnknownKeys());

  YamlSection kafka = top.Child("kafka");
  RETURN_IF_ERROR(kafka.Read("brokers", c.kafka.brokers));
  RETURN_IF_ERROR(kafka.Read("group_id", c.kafka.group_id));
  RETURN_IF_ERROR(kafka.Read("articles_topic", c.kafka.articles_topic));
  RETURN_IF_ERROR(kafka.Read("clicks_topic", c.kafka.clicks_topic));
  RETURN_IF_ERROR(kafka.ReadFormat("articles_format", c.kafka.articles_format));
  RETURN_IF_ERROR(kafka.ReadFormat("clicks_format", c.kafka.clicks_format));
  RETURN_IF_ERROR(kafka.Read("articles_dead_letter_topic", c.kafka.articles_dead_letter_topic));
  RETURN_IF_ERROR(kafka.Read("clicks_dead_letter_topic", c.kafka.clicks_dead_letter_topic));
  RETURN_IF_ERROR(kafka.Read("batch_max_events", c.kafka.batch_max_events));
  RETURN_IF_ERROR(kafka.ReadDuration("batch_max_wait", c.kafka.batch_max_wait));
  RETURN_IF_ERROR(kafka.Read("properties", c.kafka.properties));
  RETURN_IF_ERROR(kafka.Read("consumer_properties", c.kafka.consumer_properties));
  RETURN_IF_ERROR(kafka.CheckNoUnknownKeys());

  YamlSection srv = top.Child("server");
  RETURN_IF_ERROR(srv.Read("grpc_addr", c.server.grpc_addr));
  RETURN_IF_ERROR(srv.Read("max_message_bytes", c.server.max_message_bytes));
  RETURN_IF_ERROR(srv.ReadDuration("shutdown_grace", c.server.shutdown_grace));
  RETURN_IF_ERROR(srv.ReadDuration("default_deadline", c.server.default_deadline));
  RETURN_IF_ERROR(srv.CheckNoUnknownKeys());

  return top.CheckNoUnknownKeys();
}

absl::Status Range(const char* name, double value, double lo, double hi) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(name, ": must be in [", lo, ", ", hi, "], got ", value));
}

absl::Status Positive(const char* name, absl::Duration d) {
  if (d > absl::ZeroDuration()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(name, ": must be a positive duration, got ", absl::FormatDuration(d)));
}

}  // namespace

std::optional<CoVisitationNormalizer> ParseCoVisitationNormalizer(absl::string_view name) {
  if (name == "jaccard") return CoVisitationNormalizer::kJaccard;
  if (name == "conditional") return CoVisitationNormalizer::kConditional;
  if (name == "cosine") return CoVisitationNormalizer::kCosine;
  if (name == "lift") return CoVisitationNormalizer::kLift;
  if (name == "pmi") return CoVisitationNormalizer::kPmi;
  return std::nullopt;
}

std::optional<WireFormat> ParseWireFormat(absl::string_view text) {
  if (text == "protobuf") return WireFormat::kProtobuf;
  if (text == "json") return WireFormat::kJson;
  return std::nullopt;
}

EnvList ProcessEnvNames() {
  return [](const std::string& prefix) {
    std::vector<std::string> names;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string entry(*e);
      if (entry.rfind(prefix, 0) == 0) names.push_back(entry.substr(0, entry.find('=')));
    }
    return names;
  };
}

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

absl::Status ApplyYaml(const std::string& yaml_text, const std::string& source, Config& config) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": not valid YAML: ", e.what()));
  }
  if (absl::Status s = ApplyYamlNode(root, config); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status ValidateConfig(const Config& c) {
  if (c.data_dir.empty()) return absl::InvalidArgumentError("data_dir: must not be empty");
  if (c.server.grpc_addr.empty()) {
    return absl::InvalidArgumentError("server.grpc_addr: must not be empty");
  }
  if (c.variant.empty()) return absl::InvalidArgumentError("variant: must not be empty");
  RETURN_IF_ERROR(Range("encoder.dimension", c.encoder.dimension, 8, 4096));
  const int b = c.encoder.feature_buckets;
  if (b < 1024 || b > (1 << 26) || (b & (b - 1)) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "encoder.feature_buckets: must be a power of two in [1024, 67108864], got ", b));
  }
  RETURN_IF_ERROR(Range("index.hnsw_m", c.index.hnsw_m, 4, 128));
  RETURN_IF_ERROR(Range("index.hnsw_ef_construction", c.index.hnsw_ef_construction, 8, 2048));
  RETURN_IF_ERROR(Range("index.hnsw_ef_search", c.index.hnsw_ef_search, 8, 4096));
  RETURN_IF_ERROR(Range("index.compaction_threshold", c.index.compaction_threshold, 16, 1e7));
  RETURN_IF_ERROR(Range("index.min_main_segment", c.index.min_main_segment, 16, 1e8));
  RETURN_IF_ERROR(Range("ranking.content_weight", c.ranking.content_weight, 0, 100));
  RETURN_IF_ERROR(Range("ranking.freshness_weight", c.ranking.freshness_weight, 0, 100));
  RETURN_IF_ERROR(Range("ranking.covisitation_weight", c.ranking.covisitation_weight, 0, 100));
  RETURN_IF_ERROR(Range("ranking.behaviour_weight", c.ranking.behaviour_weight, 0, 100));
  RETURN_IF_ERROR(Range("ranking.popularity_weight", c.ranking.popularity_weight, 0, 100));
  RETURN_IF_ERROR(Range("ranking.mmr_lambda", c.ranking.mmr_lambda, 0, 1));
  RETURN_IF_ERROR(Range("ranking.popular_candidates", c.ranking.popular_candidates, 0, 10000));
  RETURN_IF_ERROR(Positive("ranking.popular_max_age", c.ranking.popular_max_age));
  if (c.ranking.content_weight == 0 && c.ranking.behaviour_weight == 0 &&
      c.ranking.covisitation_weight == 0 && c.ranking.popularity_weight == 0) {
    return absl::InvalidArgumentError(
        "ranking: at least one of content_weight, behaviour_weight, covisitation_weight and "
        "popularity_weight must be positive (each enables its source of candidates)");
  }
  RETURN_IF_ERROR(Positive("ranking.freshness_half_life", c.ranking.freshness_half_life));
  RETURN_IF_ERROR(
      Range("ranking.near_duplicate_threshold", c.ranking.near_duplicate_threshold, 0, 1.0001));
  RETURN_IF_ERROR(Range("ranking.max_limit", c.ranking.max_limit, 1, 1000));
  RETURN_IF_ERROR(Range("ranking.default_limit", c.ranking.default_limit, 1, c.ranking.max_limit));
  RETURN_IF_ERROR(Range("ranking.candidate_pool", c.ranking.candidate_pool, 1, 100000));
  RETURN_IF_ERROR(Range("clicks.session_max_clicks", c.clicks.session_max_clicks, 1, 10000));
  RETURN_IF_ERROR(Positive("clicks.session_idle_timeout", c.clicks.session_idle_timeout));
  RETURN_IF_ERROR(Positive("clicks.dedup_window", c.clicks.dedup_window));
  RETURN_IF_ERROR(Positive("clicks.popularity_half_life", c.clicks.popularity_half_life));
  RETURN_IF_ERROR(Positive("covisitation.window", c.covisitation.window));
  RETURN_IF_ERROR(Positive("covisitation.gap_half_life", c.covisitation.gap_half_life));
  RETURN_IF_ERROR(Range("covisitation.max_partners", c.covisitation.max_partners, 1, 1000));
  RETURN_IF_ERROR(Range("clicks.trending_per_section", c.clicks.trending_per_section, 1, 10000));
  RETURN_IF_ERROR(Positive("behaviour.window", c.behaviour.window));
  RETURN_IF_ERROR(Range("behaviour.context_clicks", c.behaviour.context_clicks, 1, 100));
  RETURN_IF_ERROR(Range("behaviour.negatives", c.behaviour.negatives, 0, 50));
  RETURN_IF_ERROR(Range("behaviour.negative_pool", c.behaviour.negative_pool, 1, 1000000));
  RETURN_IF_ERROR(Range("behaviour.learning_rate", c.behaviour.learning_rate, 1e-6, 1));
  if (!c.kafka.brokers.empty()) {
    if (c.kafka.group_id.empty()) return absl::InvalidArgumentError("kafka.group_id: is empty");
    if (c.kafka.articles_topic.empty() || c.kafka.clicks_topic.empty()) {
      return absl::InvalidArgumentError("kafka.articles_topic, kafka.clicks_topic: must be set");
    }
    if (c.kafka.articles_topic == c.kafka.clicks_topic) {
      return absl::InvalidArgumentError(
          "kafka.clicks_topic: must differ from kafka.articles_topic");
    }
  }
  RETURN_IF_ERROR(Range("kafka.batch_max_events", c.kafka.batch_max_events, 1, 1000000));
  RETURN_IF_ERROR(Positive("kafka.batch_max_wait", c.kafka.batch_max_wait));
  RETURN_IF_ERROR(Range("server.max_message_bytes", c.server.max_message_bytes, 1024, 1 << 30));
  RETURN_IF_ERROR(Positive("server.shutdown_grace", c.server.shutdown_grace));
  RETURN_IF_ERROR(Positive("server.default_deadline", c.server.default_deadline));
  return absl::OkStatus();
}

absl::StatusOr<Config> LoadConfig(const std::string& yaml_path, const EnvLookup& env,
                                  const ConfigOverrides& overrides, const EnvList& env_names) {
  Config config;
  if (!yaml_path.empty()) {
    std::ifstream in(yaml_path);
    if (!in) return absl::NotFoundError(absl::StrCat(yaml_path, ": cannot read config file"));
    std::stringstream text;
    text << in.rdbuf();
    RETURN_IF_ERROR(ApplyYaml(text.str(), yaml_path, config));
  }
  if (auto v = env("HEADLINER_DATA_DIR")) config.data_dir = *v;
  if (auto v = env("HEADLINER_GRPC_ADDR")) config.server.grpc_addr = *v;
  if (auto v = env("HEADLINER_VARIANT")) config.variant = *v;
  if (auto v = env("HEADLINER_KAFKA_BROKERS")) config.kafka.brokers = *v;
  if (auto v = env("HEADLINER_KAFKA_GROUP_ID")) config.kafka.group_id = *v;
  // HEADLINER_KAFKA_PROPERTY_SASL_PASSWORD=x sets sasl.password=x.
  auto read_properties = [&](const std::string& prefix, std::map<std::string, std::string>& out) {
    for (const std::string& name : env_names(prefix)) {
      std::string property = absl::AsciiStrToLower(name.substr(prefix.size()));
      absl::c_replace(property, '_', '.');
      if (auto v = env(name)) out[property] = *v;
    }
  };
  read_properties(kKafkaPropertyEnvPrefix, config.kafka.properties);
  read_properties(kKafkaConsumerPropertyEnvPrefix, config.kafka.consumer_properties);
  if (overrides.data_dir) config.data_dir = *overrides.data_dir;
  if (overrides.kafka_brokers) config.kafka.brokers = *overrides.kafka_brokers;
  if (overrides.grpc_addr) config.server.grpc_addr = *overrides.grpc_addr;
  if (absl::Status s = ValidateConfig(config); !s.ok()) {
    const std::string where = yaml_path.empty() ? "config" : yaml_path;
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", s.message()));
  }
  return config;
}

}  // namespace headliner
