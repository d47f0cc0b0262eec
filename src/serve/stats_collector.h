// StatsCollector exports StatsReport's figures in Prometheus form at each scrape (a
// prometheus::Collectable registered with the exposer): nothing is counted twice and the request
// path does no work for it. Names follow the Prometheus conventions: a `headliner_` prefix, units
// in the name (_bytes, _seconds), `_total` on counters, and label sets bounded by the service's
// own vocabulary (cache, index, outcome, state, rejection reason, assigned partitions).
//
// While the engine is loading only `headliner_up` (0) and the build info are exported.
#ifndef HEADLINER_SERVE_STATS_COLLECTOR_H_
#define HEADLINER_SERVE_STATS_COLLECTOR_H_

#include <vector>

#include "headliner/v1/admin.pb.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "serve/stats_report.h"

namespace headliner {

class StatsCollector final : public prometheus::Collectable {
 public:
  // `report` must outlive this.
  explicit StatsCollector(const StatsReport& report) : report_(report) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const StatsReport& report_;
};

// The metric families of one report (StatsCollector's conversion, exposed for tests).
std::vector<prometheus::MetricFamily> MetricFamiliesOf(const v1::StatsResponse& stats);

}  // namespace headliner

#endif  // HEADLINER_SERVE_STATS_COLLECTOR_H_
