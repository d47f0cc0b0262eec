// A one-line progress bar on stderr, redrawn at most ten times a second. Prints nothing when
// stderr is not a terminal, except the final line.
#ifndef HEADLINER_CLI_PROGRESS_BAR_H_
#define HEADLINER_CLI_PROGRESS_BAR_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace headliner {

class ProgressBar {
 public:
  // `total` may be 0 when unknown.
  ProgressBar(std::string label, uint64_t total);
  void Update(uint64_t done, const std::string& detail);
  void Finish(uint64_t done, const std::string& detail);

 private:
  void Draw(uint64_t done, const std::string& detail, bool final);

  const std::string label_;
  const uint64_t total_;
  const bool interactive_;
  const absl::Time started_;
  absl::Time last_draw_ = absl::InfinitePast();
};

}  // namespace headliner

#endif  // HEADLINER_CLI_PROGRESS_BAR_H_
