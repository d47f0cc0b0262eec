#include "cli/experiment_commands.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/rpc_output.h"
#include "cli/table_printer.h"
#include "headliner/v1/admin.grpc.pb.h"

namespace headliner {
namespace {

std::string Percent(double v) { return absl::StrFormat("%.2f%%", 100 * v); }

std::string Interval(double low, double high) {
  return absl::StrFormat("[%s, %s]", Percent(low), Percent(high));
}

// Which team readers preferred, per impression with clicks.
void PrintInterleaving(const v1::InterleavingReport& r) {
  const std::string a = r.variant_a().empty() ? "team A" : "A: " + r.variant_a();
  const std::string b = r.variant_b().empty() ? "team B" : "B: " + r.variant_b();
  TablePrinter table({"impressions with clicks", "wins " + a, "wins " + b, "ties", "clicks A",
                      "clicks B", "preference for B", "sign-test p"},
                     {0, 0, 0, 0, 0, 0, 0, 0});
  table.AddRow({absl::StrCat(r.impressions_with_clicks()), absl::StrCat(r.wins_a()),
                absl::StrCat(r.wins_b()), absl::StrCat(r.ties()), absl::StrCat(r.clicks_a()),
                absl::StrCat(r.clicks_b()), absl::StrFormat("%+.4f", r.preference_b()),
                absl::StrFormat("%.4f", r.p_value())});
  table.Print(stdout);
}

void PrintExperiment(const v1::ExperimentReport& e) {
  std::printf("%s%s%s\n", e.experiment().c_str(),
              e.layer().empty() ? "" : absl::StrCat(" (layer ", e.layer(), ")").c_str(),
              !e.in_config() ? ": not in the config in force"
              : e.running()  ? ""
                             : ": stopped");
  TablePrinter table({"variant", "weight", "units", "impressions", "clicks", "CTR", "95% CI",
                      "lift", "lift 95% CI", "p", "always-valid p"},
                     {24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  for (const v1::VariantReport& v : e.variants()) {
    const bool c = v.compared();
    table.AddRow({v.variant() + (v.control() ? " (control)" : ""),
                  absl::StrFormat("%.2f", v.weight()), absl::StrCat(v.units()),
                  absl::StrCat(v.impressions()), absl::StrCat(v.clicks()), Percent(v.ctr()),
                  Interval(v.ctr_low(), v.ctr_high()), c ? Percent(v.lift()) : "",
                  c ? Interval(v.lift_low(), v.lift_high()) : "",
                  c ? absl::StrFormat("%.4f", v.p_value()) : "",
                  c ? absl::StrFormat("%.4f", v.always_valid_p_value()) : ""});
  }
  table.Print(stdout);
  if (e.has_interleaving()) PrintInterleaving(e.interleaving());
  if (e.srm_warning()) {
    std::printf(
        "WARNING: sample ratio mismatch (p = %.2g): the units do not split as the weights "
        "say; do not trust these figures until the cause is found\n",
        e.srm_p_value());
  }
  std::printf("\n");
}

}  // namespace

int RunExperimentsReport(const std::shared_ptr<grpc::Channel>& channel, const CliOptions& options,
                         const std::string& experiment) {
  auto stub = v1::Admin::NewStub(channel);
  v1::ExperimentReportRequest request;
  request.set_experiment(experiment);
  v1::ExperimentReportResponse response;
  grpc::ClientContext context;
  SetDeadline(context, options);
  grpc::Status status = stub->ExperimentReport(&context, request, &response);
  if (!status.ok()) return Fail("experiments report", status);
  if (options.json) {
    std::printf("%s\n", ToJson(response, true).c_str());
    return 0;
  }
  if (response.experiments().empty()) std::printf("no experiments\n");
  for (const v1::ExperimentReport& e : response.experiments()) PrintExperiment(e);
  for (const auto& [reason, n] : response.unattributed_clicks()) {
    std::printf("clicks not attributed (%s): %llu\n", reason.c_str(),
                static_cast<unsigned long long>(n));
  }
  return 0;
}

}  // namespace headliner
