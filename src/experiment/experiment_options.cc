#include "experiment/experiment_options.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace headliner {

void DeclareExperimentOptions(ExperimentOptions& o, OptionTable& table) {
  table.In("experiments")
      .String("file", o.file)
      .Env("HEADLINER_EXPERIMENTS_FILE")
      .Duration("reload_interval", o.reload_interval)
      .String("token_key_file", o.token_key_file)
      .Env("HEADLINER_TOKEN_KEY_FILE");
}

absl::StatusOr<std::string> ReadTokenKey(const ExperimentOptions& options) {
  if (options.token_key_file.empty()) return std::string();
  std::ifstream in(options.token_key_file, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("experiments.token_key_file: cannot read ", options.token_key_file));
  }
  std::stringstream key;
  key << in.rdbuf();
  if (key.str().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("experiments.token_key_file: ", options.token_key_file, " is empty"));
  }
  return key.str();
}

}  // namespace headliner
