#include "config/config.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "yaml-cpp/yaml.h"

namespace headliner {
namespace {

absl::Status WithKey(const std::string& key, const absl::Status& s) {
  if (s.ok()) return s;
  return absl::InvalidArgumentError(absl::StrCat(key, ": ", s.message()));
}

absl::Status ApplyStringMap(const YAML::Node& node, const std::string& key,
                            std::map<std::string, std::string>& out) {
  if (!node.IsMap()) return absl::InvalidArgumentError(absl::StrCat(key, ": expected a mapping"));
  for (const auto& entry : node) {
    if (!entry.second.IsScalar()) {
      return absl::InvalidArgumentError(
          absl::StrCat(key, ".", entry.first.Scalar(), ": expected a single value"));
    }
    out[entry.first.Scalar()] = entry.second.Scalar();
  }
  return absl::OkStatus();
}

// Reads the mapping `node` found at `path` ("" for the top level) into the declared keys. A key
// that is neither declared nor a section of declared keys is an error: a typo must not be
// silently ignored.
absl::Status ApplyYamlNode(const YAML::Node& node, const std::string& path,
                           const OptionTable& table) {
  if (!node || node.IsNull()) return absl::OkStatus();
  if (!node.IsMap()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path.empty() ? "top level" : path, ": expected a mapping of keys to values"));
  }
  for (const auto& item : node) {
    const std::string key =
        path.empty() ? item.first.Scalar() : absl::StrCat(path, ".", item.first.Scalar());
    const YAML::Node& value = item.second;
    const Option* option = table.Find(key);
    if (option == nullptr) {
      if (!table.IsSection(key)) return absl::InvalidArgumentError(key + ": unknown key");
      RETURN_IF_ERROR(ApplyYamlNode(value, key, table));
      continue;
    }
    if (value.IsNull()) continue;  // "key:" with no value keeps the default
    if (option->string_map != nullptr) {
      RETURN_IF_ERROR(ApplyStringMap(value, key, *option->string_map));
      continue;
    }
    if (!value.IsScalar()) {
      return absl::InvalidArgumentError(key + ": not a valid value: expected a single value");
    }
    RETURN_IF_ERROR(WithKey(key, option->value->Parse(value.Scalar())));
  }
  return absl::OkStatus();
}

absl::Status ApplyYamlText(const std::string& yaml_text, const std::string& source,
                           const OptionTable& table) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": not valid YAML: ", e.what()));
  }
  if (absl::Status s = ApplyYamlNode(root, "", table); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status ApplyOverrides(const OptionTable& table, const ConfigOverrides& overrides) {
  const std::pair<const char*, const std::optional<std::string>&> flags[] = {
      {"data_dir", overrides.data_dir},
      {"server.grpc_addr", overrides.grpc_addr},
      {"server.admin_addr", overrides.admin_addr},
      {"kafka.brokers", overrides.kafka_brokers}};
  for (const auto& [key, value] : flags) {
    if (value) RETURN_IF_ERROR(WithKey(key, table.Find(key)->value->Parse(*value)));
  }
  return absl::OkStatus();
}

}  // namespace

void DeclareConfigOptions(Config& c, OptionTable& table) {
  table.In("")
      .String("data_dir", c.data_dir, /*required=*/true)
      .Env("HEADLINER_DATA_DIR")
      .String("variant", c.variant, /*required=*/true)
      .Env("HEADLINER_VARIANT");
  DeclareEngineOptions(c, table);
  DeclareKafkaOptions(c.kafka, table);
  DeclareServerOptions(c.server, table);
  DeclareLoggingOptions(c.logging, table);
}

absl::Status ApplyYaml(const std::string& yaml_text, const std::string& source, Config& config) {
  OptionTable table;
  DeclareConfigOptions(config, table);
  return ApplyYamlText(yaml_text, source, table);
}

absl::Status ValidateConfig(const Config& config) {
  Config copy = config;  // the table binds mutable fields; validation reads only
  OptionTable table;
  DeclareConfigOptions(copy, table);
  return table.Validate();
}

absl::StatusOr<Config> LoadConfig(const std::string& yaml_path, const EnvLookup& env,
                                  const ConfigOverrides& overrides, const EnvList& env_names) {
  Config config;
  OptionTable table;
  DeclareConfigOptions(config, table);
  const std::string where = yaml_path.empty() ? "config" : yaml_path;
  if (!yaml_path.empty()) {
    std::ifstream in(yaml_path);
    if (!in) return absl::NotFoundError(absl::StrCat(yaml_path, ": cannot read config file"));
    std::stringstream text;
    text << in.rdbuf();
    RETURN_IF_ERROR(ApplyYamlText(text.str(), yaml_path, table));
  }
  absl::Status s = ApplyEnvironment(table, env, env_names);
  if (s.ok()) s = ApplyOverrides(table, overrides);
  if (s.ok()) s = table.Validate();
  if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat(where, ": ", s.message()));
  return config;
}

}  // namespace headliner
