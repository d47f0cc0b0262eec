#include "index/vector_index.h"

#include <omp.h>

#include <atomic>
#include <cmath>
#include <random>
#include <set>
#include <thread>

#include "gtest/gtest.h"
#include "index/inner_product.h"
#include "index/main_segment.h"
#include "test_util.h"

namespace headliner {
namespace {

constexpr int kDim = 16;

std::vector<float> RandomUnit(std::mt19937& rng) { return testing::RandomUnitVector(rng, kDim); }

IndexConfig SmallConfig() {
  IndexConfig c;
  c.min_main_segment = 64;
  c.compaction_threshold = 32;
  return c;
}

// Ids 0..199 with random vectors, all in the main segment.
void FillMainSegment(VectorIndex& index, std::mt19937& rng) {
  for (uint64_t id = 0; id < 200; ++id) ASSERT_TRUE(index.Upsert(id, RandomUnit(rng)).ok());
  index.Compact();
  ASSERT_EQ(index.Stats().main_segment, 200u);
}

TEST(VectorIndexTest, UpsertIsSearchableAtOnce) {
  VectorIndex index(kDim, SmallConfig());
  std::mt19937 rng(1);
  auto v = RandomUnit(rng);
  ASSERT_TRUE(index.Upsert(7, v).ok());
  auto hits = index.Search(v, 5);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, 7u);
  EXPECT_NEAR(hits[0].score, 1.0, 1e-5);
}

TEST(VectorIndexTest, WrongDimensionRejected) {
  VectorIndex index(kDim, SmallConfig());
  std::vector<float> v(kDim + 1, 0.1f);
  EXPECT_EQ(index.Upsert(1, v).code(), absl::StatusCode::kInvalidArgument);
}

// Updates and removals must be visible in both segments, before and after compaction.
TEST(VectorIndexTest, UpdateAndRemoveAcrossCompaction) {
  VectorIndex index(kDim, SmallConfig());
  std::mt19937 rng(2);
  std::vector<std::vector<float>> vs;
  for (uint64_t i = 0; i < 200; ++i) {
    vs.push_back(RandomUnit(rng));
    ASSERT_TRUE(index.Upsert(i, vs.back()).ok());
  }
  index.Compact();
  EXPECT_GT(index.Stats().main_segment, 0u);
  EXPECT_EQ(index.Stats().live, 200u);

  // Update 5 to a new vector: searching the old vector must not return 5 with the old score.
  auto fresh = RandomUnit(rng);
  ASSERT_TRUE(index.Upsert(5, fresh).ok());
  auto hits = index.Search(fresh, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, 5u);
  for (const auto& h : index.Search(vs[5], 10)) {
    if (h.id == 5) {
      EXPECT_LT(h.score, 0.99f);
    }
  }
  // Remove 9 (in main): gone from search and Vector().
  index.Remove(9);
  for (const auto& h : index.Search(vs[9], 50)) EXPECT_NE(h.id, 9u);
  EXPECT_FALSE(index.Vector(9).has_value());
  EXPECT_EQ(index.Stats().live, 199u);

  index.Compact();
  EXPECT_EQ(index.Stats().live, 199u);
  EXPECT_EQ(index.Stats().masked, 0u);
  EXPECT_EQ(index.Search(fresh, 1)[0].id, 5u);
  for (const auto& h : index.Search(vs[9], 50)) EXPECT_NE(h.id, 9u);
}

// A full rebuild takes the old segment's live entries chunk by chunk: every live entry, with the
// vector it has now (moved in place or re-inserted), and no removed one, whatever the chunking.
TEST(VectorIndexTest, ARebuildInChunksKeepsEveryLiveEntryAsItIsNow) {
  for (size_t chunk : {size_t{7}, size_t{16384}}) {
    IndexConfig config = SmallConfig();
    config.rebuild_chunk = chunk;
    VectorIndex index(kDim, config);
    std::mt19937 rng(4);
    std::vector<std::vector<float>> vs;
    for (uint64_t id = 0; id < 200; ++id) {
      vs.push_back(RandomUnit(rng));
      ASSERT_TRUE(index.Upsert(id, vs.back()).ok());
    }
    index.Compact();
    for (uint64_t id = 0; id < 20; ++id) index.Remove(id);
    // A nudge keeps its place (moved codes); a new vector goes to the delta segment.
    ASSERT_TRUE(index.Upsert(30, testing::Nudged(vs[30], rng, 0.01f)).ok());
    ASSERT_TRUE(index.Upsert(40, RandomUnit(rng)).ok());
    ASSERT_EQ(index.Stats().moved, 1u);
    ASSERT_EQ(index.Stats().delta_segment, 1u);
    const std::vector<float> moved_before = *index.Vector(30);
    const std::vector<float> new_40 = *index.Vector(40);
    index.Compact();
    const IndexStats stats = index.Stats();
    EXPECT_EQ(stats.compactions, 2u);
    EXPECT_EQ(stats.rebuilds, 2u);  // Compact() always rebuilds
    EXPECT_GT(stats.compaction_time, absl::ZeroDuration());
    EXPECT_EQ(stats.main_segment, 180u) << chunk;
    EXPECT_EQ(stats.masked, 0u);
    EXPECT_EQ(stats.delta_segment, 0u);
    for (uint64_t id = 0; id < 200; ++id) EXPECT_EQ(index.Vector(id).has_value(), id >= 20) << id;
    for (int d = 0; d < kDim; ++d) {
      EXPECT_NEAR((*index.Vector(30))[d], moved_before[d], 0.02f);
      EXPECT_NEAR((*index.Vector(40))[d], new_40[d], 0.02f);
    }
    EXPECT_EQ(index.Search(new_40, 1)[0].id, 40u);
    EXPECT_EQ(index.Search(vs[150], 1)[0].id, 150u);
  }
}

// Too few live entries for a graph after removals: a rebuild folds them into the delta segment.
TEST(VectorIndexTest, ARebuildBelowTheMinimumKeepsEveryLiveEntryExact) {
  VectorIndex index(kDim, SmallConfig());  // min_main_segment 64
  std::mt19937 rng(6);
  std::vector<std::vector<float>> vs;
  for (uint64_t id = 0; id < 70; ++id) {
    vs.push_back(RandomUnit(rng));
    ASSERT_TRUE(index.Upsert(id, vs.back()).ok());
  }
  index.Compact();
  ASSERT_EQ(index.Stats().main_segment, 70u);
  for (uint64_t id = 0; id < 20; ++id) index.Remove(id);
  index.Compact();
  EXPECT_EQ(index.Stats().main_segment, 0u);
  EXPECT_EQ(index.Stats().delta_segment, 50u);
  for (uint64_t id = 20; id < 70; ++id) EXPECT_EQ(index.Search(vs[id], 1)[0].id, id);
}

// Background compaction extends a copy of the graph with the delta rows while few entries are
// masked: updated and removed ids stay correct, and old labels stay masked.
TEST(VectorIndexTest, IncrementalCompactionKeepsUpdatesAndRemovals) {
  VectorIndex index(kDim, SmallConfig());
  std::mt19937 rng(6);
  std::vector<std::vector<float>> vs;
  for (uint64_t i = 0; i < 400; ++i) {
    vs.push_back(RandomUnit(rng));
    ASSERT_TRUE(index.Upsert(i, vs.back()).ok());
  }
  index.Compact();
  ASSERT_EQ(index.Stats().main_segment, 400u);
  // 42 writes: 30 new ids, 10 updates of ids in main, 2 removals; 39 rows end in the delta.
  for (uint64_t i = 400; i < 430; ++i) {
    vs.push_back(RandomUnit(rng));
    ASSERT_TRUE(index.Upsert(i, vs.back()).ok());
  }
  for (uint64_t i = 0; i < 10; ++i) {
    vs[i] = RandomUnit(rng);
    ASSERT_TRUE(index.Upsert(i, vs[i]).ok());
  }
  index.Remove(100);
  index.Remove(410);
  ASSERT_TRUE(index.CompactIfDue());
  const IndexStats stats = index.Stats();
  EXPECT_EQ(stats.main_segment, 439u);  // extended, not rebuilt: old copies are still there
  EXPECT_EQ(stats.rebuilds, 1u);        // only the first compaction
  EXPECT_EQ(stats.delta_segment, 0u);
  EXPECT_EQ(stats.live, 428u);
  for (uint64_t i : {0, 5, 9, 400, 419}) {
    auto hits = index.Search(vs[i], 1);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].id, i);
    EXPECT_NEAR(hits[0].score, 1.0, 0.01);  // the new vector, not the superseded one
  }
  for (uint64_t gone : {100, 410}) {
    EXPECT_FALSE(index.Contains(gone));
    for (const auto& h : index.Search(vs[gone], 20)) EXPECT_NE(h.id, gone);
  }
  // A full rebuild drops the masked copies.
  index.Compact();
  EXPECT_EQ(index.Stats().main_segment, 428u);
  EXPECT_EQ(index.Stats().masked, 0u);
}

