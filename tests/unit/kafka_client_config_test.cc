#include "kafka/kafka_client_config.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

constexpr int kDebian12Librdkafka = 0x020002ff;  // 2.0.2

TEST(KafkaClientConfigTest, ScramFromAnOldLibrdkafkaIsWarnedAboutNamingTheVersion) {
  const std::string warning =
      ScramCompatibilityWarning({{"sasl.mechanism", "SCRAM-SHA-512"}}, kDebian12Librdkafka);
  EXPECT_NE(warning.find("sasl.mechanism is SCRAM-SHA-512"), std::string::npos) << warning;
  EXPECT_NE(warning.find("(2.0.2)"), std::string::npos) << warning;
  EXPECT_NE(ScramCompatibilityWarning({{"sasl.mechanisms", "scram-sha-256"}}, kDebian12Librdkafka),
            "");
}

TEST(KafkaClientConfigTest, OtherMechanismsAndFixedLibrdkafkasAreNotWarnedAbout) {
  EXPECT_EQ(ScramCompatibilityWarning({{"sasl.mechanism", "PLAIN"}}, kDebian12Librdkafka), "");
  EXPECT_EQ(ScramCompatibilityWarning({}, kDebian12Librdkafka), "");
  EXPECT_EQ(ScramCompatibilityWarning({{"sasl.mechanism", "SCRAM-SHA-512"}},
                                      kLibrdkafkaScramFixedVersion),
            "");
}

TEST(KafkaClientConfigTest, ARefusedPropertyIsNamed) {
  auto conf = MakeKafkaConf("127.0.0.1:9092", {}, {{"security.protocol", "CARRIER_PIGEON"}});
  ASSERT_FALSE(conf.ok());
  EXPECT_TRUE(absl::StartsWith(conf.status().message(), "kafka property security.protocol: "))
      << conf.status();
}

}  // namespace
}  // namespace headliner
