#include "ingest/event_applier.h"

#include <atomic>
#include <set>

#include "engine_fixture.h"
#include "gtest/gtest.h"
#include "sample/click_simulator.h"
#include "sample/sample_catalog.h"
#include "store/offset_store.h"
#include "store/rejection_counters.h"

namespace headliner {
namespace {

using testing::MakeArticle;
using testing::MakeClick;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

// 300 sample articles, then about 2,400 simulated clicks on them.
std::vector<IngestEvent> SampleStream() {
  SampleCatalogOptions catalog_options;
  catalog_options.articles = 300;
  const std::vector<SampleArticle> catalog = GenerateSampleCatalog(catalog_options);
  ClickSimulatorOptions sim;
  sim.sessions = 600;
  std::vector<IngestEvent> stream;
  for (const SampleArticle& a : catalog) stream.push_back(a.article);
  for (v1::ClickEvent& c : SimulateClicks(catalog, sim)) stream.push_back(std::move(c));
  return stream;
}

class EventApplierTest : public testing::EngineFixture {
 protected:
  void SetUp() override { Open(); }
};

TEST_F(EventApplierTest, LaterEventsOfABatchSeeEarlierOnes) {
  std::vector<IngestEvent> events = {
      MakeArticle("a", "Japan and Pakistan agree on cooperation", kT0),
      MakeClick("e1", "s1", "a", kT0),  // the article exists only in this batch so far
      MakeClick("e1", "s1", "a", kT0),  // duplicate within the batch
      MakeArticle("a", "older version", kT0 - absl::Hours(1)),
  };
  std::vector<PartitionPosition> positions = {{"articles", 0, 2}, {"clicks", 1, 7}};
  auto outcomes = applier().ApplyBatch(events, positions);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_EQ(outcomes->size(), 4u);
  EXPECT_EQ((*outcomes)[0].kind, EventOutcome::Kind::kApplied);
  EXPECT_EQ((*outcomes)[1].kind, EventOutcome::Kind::kApplied);
  EXPECT_EQ((*outcomes)[2].kind, EventOutcome::Kind::kIgnored);
  EXPECT_EQ((*outcomes)[2].reason, "duplicate_event");
  EXPECT_EQ((*outcomes)[3].kind, EventOutcome::Kind::kIgnored);
  EXPECT_EQ((*outcomes)[3].reason, "stale_version");

  const OffsetStore& offsets = tables().offsets();
  EXPECT_EQ(*offsets.Find("articles", 0), 2);
  EXPECT_EQ(*offsets.Find("clicks", 1), 7);
  EXPECT_FALSE(offsets.Find("clicks", 0)->has_value());
  EXPECT_EQ(clicks().FindArticleActivity((*outcomes)[0].dense_id)->clicks, 1u);
  EXPECT_TRUE(content_index().Contains((*outcomes)[0].dense_id));
}

TEST_F(EventApplierTest, AnAbandonedBatchWritesNothingAndLeavesNoTrace) {
  std::vector<IngestEvent> events = {MakeArticle("a", "Icahn presses eBay over PayPal", kT0),
                                     MakeClick("e1", "s1", "a", kT0)};
  std::vector<PartitionPosition> positions = {{"articles", 0, 1}};
  auto failed = applier().ApplyBatch(events, positions, [](std::span<const EventOutcome>) {
    return absl::UnavailableError("dead-letter topic unreachable");
  });
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(articles().FindByExternalId("a")->has_value());
  EXPECT_FALSE(tables().offsets().Find("articles", 0)->has_value());
  EXPECT_EQ(content_index().Stats().live, 0u);
  EXPECT_EQ(*clicks().TotalClicks(), 0u);

  // The in-memory document frequencies were rolled back too: applying the batch again gives the
  // same vector as a fresh store would.
  auto applied = applier().ApplyBatch(events, positions);
  ASSERT_TRUE(applied.ok());
  const auto vector = content_index().Vector((*applied)[0].dense_id);
  Close();
  std::filesystem::remove_all(dir_.path());
  Open();
  auto fresh = applier().ApplyBatch(events, positions);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(content_index().Vector((*fresh)[0].dense_id), vector);
}

TEST_F(EventApplierTest, UndecodableEventsAreCountedUnderTheirSource) {
  std::vector<IngestEvent> events = {UndecodableEvent{"clicks", "undecodable", "not JSON"},
                                     UndecodableEvent{"articles", "undecodable", "bad bytes"},
                                     MakeArticle("", "no id", kT0)};
  auto outcomes = applier().ApplyBatch(events);
  ASSERT_TRUE(outcomes.ok());
  for (const EventOutcome& o : *outcomes) EXPECT_EQ(o.kind, EventOutcome::Kind::kRejected);
  auto counts = tables().rejections().All();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)["clicks/undecodable"], 1u);
  EXPECT_EQ((*counts)["articles/undecodable"], 1u);
  EXPECT_EQ((*counts)["articles/missing_id"], 1u);
}

