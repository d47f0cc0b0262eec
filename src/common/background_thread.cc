#include "common/background_thread.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"

namespace headliner {

void SetCurrentThreadName(absl::string_view name) {
  const std::string truncated(name.substr(0, 15));
  pthread_setname_np(pthread_self(), truncated.c_str());
}

absl::Status SetCurrentThreadNice(int nice) {
  if (nice < 0 || nice > 19) {
    return absl::InvalidArgumentError(absl::StrCat("nice must be in [0, 19], got ", nice));
  }
  const auto tid = static_cast<id_t>(syscall(SYS_gettid));
  if (setpriority(PRIO_PROCESS, tid, nice) != 0) {
    const int error = errno;
    return absl::ErrnoToStatus(error, absl::StrCat("setpriority(", nice, ")"));
  }
  return absl::OkStatus();
}

}  // namespace headliner
