#include "config/config.h"

#include <fstream>
#include <map>
#include <set>

#include "gtest/gtest.h"

namespace headliner {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ConfigTest, DefaultsAreValid) {
  auto config = LoadConfig("", FakeEnv({}), {});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->ranking.default_limit, 10);
  EXPECT_EQ(config->ranking.max_limit, 100);
}

TEST(ConfigTest, YamlOverridesDefaults) {
  Config c;
  ASSERT_TRUE(ApplyYaml("data_dir: /x\nranking:\n  freshness_half_life: 6h\n  default_limit: 5\n"
                        "encoder:\n  dimension: 64\n",
                        "test.yaml", c)
                  .ok());
  EXPECT_EQ(c.data_dir, "/x");
  EXPECT_EQ(c.ranking.freshness_half_life, absl::Hours(6));
  EXPECT_EQ(c.ranking.default_limit, 5);
  EXPECT_EQ(c.encoder.dimension, 64);
}

// covisitation.half_life was documented in the README but not declared (found by the README test).
TEST(ConfigTest, CoVisitationAgeingHalfLifeIsAnOption) {
  Config c;
  ASSERT_TRUE(ApplyYaml("covisitation:\n  half_life: 48h\n", "test.yaml", c).ok());
  EXPECT_EQ(c.covisitation.half_life, absl::Hours(48));
  Config zero;
  ASSERT_TRUE(ApplyYaml("covisitation:\n  half_life: 0s\n", "test.yaml", zero).ok());
  absl::Status bad = ValidateConfig(zero);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.message()).find("covisitation.half_life"), std::string::npos) << bad;
}

TEST(ConfigTest, TheSlowRequestLogTakesZeroToTurnItOff) {
  Config c;
  EXPECT_EQ(c.server.slow_request_log, absl::Milliseconds(100));
  ASSERT_TRUE(ApplyYaml("server:\n  slow_request_log: 0s\n", "test.yaml", c).ok());
  EXPECT_EQ(c.server.slow_request_log, absl::ZeroDuration());
  EXPECT_TRUE(ValidateConfig(c).ok());
  ASSERT_TRUE(ApplyYaml("server:\n  slow_request_log: -1ms\n", "test.yaml", c).ok());
  absl::Status s = ValidateConfig(c);
  EXPECT_NE(s.message().find("server.slow_request_log"), absl::string_view::npos) << s;
}

TEST(ConfigTest, UnknownKeyIsAnErrorNamingIt) {
  Config c;
  absl::Status s = ApplyYaml("ranking:\n  freshnes_weight: 1\n", "test.yaml", c);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("ranking.freshnes_weight: unknown key"), absl::string_view::npos) << s;
}

TEST(ConfigTest, BadValuesAreReadable) {
  Config c;
  EXPECT_NE(ApplyYaml("ranking:\n  default_limit: ten\n", "f.yaml", c)
                .message()
                .find("ranking.default_limit"),
            absl::string_view::npos);
  EXPECT_NE(ApplyYaml("ranking:\n  freshness_half_life: soon\n", "f.yaml", c)
                .message()
                .find("not a duration"),
            absl::string_view::npos);
  EXPECT_FALSE(ApplyYaml("a: [unclosed", "f.yaml", c).ok());
}

TEST(ConfigTest, ValidationNamesTheField) {
  Config c;
  c.ranking.default_limit = 0;
  absl::Status s = ValidateConfig(c);
  EXPECT_NE(s.message().find("ranking.default_limit"), absl::string_view::npos) << s;
  c = Config();
  c.encoder.feature_buckets = 1000;
  EXPECT_FALSE(ValidateConfig(c).ok());
}

