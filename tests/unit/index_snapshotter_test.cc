#include "engine/index_snapshotter.h"

#include <filesystem>
#include <fstream>

#include "engine/engine.h"
#include "gtest/gtest.h"
#include "sample/sample_catalog.h"
#include "test_util.h"

namespace headliner {
namespace {

using testing::MakeClick;

const absl::Time kNow = absl::FromUnixSeconds(1767225600);

EngineConfig Config(bool snapshots) {
  EngineConfig c;
  c.encoder.kind = EncoderKind::kHashed;
  c.encoder.dimension = 64;
  c.index.min_main_segment = 64;  // real graphs in both indexes
  c.index.compaction_threshold = 50;
  c.index.snapshots = snapshots;
  return c;
}

std::unique_ptr<Engine> OpenEngine(const std::string& dir, bool snapshots) {
  auto engine = Engine::Open(dir, Config(snapshots));
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? std::move(*engine) : nullptr;
}

// Every vector of both indexes, by dense id: what a search can return.
struct IndexContent {
  std::map<uint64_t, std::vector<float>> content, behaviour;
};

// The same ids with the same vectors, up to the int8 quantisation of main-segment rows (a
// rebuild puts every vector in the main segment; replayed changes stay in the float delta
// segment until the next compaction, as live updates do).
void ExpectSame(const IndexContent& a, const IndexContent& b) {
  for (const auto& [x, y] : {std::pair{&a.content, &b.content}, {&a.behaviour, &b.behaviour}}) {
    ASSERT_EQ(x->size(), y->size());
    for (auto i = x->begin(), j = y->begin(); i != x->end(); ++i, ++j) {
      ASSERT_EQ(i->first, j->first);
      ASSERT_EQ(i->second.size(), j->second.size());
      for (size_t k = 0; k < i->second.size(); ++k) {
        ASSERT_NEAR(i->second[k], j->second[k], 0.01) << "article " << i->first;
      }
    }
  }
}

IndexContent ContentOf(const Engine& e) {
  IndexContent out;
  for (uint64_t id = 0; id < 2000; ++id) {
    if (auto v = e.content_index().Vector(id)) out.content[id] = *v;
    if (auto v = e.behaviour_index().Vector(id)) out.behaviour[id] = *v;
  }
  return out;
}

class IndexSnapshotterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SampleCatalogOptions options;
    options.articles = 600;
    options.newest = kNow;
    catalog_ = GenerateSampleCatalog(options);
  }
  // Articles [from, to) of the catalog, then clicks pairing them up in sessions.
  void Apply(Engine& e, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      ASSERT_TRUE(e.applier().ApplyArticle(catalog_[i].article).ok());
    }
    for (size_t i = from; i + 1 < to; i += 2) {
      const std::string session = "s" + std::to_string(i);
      for (size_t j : {i, i + 1, (i * 7) % to}) {
        ASSERT_TRUE(e.applier()
                        .ApplyClick(MakeClick(session + "-" + std::to_string(j), session,
                                              catalog_[j].article.id(), kNow))
                        .ok());
      }
    }
  }
  // A copy of the data dir opened with snapshots off: the indexes rebuilt from RocksDB.
  IndexContent Rebuilt() {
    testing::TempDir copy;
    std::filesystem::copy(dir_.path(), copy.path(),
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing);
    auto engine = OpenEngine(copy.path(), /*snapshots=*/false);
    return engine ? ContentOf(*engine) : IndexContent{};
  }
  std::string SnapshotPath(const char* name) const {
    return dir_.path() + "/index/" + name + ".snapshot";
  }

  std::vector<SampleArticle> catalog_;
  testing::TempDir dir_;
};

