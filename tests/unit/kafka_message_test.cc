#include "kafka/kafka_message.h"

#include "gtest/gtest.h"

namespace headliner {
namespace {

TEST(KafkaMessageTest, AnyBrokerUpReadsLibrdkafkaStatistics) {
  // Trimmed from a real statistics event of librdkafka 2.0.
  EXPECT_TRUE(AnyBrokerUp(R"({"name":"rdkafka#consumer-1","brokers":{
      "127.0.0.1:9092/bootstrap":{"name":"127.0.0.1:9092/bootstrap","nodeid":-1,"state":"UP"},
      "127.0.0.1:9092/1":{"name":"127.0.0.1:9092/1","nodeid":1,"state":"UP","rtt":{"avg":120}}},
      "topics":{}})"));
  // Only the bootstrap connection is up: not yet talking to a real broker.
  EXPECT_FALSE(AnyBrokerUp(R"({"brokers":{
      "127.0.0.1:9092/bootstrap":{"nodeid":-1,"state":"UP"},
      "127.0.0.1:9092/1":{"nodeid":1,"state":"TRY_CONNECT"}}})"));
  EXPECT_FALSE(AnyBrokerUp(R"({"brokers":{}})"));
  EXPECT_FALSE(AnyBrokerUp("not json"));
  EXPECT_FALSE(AnyBrokerUp("{}"));
}

}  // namespace
}  // namespace headliner
