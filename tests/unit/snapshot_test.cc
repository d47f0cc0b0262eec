#include "common/snapshot.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace headliner {
namespace {

// Readers always see a whole value, and keep theirs while writers replace it (run under
// ThreadSanitizer by scripts/sanitize thread: loads and stores from several threads).
TEST(SnapshotTest, ReadersKeepWholeValuesWhileWritersReplaceThem) {
  Snapshot<const std::string> snapshot(std::make_shared<const std::string>(64, 'a'));
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        std::shared_ptr<const std::string> v = snapshot.Load();
        if (v->size() != 64 || v->find_first_not_of((*v)[0]) != std::string::npos) ++torn;
      }
    });
  }
  std::shared_ptr<const std::string> held = snapshot.Load();
  for (int i = 0; i < 2000; ++i) {
    snapshot.Store(std::make_shared<const std::string>(64, static_cast<char>('a' + i % 26)));
  }
  stop.store(true);
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(*held, std::string(64, 'a'));  // a reader's copy outlives its replacement
  EXPECT_EQ((*snapshot.Load())[0], static_cast<char>('a' + 1999 % 26));
}

}  // namespace
}  // namespace headliner
