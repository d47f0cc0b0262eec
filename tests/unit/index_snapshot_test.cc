#include "index/index_snapshot.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "gtest/gtest.h"
#include "test_util.h"

namespace headliner {
namespace {

constexpr int kDim = 16;

std::vector<float> RandomUnit(std::mt19937& rng) { return testing::RandomUnitVector(rng, kDim); }

IndexConfig SmallConfig(bool quantize) {
  IndexConfig c;
  c.min_main_segment = 64;
  c.compaction_threshold = 100000;  // compacted by hand only
  c.quantize_main_segment = quantize;
  return c;
}

// An index with all its parts: a main segment with masked and moved entries, and delta rows
// (updates and new ids).
void Fill(VectorIndex& index, std::mt19937& rng) {
  for (uint64_t id = 0; id < 500; ++id) ASSERT_TRUE(index.Upsert(id, RandomUnit(rng)).ok());
  index.Compact();
  for (uint64_t id = 401; id < 450; ++id) {
    ASSERT_TRUE(index.Upsert(id, testing::Nudged(*index.Vector(id), rng, 0.01f)).ok());
  }
  ASSERT_EQ(index.Stats().moved, 49u);
  for (uint64_t id = 0; id < 40; ++id) ASSERT_TRUE(index.Upsert(id * 7, RandomUnit(rng)).ok());
  for (uint64_t id = 1000; id < 1030; ++id) ASSERT_TRUE(index.Upsert(id, RandomUnit(rng)).ok());
  for (uint64_t id = 300; id < 320; ++id) index.Remove(id);
}

// The same answers, ids and scores, for many queries and every stored vector.
void ExpectSameIndex(const VectorIndex& a, const VectorIndex& b) {
  std::mt19937 rng(99);
  for (int q = 0; q < 50; ++q) {
    const std::vector<float> query = RandomUnit(rng);
    const std::vector<SearchHit> x = a.Search(query, 20);
    const std::vector<SearchHit> y = b.Search(query, 20);
    ASSERT_EQ(x.size(), y.size());
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_EQ(x[i].id, y[i].id) << "query " << q << " rank " << i;
      EXPECT_EQ(x[i].score, y[i].score);
    }
  }
  for (uint64_t id = 0; id < 1100; ++id) {
    EXPECT_EQ(a.Vector(id), b.Vector(id)) << id;
  }
  const IndexStats sa = a.Stats(), sb = b.Stats();
  EXPECT_EQ(sa.live, sb.live);
  EXPECT_EQ(sa.main_segment, sb.main_segment);
  EXPECT_EQ(sa.masked, sb.masked);
  EXPECT_EQ(sa.delta_segment, sb.delta_segment);
  EXPECT_EQ(sa.moved, sb.moved);
}

class IndexSnapshotTest : public ::testing::TestWithParam<bool> {
 protected:
  std::string Path() const { return dir_.path() + "/index.snapshot"; }
  testing::TempDir dir_;
};

TEST_P(IndexSnapshotTest, LoadGivesTheSameIndex) {
  VectorIndex index(kDim, SmallConfig(GetParam()));
  std::mt19937 rng(1);
  Fill(index, rng);
  absl::StatusOr<IndexSnapshotInfo> written = WriteIndexSnapshot(index, 42, Path());
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->position, 42u);
  EXPECT_EQ(written->entries, 500u + 40 + 30 - 0);  // main (masked included) + delta rows
  EXPECT_FALSE(std::filesystem::exists(Path() + ".tmp"));

  VectorIndex loaded(kDim, SmallConfig(GetParam()));
  absl::StatusOr<IndexSnapshotInfo> read = ReadIndexSnapshot(Path(), loaded);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->position, 42u);
  EXPECT_EQ(read->bytes, written->bytes);
  ExpectSameIndex(index, loaded);

  // The loaded graph goes on working: updates, then an extension and a rebuild.
  for (uint64_t id = 2000; id < 2100; ++id) {
    const std::vector<float> v = RandomUnit(rng);
    ASSERT_TRUE(index.Upsert(id, v).ok());
    ASSERT_TRUE(loaded.Upsert(id, v).ok());
  }
  loaded.Compact();
  const std::vector<float> probe = *index.Vector(2050);
  EXPECT_EQ(loaded.Search(probe, 1).at(0).id, 2050u);
}

