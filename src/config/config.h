// Headliner's configuration: the Engine's options, Kafka's and the server's, plus the process's
// own keys. Each layer owns its options struct and declares its keys (name, environment variable,
// range) once; this loader composes them, filling the struct from its defaults, then a YAML file,
// then the environment (HEADLINER_*), then command-line flags, and validates it once at start.
#ifndef HEADLINER_CONFIG_CONFIG_H_
#define HEADLINER_CONFIG_CONFIG_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/log.h"
#include "common/option_environment.h"
#include "engine/engine_config.h"
#include "kafka/kafka_config.h"
#include "serve/server_config.h"

namespace headliner {

// The Engine's sections (encoder, index, ranking, clicks, covisitation, behaviour) are inherited,
// so `config.ranking` reads as in the YAML file and a Config is what Engine::Open takes.
struct Config : EngineConfig {
  std::string data_dir = "./data";
  // The variant name responses report for readers in no experiment.
  std::string variant = "default";
  KafkaConfig kafka;
  ServerConfig server;
  LoggingConfig logging;
};

// Values given on the command line; each one set overrides every other source.
struct ConfigOverrides {
  std::optional<std::string> data_dir;
  std::optional<std::string> grpc_addr;
  std::optional<std::string> admin_addr;
  std::optional<std::string> kafka_brokers;
};

// Declares every key of `config`.
void DeclareConfigOptions(Config& config, OptionTable& table);

// Loads defaults < `yaml_path` (if non-empty) < environment < `overrides`, then validates.
// Errors name the file, key and reason, e.g. "config.yaml: ranking.default_limit: must be in
// [1, 1000], got 0".
absl::StatusOr<Config> LoadConfig(const std::string& yaml_path, const EnvLookup& env,
                                  const ConfigOverrides& overrides,
                                  const EnvList& env_names = ProcessEnvNames());

// Parses YAML text into `config` (on top of its current values). Unknown keys are errors.
absl::Status ApplyYaml(const std::string& yaml_text, const std::string& source, Config& config);

// Checks every key's range; the message names the first bad key.
absl::Status ValidateConfig(const Config& config);

}  // namespace headliner

#endif  // HEADLINER_CONFIG_CONFIG_H_
