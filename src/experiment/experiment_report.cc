#include "experiment/experiment_report.h"

#include <set>
#include <utility>

namespace headliner {

namespace {

// An interleaving experiment: one variant row for its mixed lists, and the teams' preference.
ExperimentReportEntry ReportInterleaving(
    const ExperimentLayer& layer, const Experiment& e,
    const std::map<std::pair<std::string, std::string>, VariantTotals>& totals,
    const std::map<std::string, InterleavingTotals>& interleaving) {
  VariantReadout mixed;
  mixed.name = kInterleavedVariant;
  mixed.weight = 1;
  if (auto it = totals.find({e.key, mixed.name}); it != totals.end()) mixed.totals = it->second;
  ExperimentReportEntry entry{layer.name, e.running, true, ReadOutExperiment(e.key, {mixed}, -1),
                              std::nullopt};
  InterleavingTotals sums;
  if (auto it = interleaving.find(e.key); it != interleaving.end()) sums = it->second;
  entry.interleaving =
      ReadOutInterleaving(e.variants[e.control].name, e.variants[1 - e.control].name, sums);
  return entry;
}

}  // namespace

std::vector<ExperimentReportEntry> ReportExperiments(
    const ExperimentsConfig& config,
    const std::map<std::pair<std::string, std::string>, VariantTotals>& totals,
    const std::map<std::string, InterleavingTotals>& interleaving, const std::string& only) {
  std::vector<ExperimentReportEntry> out;
  std::set<std::string> configured;
  for (const ExperimentLayer& layer : config.layers) {
    for (const Experiment& e : layer.experiments) {
      configured.insert(e.key);
      if (!only.empty() && e.key != only) continue;
      if (e.interleave) {
        out.push_back(ReportInterleaving(layer, e, totals, interleaving));
        continue;
      }
      std::vector<VariantReadout> variants;
      for (const ExperimentVariant& v : e.variants) {
        VariantReadout r;
        r.name = v.name;
        r.weight = v.weight;
        if (auto it = totals.find({e.key, v.name}); it != totals.end()) r.totals = it->second;
        variants.push_back(std::move(r));
      }
      out.push_back({layer.name, e.running, true,
                     ReadOutExperiment(e.key, std::move(variants), e.control), std::nullopt});
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
    out.push_back(
        {"", false, false, ReadOutExperiment(key, std::move(variants), -1), std::nullopt});
    if (auto it = interleaving.find(key); it != interleaving.end()) {
      out.back().interleaving = ReadOutInterleaving("", "", it->second);  // names unknown now
    }
  }
  return out;
}

}  // namespace headliner
