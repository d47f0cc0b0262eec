#include "store/behaviour_store.h"

#include "store/keys.h"
#include "store_fixture.h"

namespace headliner {
namespace {

constexpr int kDim = 4;

class BehaviourStoreTest : public testing::StoreFixture {};

TEST_F(BehaviourStoreTest, InputAndOutputAreKeptApart) {
  BehaviourStore store(*db_, kDim);
  EXPECT_FALSE(store.Find(1)->has_value());
  const std::vector<float> out = {0, 1, 0, 0};
  Commit([&](StagedBatch& b) { store.StageOutput(b, 1, out); });
  auto only_output = store.Find(1);
  ASSERT_TRUE(only_output.ok() && only_output->has_value());
  EXPECT_TRUE((*only_output)->input.empty());  // only contexts and negatives so far
  EXPECT_EQ((*only_output)->output, out);
  const std::vector<float> in = {0.5f, 0.5f, 0, 0};
  Commit([&](StagedBatch& b) { store.StageInput(b, 1, in); });
  Reopen();
  auto both = BehaviourStore(*db_, kDim).Find(1);
  ASSERT_TRUE(both.ok() && both->has_value());
  EXPECT_EQ((*both)->input, in);
  EXPECT_EQ((*both)->output, out);
}

TEST_F(BehaviourStoreTest, CheckStoredDimensionNamesBothDimensions) {
  EXPECT_TRUE(BehaviourStore(*db_, kDim).CheckStoredDimension().ok());  // nothing stored yet
  BehaviourStore store(*db_, kDim);
  Commit([&](StagedBatch& b) { store.StageOutput(b, 7, std::vector<float>{0, 1, 0, 0}); });
  EXPECT_TRUE(store.CheckStoredDimension().ok());
  absl::Status other = BehaviourStore(*db_, 8).CheckStoredDimension();
  EXPECT_EQ(other.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(other.message().find("have 4 dimensions but the config asks for 8"),
            absl::string_view::npos)
      << other;
  // The float32 layout of earlier versions is measured too.
  Commit([&](StagedBatch& b) {
    b.Put(Column::kBehaviour, EncodeU64(1) + 'i', EncodeFloats(std::vector<float>{1, 2, 3}));
  });
  other = BehaviourStore(*db_, 8).CheckStoredDimension();
  EXPECT_NE(other.message().find("have 3 dimensions"), absl::string_view::npos) << other;
}

TEST_F(BehaviourStoreTest, ForEachInputVisitsTrainedArticlesOnly) {
  BehaviourStore store(*db_, kDim);
  Commit([&](StagedBatch& b) {
    store.StageInput(b, 2, std::vector<float>{1, 0, 0, 0});
    store.StageOutput(b, 2, std::vector<float>{0, 1, 0, 0});
    store.StageOutput(b, 3, std::vector<float>{0, 0, 1, 0});  // a negative, never a centre
    store.StageInput(b, 5, std::vector<float>{0, 0, 0, 1});
  });
  std::vector<uint64_t> visited;
  ASSERT_TRUE(store
                  .ForEachInput([&](uint64_t id, std::vector<float> v) {
                    EXPECT_EQ(v.size(), static_cast<size_t>(kDim));
                    visited.push_back(id);
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(visited, (std::vector<uint64_t>{2, 5}));
}

TEST_F(BehaviourStoreTest, AVisitorErrorStopsTheScanAndIsReturned) {
  BehaviourStore store(*db_, kDim);
  Commit([&](StagedBatch& b) {
    for (uint64_t id = 1; id <= 3; ++id) store.StageInput(b, id, std::vector<float>(kDim, 1));
  });
  int visits = 0;
  absl::Status s = store.ForEachInput([&](uint64_t, std::vector<float>) {
    ++visits;
    return absl::FailedPreconditionError("stop here");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(visits, 1);
}

TEST_F(BehaviourStoreTest, VectorsAreStoredInHalfPrecision) {
  BehaviourStore store(*db_, kDim);
  // 1/3 is not a half-precision value: stored, it reads back as the nearest one.
  const std::vector<float> in = {1.0f / 3, -2.5f, 0, 65504};
  Commit([&](StagedBatch& b) { store.StageInput(b, 1, in); });
  auto raw = db_->Get(Column::kBehaviour, EncodeU64(1) + "i");
  ASSERT_TRUE(raw.ok() && raw->has_value());
  EXPECT_EQ((*raw)->size(), 1u + 2 * kDim);
  auto found = store.Find(1);
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status();
  EXPECT_EQ((*found)->input, (std::vector<float>{0.333251953125f, -2.5f, 0, 65504}));
}

TEST_F(BehaviourStoreTest, Float32VectorsOfTheEarlierLayoutAreRead) {
  const std::vector<float> in = {1.0f / 3, -2.5f, 0, 1e-7f};
  Commit([&](StagedBatch& b) { b.Put(Column::kBehaviour, EncodeU64(1) + "o", EncodeFloats(in)); });
  auto found = BehaviourStore(*db_, kDim).Find(1);
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status();
  EXPECT_EQ((*found)->output, in);
}

TEST_F(BehaviourStoreTest, AVectorOfAnotherDimensionIsDataLoss) {
  Commit([&](StagedBatch& b) { BehaviourStore(*db_, 8).StageInput(b, 1, std::vector<float>(8)); });
  EXPECT_EQ(BehaviourStore(*db_, kDim).Find(1).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(BehaviourStoreTest, NegativePoolChunksAndPosition) {
  BehaviourStore store(*db_, kDim);
  auto empty = store.FindNegativePool();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->ids.empty());
  EXPECT_EQ(empty->next, 0u);
  const uint32_t n = BehaviourStore::kNegativePoolChunkSlots;
  std::vector<uint64_t> first(n), second = {7, 8};
  for (uint32_t i = 0; i < n; ++i) first[i] = 100 + i;
  Commit([&](StagedBatch& b) {
    store.StageNegativePoolChunk(b, 0, first);
    store.StageNegativePoolChunk(b, 1, second);
    store.StageNegativePoolNext(b, n + 2);
  });
  first[0] = 13;  // the ring wrapped
  Commit([&](StagedBatch& b) {
    store.StageNegativePoolChunk(b, 0, first);
    store.StageNegativePoolNext(b, 1);
  });
  Reopen();
  auto pool = BehaviourStore(*db_, kDim).FindNegativePool();
  ASSERT_TRUE(pool.ok()) << pool.status();
  ASSERT_EQ(pool->ids.size(), n + 2);
  EXPECT_EQ(pool->ids[0], 13u);
  EXPECT_EQ(pool->ids[1], 101u);
  EXPECT_EQ(pool->ids[n + 1], 8u);
  EXPECT_EQ(pool->next, 1u);
}

TEST_F(BehaviourStoreTest, TheEarlierOneKeyPerSlotPoolIsReadAndChunksSupersedeIt) {
  // Slots 0..2 as an earlier version wrote them.
  Commit([&](StagedBatch& b) {
    for (uint32_t slot = 0; slot < 3; ++slot) {
      b.Put(Column::kMeta, "behaviour/pool/" + EncodeU32(slot), EncodeU64(50 + slot));
    }
  });
  BehaviourStore store(*db_, kDim);
  auto legacy = store.FindNegativePool();
  ASSERT_TRUE(legacy.ok()) << legacy.status();
  EXPECT_EQ(legacy->ids, (std::vector<uint64_t>{50, 51, 52}));
  Commit([&](StagedBatch& b) {
    store.StageNegativePoolChunk(b, 0, std::vector<uint64_t>{9, 51, 52, 53});
  });
  auto pool = store.FindNegativePool();
  ASSERT_TRUE(pool.ok()) << pool.status();
  EXPECT_EQ(pool->ids, (std::vector<uint64_t>{9, 51, 52, 53}));
}

TEST_F(BehaviourStoreTest, AChunkPastAHoleIsDataLoss) {
  BehaviourStore store(*db_, kDim);
  Commit([&](StagedBatch& b) { store.StageNegativePoolChunk(b, 2, std::vector<uint64_t>{1}); });
  EXPECT_EQ(store.FindNegativePool().status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace headliner
