#include "common/option_environment.h"

#include <unistd.h>

#include <cstdlib>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

extern char** environ;

namespace headliner {

EnvList ProcessEnvNames() {
  return [](const std::string& prefix) {
    std::vector<std::string> names;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string entry(*e);
      if (entry.rfind(prefix, 0) == 0) names.push_back(entry.substr(0, entry.find('=')));
    }
    return names;
  };
}

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

absl::Status ApplyEnvironment(const OptionTable& table, const EnvLookup& env,
                              const EnvList& env_names) {
  for (const Option& o : table.options()) {
    if (o.env.empty()) continue;
    if (o.string_map != nullptr) {
      for (const std::string& name : env_names(o.env)) {
        std::string entry = absl::AsciiStrToLower(name.substr(o.env.size()));
        absl::c_replace(entry, '_', '.');
        if (auto v = env(name)) (*o.string_map)[entry] = *v;
      }
    } else if (auto v = env(o.env)) {
      if (absl::Status s = o.value->Parse(*v); !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(o.env, " (", o.key, "): ", s.message()));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace headliner
