// headliner-cli: query and administer a running headliner server.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "cli/channel_credentials.h"
#include "cli/cli_commands.h"
#include "cli/experiment_commands.h"
#include "cli/kafka_commands.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

ABSL_FLAG(std::string, addr, "",
          "Server address of related (default $HEADLINER_ADDR or 127.0.0.1:50051).");
ABSL_FLAG(std::string, admin_addr, "",
          "Admin address of the other commands (default $HEADLINER_ADMIN_ADDR or "
          "127.0.0.1:50052).");
ABSL_FLAG(std::string, admin_token_file, "",
          "A file holding the bearer token Admin calls carry (default "
          "$HEADLINER_ADMIN_TOKEN_FILE; empty: none).");
ABSL_FLAG(std::string, tls_ca, "",
          "TLS: the CA that signed the server's certificate (default $HEADLINER_TLS_CA; all three "
          "empty: plaintext).");
ABSL_FLAG(std::string, tls_cert, "",
          "mTLS: this client's certificate (default $HEADLINER_TLS_CERT).");
ABSL_FLAG(std::string, tls_key, "", "mTLS: this client's key (default $HEADLINER_TLS_KEY).");
ABSL_FLAG(std::string, tls_server_name, "",
          "TLS: the name to check the server's certificate against, when the address is not it "
          "(default $HEADLINER_TLS_SERVER_NAME; e.g. a probe calling 127.0.0.1).");
ABSL_FLAG(int, limit, 0, "related: how many items (0: server default).");
ABSL_FLAG(bool, json, false, "Print JSON instead of a table.");
ABSL_FLAG(bool, explain, false, "related: show each feature's contribution.");
ABSL_FLAG(std::string, sections, "", "related: comma-separated sections to keep.");
ABSL_FLAG(std::string, languages, "", "related: comma-separated languages to keep.");
ABSL_FLAG(std::string, user, "", "related: user id.");
ABSL_FLAG(std::string, session, "", "related: session id.");
ABSL_FLAG(std::string, force_variant, "",
          "related: experiment:variant to rank with (QA; the experiments file must allow it).");
ABSL_FLAG(int, count, 3000, "sample: how many articles.");
ABSL_FLAG(uint64_t, seed, 42, "sample: random seed.");
ABSL_FLAG(int, span_hours, 72,
          "sample, simulate: publication times spread over this many hours before now.");
ABSL_FLAG(double, timeout_s, 10, "Deadline of each call, in seconds.");
ABSL_FLAG(std::string, topic, "", "produce: topic to publish to (articles, clicks, ...).");
ABSL_FLAG(std::string, brokers, "",
          "produce: Kafka bootstrap servers (default $HEADLINER_KAFKA_BROKERS, else the server's, "
          "else 127.0.0.1:9092).");
ABSL_FLAG(std::string, format, "protobuf", "produce: protobuf or json on the wire.");
ABSL_FLAG(bool, raw, false, "produce: send lines verbatim, unchecked (dead-letter testing).");
ABSL_FLAG(double, rate, 0, "produce: messages per second, paced evenly (0: as fast as possible).");
ABSL_FLAG(std::string, kind, "", "produce: article or click (default: from the topic name).");
ABSL_FLAG(int, max, 1000000, "consume: stop after this many messages.");
ABSL_FLAG(double, idle_s, 3, "consume: stop after this many seconds without a message.");
ABSL_FLAG(double, as_of, 0, "activity: decay popularity to this Unix time (seconds).");
ABSL_FLAG(std::string, uci, "", "simulate: UCI News CSV to use as the catalog.");
ABSL_FLAG(int, sessions, 1000, "simulate: how many reader sessions.");
ABSL_FLAG(uint64_t, click_seed, 7, "simulate: random seed of the click stream.");
ABSL_FLAG(double, span_h, 24,
          "simulate: hours covered by the clicks (ending at the newest article).");