TEST(VectorIndexTest, RestoreBuildsMainSegment) {
  VectorIndex index(kDim, SmallConfig());
  std::mt19937 rng(3);
  std::vector<uint64_t> ids;
  std::vector<float> flat;
  for (uint64_t i = 0; i < 100; ++i) {
    ids.push_back(i * 10);
    auto v = RandomUnit(rng);
    flat.insert(flat.end(), v.begin(), v.end());
  }
  // As after the sentence model is loaded on the same thread: one OpenMP thread. The restore
  // builds on every core and leaves the caller's setting as it was.
  omp_set_num_threads(1);
  ASSERT_TRUE(index.Restore(ids, flat).ok());
  EXPECT_EQ(omp_get_max_threads(), 1);
  omp_set_num_threads(omp_get_num_procs());
  EXPECT_EQ(index.Stats().main_segment, 100u);
  std::vector<float> q(flat.begin() + 42 * kDim, flat.begin() + 43 * kDim);
  EXPECT_EQ(index.Search(q, 1)[0].id, 420u);
}

TEST(VectorIndexTest, StatsCountTheMemoryOfCodesAndGraph) {
  VectorIndex index(kDim, SmallConfig());
  EXPECT_EQ(index.Stats().bytes, 0u);
  std::mt19937 rng(5);
  FillMainSegment(index, rng);
  // At least the codes and one level of links (hnsw_m * 2 neighbours of 4 bytes) per entry.
  const uint64_t main_bytes = index.Stats().bytes;
  EXPECT_GE(main_bytes, 200u * (MainSegment::CodeSize(SmallConfig(), kDim) +
                                2 * SmallConfig().hnsw_m * sizeof(int32_t)));
  // Below min_main_segment every vector is a delta row of full floats.
  VectorIndex small(kDim, SmallConfig());
  for (uint64_t id = 0; id < 10; ++id) ASSERT_TRUE(small.Upsert(id, RandomUnit(rng)).ok());
  EXPECT_GE(small.Stats().bytes, 10 * kDim * sizeof(float));
}

