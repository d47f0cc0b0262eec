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

// The first librdkafka release whose SCRAM client a Kafka 4 broker accepts: earlier ones append
// the client nonce twice in the client-final-message, which brokers since 4.0 (RFC 5802's strict
// nonce check) refuse as "invalid credentials" (librdkafka PR 4895, fixed in 2.6.1).
inline constexpr int kLibrdkafkaScramFixedVersion = 0x020601ff;

// A warning for the operator when `properties` ask for SCRAM from a librdkafka older than
// kLibrdkafkaScramFixedVersion (`librdkafka_version` as RdKafka::version() gives it), else empty.
std::string ScramCompatibilityWarning(const std::map<std::string, std::string>& properties,
                                      int librdkafka_version);

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