namespace {

constexpr char kUsage[] =
    "Usage: headliner-cli [flags] COMMAND [ARG]\n"
    "Commands:\n"
    "Commands other than related and health call the Admin service (--admin_addr).\n"
    "  health [SERVICE]   the health of the public port (--addr): SERVING exits 0\n"
    "  related ID [--limit N] [--json] [--explain] [--sections a,b] [--user U]\n"
    "             [--session S] [--force_variant experiment:variant]\n"
    "  load FILE          upsert articles from JSON lines (one headliner.v1.Article per line; '-': "
    "stdin)\n"
    "  get ID             print a stored article\n"
    "  delete ID          delete an article\n"
    "  stats              print server statistics\n"
    "  checkpoint DIR     write a checkpoint a new replica can start from (DIR: an absolute path\n"
    "                     on the server's machine that does not exist yet; its deadline is\n"
    "                     10 minutes unless --timeout_s is given)\n"
    "  experiments report [KEY]  exposures, clicks and CTR per variant with their statistics\n"
    "  sample [--count N] [--span_hours H] write a synthetic catalog as JSON lines to stdout\n"
    "  produce --topic T [--rate N] FILE   publish JSON lines (Article or ClickEvent) to Kafka\n"
    "                     ('-': stdin), at N per second if given\n"
    "  consume --topic T  print a topic's messages (e.g. a dead-letter topic) as JSON lines\n"
    "  activity ID...     click counts and popularity of articles (and --sections)\n"
    "  simulate [--count N --seed S --span_hours H | --uci CSV] [--sessions N]\n"
    "                     write a simulated click stream over that catalog as JSON lines\n";

// A flag's value, else the environment variable's, else empty.
std::string FlagOrEnv(const std::string& flag, const char* variable) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv(variable);
  return env != nullptr ? env : "";
}

