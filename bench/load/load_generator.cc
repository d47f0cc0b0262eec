// Load generator for the RelatedHeadlines service (gRPC callback API): closed loop (a fixed
// number of calls in flight) or open loop (a fixed rate, latency measured from each call's
// intended start, so a slow server cannot hide its queueing: no coordinated omission), with a
// warm-up, over several connections. Prints one table row: QPS and latency percentiles from a
// histogram (2% resolution), errors, and the mean response size.
//
//   build/bench/load_generator --target 127.0.0.1:50051 --catalog catalog.jsonl
//       --clicks clicks.jsonl --mode closed --concurrency 16 --duration 15s
//
// The same generator drives the echo floor (bench/load/echo_server.cc): same method, same
// response size.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/create_channel.h"
#include "headliner/v1/related.grpc.pb.h"
#include "load/latency_histogram.h"
#include "load/request_mix.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "Server address.");
ABSL_FLAG(std::string, catalog, "", "JSON lines of articles (headliner-cli sample): source ids.");
ABSL_FLAG(std::string, clicks, "", "JSON lines of clicks (headliner-cli simulate): session ids.");
ABSL_FLAG(std::string, mode, "closed", "closed (fixed concurrency) or open (fixed rate).");
ABSL_FLAG(int, concurrency, 16, "Closed loop: calls in flight.");
ABSL_FLAG(double, rate, 1000, "Open loop: calls per second.");
ABSL_FLAG(int, connections, 4, "gRPC channels, used round-robin.");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(3), "Run before measuring.");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(15), "Measured time.");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(5), "Deadline of each call.");
ABSL_FLAG(double, zipf, 1.0, "Zipf exponent of source-article popularity.");
ABSL_FLAG(double, section_filter_share, 0.2, "Share of requests with a section filter.");
ABSL_FLAG(int, requests, 100000, "Distinct requests drawn, then cycled.");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the request mix.");
ABSL_FLAG(std::string, label, "", "First column of the printed row.");
ABSL_FLAG(bool, header, false, "Print the table header first.");
ABSL_FLAG(std::string, capture_response, "",
          "Write one serialised response to this file (the echo server can serve it).");

namespace headliner::bench {
namespace {

using Clock = std::chrono::steady_clock;

// One run's shared state: written from gRPC's callback threads.
struct Run {
  std::vector<std::unique_ptr<v1::RelatedHeadlines::Stub>> stubs;
  std::vector<v1::GetRelatedRequest> requests;
  std::atomic<uint64_t> next_request{0};
  LatencyHistogram latency;
  std::atomic<bool> recording{false};
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> ok{0}, errors{0}, response_bytes{0};
  std::atomic<int64_t> in_flight{0};
  std::mutex mu;
  std::condition_variable drained;
  std::string first_error;  // guarded by mu
};

struct Call {
  grpc::ClientContext context;
  v1::GetRelatedResponse response;
  Clock::time_point start;  // intended start (open loop) or actual start (closed loop)
};

// Starts one call; `then` runs on completion (on a gRPC thread).
void Issue(Run& run, Clock::time_point start, std::function<void()> then) {
  auto call = std::make_shared<Call>();
  call->start = start;
  call->context.set_deadline(std::chrono::system_clock::now() +
                             absl::ToChronoMilliseconds(absl::GetFlag(FLAGS_deadline)));
  const uint64_t n = run.next_request.fetch_add(1, std::memory_order_relaxed);
  const v1::GetRelatedRequest& request = run.requests[n % run.requests.size()];
  v1::RelatedHeadlines::Stub& stub = *run.stubs[n % run.stubs.size()];
  run.in_flight.fetch_add(1, std::memory_order_relaxed);
  stub.async()->GetRelated(
      &call->context, &request, &call->response,
      [&run, call, then = std::move(then)](grpc::Status status) {
        const uint64_t nanos = static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - call->start)
                .count());
        if (run.recording.load(std::memory_order_relaxed)) {
          if (status.ok()) {
            run.ok.fetch_add(1, std::memory_order_relaxed);
            run.latency.Record(nanos);
            run.response_bytes.fetch_add(call->response.ByteSizeLong(), std::memory_order_relaxed);
          } else {
            run.errors.fetch_add(1, std::memory_order_relaxed);
            std::lock_guard<std::mutex> lock(run.mu);
            if (run.first_error.empty()) {
              run.first_error =
                  absl::StrFormat("%d %s", status.error_code(), status.error_message());
            }
          }
        }
        if (then) then();
        if (run.in_flight.fetch_sub(1, std::memory_order_acq_rel) == 1) {
          std::lock_guard<std::mutex> lock(run.mu);
          run.drained.notify_all();
        }
      });
}

// Closed loop: each of `concurrency` slots issues its next call when the last one completes.
void KeepIssuing(Run& run) {
  if (run.stopping.load(std::memory_order_relaxed)) return;
  Issue(run, Clock::now(), [&run] { KeepIssuing(run); });
}

