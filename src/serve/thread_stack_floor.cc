// A floor under the thread stack sizes that libraries ask for.
//
// glibc takes a thread's static TLS (the initial-exec thread-locals of every loaded library) out
// of its stack, and refuses to create a thread whose requested stack cannot hold it (EINVAL). This
// process's libraries carry about 125 KB of static TLS (OpenBLAS 60 KB, glog 30 KB, librdkafka
// 15 KB, ...), while civetweb, the HTTP server under prometheus-cpp's exposer, asks for 100 KB
// stacks: its threads could not be created ("Cannot create threads: error 0") and the metrics
// endpoint never started. civetweb offers no option for its stack size, so this definition, in
// the executable, interposes on the libraries' calls and raises any request below
// kThreadStackFloor to it. Stacks are mapped lazily, so the floor costs address space only; a
// request at or above it is passed through unchanged.
#include <dlfcn.h>
#include <pthread.h>

#include <algorithm>
#include <cstddef>

namespace {

constexpr size_t kThreadStackFloor = size_t{1} << 20;

using SetStackSize = int (*)(pthread_attr_t*, size_t);

SetStackSize Next() {
  // Resolved once, thread-safely (a function-local static); libc's own definition.
  static const SetStackSize next =
      reinterpret_cast<SetStackSize>(dlsym(RTLD_NEXT, "pthread_attr_setstacksize"));
  return next;
}

}  // namespace

extern "C" int pthread_attr_setstacksize(pthread_attr_t* attr, size_t size) {
  return Next()(attr, std::max(size, kThreadStackFloor));
}

namespace headliner {
// Referenced by MetricsEndpoint so that the linker takes this file out of the static library
// whenever the exposer is linked.
int ThreadStackFloorLinked() { return 1; }
}  // namespace headliner
