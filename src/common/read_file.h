// Reads a small file whole (a certificate, a token, a config): the text, or InvalidArgument
// "<key>: cannot read <path>" naming the config key or flag that gave the path.
#ifndef HEADLINER_COMMON_READ_FILE_H_
#define HEADLINER_COMMON_READ_FILE_H_

#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace headliner {

inline absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(key, ": cannot read ", path));
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace headliner

#endif  // HEADLINER_COMMON_READ_FILE_H_