TEST(VectorIndexTest, ExactBelowMainSegmentThreshold) {
  IndexConfig config = SmallConfig();
  config.min_main_segment = 1000;
  VectorIndex index(kDim, config);
  std::mt19937 rng(4);
  std::vector<std::vector<float>> vs;
  for (uint64_t i = 0; i < 300; ++i) {
    vs.push_back(RandomUnit(rng));
    ASSERT_TRUE(index.Upsert(i, vs.back()).ok());
  }
  index.CompactIfDue();
  EXPECT_EQ(index.Stats().main_segment, 0u);
  // Exact search: the top hit of each stored vector is itself.
  for (uint64_t i = 0; i < 300; i += 37) EXPECT_EQ(index.Search(vs[i], 1)[0].id, i);
}

// Readers search while a writer upserts, removes and compacts; run under TSan in CI-like setups.
TEST(VectorIndexTest, ConcurrentReadersAndWriter) {
  VectorIndex index(kDim, SmallConfig());
  index.StartBackgroundCompaction();
  std::atomic<bool> stop{false};
  std::atomic<int> searches{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&, r] {
      std::mt19937 rng(100 + r);
      while (!stop.load()) {
        auto hits = index.Search(RandomUnit(rng), 10);
        for (size_t i = 1; i < hits.size(); ++i) ASSERT_GE(hits[i - 1].score, hits[i].score);
        ++searches;
      }
    });
  }
  std::mt19937 rng(5);
  for (uint64_t i = 0; i < 2000; ++i) {
    ASSERT_TRUE(index.Upsert(i % 700, RandomUnit(rng)).ok());
    if (i % 7 == 0) index.Remove((i * 13) % 700);
    if (i % 500 == 0) index.Compact();
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(searches.load(), 0);
  // Every live id is found as its own nearest neighbour.
  const IndexStats stats = index.Stats();
  EXPECT_EQ(stats.live, stats.main_segment - stats.masked + stats.delta_segment);
  for (uint64_t id = 0; id < 700; id += 50) {
    if (auto v = index.Vector(id)) {
      EXPECT_EQ(index.Search(*v, 1)[0].id, id);
    }
  }
}