TEST(ConfigTest, TheEncoderIsTheSentenceModelByDefaultAndItsDimensionFollowsTheKind) {
  Config c;
  EXPECT_EQ(c.encoder.kind, EncoderKind::kMiniLm);
  EXPECT_EQ(c.encoder.vector_dimension(), 384);
  EXPECT_EQ(EncoderIdentity(c.encoder), "minilm/384");
  ASSERT_TRUE(ApplyYaml("encoder:\n  kind: hashed\n", "test.yaml", c).ok());
  EXPECT_EQ(c.encoder.vector_dimension(), 256);
  EXPECT_TRUE(ValidateConfig(c).ok());
  ASSERT_TRUE(ApplyYaml("encoder:\n  dimension: 64\n", "test.yaml", c).ok());
  EXPECT_EQ(EncoderIdentity(c.encoder), "hashed/64");

  auto from_env = LoadConfig("", FakeEnv({{"HEADLINER_ENCODER", "hashed"}}), {});
  ASSERT_TRUE(from_env.ok()) << from_env.status();
  EXPECT_EQ(from_env->encoder.kind, EncoderKind::kHashed);
}

TEST(ConfigTest, EncoderSettingsThatCannotWorkAreRefusedNamingTheKey) {
  Config c;
  absl::Status s = ApplyYaml("encoder:\n  kind: bert\n", "f.yaml", c);
  EXPECT_NE(s.message().find("encoder.kind"), absl::string_view::npos) << s;
  EXPECT_NE(s.message().find("minilm, hashed, external"), absl::string_view::npos) << s;

  c = Config();
  c.encoder.dimension = 64;  // minilm makes 384
  s = ValidateConfig(c);
  EXPECT_NE(s.message().find("encoder.dimension"), absl::string_view::npos) << s;
  c.encoder.dimension = 384;
  EXPECT_TRUE(ValidateConfig(c).ok());

  c = Config();
  c.encoder.kind = EncoderKind::kExternal;  // the events' vectors: their length must be given
  s = ValidateConfig(c);
  EXPECT_NE(s.message().find("encoder.dimension: required with encoder.kind external"),
            absl::string_view::npos)
      << s;
  c.encoder.dimension = 768;
  EXPECT_TRUE(ValidateConfig(c).ok());
}

TEST(ConfigTest, TrackedPartnersCannotBeFewerThanThePartnersRankingSees) {
  Config c;
  c.covisitation.max_partners = 60;
  c.covisitation.tracked_partners = 50;
  absl::Status s = ValidateConfig(c);
  EXPECT_NE(s.message().find("covisitation.tracked_partners"), absl::string_view::npos) << s;
  c.covisitation.tracked_partners = 60;
  EXPECT_TRUE(ValidateConfig(c).ok());
}

TEST(ConfigTest, TlsFilesGoTogetherAndMetricsTakeAnAddress) {
  Config c;
  ASSERT_TRUE(ApplyYaml("server:\n  metrics_addr: 0.0.0.0:9464\n  tls:\n    cert_file: /c.pem\n",
                        "test.yaml", c)
                  .ok());
  EXPECT_EQ(c.server.metrics_addr, "0.0.0.0:9464");
  absl::Status s = ValidateConfig(c);
  EXPECT_NE(s.message().find("server.tls.cert_file and server.tls.key_file"),
            absl::string_view::npos)
      << s;
  ASSERT_TRUE(ApplyYaml("server:\n  tls:\n    key_file: /k.pem\n    client_ca_file: /ca.pem\n",
                        "test.yaml", c)
                  .ok());
  EXPECT_TRUE(ValidateConfig(c).ok());
  c.server.tls.cert_file.clear();
  c.server.tls.key_file.clear();
  s = ValidateConfig(c);
  EXPECT_NE(s.message().find("server.tls.client_ca_file"), absl::string_view::npos) << s;
}

