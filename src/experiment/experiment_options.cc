#include "experiment/experiment_options.h"

namespace headliner {

void DeclareExperimentOptions(ExperimentOptions& o, OptionTable& table) {
  table.In("experiments")
      .String("file", o.file)
      .Env("HEADLINER_EXPERIMENTS_FILE")
      .Duration("reload_interval", o.reload_interval);
}

}  // namespace headliner
