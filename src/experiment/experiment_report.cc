#include "experiment/experiment_report.h"

#include <set>

namespace headliner {

std::vector<ExperimentReportEntry> ReportExperiments(
    const ExperimentsConfig& config,
    const std::map<std::pair<std::string, std::string>, VariantTotals>& totals,
    const std::string& only) {
  std::vector<ExperimentReportEntry> out;
  std::set<std::string> configured;
  for (const ExperimentLayer& layer : config.layers) {
    for (const Experiment& e : layer.experiments) {
      configured.insert(e.key);
      if (!only.empty() && e.key != only) continue;
      std::vector<VariantReadout> variants;
      for (const ExperimentVariant& v : e.variants) {
        VariantReadout r;
        r.name = v.name;
        r.weight = v.weight;
        if (auto it = totals.find({e.key, v.name}); it != totals.end()) r.totals = it->second;
        variants.push_back(std::move(r));
      }
      out.push_back(
          {layer.name, e.running, true, ReadOutExperiment(e.key, std::move(variants), e.control)});
    }
  }
  // Counts of experiments since removed from the config: figures without a control.
  std::map<std::string, std::vector<VariantReadout>> orphans;
  for (const auto& [key, t] : totals) {
    if (configured.contains(key.first) || (!only.empty() && key.first != only)) continue;
    VariantReadout r;
    r.name = key.second;
    r.totals = t;
    orphans[key.first].push_back(std::move(r));
  }
  for (auto& [key, variants] : orphans) {
    out.push_back({"", false, false, ReadOutExperiment(key, std::move(variants), -1)});
  }
  return out;
}

}  // namespace headliner
