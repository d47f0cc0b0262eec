#include "encode/model_dir.h"

#include <cstdlib>

namespace headliner {

std::string DefaultMiniLmDir() {
  if (const char* dir = std::getenv("HEADLINER_MODEL_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : "") + "/.cache/headliner/models/all-minilm-l6-v2";
}

}  // namespace headliner