// A filtered search returns the k nearest accepted vectors, exactly over the delta segment and
// (nearly) over the graph, and never one the filter refuses.
// A vector nudged a little (a behaviour vector after a click) keeps its place in the graph: no
// mask, no delta row, no compaction due; yet every read sees the new vector.
TEST(VectorIndexTest, ASmallUpdateKeepsItsPlaceAndIsReadEverywhere) {
  VectorIndex index(kDim, SmallConfig());
  std::mt19937 rng(6);
  FillMainSegment(index, rng);
  const std::vector<float> before = *index.Vector(17);
  const std::vector<float> after = testing::Nudged(before, rng, 0.02f);
  ASSERT_GE(InnerProduct(before, after), 0.98f);
  ASSERT_TRUE(index.Upsert(17, after).ok());
  IndexStats stats = index.Stats();
  EXPECT_EQ(stats.moved, 1u);
  EXPECT_EQ(stats.masked, 0u);
  EXPECT_EQ(stats.delta_segment, 0u);
  EXPECT_EQ(stats.live, 200u);

  // Reads: the stored vector, scores and search results are the new vector's (int8 codes).
  const std::vector<float> stored = *index.Vector(17);
  EXPECT_NEAR(InnerProduct(stored, after), 1.0f, 2e-3);
  const std::vector<uint64_t> ids = {17};
  EXPECT_NEAR(index.InnerProducts(after, ids)[0], 1.0f, 2e-3);
  const std::vector<SearchHit> hits = index.Search(after, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, 17u);
  EXPECT_NEAR(hits[0].score, InnerProduct(after, stored), 1e-5);

  // A compaction writes the new codes into the segment.
  index.Compact();
  stats = index.Stats();
  EXPECT_EQ(stats.moved, 0u);
  EXPECT_EQ(stats.live, 200u);
  EXPECT_EQ(*index.Vector(17), stored);
}

