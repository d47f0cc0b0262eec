#include "kafka/kafka_config.h"

#include <fstream>
#include <map>

#include "gtest/gtest.h"

namespace headliner {
namespace {

TEST(KafkaConfigTest, TheDefaultGroupInstanceIdIsStablePerHostAndDataDir) {
  KafkaConfig c;
  const std::string a = ResolveGroupInstanceId(c, "pod-0", "/var/lib/headliner");
  EXPECT_EQ(a, ResolveGroupInstanceId(c, "pod-0", "/var/lib/headliner"));  // across restarts
  EXPECT_TRUE(a.starts_with("headliner-pod-0-")) << a;
  // Two processes on one host (distinct data dirs) must not fence each other.
  EXPECT_NE(a, ResolveGroupInstanceId(c, "pod-0", "/var/lib/headliner-2"));
  EXPECT_NE(a, ResolveGroupInstanceId(c, "pod-1", "/var/lib/headliner"));
}

TEST(KafkaConfigTest, AnExplicitGroupInstanceIdOrDynamicMembershipWins) {
  KafkaConfig c;
  c.group_instance_id = "";
  EXPECT_EQ(ResolveGroupInstanceId(c, "h", "/d"), "");
  c.group_instance_id = "replica-a";
  EXPECT_EQ(ResolveGroupInstanceId(c, "h", "/d"), "replica-a");
  c.consumer_properties["group.instance.id"] = "from-properties";
  EXPECT_EQ(ResolveGroupInstanceId(c, "h", "/d"), "from-properties");
}

std::string WriteSecret(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << content;
  return path;
}

// The environment of `vars`, as the process's would be.
EnvLookup Lookup(const std::map<std::string, std::string>& vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}
EnvList Names(const std::map<std::string, std::string>& vars) {
  return [vars](const std::string& prefix) {
    std::vector<std::string> names;
    for (const auto& [name, value] : vars) {
      if (name.starts_with(prefix)) names.push_back(name);
    }
    return names;
  };
}

TEST(KafkaConfigTest, SecretFilesAreReadIntoPropertiesWithoutTheirNewline) {
  KafkaConfig c;
  c.properties["sasl.username"] = "headliner";
  c.secret_files["sasl.password"] = WriteSecret("password", "p@ss word\n");
  c.secret_files["ssl.key.password"] = WriteSecret("key-password", "k\r\n");
  absl::StatusOr<KafkaConfig> resolved = ReadKafkaSecrets(c);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->properties.at("sasl.password"), "p@ss word");
  EXPECT_EQ(resolved->properties.at("ssl.key.password"), "k");
  EXPECT_EQ(resolved->properties.at("sasl.username"), "headliner");
  EXPECT_TRUE(resolved->secret_files.empty());
  // Producers and consumers both get them, under their own properties.
  resolved->producer_properties["linger.ms"] = "1";
  EXPECT_EQ(ProducerProperties(*resolved).at("sasl.password"), "p@ss word");
  EXPECT_EQ(ProducerProperties(*resolved).at("linger.ms"), "1");
  EXPECT_EQ(ConsumerProperties(*resolved).count("linger.ms"), 0u);
  EXPECT_EQ(ConsumerProperties(*resolved).at("sasl.password"), "p@ss word");
}

TEST(KafkaConfigTest, AnUnreadableSecretFileNamesTheKeyAndPathNeverAValue) {
  KafkaConfig c;
  c.secret_files["sasl.password"] = ::testing::TempDir() + "/no-such-secret";
  absl::StatusOr<KafkaConfig> resolved = ReadKafkaSecrets(c);
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.status().message(), "kafka.secret_files.sasl.password: cannot read " +
                                             ::testing::TempDir() + "/no-such-secret");
  // Not a config error: a config is checked where the pod's Secret volumes are not mounted.
  OptionTable table;
  DeclareKafkaOptions(c, table);
  EXPECT_TRUE(table.Validate().ok());
}

TEST(KafkaConfigTest, ASecretIsGivenOnceAsAFileOrAsAProperty) {
  KafkaConfig c;
  c.secret_files["sasl.password"] = WriteSecret("password-once", "x");
  c.producer_properties["sasl.password"] = "plain";
  OptionTable table;
  DeclareKafkaOptions(c, table);
  EXPECT_EQ(table.Validate().message(),
            "kafka.secret_files.sasl.password: also set as a plain property; set it once");
}

TEST(KafkaConfigTest, ToolsReadTheServicesKafkaEnvironmentAndSecretFiles) {
  const std::map<std::string, std::string> vars = {
      {"HEADLINER_KAFKA_BROKERS", "127.0.0.1:9094"},
      {"HEADLINER_KAFKA_PROPERTY_SECURITY_PROTOCOL", "SASL_SSL"},
      {"HEADLINER_KAFKA_PROPERTY_SASL_USERNAME", "headliner"},
      {"HEADLINER_KAFKA_SECRET_FILE_SASL_PASSWORD", WriteSecret("env-password", "s3cret\n")},
      {"HEADLINER_UNRELATED", "x"}};
  absl::StatusOr<KafkaConfig> c = KafkaConfigFromEnvironment(Lookup(vars), Names(vars));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->brokers, "127.0.0.1:9094");
  EXPECT_EQ(c->properties, (std::map<std::string, std::string>{{"sasl.password", "s3cret"},
                                                               {"sasl.username", "headliner"},
                                                               {"security.protocol", "SASL_SSL"}}));

  const std::map<std::string, std::string> bad = {{"HEADLINER_KAFKA_BROKERS", "k:9092"},
                                                  {"HEADLINER_KAFKA_GROUP_ID", ""}};
  EXPECT_EQ(KafkaConfigFromEnvironment(Lookup(bad), Names(bad)).status().message(),
            "kafka.group_id: is empty");
}

}  // namespace
}  // namespace headliner