TEST_F(IndexSnapshotterTest, LoadingAndReplayingGivesWhatARebuildGives) {
  {
    auto e = OpenEngine(dir_.path(), true);
    Apply(*e, 0, 300);
    ASSERT_TRUE(e->SnapshotIndexes().ok());
    EXPECT_EQ(e->index_snapshotter()->Stats().written, 1u);
    // After the snapshot: new articles, clicks, an update and deletions, then a stop without a
    // last snapshot (Engine::StartBackgroundCompaction was not called), as after a crash.
    Apply(*e, 300, 400);
    v1::Article updated = catalog_[5].article;
    updated.set_headline("A wholly different headline about tennis");
    testing::SetUpdatedAt(updated, kNow + absl::Hours(1));
    ASSERT_TRUE(e->applier().ApplyArticle(updated).ok());
    for (int i : {7, 310}) {
      ASSERT_TRUE(e->applier().DeleteArticle(catalog_[i].article.id(), kNow + absl::Hours(2)).ok());
    }
    EXPECT_GT(e->tables().index_journal().last_position(),
              e->index_snapshotter()->Stats().position);
  }
  const IndexContent rebuilt = Rebuilt();
  ASSERT_GT(rebuilt.content.size(), 390u);
  ASSERT_GT(rebuilt.behaviour.size(), 100u);

  auto e = OpenEngine(dir_.path(), true);
  const IndexSnapshotStats stats = e->index_snapshotter()->Stats();
  EXPECT_TRUE(stats.restored_from_snapshots);
  EXPECT_GT(stats.replayed_entries, 100u);
  ExpectSame(ContentOf(*e), rebuilt);
}

TEST_F(IndexSnapshotterTest, TakingASnapshotTrimsTheJournal) {
  auto e = OpenEngine(dir_.path(), true);
  Apply(*e, 0, 100);
  const uint64_t last = e->tables().index_journal().last_position();
  ASSERT_GT(last, 0u);
  ASSERT_TRUE(e->SnapshotIndexes().ok());
  EXPECT_EQ(e->tables().index_journal().trimmed_through(), last);
  // Nothing changed since: no second pair.
  ASSERT_TRUE(e->SnapshotIndexes().ok());
  EXPECT_EQ(e->index_snapshotter()->Stats().written, 1u);
}

TEST_F(IndexSnapshotterTest, ADamagedSnapshotFallsBackToARebuild) {
  {
    auto e = OpenEngine(dir_.path(), true);
    Apply(*e, 0, 200);
    ASSERT_TRUE(e->SnapshotIndexes().ok());
    Apply(*e, 200, 250);
  }
  {
    std::fstream f(SnapshotPath("behaviour"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('\x7f');
  }
  const IndexContent rebuilt = Rebuilt();
  auto e = OpenEngine(dir_.path(), true);
  EXPECT_FALSE(e->index_snapshotter()->Stats().restored_from_snapshots);
  ExpectSame(ContentOf(*e), rebuilt);
}

TEST_F(IndexSnapshotterTest, ASnapshotOlderThanTheJournalIsNotUsed) {
  testing::TempDir saved;
  {
    auto e = OpenEngine(dir_.path(), true);
    Apply(*e, 0, 150);
    ASSERT_TRUE(e->SnapshotIndexes().ok());
    for (const char* name : {"content", "behaviour"}) {
      std::filesystem::copy_file(SnapshotPath(name), saved.path() + "/" + name);
    }
    Apply(*e, 150, 300);
    ASSERT_TRUE(e->SnapshotIndexes().ok());  // trims the entries the old pair would need
    Apply(*e, 300, 320);
  }
  for (const char* name : {"content", "behaviour"}) {
    std::filesystem::copy_file(saved.path() + "/" + name, SnapshotPath(name),
                               std::filesystem::copy_options::overwrite_existing);
  }
  const IndexContent rebuilt = Rebuilt();
  auto e = OpenEngine(dir_.path(), true);
  EXPECT_FALSE(e->index_snapshotter()->Stats().restored_from_snapshots);
  ExpectSame(ContentOf(*e), rebuilt);
}

TEST_F(IndexSnapshotterTest, SnapshotsOffRemovesStaleOnes) {
  {
    auto e = OpenEngine(dir_.path(), true);
    Apply(*e, 0, 100);
    ASSERT_TRUE(e->SnapshotIndexes().ok());
  }
  ASSERT_TRUE(std::filesystem::exists(SnapshotPath("content")));
  {
    auto e = OpenEngine(dir_.path(), false);
    EXPECT_EQ(e->index_snapshotter(), nullptr);
    EXPECT_EQ(e->SnapshotIndexes().code(), absl::StatusCode::kFailedPrecondition);
    Apply(*e, 100, 200);  // not journaled: a snapshot from before would miss these
  }
  EXPECT_FALSE(std::filesystem::exists(SnapshotPath("content")));
  EXPECT_FALSE(std::filesystem::exists(SnapshotPath("behaviour")));
}

}  // namespace
}  // namespace headliner
