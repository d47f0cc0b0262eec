// Reads the environment variables an OptionTable declares (HEADLINER_*): one variable per scalar
// key, and for a string map every variable with its prefix (HEADLINER_KAFKA_PROPERTY_SASL_MECHANISM
// sets the entry "sasl.mechanism"). The config loader applies it between the YAML file and the
// flags; tools (headliner-cli) apply it to the one layer they use.
#ifndef HEADLINER_COMMON_OPTION_ENVIRONMENT_H_
#define HEADLINER_COMMON_OPTION_ENVIRONMENT_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/option_table.h"

namespace headliner {

// Returns the value of an environment variable, or nullopt. Injected for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnv();
// Names of the environment variables that start with `prefix`. Injected for tests.
using EnvList = std::function<std::vector<std::string>(const std::string& prefix)>;
EnvList ProcessEnvNames();

// Sets each declared key whose variable is set. InvalidArgument naming the variable and the key
// when a value does not parse ("HEADLINER_X (x.y): ...").
absl::Status ApplyEnvironment(const OptionTable& table, const EnvLookup& env,
                              const EnvList& env_names);

}  // namespace headliner

#endif  // HEADLINER_COMMON_OPTION_ENVIRONMENT_H_
