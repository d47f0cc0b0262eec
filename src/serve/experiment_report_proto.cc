#include "serve/experiment_report_proto.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "experiment/experiment_report.h"

namespace headliner {
namespace {

void ToProto(const VariantReadout& v, v1::VariantReport& out) {
  out.set_variant(v.name);
  out.set_control(v.control);
  out.set_weight(v.weight);
  out.set_units(v.totals.units);
  out.set_impressions(v.totals.impressions);
  out.set_clicks(v.totals.clicks);
  out.set_ctr(v.ctr);
  out.set_ctr_low(v.ctr_low);
  out.set_ctr_high(v.ctr_high);
  out.set_compared(v.compared);
  if (!v.compared) return;
  out.set_lift(v.lift);
  out.set_lift_low(v.lift_low);
  out.set_lift_high(v.lift_high);
  out.set_p_value(v.p_value);
  out.set_always_valid_p_value(v.always_valid_p_value);
}

void ToProto(const InterleavingReadout& r, v1::InterleavingReport& out) {
  out.set_variant_a(r.variant_a);
  out.set_variant_b(r.variant_b);
  out.set_impressions_with_clicks(r.totals.impressions_with_clicks);
  out.set_wins_a(r.totals.wins_a);
  out.set_wins_b(r.totals.wins_b);
  out.set_ties(r.totals.ties);
  out.set_clicks_a(r.totals.clicks_a);
  out.set_clicks_b(r.totals.clicks_b);
  out.set_preference_b(r.preference_b);
  out.set_p_value(r.p_value);
}

}  // namespace

absl::Status FillExperimentReport(const Tables& tables, const ExperimentsConfig& config,
                                  const v1::ExperimentReportRequest& request,
                                  v1::ExperimentReportResponse& response) {
  ASSIGN_OR_RETURN(const auto totals, tables.experiments().AllTotals());
  ASSIGN_OR_RETURN(const auto interleaving, tables.interleaving().AllTotals());
  const std::vector<ExperimentReportEntry> entries =
      ReportExperiments(config, totals, interleaving, request.experiment());
  if (!request.experiment().empty() && entries.empty()) {
    return absl::NotFoundError(absl::StrCat("no experiment \"", request.experiment(), "\""));
  }
  for (const ExperimentReportEntry& e : entries) {
    v1::ExperimentReport& out = *response.add_experiments();
    out.set_experiment(e.readout.key);
    out.set_layer(e.layer);
    out.set_running(e.running);
    out.set_in_config(e.in_config);
    out.set_srm_p_value(e.readout.srm_p_value);
    out.set_srm_warning(e.readout.srm_warning);
    for (const VariantReadout& v : e.readout.variants) ToProto(v, *out.add_variants());
    if (e.interleaving) ToProto(*e.interleaving, *out.mutable_interleaving());
  }
  ASSIGN_OR_RETURN(const auto unattributed, tables.experiments().Unattributed());
  for (const auto& [reason, n] : unattributed)
    (*response.mutable_unattributed_clicks())[reason] = n;
  return absl::OkStatus();
}

}  // namespace headliner
