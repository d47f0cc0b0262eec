#include "kafka/embedded_kafka.h"

#include "absl/strings/str_cat.h"
#include "librdkafka/rdkafka.h"
#include "librdkafka/rdkafka_mock.h"

namespace headliner {

// The mock cluster lives inside a client handle; both are C objects with their own destructors.
struct EmbeddedKafka::Handles {
  struct ClientDeleter {
    void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
  };
  struct ClusterDeleter {
    void operator()(rd_kafka_mock_cluster_t* c) const { rd_kafka_mock_cluster_destroy(c); }
  };
  // Destroyed in reverse order: the cluster before the client that hosts it.
  std::unique_ptr<rd_kafka_t, ClientDeleter> client;
  std::unique_ptr<rd_kafka_mock_cluster_t, ClusterDeleter> cluster;
};

EmbeddedKafka::EmbeddedKafka(std::unique_ptr<Handles> handles)
    : handles_(std::move(handles)),
      bootstrap_(rd_kafka_mock_cluster_bootstraps(handles_->cluster.get())) {}

EmbeddedKafka::~EmbeddedKafka() = default;

absl::StatusOr<std::unique_ptr<EmbeddedKafka>> EmbeddedKafka::Start(
    const std::vector<std::string>& topics, int partitions) {
  auto handles = std::make_unique<Handles>();
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();  // owned by rd_kafka_new on success
  if (rd_kafka_conf_set(conf, "log_level", "3", error, sizeof(error)) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(error);
  }
  handles->client.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error)));
  if (handles->client == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("embedded kafka: ", error));
  }
  handles->cluster.reset(rd_kafka_mock_cluster_new(handles->client.get(), 1));
  if (handles->cluster == nullptr) return absl::InternalError("embedded kafka: no mock cluster");
  for (const std::string& topic : topics) {
    rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(handles->cluster.get(), topic.c_str(), partitions, 1);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return absl::InternalError(
          absl::StrCat("embedded kafka: create topic ", topic, ": ", rd_kafka_err2str(err)));
    }
  }
  return std::unique_ptr<EmbeddedKafka>(new EmbeddedKafka(std::move(handles)));
}

}  // namespace headliner
