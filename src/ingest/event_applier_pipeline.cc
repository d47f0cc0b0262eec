// EventApplier, continued: pipelined application (apply.pipelined_writes). A batch is staged on
// top of the one being written, that one is published once its write is durable, and a failure
// abandons both, newest first. All of it under `mu_`; the write itself runs on its own thread.
#include <chrono>
#include <cstdio>
#include <future>

#include "absl/strings/str_cat.h"
#include "common/background_thread.h"
#include "common/log.h"
#include "ingest/event_applier.h"

namespace headliner {

EventApplier::PipelinedResult EventApplier::ApplyBatchPipelined(
    std::span<const IngestEvent> events, std::span<const PartitionPosition> positions,
    const DeadLettersFor& dead_letters, uint64_t tag) {
  MutexLock lock(&mu_);
  PipelinedResult result;
  if (!pipelined_writes_) {
    absl::StatusOr<std::vector<EventOutcome>> outcomes =
        ApplyBatchLocked(events, positions, dead_letters);
    result.finished = TakeFinishedLocked();
    if (outcomes.ok()) {
      result.finished.push_back({tag, *std::move(outcomes)});
    } else {
      result.staged = outcomes.status();
    }
    return result;
  }
  // Finished by another caller meanwhile: a failure there abandoned everything after it.
  result.finished = TakeFinishedLocked();
  for (const FinishedBatch& f : result.finished) {
    if (!f.outcomes.ok()) {
      result.staged = absl::AbortedError("an earlier batch was abandoned");
      return result;
    }
  }
  auto ctx = std::make_unique<ApplyContext>(
      tables_.database(), &hot_rows_, TimeBounds::At(absl::Now(), validation_),
      in_flight_ ? &in_flight_->ctx->writes : nullptr,
      in_flight_ ? in_flight_->written : std::shared_future<absl::Status>());
  std::vector<EventOutcome> outcomes;
  uint64_t journal_position = 0;
  const uint64_t journal_after = in_flight_ ? in_flight_->journal_position : 0;
  const absl::Status staged =
      StageLocked(events, positions, dead_letters, journal_after, *ctx, outcomes, journal_position);
  if (in_flight_) {
    if (absl::Status written = in_flight_->written.get(); !written.ok()) {
      // This batch was staged on one that is not durable: both go, newest first.
      Abandon(*ctx);
      FinishInFlightLocked(/*wait=*/true);
      AppendFinishedLocked(result.finished);
      result.staged = staged.ok()
                          ? absl::AbortedError(absl::StrCat(
                                "the batch before this one was not written: ", written.message()))
                          : staged;
      return result;
    }
    // Published before this batch's undo (if it failed), which may leave reads to RocksDB.
    FinishInFlightLocked(/*wait=*/true);
    AppendFinishedLocked(result.finished);
    ctx->writes.DetachInFlight();
  }
  if (!staged.ok()) {
    Abandon(*ctx);
    result.staged = staged;
    return result;
  }
  if (ctx->writes.size() == 0) {  // nothing to write (e.g. all duplicates without positions)
    if (absl::Status s = PublishLocked(*ctx); !s.ok()) {
      result.finished.push_back({tag, s});
    } else {
      result.finished.push_back({tag, std::move(outcomes)});
    }
    return result;
  }
  StagedBatch* writes = &ctx->writes;
  std::shared_future<absl::Status> written =
      std::async(std::launch::async, [this, writes] {
        // A thread per batch (a few dozen a second): named and niced each time. It fails only
        // when the process runs at a higher nice value already; said once.
        SetCurrentThreadName("batch-write");
        if (absl::Status s = SetCurrentThreadNice(write_nice_);
            !s.ok() && !write_nice_failed_.exchange(true)) {
          LogWarning("apply", "apply.write_nice: %s", s.ToString());
        }
        return writes->Write();
      }).share();
  in_flight_.emplace(
      InFlight{tag, std::move(ctx), std::move(outcomes), std::move(written), journal_position});
  return result;
}

std::vector<EventApplier::FinishedBatch> EventApplier::FinishPipelined(bool wait) {
  MutexLock lock(&mu_);
  FinishInFlightLocked(wait);
  return TakeFinishedLocked();
}

bool EventApplier::HasBatchInFlight() {
  MutexLock lock(&mu_);
  return in_flight_.has_value();
}

void EventApplier::FinishInFlightLocked(bool wait) {
  if (!in_flight_) return;
  if (!wait && in_flight_->written.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    return;
  }
  InFlight done = std::move(*in_flight_);
  in_flight_.reset();
  if (absl::Status written = done.written.get(); !written.ok()) {
    Abandon(*done.ctx);
    finished_.push_back({done.tag, written});
    return;
  }
  if (absl::Status s = PublishLocked(*done.ctx); !s.ok()) {
    finished_.push_back({done.tag, s});
    return;
  }
  finished_.push_back({done.tag, std::move(done.outcomes)});
}

std::vector<EventApplier::FinishedBatch> EventApplier::TakeFinishedLocked() {
  std::vector<FinishedBatch> out = std::move(finished_);
  finished_.clear();
  return out;
}

void EventApplier::AppendFinishedLocked(std::vector<FinishedBatch>& to) {
  for (FinishedBatch& f : finished_) to.push_back(std::move(f));
  finished_.clear();
}

}  // namespace headliner
