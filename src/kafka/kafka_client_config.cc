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
