// headliner-cli subcommands that talk to Kafka or generate event streams.
#ifndef HEADLINER_CLI_KAFKA_COMMANDS_H_
#define HEADLINER_CLI_KAFKA_COMMANDS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace headliner {

struct ProduceOptions {
  std::string topic;
  // Empty: $HEADLINER_KAFKA_BROKERS, else the brokers the server consumes from (Admin.Stats),
  // else 127.0.0.1:9092.
  std::string brokers;
  // "protobuf": each line is parsed and sent as protobuf binary; "json": sent as the JSON line
  // with a content-type header. With `raw`, lines are sent verbatim, unchecked (for testing
  // dead-lettering).
  std::string format = "protobuf";
  bool raw = false;
  // "article" or "click"; empty: "click" when the topic name contains "click".
  std::string kind;
  // Messages per second, paced evenly (a steady stream during a benchmark); 0: as fast as the
  // producer takes them.
  double rate = 0;
};

// Publishes a JSON-lines file ("-" for stdin) of Article or ClickEvent messages.
int RunProduce(const std::shared_ptr<grpc::Channel>& channel, const ProduceOptions& options,
               const std::string& path);

// Prints the messages of a topic from the beginning as JSON lines (key, headers, payload in
// base64, source position), stopping after `max` messages or `timeout` without one.
int RunConsume(const std::string& brokers, const std::string& topic, int max,
               absl::Duration timeout);

struct SimulateOptions {
  // The catalog: a UCI News CSV path, or the synthetic one of `sample` (same count and seed).
  std::string uci_path;
  int sample_count = 3000;
  uint64_t sample_seed = 42;
  absl::Duration sample_span = absl::Hours(72);  // as `sample --span_hours`
  int sessions = 1000;
  uint64_t seed = 7;
  absl::Duration span = absl::Hours(24);
};

// Writes a simulated click stream as JSON lines (headliner.v1.ClickEvent) to stdout.
int RunSimulate(const SimulateOptions& options);

}  // namespace headliner

#endif  // HEADLINER_CLI_KAFKA_COMMANDS_H_