// An extension (a copy of the graph plus the delta rows) carries the moved codes too.
TEST(VectorIndexTest, AnExtendedSegmentHoldsTheMovedCodes) {
  VectorIndex index(kDim, SmallConfig());
  std::mt19937 rng(9);
  FillMainSegment(index, rng);
  ASSERT_TRUE(index.Upsert(17, testing::Nudged(*index.Vector(17), rng, 0.01f)).ok());
  const std::vector<float> stored = *index.Vector(17);
  for (uint64_t id = 1000; id < 1040; ++id) ASSERT_TRUE(index.Upsert(id, RandomUnit(rng)).ok());
  const uint64_t compactions = index.Stats().compactions;
  ASSERT_TRUE(index.CompactIfDue());
  const IndexStats stats = index.Stats();
  EXPECT_EQ(stats.compactions, compactions + 1);
  EXPECT_EQ(stats.main_segment, 240u);  // extended, not rebuilt (nothing masked)
  EXPECT_EQ(stats.moved, 0u);
  EXPECT_EQ(stats.delta_segment, 0u);
  EXPECT_EQ(*index.Vector(17), stored);
  EXPECT_EQ(index.Search(stored, 1).at(0).id, 17u);
}

// Drift is measured from where the graph placed the entry, so many small steps end in a
// re-insertion; and a removal drops the moved codes with the entry.
TEST(VectorIndexTest, DriftAddsUpToAReinsertion) {
  VectorIndex index(kDim, SmallConfig());
  std::mt19937 rng(7);
  FillMainSegment(index, rng);
  const std::vector<float> placed = *index.Vector(5);
  std::vector<float> v = placed;
  int steps = 0;
  while (index.Stats().delta_segment == 0 && steps < 1000) {
    v = testing::Nudged(v, rng, 0.01f);
    ASSERT_TRUE(index.Upsert(5, v).ok());
    ++steps;
  }
  EXPECT_GT(steps, 1);
  EXPECT_LT(InnerProduct(placed, v), 0.98f);
  IndexStats stats = index.Stats();
  EXPECT_EQ(stats.delta_segment, 1u);
  EXPECT_EQ(stats.masked, 1u);
  EXPECT_EQ(stats.moved, 0u);
  EXPECT_EQ(index.Search(v, 1).at(0).id, 5u);

  ASSERT_TRUE(index.Upsert(9, testing::Nudged(*index.Vector(9), rng, 0.01f)).ok());
  EXPECT_EQ(index.Stats().moved, 1u);
  index.Remove(9);
  EXPECT_EQ(index.Stats().moved, 0u);
  EXPECT_FALSE(index.Vector(9).has_value());
  for (const SearchHit& hit : index.Search(placed, 200)) EXPECT_NE(hit.id, 9u);
}

TEST(VectorIndexTest, KeepPlaceSimilarityOfOneAlwaysReinserts) {
  IndexConfig config = SmallConfig();
  config.keep_place_similarity = 1;
  VectorIndex index(kDim, config);
  std::mt19937 rng(8);
  FillMainSegment(index, rng);
  ASSERT_TRUE(index.Upsert(3, testing::Nudged(*index.Vector(3), rng, 0.001f)).ok());
  EXPECT_EQ(index.Stats().moved, 0u);
  EXPECT_EQ(index.Stats().delta_segment, 1u);
}

// Republished copies of a headline have equal vectors. Which of them make the cut at k must not
// depend on their rows in the delta segment, which differ between a live index (arrival order,
// rows moved by updates) and one restored after a restart: a restart changed the 20th item of a
// related list in the e2e test.
TEST(VectorIndexTest, EqualScoresAtTheCutAreDecidedByIdWhateverTheRowOrder) {
  std::mt19937 rng(5);
  const std::vector<float> copy = RandomUnit(rng);
  std::vector<uint64_t> ids;
  for (uint64_t id = 1; id <= 40; ++id) ids.push_back(id);
  for (int order = 0; order < 5; ++order) {
    std::shuffle(ids.begin(), ids.end(), rng);
    VectorIndex index(kDim, SmallConfig());  // 40 < min_main_segment: all in the delta segment
    for (uint64_t id : ids) ASSERT_TRUE(index.Upsert(id, copy).ok());
    // Updates move rows (swap-remove): re-insert a few with the same vector.
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(index.Upsert(ids[i], copy).ok());
    std::vector<uint64_t> found;
    for (const SearchHit& hit : index.Search(copy, 7)) found.push_back(hit.id);
    EXPECT_EQ(found, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7})) << "insertion order " << order;
  }
}

