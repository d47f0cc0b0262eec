// What a long-lived background thread says about itself: a name, as top -H, perf and
// /proc/<pid>/task/*/comm show it, so that the CPU of the apply step, the refresher and the
// indexes' compaction can be told apart in a running server; and a lower scheduling priority for
// work that may wait while requests are served.
#ifndef HEADLINER_COMMON_BACKGROUND_THREAD_H_
#define HEADLINER_COMMON_BACKGROUND_THREAD_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace headliner {

// Names the calling thread; Linux keeps the first 15 bytes of `name`.
void SetCurrentThreadName(absl::string_view name);

// Sets the calling thread's nice value (0: the process's default priority; up to 19, the
// lowest). On Linux the nice value is per thread, and under load the scheduler gives a thread of
// nice n about 1.25^-n the CPU of a nice-0 thread, while an idle core still runs it at full
// speed: background work yields to requests without a fixed budget. Raising the value needs no
// privilege; lowering it below the current one does, and fails with PERMISSION_DENIED.
absl::Status SetCurrentThreadNice(int nice);

}  // namespace headliner

#endif  // HEADLINER_COMMON_BACKGROUND_THREAD_H_