// Replays must give bit-identical state: the same stream applied in batches of any size, with the
// hot rows cached or not, and with every batch first abandoned once (its writes and cache updates
// must leave no trace), stores the same bytes in every row.
TEST_F(EventApplierTest, ReplaysGiveBitIdenticalStateWhateverTheBatchingAndTheCaches) {
  const std::vector<IngestEvent> stream = SampleStream();
  ASSERT_GT(stream.size(), 2000u);

  struct Run {
    size_t batch;
    int hot_rows_mib;
    int vector_cache_size;
    bool abandon_first;
  };
  std::vector<std::map<std::pair<int, std::string>, std::string>> states;
  for (const Run& run : {Run{1000, 64, 20000, false}, Run{7, 0, 0, false}, Run{97, 1, 3, true}}) {
    Close();
    config_.apply.hot_rows_mib = run.hot_rows_mib;
    config_.behaviour.vector_cache_size = run.vector_cache_size;
    testing::TempDir dir;
    OpenAt(dir.path());
    auto fail = [](std::span<const EventOutcome>) { return absl::UnavailableError("down"); };
    for (size_t i = 0; i < stream.size(); i += run.batch) {
      const std::span<const IngestEvent> batch =
          std::span(stream).subspan(i, std::min(run.batch, stream.size() - i));
      if (run.abandon_first) {
        ASSERT_FALSE(applier().ApplyBatch(batch, {}, fail).ok());
      }
      ASSERT_TRUE(applier().ApplyBatch(batch).ok());
    }
    if (run.hot_rows_mib > 0) {
      EXPECT_GT(applier().HotRowStats().hits, 0u);
    }
    Close();
    states.push_back(testing::StoredRows(dir.path()));
  }
  ASSERT_GT(states[0].size(), 1000u);
  for (size_t r = 1; r < states.size(); ++r) {
    EXPECT_EQ(testing::CountDifferingRows(states[0], states[r]), 0u) << "run " << r;
  }
}

// Pipelined batches (each staged while the one before is written) store the same bytes as the
// same batches applied one after another, also when writes fail (the batch written and the one
// staged on it are both abandoned) and when staging fails with a batch in flight. After a failure
// the caller applies again from the first batch not reported durable, as the Kafka ingestor does.
TEST_F(EventApplierTest, PipelinedBatchesStoreWhatSequentialOnesDoEvenWhenWritesFail) {
  const std::vector<IngestEvent> stream = SampleStream();
  constexpr size_t kBatch = 97;
  const size_t batches = (stream.size() + kBatch - 1) / kBatch;
  auto batch_of = [&](size_t b) {
    return std::span(stream).subspan(b * kBatch, std::min(kBatch, stream.size() - b * kBatch));
  };
  auto positions_of = [&](size_t b) {
    return std::vector<PartitionPosition>{
        {"clicks", 0, static_cast<int64_t>(std::min(stream.size(), (b + 1) * kBatch))}};
  };

  std::vector<std::map<std::pair<int, std::string>, std::string>> states;
  uint64_t sequential_journal = 0;
  // Sequential.
  {
    Close();
    testing::TempDir dir;
    OpenAt(dir.path());
    for (size_t b = 0; b < batches; ++b) {
      ASSERT_TRUE(applier().ApplyBatch(batch_of(b), positions_of(b)).ok());
    }
    sequential_journal = tables().index_journal().last_position();
    Close();
    states.push_back(testing::StoredRows(dir.path()));
  }
  // Pipelined, with every fifth write failing and every seventh batch's staging failing once.
  Close();
  testing::TempDir dir;
  OpenAt(dir.path());
  std::atomic<int> writes{0};
  // The engine hands out its database read-only; the fault hook is for tests like this one.
  const_cast<Database&>(engine_->database()).SetWriteFaultForTesting([&writes]() -> absl::Status {
    return ++writes % 5 == 0 ? absl::UnavailableError("injected write failure") : absl::OkStatus();
  });
  std::set<size_t> staging_failed;
  size_t durable = 0;  // batches before this one are durable
  size_t next = 0;     // the next batch to apply
  int write_failures = 0, staging_failures = 0, overlapped = 0;
  auto record = [&](const std::vector<EventApplier::FinishedBatch>& finished) {
    bool ok = true;
    for (const EventApplier::FinishedBatch& f : finished) {
      if (!ok) break;
      if (!f.outcomes.ok()) {
        ok = false;
        ++write_failures;
        continue;
      }
      EXPECT_EQ(f.tag, durable) << "reported out of order";
      durable = f.tag + 1;
    }
    return ok;
  };
  while (durable < batches) {
    if (next == batches) {
      record(applier().FinishPipelined(/*wait=*/true));
      next = durable;
      continue;
    }
    const bool fail_staging = next % 7 == 3 && staging_failed.insert(next).second;
    auto fail =
        [](std::span<const EventOutcome>) -> absl::StatusOr<std::vector<store::DeadLetterRecord>> {
      return absl::UnavailableError("injected staging failure");
    };
    if (applier().HasBatchInFlight()) ++overlapped;
    EventApplier::PipelinedResult r = applier().ApplyBatchPipelined(
        batch_of(next), positions_of(next), fail_staging ? DeadLettersFor(fail) : nullptr, next);
    const bool recorded = record(r.finished);
    if (!r.staged.ok() && fail_staging) ++staging_failures;
    if (recorded && r.staged.ok()) {
      ++next;
      continue;
    }
    record(applier().FinishPipelined(/*wait=*/true));
    next = durable;  // everything not durable is applied again
  }
  EXPECT_GT(write_failures, 3);
  EXPECT_GT(staging_failures, 3);
  EXPECT_GT(overlapped, static_cast<int>(batches) / 2);
  // One index journal entry per batch, at the same positions: none overwrote another.
  EXPECT_EQ(tables().index_journal().last_position(), sequential_journal);
  Close();
  states.push_back(testing::StoredRows(dir.path()));

  ASSERT_GT(states[0].size(), 1000u);
  EXPECT_EQ(testing::CountDifferingRows(states[0], states[1]), 0u);
}

}  // namespace
}  // namespace headliner
