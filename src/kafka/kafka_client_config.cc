#include "kafka/kafka_client_config.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace headliner {

std::string ScramCompatibilityWarning(const std::map<std::string, std::string>& properties,
                                      int librdkafka_version) {
  if (librdkafka_version >= kLibrdkafkaScramFixedVersion) return "";
  for (const char* key : {"sasl.mechanism", "sasl.mechanisms"}) {
    auto it = properties.find(key);
    if (it == properties.end() || !absl::StartsWithIgnoreCase(it->second, "SCRAM")) continue;
    return absl::StrFormat(
        "%s is %s, but this librdkafka (%d.%d.%d) cannot complete SCRAM with Kafka 4.0 or "
        "later brokers (they refuse its proof as invalid credentials; fixed in librdkafka "
        "2.6.1). With such brokers use PLAIN over SASL_SSL, OAUTHBEARER or TLS client "
        "certificates (docs/operations.md, \"Kafka security\")",
        key, it->second, (librdkafka_version >> 24) & 0xff, (librdkafka_version >> 16) & 0xff,
        (librdkafka_version >> 8) & 0xff);
  }
  return "";
}

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeKafkaConf(
    const std::string& brokers, const std::map<std::string, std::string>& defaults,
    const std::map<std::string, std::string>& user_properties) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  auto set = [&](const std::string& name, const std::string& value) -> absl::Status {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka property ", name, ": ", error));
    }
    return absl::OkStatus();
  };
  if (absl::Status s = set("bootstrap.servers", brokers); !s.ok()) return s;
  for (const auto& [name, value] : defaults) {
    if (absl::Status s = set(name, value); !s.ok()) return s;
  }
  for (const auto& [name, value] : user_properties) {
    if (absl::Status s = set(name, value); !s.ok()) return s;
  }
  return conf;
}

absl::StatusOr<std::unique_ptr<RdKafka::Producer>> MakeKafkaProducer(
    const std::string& brokers, const std::map<std::string, std::string>& defaults,
    const std::map<std::string, std::string>& user_properties, RdKafka::DeliveryReportCb* reports,
    const std::string& what) {
  absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf =
      MakeKafkaConf(brokers, defaults, user_properties);
  if (!conf.ok()) return conf.status();
  std::string error;
  if ((*conf)->set("dr_cb", reports, error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat(what, ": ", error));
  }
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf->get(), error));
  if (producer == nullptr) return absl::InvalidArgumentError(absl::StrCat(what, ": ", error));
  return producer;
}

}  // namespace headliner
