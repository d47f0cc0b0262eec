// ThreadSanitizer builds only: C11 threads (<threads.h>) over pthreads, defined in the test
// executable so that they take the place of glibc's for librdkafka. librdkafka starts its threads
// and takes its locks with C11 thrd_create, mtx_lock and cnd_wait; glibc implements those by
// calling its pthread internals directly, which TSan (clang 14) does not intercept, so it crashed
// in librdkafka's threads and could not see their locks. These definitions call the pthread
// functions through their public entry points, which TSan does intercept. glibc's C11 types are
// its pthread types (same size and layout), so the casts are exact.
#include <pthread.h>
#include <threads.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <ctime>

namespace {

struct Start {
  thrd_start_t function;
  void* argument;
};

void* RunC11Thread(void* start) {
  Start s = *static_cast<Start*>(start);
  std::free(start);  // allocated with malloc below: the C ABI of thrd_create, not C++ ownership
  return reinterpret_cast<void*>(static_cast<std::intptr_t>(s.function(s.argument)));
}

int ToC11(int pthread_result) {
  if (pthread_result == 0) return thrd_success;
  if (pthread_result == ETIMEDOUT) return thrd_timedout;
  if (pthread_result == EBUSY) return thrd_busy;
  if (pthread_result == ENOMEM) return thrd_nomem;
  return thrd_error;
}

pthread_mutex_t* Native(mtx_t* m) { return reinterpret_cast<pthread_mutex_t*>(m); }
pthread_cond_t* Native(cnd_t* c) { return reinterpret_cast<pthread_cond_t*>(c); }

}  // namespace

extern "C" {

int thrd_create(thrd_t* thread, thrd_start_t function, void* argument) {
  auto* start = static_cast<Start*>(std::malloc(sizeof(Start)));
  if (start == nullptr) return thrd_nomem;
  *start = {function, argument};
  const int r = pthread_create(reinterpret_cast<pthread_t*>(thread), nullptr, RunC11Thread, start);
  if (r != 0) std::free(start);
  return ToC11(r);
}

int thrd_join(thrd_t thread, int* result) {
  void* value = nullptr;
  const int r = pthread_join(static_cast<pthread_t>(thread), &value);
  if (r == 0 && result != nullptr)
    *result = static_cast<int>(reinterpret_cast<std::intptr_t>(value));
  return ToC11(r);
}

int thrd_detach(thrd_t thread) { return ToC11(pthread_detach(static_cast<pthread_t>(thread))); }

int mtx_init(mtx_t* mutex, int type) {
  pthread_mutexattr_t attributes;
  pthread_mutexattr_init(&attributes);
  if (type & mtx_recursive) pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
  const int r = pthread_mutex_init(Native(mutex), &attributes);
  pthread_mutexattr_destroy(&attributes);
  return ToC11(r);
}
int mtx_lock(mtx_t* mutex) { return ToC11(pthread_mutex_lock(Native(mutex))); }
int mtx_trylock(mtx_t* mutex) { return ToC11(pthread_mutex_trylock(Native(mutex))); }
int mtx_timedlock(mtx_t* mutex, const struct timespec* until) {
  return ToC11(pthread_mutex_timedlock(Native(mutex), until));
}
int mtx_unlock(mtx_t* mutex) { return ToC11(pthread_mutex_unlock(Native(mutex))); }
void mtx_destroy(mtx_t* mutex) { pthread_mutex_destroy(Native(mutex)); }

int cnd_init(cnd_t* cond) { return ToC11(pthread_cond_init(Native(cond), nullptr)); }
int cnd_signal(cnd_t* cond) { return ToC11(pthread_cond_signal(Native(cond))); }
int cnd_broadcast(cnd_t* cond) { return ToC11(pthread_cond_broadcast(Native(cond))); }
int cnd_wait(cnd_t* cond, mtx_t* mutex) {
  return ToC11(pthread_cond_wait(Native(cond), Native(mutex)));
}
int cnd_timedwait(cnd_t* cond, mtx_t* mutex, const struct timespec* until) {
  return ToC11(pthread_cond_timedwait(Native(cond), Native(mutex), until));
}
void cnd_destroy(cnd_t* cond) { pthread_cond_destroy(Native(cond)); }

}  // extern "C"