TEST(ConfigTest, AdminOnAnAddressOthersReachNeedsACredential) {
  Config c;
  EXPECT_EQ(c.server.admin_addr, "127.0.0.1:50052");
  ASSERT_TRUE(ApplyYaml("server:\n  admin_addr: 0.0.0.0:50052\n", "test.yaml", c).ok());
  absl::Status s = ValidateConfig(c);
  EXPECT_NE(s.message().find("server.admin_addr"), absl::string_view::npos) << s;
  ASSERT_TRUE(
      ApplyYaml("server:\n  admin_token_file: /run/secrets/admin-token\n", "test.yaml", c).ok());
  EXPECT_TRUE(ValidateConfig(c).ok());
  // Admin on the public port, which is public.
  ASSERT_TRUE(ApplyYaml("server:\n  grpc_addr: 0.0.0.0:50051\n  admin_addr: \"\"\n"
                        "  admin_token_file: \"\"\n",
                        "test.yaml", c)
                  .ok());
  s = ValidateConfig(c);
  EXPECT_NE(s.message().find("server.grpc_addr"), absl::string_view::npos) << s;
}

TEST(ConfigTest, TheBatchLingerTakesZeroAndCannotExceedTheBatchMaxWait) {
  Config c;
  ASSERT_TRUE(ApplyYaml("kafka:\n  batch_linger: 0s\n", "test.yaml", c).ok());
  EXPECT_EQ(c.kafka.batch_linger, absl::ZeroDuration());
  EXPECT_TRUE(ValidateConfig(c).ok());
  ASSERT_TRUE(
      ApplyYaml("kafka:\n  batch_linger: 80ms\n  batch_max_wait: 40ms\n", "test.yaml", c).ok());
  absl::Status s = ValidateConfig(c);
  EXPECT_NE(s.message().find("kafka.batch_linger"), absl::string_view::npos) << s;
  ASSERT_TRUE(ApplyYaml("kafka:\n  batch_max_wait: 80ms\n", "test.yaml", c).ok());
  EXPECT_TRUE(ValidateConfig(c).ok());
}

TEST(ConfigTest, ExperimentsSectionFromYamlAndEnvironment) {
  Config c;
  ASSERT_TRUE(ApplyYaml("experiments:\n  file: /etc/headliner/experiments.yaml\n"
                        "  reload_interval: 5s\n",
                        "test.yaml", c)
                  .ok());
  EXPECT_EQ(c.experiments.file, "/etc/headliner/experiments.yaml");
  EXPECT_EQ(c.experiments.reload_interval, absl::Seconds(5));
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "HEADLINER_EXPERIMENTS_FILE") return "/cfg/exp.yaml";
    return std::nullopt;
  };
  absl::StatusOr<Config> loaded =
      LoadConfig("", env, {}, [](const std::string&) { return std::vector<std::string>(); });
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->experiments.file, "/cfg/exp.yaml");
  EXPECT_FALSE(ApplyYaml("experiments:\n  reload_interval: 0s\n", "test.yaml", c).ok() &&
               ValidateConfig(c).ok());
}

TEST(ConfigTest, ApplySection) {
  Config c;
  ASSERT_TRUE(ApplyYaml("apply:\n  hot_rows_mib: 16\n", "test.yaml", c).ok());
  EXPECT_EQ(c.apply.hot_rows_mib, 16);
  c.apply.hot_rows_mib = -1;
  EXPECT_NE(ValidateConfig(c).message().find("apply.hot_rows_mib"), absl::string_view::npos);
}