// Open loop: calls at fixed intervals from this thread, whatever the server's speed.
void Pace(Run& run, double rate, Clock::time_point until) {
  const auto period = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / rate));
  Clock::time_point next = Clock::now();
  while (next < until) {
    std::this_thread::sleep_until(next);
    Issue(run, next, nullptr);
    next += period;
  }
}

// The floor must answer with a response of the size Headliner's usually have: the first full list
// (as many items as asked) among the first requests of the mix, else the largest seen. A
// request whose filter matches nothing answers a few dozen bytes, which would flatter the floor.
void CaptureResponse(Run& run, const std::string& path) {
  v1::GetRelatedResponse chosen;
  const size_t tries = std::min<size_t>(run.requests.size(), 100);
  for (size_t i = 0; i < tries; ++i) {
    v1::GetRelatedResponse response;
    grpc::ClientContext context;
    grpc::Status s = run.stubs[0]->GetRelated(&context, run.requests[i], &response);
    if (!s.ok()) {
      std::fprintf(stderr, "capture: %s\n", s.error_message().c_str());
      continue;
    }
    if (response.ByteSizeLong() > chosen.ByteSizeLong()) chosen = response;
    if (response.items_size() >= run.requests[i].limit()) break;
  }
  std::ofstream(path, std::ios::binary) << chosen.SerializeAsString();
  std::fprintf(stderr, "captured a %zu-byte response (%d items) to %s\n", chosen.ByteSizeLong(),
               chosen.items_size(), path.c_str());
}

int Main() {
  RequestMixOptions mix;
  mix.catalog_path = absl::GetFlag(FLAGS_catalog);
  mix.clicks_path = absl::GetFlag(FLAGS_clicks);
  mix.requests = absl::GetFlag(FLAGS_requests);
  mix.zipf_exponent = absl::GetFlag(FLAGS_zipf);
  mix.section_filter_share = absl::GetFlag(FLAGS_section_filter_share);
  mix.seed = absl::GetFlag(FLAGS_seed);
  absl::StatusOr<std::vector<v1::GetRelatedRequest>> requests = DrawRequests(mix);
  if (!requests.ok()) {
    std::fprintf(stderr, "load_generator: %s\n", std::string(requests.status().message()).c_str());
    return 2;
  }
  Run run;
  run.requests = *std::move(requests);
  for (int i = 0; i < absl::GetFlag(FLAGS_connections); ++i) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.channel_id", i);  // distinct channels get distinct connections
    run.stubs.push_back(v1::RelatedHeadlines::NewStub(grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials(), args)));
  }
  if (!absl::GetFlag(FLAGS_capture_response).empty()) {
    CaptureResponse(run, absl::GetFlag(FLAGS_capture_response));
  }

  const bool open = absl::GetFlag(FLAGS_mode) == "open";
  const auto warmup = absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_warmup));
  const auto duration = absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_duration));
  const Clock::time_point t0 = Clock::now();
  const Clock::time_point measure_from = t0 + warmup, until = measure_from + duration;
  std::thread pacer;
  if (open) {
    pacer = std::thread([&] { Pace(run, absl::GetFlag(FLAGS_rate), until); });
  } else {
    for (int i = 0; i < absl::GetFlag(FLAGS_concurrency); ++i) KeepIssuing(run);
  }
  std::this_thread::sleep_until(measure_from);
  run.recording.store(true);
  std::this_thread::sleep_until(until);
  run.recording.store(false);
  run.stopping.store(true);
  if (pacer.joinable()) pacer.join();
  {
    std::unique_lock<std::mutex> lock(run.mu);
    run.drained.wait_for(lock, std::chrono::seconds(30), [&] { return run.in_flight.load() == 0; });
  }

  const double seconds = std::chrono::duration<double>(duration).count();
  const uint64_t ok = run.ok.load();
  auto ms = [&](double q) { return static_cast<double>(run.latency.Percentile(q)) / 1e6; };
  if (absl::GetFlag(FLAGS_header)) {
    std::printf("%-28s %-14s %10s %9s %9s %9s %9s %9s %7s %8s\n", "scenario", "load", "QPS",
                "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "resp B");
  }
  const std::string load = open ? absl::StrFormat("rate %.0f/s", absl::GetFlag(FLAGS_rate))
                                : absl::StrFormat("%d in flight", absl::GetFlag(FLAGS_concurrency));
  std::printf("%-28s %-14s %10.0f %9.3f %9.3f %9.3f %9.3f %9.3f %7llu %8.0f\n",
              absl::GetFlag(FLAGS_label).c_str(), load.c_str(), ok / seconds, ms(0.5), ms(0.9),
              ms(0.99), ms(0.999), static_cast<double>(run.latency.max()) / 1e6,
              static_cast<unsigned long long>(run.errors.load()),
              ok == 0 ? 0.0 : static_cast<double>(run.response_bytes.load()) / ok);
  std::fflush(stdout);
  if (!run.first_error.empty()) std::fprintf(stderr, "first error: %s\n", run.first_error.c_str());
  return run.errors.load() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace headliner::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::bench::Main();
}
