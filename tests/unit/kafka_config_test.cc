#include "kafka/kafka_config.h"

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

}  // namespace
}  // namespace headliner
