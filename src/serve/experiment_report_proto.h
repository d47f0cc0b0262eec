// Admin.ExperimentReport's answer: the experiments' readouts (experiment/experiment_report.h)
// from the stored sums of `tables`, as the wire messages.
#ifndef HEADLINER_SERVE_EXPERIMENT_REPORT_PROTO_H_
#define HEADLINER_SERVE_EXPERIMENT_REPORT_PROTO_H_

#include "absl/status/status.h"
#include "experiment/experiment_config.h"
#include "headliner/v1/admin.pb.h"
#include "store/tables.h"

namespace headliner {

// NOT_FOUND when `request` names an experiment neither the config nor the counts know.
absl::Status FillExperimentReport(const Tables& tables, const ExperimentsConfig& config,
                                  const v1::ExperimentReportRequest& request,
                                  v1::ExperimentReportResponse& response);

}  // namespace headliner

#endif  // HEADLINER_SERVE_EXPERIMENT_REPORT_PROTO_H_