TEST(ConfigTest, RankingAndBehaviourSections) {
  Config c;
  ASSERT_TRUE(ApplyYaml("ranking:\n  behaviour_weight: 0.3\n  popularity_weight: 0.2\n"
                        "  mmr_lambda: 0.8\n  covisitation_normalizer: cosine\n"
                        "behaviour:\n  negatives: 3\n  learning_rate: 0.05\n  window: 10m\n",
                        "f.yaml", c)
                  .ok());
  EXPECT_EQ(c.ranking.behaviour_weight, 0.3);
  EXPECT_EQ(c.ranking.popularity_weight, 0.2);
  EXPECT_EQ(c.ranking.mmr_lambda, 0.8);
  EXPECT_EQ(c.ranking.covisitation_normalizer, CoVisitationNormalizer::kCosine);
  EXPECT_EQ(c.behaviour.negatives, 3);
  EXPECT_EQ(c.behaviour.learning_rate, 0.05);
  EXPECT_EQ(c.behaviour.window, absl::Minutes(10));
  EXPECT_TRUE(ValidateConfig(c).ok());

  // An unknown normaliser is rejected where it is read (the config holds an enum).
  EXPECT_NE(ApplyYaml("ranking:\n  covisitation_normalizer: tfidf\n", "f.yaml", c)
                .message()
                .find("ranking.covisitation_normalizer"),
            absl::string_view::npos);
  c = Config();
  c.ranking.mmr_lambda = 1.5;
  EXPECT_NE(ValidateConfig(c).message().find("ranking.mmr_lambda"), absl::string_view::npos);
  c = Config();
  c.ranking.content_weight = c.ranking.behaviour_weight = 0;
  c.ranking.covisitation_weight = c.ranking.popularity_weight = 0;
  EXPECT_NE(ValidateConfig(c).message().find("at least one of"), absl::string_view::npos);
  c = Config();
  c.behaviour.negative_pool = 0;
  EXPECT_NE(ValidateConfig(c).message().find("behaviour.negative_pool"), absl::string_view::npos);
}

TEST(ConfigTest, PrecedenceIsYamlThenEnvThenFlags) {
  ConfigOverrides flags;
  auto from_env = LoadConfig("", FakeEnv({{"HEADLINER_DATA_DIR", "/env"}}), flags);
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(from_env->data_dir, "/env");
  flags.data_dir = "/flag";
  auto from_flag = LoadConfig("", FakeEnv({{"HEADLINER_DATA_DIR", "/env"}}), flags);
  ASSERT_TRUE(from_flag.ok());
  EXPECT_EQ(from_flag->data_dir, "/flag");
}

TEST(ConfigTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadConfig("/nonexistent/headliner.yaml", FakeEnv({}), {}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ConfigTest, KafkaSectionAndPropertiesFromYamlAndEnvironment) {
  const std::string path = ::testing::TempDir() + "/kafka.yaml";
  {
    std::ofstream out(path);
    out << "kafka:\n  brokers: k1:9092,k2:9092\n  clicks_format: json\n"
           "  batch_max_wait: 50ms\n  properties:\n    security.protocol: SASL_SSL\n"
           "  consumer_properties:\n    session.timeout.ms: \"10000\"\n"
           "clicks:\n  dedup_window: 2h\n  session_max_clicks: 20\n"
           "covisitation:\n  window: 1h\n  max_partners: 7\n"
           "ranking:\n  covisitation_weight: 0.5\n";
  }
  auto names = [](const std::string& prefix) {
    if (prefix == kKafkaPropertyEnvPrefix) {
      return std::vector<std::string>{"HEADLINER_KAFKA_PROPERTY_SASL_PASSWORD"};
    }
    if (prefix == kKafkaConsumerPropertyEnvPrefix) {
      return std::vector<std::string>{"HEADLINER_KAFKA_CONSUMER_PROPERTY_GROUP_INSTANCE_ID"};
    }
    return std::vector<std::string>{};
  };
  auto config =
      LoadConfig(path,
                 FakeEnv({{"HEADLINER_KAFKA_PROPERTY_SASL_PASSWORD", "s3cret"},
                          {"HEADLINER_KAFKA_CONSUMER_PROPERTY_GROUP_INSTANCE_ID", "pod-0"},
                          {"HEADLINER_KAFKA_GROUP_ID", "replica-7"}}),
                 {}, names);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->kafka.brokers, "k1:9092,k2:9092");
  EXPECT_EQ(config->kafka.group_id, "replica-7");
  EXPECT_EQ(config->kafka.clicks_format, WireFormat::kJson);
  EXPECT_EQ(config->kafka.articles_format, WireFormat::kProtobuf);
  EXPECT_EQ(config->kafka.batch_max_wait, absl::Milliseconds(50));
  EXPECT_EQ(config->kafka.properties.at("security.protocol"), "SASL_SSL");
  EXPECT_EQ(config->kafka.properties.at("sasl.password"), "s3cret");
  EXPECT_EQ(config->kafka.consumer_properties.at("session.timeout.ms"), "10000");
  EXPECT_EQ(config->kafka.consumer_properties.at("group.instance.id"), "pod-0");
  EXPECT_EQ(config->clicks.dedup_window, absl::Hours(2));
  EXPECT_EQ(config->clicks.session_max_clicks, 20);
  EXPECT_EQ(config->covisitation.window, absl::Hours(1));
  EXPECT_EQ(config->covisitation.max_partners, 7);
  EXPECT_EQ(config->covisitation.gap_half_life, absl::Minutes(10));
  EXPECT_EQ(config->ranking.covisitation_weight, 0.5);

  ConfigOverrides flags;
  flags.kafka_brokers = "embedded";
  EXPECT_EQ(LoadConfig(path, FakeEnv({}), flags, names)->kafka.brokers, "embedded");
}