TEST(VectorIndexTest, FilteredSearchReturnsTheNearestAccepted) {
  VectorIndex index(kDim, SmallConfig());
  std::mt19937 rng(5);
  std::vector<std::vector<float>> vs;
  for (uint64_t i = 0; i < 600; ++i) {
    vs.push_back(RandomUnit(rng));
    ASSERT_TRUE(index.Upsert(i, vs.back()).ok());
  }
  index.Compact();  // most in the graph
  for (uint64_t i = 600; i < 620; ++i) {
    vs.push_back(RandomUnit(rng));
    ASSERT_TRUE(index.Upsert(i, vs.back()).ok());  // some in the delta segment
  }
  const VectorIndex::IdFilter one_in_six = [](uint64_t id) { return id % 6 == 0; };
  int found = 0, total = 0;
  for (int q = 0; q < 30; ++q) {
    const std::vector<float> query = RandomUnit(rng);
    std::vector<std::pair<float, uint64_t>> exact;
    for (uint64_t i = 0; i < vs.size(); ++i) {
      if (one_in_six(i)) exact.push_back({InnerProduct(query, vs[i]), i});
    }
    std::sort(exact.rbegin(), exact.rend());
    const std::vector<SearchHit> hits = index.Search(query, 10, one_in_six);
    ASSERT_EQ(hits.size(), 10u);
    std::set<uint64_t> got;
    for (const SearchHit& h : hits) {
      EXPECT_TRUE(one_in_six(h.id)) << h.id;
      got.insert(h.id);
    }
    for (int i = 0; i < 10; ++i) found += got.count(exact[i].second);
    total += 10;
  }
  EXPECT_GE(found, total * 95 / 100);  // HNSW recall within the filter
}

// InnerProducts scores graph entries on their stored codes: it must agree with the stored vector
// (Vector) for entries in the graph (quantised or not), in the delta segment, superseded in the
// graph by a delta row, with ids far apart (beyond the segment's id table), and give NaN for
// removed and unknown ids.
TEST(VectorIndexTest, InnerProductsAgreeWithTheStoredVectors) {
  for (bool quantize : {true, false}) {
    IndexConfig config = SmallConfig();
    config.quantize_main_segment = quantize;
    VectorIndex index(kDim, config);
    std::mt19937 rng(8);
    std::vector<uint64_t> ids;
    for (uint64_t i = 0; i < 200; ++i) ids.push_back(i);
    ids.push_back(uint64_t{1} << 40);  // a sparse id
    for (uint64_t id : ids) ASSERT_TRUE(index.Upsert(id, RandomUnit(rng)).ok());
    index.Compact();
    ASSERT_EQ(index.Stats().delta_segment, 0u);
    ASSERT_TRUE(index.Upsert(7, RandomUnit(rng)).ok());    // superseded in the graph
    ASSERT_TRUE(index.Upsert(500, RandomUnit(rng)).ok());  // only in the delta segment
    index.Remove(9);
    ids.push_back(500);
    ids.push_back(9);
    ids.push_back(12345);  // never stored
    const std::vector<float> query = RandomUnit(rng);
    const std::vector<float> got = index.InnerProducts(query, ids);
    ASSERT_EQ(got.size(), ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      const std::optional<std::vector<float>> stored = index.Vector(ids[i]);
      if (!stored) {
        EXPECT_TRUE(std::isnan(got[i])) << ids[i];
        continue;
      }
      EXPECT_NEAR(got[i], InnerProduct(query, *stored), 1e-5) << ids[i] << " quantize " << quantize;
    }
    EXPECT_TRUE(std::isnan(got[ids.size() - 2]));  // removed
    EXPECT_FALSE(std::isnan(got[200]));            // the sparse id
  }
}

}  // namespace
}  // namespace headliner