std::vector<std::string> SplitList(const std::string& s) {
  if (s.empty()) return {};
  return absl::StrSplit(s, ',', absl::SkipEmpty());
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = args[1];
  const std::string arg = args.size() > 2 ? args[2] : "";

  if (command == "sample") {
    return headliner::RunSample(absl::GetFlag(FLAGS_count), absl::GetFlag(FLAGS_seed),
                                absl::Hours(absl::GetFlag(FLAGS_span_hours)));
  }
  if (command == "simulate") {
    headliner::SimulateOptions sim;
    sim.uci_path = absl::GetFlag(FLAGS_uci);
    sim.sample_count = absl::GetFlag(FLAGS_count);
    sim.sample_seed = absl::GetFlag(FLAGS_seed);
    sim.sample_span = absl::Hours(absl::GetFlag(FLAGS_span_hours));
    sim.sessions = absl::GetFlag(FLAGS_sessions);
    sim.seed = absl::GetFlag(FLAGS_click_seed);
    sim.span = absl::Hours(absl::GetFlag(FLAGS_span_h));
    return headliner::RunSimulate(sim);
  }

  if (command == "consume") {
    return headliner::RunConsume(absl::GetFlag(FLAGS_brokers), absl::GetFlag(FLAGS_topic),
                                 absl::GetFlag(FLAGS_max),
                                 absl::Seconds(absl::GetFlag(FLAGS_idle_s)));
  }

  headliner::CliOptions options;
  options.addr = FlagOrEnv(absl::GetFlag(FLAGS_addr), "HEADLINER_ADDR");
  if (options.addr.empty()) options.addr = "127.0.0.1:50051";
  std::string admin_addr = FlagOrEnv(absl::GetFlag(FLAGS_admin_addr), "HEADLINER_ADMIN_ADDR");
  if (admin_addr.empty()) admin_addr = "127.0.0.1:50052";
  options.timeout = absl::Seconds(absl::GetFlag(FLAGS_timeout_s));
  options.json = absl::GetFlag(FLAGS_json);
  options.limit = absl::GetFlag(FLAGS_limit);
  options.explain = absl::GetFlag(FLAGS_explain);
  options.sections = SplitList(absl::GetFlag(FLAGS_sections));
  options.languages = SplitList(absl::GetFlag(FLAGS_languages));
  options.user_id = absl::GetFlag(FLAGS_user);
  options.session_id = absl::GetFlag(FLAGS_session);
  options.force_variant = absl::GetFlag(FLAGS_force_variant);

  auto credentials = headliner::MakeChannelCredentials(
      FlagOrEnv(absl::GetFlag(FLAGS_tls_ca), "HEADLINER_TLS_CA"),
      FlagOrEnv(absl::GetFlag(FLAGS_tls_cert), "HEADLINER_TLS_CERT"),
      FlagOrEnv(absl::GetFlag(FLAGS_tls_key), "HEADLINER_TLS_KEY"));
  if (!credentials.ok()) {
    std::fprintf(stderr, "%s\n", std::string(credentials.status().message()).c_str());
    return 2;
  }
  grpc::ChannelArguments channel_args;
  const std::string server_name =
      FlagOrEnv(absl::GetFlag(FLAGS_tls_server_name), "HEADLINER_TLS_SERVER_NAME");
  if (!server_name.empty()) channel_args.SetSslTargetNameOverride(server_name);
  auto channel = grpc::CreateCustomChannel(options.addr, *credentials, channel_args);
  auto admin = headliner::MakeAdminChannel(
      admin_addr, *credentials,
      FlagOrEnv(absl::GetFlag(FLAGS_admin_token_file), "HEADLINER_ADMIN_TOKEN_FILE"), channel_args);
  if (!admin.ok()) {
    std::fprintf(stderr, "%s\n", std::string(admin.status().message()).c_str());
    return 2;
  }
  const bool needs_arg = command == "related" || command == "load" || command == "get" ||
                         command == "delete" || command == "produce" || command == "checkpoint";
  if (needs_arg && arg.empty()) {
    std::fprintf(stderr, "%s needs an argument\n%s", command.c_str(), kUsage);
    return 2;
  }
  if (command == "related") return headliner::RunRelated(channel, options, arg);
  if (command == "health") return headliner::RunHealth(channel, options, arg);
  if (command == "load") return headliner::RunLoad(*admin, options, arg);
  if (command == "get") return headliner::RunGet(*admin, options, arg);
  if (command == "delete") return headliner::RunDelete(*admin, options, arg);
  if (command == "stats") return headliner::RunStats(*admin, options);
  if (command == "checkpoint") {
    // A flush and two index snapshots: far longer than a query at a large catalog.
    if (absl::GetFlag(FLAGS_timeout_s) == 10) options.timeout = absl::Minutes(10);
    return headliner::RunCheckpoint(*admin, options, arg);
  }
  if (command == "experiments") {
    if (arg != "report") {
      std::fprintf(stderr, "experiments: the subcommand is report\n%s", kUsage);
      return 2;
    }
    return headliner::RunExperimentsReport(*admin, options, args.size() > 3 ? args[3] : "");
  }
  if (command == "activity") {
    std::vector<std::string> ids(args.begin() + 2, args.end());
    const double as_of = absl::GetFlag(FLAGS_as_of);
    return headliner::RunActivity(
        *admin, options, ids,
        as_of > 0
            ? std::optional<absl::Time>(absl::FromUnixMicros(static_cast<int64_t>(as_of * 1e6)))
            : std::nullopt);
  }
  if (command == "produce") {
    headliner::ProduceOptions produce;
    produce.topic = absl::GetFlag(FLAGS_topic);
    produce.brokers = absl::GetFlag(FLAGS_brokers);
    produce.format = absl::GetFlag(FLAGS_format);
    produce.raw = absl::GetFlag(FLAGS_raw);
    produce.kind = absl::GetFlag(FLAGS_kind);
    produce.rate = absl::GetFlag(FLAGS_rate);
    return headliner::RunProduce(*admin, produce, arg);
  }
  std::fprintf(stderr, "unknown command %s\n%s", command.c_str(), kUsage);
  return 2;
}
