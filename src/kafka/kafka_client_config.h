// Builds librdkafka configurations for Headliner's clients from KafkaConfig: the bootstrap
// servers, then the client's own defaults, then every user property (security.protocol, sasl.*,
// ssl.*, ...) on top, so an operator can override anything.
#ifndef HEADLINER_KAFKA_KAFKA_CLIENT_CONFIG_H_
#define HEADLINER_KAFKA_KAFKA_CLIENT_CONFIG_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "librdkafka/rdkafkacpp.h"

namespace headliner {

// InvalidArgument naming the property when librdkafka refuses one.
absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeKafkaConf(
    const std::string& brokers, const std::map<std::string, std::string>& defaults,
    const std::map<std::string, std::string>& user_properties);

// A producer on MakeKafkaConf's configuration whose delivery reports go to `reports` (which must
// outlive it). Errors name `what` ("dead-letter producer").
absl::StatusOr<std::unique_ptr<RdKafka::Producer>> MakeKafkaProducer(
    const std::string& brokers, const std::map<std::string, std::string>& defaults,
    const std::map<std::string, std::string>& user_properties, RdKafka::DeliveryReportCb* reports,
    const std::string& what);

}  // namespace headliner

#endif  // HEADLINER_KAFKA_KAFKA_CLIENT_CONFIG_H_