TEST_P(IndexSnapshotTest, AnIndexSmallerThanAGraphRoundTrips) {
  VectorIndex index(kDim, SmallConfig(GetParam()));
  std::mt19937 rng(2);
  for (uint64_t id = 0; id < 10; ++id) ASSERT_TRUE(index.Upsert(id, RandomUnit(rng)).ok());
  ASSERT_TRUE(WriteIndexSnapshot(index, 1, Path()).ok());
  VectorIndex loaded(kDim, SmallConfig(GetParam()));
  ASSERT_TRUE(ReadIndexSnapshot(Path(), loaded).ok());
  ExpectSameIndex(index, loaded);
}

INSTANTIATE_TEST_SUITE_P(Storage, IndexSnapshotTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Int8" : "Float"; });

class IndexSnapshotDamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937 rng(3);
    Fill(index_, rng);
    ASSERT_TRUE(WriteIndexSnapshot(index_, 7, Path()).ok());
    std::ifstream in(Path(), std::ios::binary);
    bytes_.assign(std::istreambuf_iterator<char>(in), {});
  }
  void Rewrite(const std::string& bytes) {
    std::ofstream out(Path(), std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  // Loading fails with `code` and leaves the target index as it was.
  void ExpectRefused(absl::StatusCode code) {
    VectorIndex target(kDim, SmallConfig(true));
    std::vector<float> v(kDim, 0.25f);
    ASSERT_TRUE(target.Upsert(5, v).ok());
    absl::StatusOr<IndexSnapshotInfo> read = ReadIndexSnapshot(Path(), target);
    EXPECT_EQ(read.status().code(), code) << read.status();
    EXPECT_EQ(target.Stats().live, 1u);
    EXPECT_EQ(target.Vector(5), v);
  }
  std::string Path() const { return dir_.path() + "/index.snapshot"; }

  testing::TempDir dir_;
  VectorIndex index_{kDim, SmallConfig(true)};
  std::string bytes_;
};

TEST_F(IndexSnapshotDamageTest, MissingIsNotFound) {
  std::filesystem::remove(Path());
  ExpectRefused(absl::StatusCode::kNotFound);
}

TEST_F(IndexSnapshotDamageTest, AFlippedByteAnywhereIsDataLoss) {
  for (size_t at : {size_t{3}, size_t{30}, bytes_.size() / 3, bytes_.size() / 2, bytes_.size() - 10,
                    bytes_.size() - 1}) {
    std::string damaged = bytes_;
    damaged[at] ^= 0x20;
    Rewrite(damaged);
    SCOPED_TRACE(at);
    ExpectRefused(absl::StatusCode::kDataLoss);
  }
}

TEST_F(IndexSnapshotDamageTest, TruncatedOrExtendedIsDataLoss) {
  for (size_t size : {size_t{0}, size_t{8}, size_t{40}, bytes_.size() / 2, bytes_.size() - 1}) {
    Rewrite(bytes_.substr(0, size));
    SCOPED_TRACE(size);
    ExpectRefused(absl::StatusCode::kDataLoss);
  }
  Rewrite(bytes_ + "x");
  ExpectRefused(absl::StatusCode::kDataLoss);
}

TEST_F(IndexSnapshotDamageTest, AnotherFormatIsFailedPrecondition) {
  VectorIndex other_dimension(kDim * 2, SmallConfig(true));
  EXPECT_EQ(ReadIndexSnapshot(Path(), other_dimension).status().code(),
            absl::StatusCode::kFailedPrecondition);
  VectorIndex float_storage(kDim, SmallConfig(false));
  EXPECT_EQ(ReadIndexSnapshot(Path(), float_storage).status().code(),
            absl::StatusCode::kFailedPrecondition);
  IndexConfig other_m = SmallConfig(true);
  other_m.hnsw_m = 16;
  VectorIndex other_graph(kDim, other_m);
  EXPECT_EQ(ReadIndexSnapshot(Path(), other_graph).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace headliner
