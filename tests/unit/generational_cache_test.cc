#include "common/generational_cache.h"

#include <memory>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace headliner {
namespace {

using Cache = GenerationalCache<uint64_t, std::string>;
size_t Charge(const uint64_t&, const std::string& v) { return v.size(); }

TEST(GenerationalCacheTest, FindsWhatWasPutAndReplacesOnPut) {
  Cache cache(1 << 20, Charge);
  EXPECT_FALSE(cache.Find(uint64_t{1}));
  cache.Put(1, "one");
  cache.Put(2, "two");
  EXPECT_EQ(cache.Find(uint64_t{1}), "one");
  cache.Put(1, "uno");
  EXPECT_EQ(cache.Find(uint64_t{1}), "uno");
  EXPECT_EQ(cache.Stats().entries, 2u);
}

TEST(GenerationalCacheTest, StaysBoundedAndKeepsWhatIsUsed) {
  constexpr size_t kCapacity = 256 << 10;
  Cache cache(kCapacity, Charge);
  cache.Put(0, std::string(100, 'h'));  // read all along: it must stay
  for (uint64_t i = 1; i < 100000; ++i) {
    cache.Put(i, std::string(100, 'x'));
    if (i % 64 == 0) {
      ASSERT_TRUE(cache.Find(uint64_t{0})) << "lost after " << i;
    }
  }
  EXPECT_LE(cache.Stats().bytes, kCapacity);
  EXPECT_GT(cache.Stats().entries, 500u);
  EXPECT_FALSE(cache.Find(uint64_t{1}));  // an old one, never read, went
  EXPECT_TRUE(cache.Find(uint64_t{99999}));
}

TEST(GenerationalCacheTest, StringKeysAreFoundByView) {
  GenerationalCache<std::string, int> cache(1 << 20,
                                            [](const std::string& k, int) { return k.size(); });
  cache.Put("article-7", 7);
  const std::string key = "article-7";
  EXPECT_EQ(cache.Find(absl::string_view(key)), 7);
  EXPECT_FALSE(cache.Find(absl::string_view("article-8")));
}

TEST(GenerationalCacheTest, ZeroCapacityCachesNothing) {
  Cache cache(0, Charge);
  cache.Put(1, "one");
  EXPECT_FALSE(cache.Find(uint64_t{1}));
}

TEST(GenerationalCacheTest, ConcurrentReadersAndWritersSeeWholeValues) {
  GenerationalCache<uint64_t, std::shared_ptr<const std::string>> cache(
      64 << 10,
      [](const uint64_t&, const std::shared_ptr<const std::string>& v) { return v->size(); });
  std::thread writer([&] {
    for (uint64_t i = 0; i < 20000; ++i) {
      cache.Put(i % 500, std::make_shared<const std::string>(std::to_string(i % 500)));
    }
  });
  std::thread reader([&] {
    for (uint64_t i = 0; i < 20000; ++i) {
      if (auto v = cache.Find(i % 500)) {
        EXPECT_EQ(**v, std::to_string(i % 500));
      }
    }
  });
  writer.join();
  reader.join();
}

}  // namespace
}  // namespace headliner
