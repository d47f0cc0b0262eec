#include "common/background_thread.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace headliner {
namespace {

long CurrentTid() { return syscall(SYS_gettid); }

TEST(BackgroundThreadTest, TheNameIsWhatProcShowsCutTo15Bytes) {
  std::string comm;
  std::thread([&] {
    SetCurrentThreadName("a-rather-long-thread-name");
    std::ifstream in("/proc/self/task/" + std::to_string(CurrentTid()) + "/comm");
    std::getline(in, comm);
  }).join();
  EXPECT_EQ(comm, "a-rather-long-t");
}

TEST(BackgroundThreadTest, TheNiceValueIsTheCallingThreadsOnly) {
  const int before = getpriority(PRIO_PROCESS, static_cast<id_t>(CurrentTid()));
  ASSERT_LE(before, 7) << "the test runs at a lower priority than it sets";
  int inside = -100;
  std::thread([&] {
    ASSERT_TRUE(SetCurrentThreadNice(7).ok());
    inside = getpriority(PRIO_PROCESS, static_cast<id_t>(CurrentTid()));
  }).join();
  EXPECT_EQ(inside, 7);
  EXPECT_EQ(getpriority(PRIO_PROCESS, static_cast<id_t>(CurrentTid())), before);
}

TEST(BackgroundThreadTest, ANiceValueOutsideTheRangeIsRefused) {
  EXPECT_EQ(SetCurrentThreadNice(20).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SetCurrentThreadNice(-1).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace headliner
