// An in-process Kafka cluster (librdkafka's mock cluster) with Headliner's topics, for the demo
// on a machine without Java and for fast unit tests. It speaks the Kafka protocol on a loopback
// port, so the real consumer and `headliner-cli produce` work against it unchanged. It keeps at
// most a few MiB per partition and nothing on disk: not for production.
#ifndef HEADLINER_KAFKA_EMBEDDED_KAFKA_H_
#define HEADLINER_KAFKA_EMBEDDED_KAFKA_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace headliner {

class EmbeddedKafka {
 public:
  // Starts a one-broker cluster and creates `topics` with `partitions` each.
  static absl::StatusOr<std::unique_ptr<EmbeddedKafka>> Start(
      const std::vector<std::string>& topics, int partitions);
  ~EmbeddedKafka();

  EmbeddedKafka(const EmbeddedKafka&) = delete;
  EmbeddedKafka& operator=(const EmbeddedKafka&) = delete;

  // "127.0.0.1:port" of the broker.
  const std::string& bootstrap_servers() const { return bootstrap_; }

 private:
  struct Handles;
  explicit EmbeddedKafka(std::unique_ptr<Handles> handles);

  std::unique_ptr<Handles> handles_;
  std::string bootstrap_;
};

}  // namespace headliner

#endif  // HEADLINER_KAFKA_EMBEDDED_KAFKA_H_
