#include "kafka/kafka_client_config.h"

#include "absl/strings/str_cat.h"

namespace headliner {

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

}  // namespace headliner