TEST(ConfigTest, EveryKeyIsDeclaredOnce) {
  Config c;
  OptionTable table;
  DeclareConfigOptions(c, table);
  std::set<std::string> keys;
  for (const Option& o : table.options()) EXPECT_TRUE(keys.insert(o.key).second) << o.key;
  // A sample of each layer's sections.
  for (const char* key :
       {"data_dir", "encoder.dimension", "index.hnsw_m", "ranking.max_limit", "clicks.dedup_window",
        "covisitation.window", "behaviour.enabled", "kafka.properties", "server.grpc_addr"}) {
    EXPECT_TRUE(keys.contains(key)) << key;
  }
}

TEST(ConfigTest, BadEnvironmentValuesNameTheVariable) {
  auto config = LoadConfig("", FakeEnv({{"HEADLINER_GRPC_ADDR", ""}}), {});
  EXPECT_NE(config.status().message().find("server.grpc_addr: must not be empty"),
            absl::string_view::npos)
      << config.status();
  config = LoadConfig("", FakeEnv({{"HEADLINER_VARIANT", ""}}), {});
  EXPECT_NE(config.status().message().find("variant"), absl::string_view::npos);
}

TEST(ConfigTest, NestedMappingsAndNonScalarsAreErrors) {
  Config c;
  EXPECT_NE(ApplyYaml("ranking: 3\n", "f.yaml", c).message().find("ranking: expected a mapping"),
            absl::string_view::npos);
  EXPECT_NE(ApplyYaml("ranking:\n  max_limit: [1, 2]\n", "f.yaml", c)
                .message()
                .find("ranking.max_limit: not a valid value"),
            absl::string_view::npos);
  EXPECT_NE(
      ApplyYaml("index:\n  hnsw_m:\n    deeper: 1\n", "f.yaml", c).message().find("index.hnsw_m"),
      absl::string_view::npos);
}

TEST(ConfigTest, BadKafkaSettingsAreReadable) {
  Config c;
  absl::Status s = ApplyYaml("kafka:\n  articles_format: avro\n", "test.yaml", c);
  EXPECT_NE(s.message().find("kafka.articles_format"), absl::string_view::npos) << s;
  s = ApplyYaml("kafka:\n  brokerz: x\n", "test.yaml", c);
  EXPECT_NE(s.message().find("kafka.brokerz: unknown key"), absl::string_view::npos) << s;
  Config same;
  same.kafka.brokers = "k:9092";
  same.kafka.clicks_topic = same.kafka.articles_topic;
  EXPECT_NE(ValidateConfig(same).message().find("kafka.clicks_topic"), absl::string_view::npos);
  Config zero;
  zero.clicks.session_idle_timeout = absl::ZeroDuration();
  EXPECT_NE(ValidateConfig(zero).message().find("clicks.session_idle_timeout"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace headliner
