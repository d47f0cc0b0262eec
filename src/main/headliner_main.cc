// The headliner server process: parse flags, load the config, serve until SIGTERM or SIGINT.
#include <signal.h>

#include <cstdio>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "common/version.h"
#include "config/config.h"
#include "main/library_logs.h"
#include "serve/server.h"

ABSL_FLAG(std::string, config, "", "Path of the YAML config file (optional).");
ABSL_FLAG(std::string, data_dir, "",
          "Data directory (overrides the config file and HEADLINER_DATA_DIR).");
ABSL_FLAG(std::string, grpc_addr, "",
          "Listen address, e.g. 0.0.0.0:50051 (overrides config and HEADLINER_GRPC_ADDR).");
ABSL_FLAG(std::string, admin_addr, "",
          "Admin service's listen address (default 127.0.0.1:50052; overrides config and "
          "HEADLINER_ADMIN_ADDR; set server.admin_addr to \"\" in the config to serve Admin on "
          "--grpc_addr).");
ABSL_FLAG(std::string, kafka_brokers, "",
          "Kafka bootstrap servers, or \"embedded\" for an in-process test cluster (overrides "
          "config and HEADLINER_KAFKA_BROKERS).");
ABSL_FLAG(bool, check_config, false,
          "Load and validate the configuration (file, environment, flags), print the first "
          "error or \"config ok\", and exit (2 on an error) without starting.");
ABSL_FLAG(bool, mutex_deadlock_detection, false,
          "Check every mutex acquisition for lock-order cycles (slow: for debugging).");

namespace {

// Waits for one of `stop_signals` (blocked in every thread) and returns it.
int WaitForStopSignal(const sigset_t& stop_signals) {
  while (true) {
    int signal_number = 0;
    if (sigwait(&stop_signals, &signal_number) == 0) return signal_number;
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Headliner: ranked related headlines over gRPC.");
  absl::ParseCommandLine(argc, argv);
  headliner::InstallRateLimitedLibraryLogs();
  // Debian's abseil checks every Mutex acquisition against a process-wide lock-order graph,
  // behind one global lock: on the serving path that was 2% of the CPU and a point where every
  // request thread met. The tests keep the check; the server turns it off unless asked.
  if (!absl::GetFlag(FLAGS_mutex_deadlock_detection)) {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  }

  // Block the stop signals in every thread (gRPC and RocksDB threads inherit this mask) and wait
  // for them here, so that shutdown runs on the main thread, outside any signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  headliner::ConfigOverrides overrides;
  // An empty flag means "not given": neither value may be empty in a valid config anyway.
  if (std::string v = absl::GetFlag(FLAGS_data_dir); !v.empty()) overrides.data_dir = v;
  if (std::string v = absl::GetFlag(FLAGS_grpc_addr); !v.empty()) overrides.grpc_addr = v;
  if (std::string v = absl::GetFlag(FLAGS_admin_addr); !v.empty()) overrides.admin_addr = v;
  if (std::string v = absl::GetFlag(FLAGS_kafka_brokers); !v.empty()) overrides.kafka_brokers = v;
  absl::StatusOr<headliner::Config> config =
      headliner::LoadConfig(absl::GetFlag(FLAGS_config), headliner::ProcessEnv(), overrides);
  if (!config.ok()) {
    std::fprintf(stderr, "headliner: bad configuration: %s\n",
                 std::string(config.status().message()).c_str());
    return 2;
  }
  if (absl::GetFlag(FLAGS_check_config)) {
    std::printf("config ok\n");
    return 0;
  }

  headliner::ConfigureLogging(config->logging);
  headliner::LogInfo("headliner", "%s: opening %s", headliner::Version(), config->data_dir);
  auto server = headliner::HeadlinerServer::Start(*config);
  if (!server.ok()) {
    headliner::LogError("headliner", "cannot start: %s", server.status().message());
    return 1;
  }
  headliner::LogInfo("headliner", "serving on port %d, Admin on port %d", (*server)->port(),
                     (*server)->admin_port());

  const int signal_number = WaitForStopSignal(stop_signals);
  headliner::LogInfo("headliner", "signal %d, shutting down", signal_number);
  (*server)->Shutdown();
  headliner::LogInfo("headliner", "stopped cleanly");
  return 0;
}
